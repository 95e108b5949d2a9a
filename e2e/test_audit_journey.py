"""What the auditor sees after a village worker reads a person's record."""

from __future__ import annotations

from e2e.helpers import searchable_villager
from minzheng.audit.models import AccessLog


def test_auditor_sees_the_access_log_row_of_a_village_workers_read(page, login, logout, shot):
    """Given 陈经办 opens a villager's record and signs out, when 李审计 signs in and opens 审计日志 → 访问日志,
    then the first row names 陈经办 and that person."""
    person, _, _ = searchable_villager(username="cun_maoji")

    login(page, "cun_maoji")
    page.goto(f"/registry/persons/{person.pk}/")
    page.get_by_test_id("person-name").filter(has_text=person.name).wait_for()
    logout(page)
    row = AccessLog.objects.get(object_id=str(person.pk), actor__username="cun_maoji")
    assert row.action == "view_detail"

    login(page, "shenji")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click()
    page.get_by_test_id("event-table").wait_for()
    shot(page, "audit-01-events")
    page.get_by_test_id("tab-access").click()
    table = page.get_by_test_id("access-table")
    table.wait_for()
    first = table.locator("tbody tr").first
    assert "陈经办" in first.inner_text()
    assert person.name in first.inner_text()
    shot(page, "audit-02-access-log")
