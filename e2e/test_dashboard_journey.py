"""The district approver's first look: the dashboard counts the whole district, town by town."""

from __future__ import annotations

import datetime as dt

from e2e.helpers import assert_styled
from minzheng.areas.models import Area
from minzheng.registry.models import Household, Person


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def test_district_approver_sees_counts_for_the_whole_district(page, login, shot):
    """Given the demo district, when 赵审批 (区级审批) signs in, then each dashboard card counts the whole
    district, and the per-town table lists the three towns adding up to the district's totals."""
    today = dt.date.today()
    living = Person.objects.filter(death_date__isnull=True)
    expected = {
        "户籍人口（在世）": living.count(),
        "家庭户数": Household.objects.filter(is_active=True).count(),
        "80周岁以上老人": living.filter(birth_date__lte=_years_ago(today, 80)).count(),
        "未成年人": living.filter(birth_date__gt=_years_ago(today, 18)).count(),
        "持证残疾人": living.exclude(disability_kind="").count(),
        "已故（留档）": Person.objects.filter(death_date__isnull=False).count(),
    }
    towns = list(Area.objects.filter(level="town").order_by("code").values_list("name", flat=True))
    assert all(expected.values()), expected

    login(page, "qu_shenpi")
    assert_styled(page)
    assert page.get_by_test_id("shell-role").inner_text() == "区级审批"
    assert page.get_by_test_id("shell-area").inner_text() == "毛集实验区（演示）"
    assert f"{today.year}年{today.month}月{today.day}日" in page.locator("main").inner_text()
    shown = {}
    for label in expected:
        card = page.get_by_test_id("dashboard-counts").locator(".card").filter(
            has=page.locator(".mz-stat-label", has_text=label))
        shown[label] = _number(card.locator(".mz-stat-value").inner_text())
    assert shown == expected

    rows = page.locator("main table tbody tr")
    assert rows.count() == len(towns) == 3
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert [row[0] for row in cells] == towns
    assert sum(_number(row[2]) for row in cells) == expected["户籍人口（在世）"], "each living person in one town"
    assert sum(_number(row[3]) for row in cells) == expected["家庭户数"]
    shot(page, "dashboard-01-district-approver")
