"""A village worker's day in the registry: find a villager by pinyin initials, open the person and the
household, fail to open someone from another village, sign out."""

from __future__ import annotations

import re

from e2e.helpers import MAOJI_VILLAGE, assert_styled, person_outside, searchable_villager
from minzheng.audit.models import AccessLog


def test_village_worker_finds_a_villager_by_initials_and_cannot_reach_another_village(page, login, logout, shot):
    """Given the demo district and 陈经办 of 毛集村, when she searches a villager by pinyin initials, opens the
    person, their household and its 变更记录 tab, and then types the address of a person from another village,
    then the search finds the villager, both records open with the right tab marked, the other village's
    person is "页面不存在" and leaves no access-log row, and signing out returns to the login page."""
    person, initials, found = searchable_villager(username="cun_maoji")
    household_number = person.memberships.get(ended_on__isnull=True).household.number
    outsider = person_outside(MAOJI_VILLAGE)

    page.goto("/accounts/login/")
    assert_styled(page)
    shot(page, "registry-01-login")

    login(page, "cun_maoji")
    assert page.get_by_test_id("shell-area").inner_text() == "毛集村"
    assert_styled(page)
    shot(page, "registry-02-dashboard")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="人员").click()
    page.get_by_test_id("person-table").wait_for()
    assert person.name not in page.get_by_test_id("person-link").all_inner_texts()
    shot(page, "registry-03-person-list")

    with page.expect_response(lambda r: "/registry/persons/" in r.url and f"q={initials}" in r.url
                              and r.request.headers.get("hx-request") == "true") as searched:
        page.get_by_test_id("search-input").press_sequentially(initials, delay=50)
    assert searched.value.ok
    total = page.get_by_test_id("list-total")
    total.filter(has_text=f"共 {found} 条").wait_for()
    rows = page.get_by_test_id("person-link")
    assert rows.count() == found
    assert person.name in rows.all_inner_texts()
    assert f"q={initials}" in page.url, "the search is pushed to the address bar so it survives a reload"
    shot(page, "registry-04-search-initials")

    page.locator(f'a[data-testid="person-link"][href$="/{person.pk}/"]').click()
    page.get_by_test_id("person-name").filter(has_text=person.name).wait_for()
    assert "*" in page.get_by_test_id("person-id").inner_text(), "the ID number is shown masked"
    shot(page, "registry-05-person")

    page.get_by_test_id("person-household-link").click()
    page.get_by_test_id("household-title").filter(has_text=household_number).wait_for()
    assert person.name in page.get_by_test_id("member-table").inner_text()
    shot(page, "registry-06-household")
    page.get_by_role("link", name="变更记录").click()
    page.get_by_test_id("history-table").wait_for()
    assert page.locator(".nav-tabs .nav-link.active").all_inner_texts() == ["变更记录"]
    assert "tab=history" in page.url
    shot(page, "registry-07-household-history")

    response = page.goto(f"/registry/persons/{outsider.pk}/")
    assert response.status == 404
    assert page.get_by_test_id("error-title").inner_text() == "页面不存在"
    assert outsider.name not in page.content()
    shot(page, "registry-08-other-village-404")
    assert not AccessLog.objects.filter(object_id=str(outsider.pk)).exists(), "a refused read logs no access"

    logout(page)
    assert re.search(r"/accounts/login/", page.url)
    assert page.get_by_test_id("logout").count() == 0
    shot(page, "registry-09-logged-out")
