"""A village worker registers a newcomer and mistypes the ID number first."""

from __future__ import annotations

import datetime as dt
import re

from e2e.helpers import MAOJI_VILLAGE
from minzheng.core.identifiers import make_id_number
from minzheng.registry.models import Person

NAME = "欧阳晓春"


def _unused_id_number() -> str:
    for sequence in range(100, 1000, 2):
        number = make_id_number("340471", dt.date(1988, 6, 15), sequence, male=False)
        if not Person.objects.by_id_number(number).exists():
            return number
    raise AssertionError("no free ID number")


def test_village_worker_fixes_a_mistyped_id_number_and_lands_on_the_new_person(page, login, shot):
    """Given 陈经办 on 登记人员, when she submits an ID number with a wrong check digit, then the ID field shows a
    Chinese error and nothing is saved; when she corrects it, then the person is saved in 毛集村 and their page
    opens with the sex and birth date read from the number, its change log naming her as the one who
    registered them."""
    good = _unused_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    login(page, "cun_maoji")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="人员").click()
    page.get_by_role("link", name="登记人员").click()
    page.get_by_test_id("form-submit").wait_for()
    shot(page, "register-01-empty-form")

    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("身份证号码").fill(bad)
    page.get_by_label("户籍地（村/社区）").select_option(MAOJI_VILLAGE)
    page.get_by_label("居住地（村/社区）").select_option(MAOJI_VILLAGE)
    page.get_by_label("居住地址").fill("毛集村3组18号")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_test_id("form-submit").click()

    error = page.get_by_test_id("field-error-id_number")
    error.wait_for()
    assert "校验位" in error.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", error.inner_text())
    assert page.get_by_label("姓名").input_value() == NAME, "the rest of the form is kept"
    assert not Person.objects.filter(name=NAME).exists()
    shot(page, "register-02-bad-id-number")

    page.get_by_label("身份证号码").fill(good)
    page.get_by_test_id("form-submit").click()
    page.get_by_test_id("person-name").filter(has_text=NAME).wait_for()
    person = Person.objects.get(name=NAME)
    assert page.url.rstrip("/").endswith(str(person.pk))
    assert person.hukou_area_id == MAOJI_VILLAGE and person.sex == "F"
    assert f"已登记人员：{NAME}" in page.get_by_role("alert").inner_text()
    assert "1988年6月15日" in page.locator("main").inner_text()
    assert good not in page.content(), "the new person's ID number is shown masked"
    shot(page, "register-03-saved")

    with page.expect_response(lambda r: "tab=history" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_role("link", name="变更记录").click()
    history = page.get_by_test_id("history-table")
    history.wait_for()
    active = page.locator(".nav-tabs .nav-link.active")
    assert active.all_inner_texts() == ["变更记录"], "the tab shown is the tab marked active"
    assert "陈经办" in history.locator("tbody tr").first.inner_text()
    shot(page, "register-04-history")
