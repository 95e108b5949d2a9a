"""The monthly monitoring report (监测报告): each cell against counts made by hand, the spreadsheet against the
report, and the report's scope."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.monitoring import reports
from minzheng.monitoring.enums import AlertCategory, AlertOutcome, AlertStatus
from minzheng.monitoring.models import Alert
from minzheng.monitoring.tests.test_alerts import make_run
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)
D = dt.date


def alert(run, *, area, rule, created, due, closed=None, outcome=""):
    item = Alert.objects.create(
        rule_code=rule, rule_version=1, category=AlertCategory.INELIGIBILITY,
        dedupe_key=hashlib.sha256(f"{area}{rule}{created}{due}{closed}{outcome}".encode()).hexdigest(),
        person_key="k", area_id=area, summary=f"{rule} 测试", raised_in=run, last_seen_in=run,
        status=AlertStatus.CLOSED if closed else AlertStatus.RAISED, due_on=due, closed_on=closed, outcome=outcome)
    moment = timezone.make_aware(dt.datetime.combine(created, dt.time(10, 0)))
    Alert.objects.filter(pk=item.pk).update(created_at=moment)
    return item


@pytest.fixture
def march(users):
    """Alerts around March 2026 in 甲镇 (甲一村, 甲二村) and 乙镇 (乙一村), rules r1 and r2 (see each line)."""
    run = make_run(users["district_admin"])
    a1, a2, b1 = f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1
    # raised in March, closed in March as 纳入救助
    alert(run, area=a1, rule="r1", created=D(2026, 3, 5), due=D(2026, 3, 19), closed=D(2026, 3, 20),
          outcome=AlertOutcome.INCLUDE_AID)
    # raised in March, still open, due 24 March: overdue at the end of March
    alert(run, area=a1, rule="r1", created=D(2026, 3, 10), due=D(2026, 3, 24))
    # raised in February, closed in March as 不属实
    alert(run, area=a2, rule="r2", created=D(2026, 2, 10), due=D(2026, 2, 24), closed=D(2026, 3, 3),
          outcome=AlertOutcome.UNFOUNDED)
    # raised in February, still open, due 6 March: overdue
    alert(run, area=a2, rule="r2", created=D(2026, 2, 20), due=D(2026, 3, 6))
    # raised in March, open, due in April: not overdue
    alert(run, area=b1, rule="r1", created=D(2026, 3, 25), due=D(2026, 4, 8))
    # raised in March, due 16 March, closed only on 2 April as 已帮扶: overdue at the end of March, not closed in it
    alert(run, area=b1, rule="r1", created=D(2026, 3, 2), due=D(2026, 3, 16), closed=D(2026, 4, 2),
          outcome=AlertOutcome.HELPED)
    # raised in April: not in the March report
    alert(run, area=a1, rule="r1", created=D(2026, 4, 2), due=D(2026, 4, 16))
    # raised and closed in January: not in the March report
    alert(run, area=b1, rule="r2", created=D(2026, 1, 5), due=D(2026, 1, 19), closed=D(2026, 1, 20),
          outcome=AlertOutcome.UNFOUNDED)
    return run


def cells(report):
    return {(row.kind, row.area_name, row.rule_code): (row.raised, row.closed_list, row.overdue)
            for row in report.rows}


def test_march_report_cells_match_the_hand_counts(users, march):
    report = reports.monitoring_report(user=users["district_admin"], year=2026, month=3, today=TODAY)
    assert report.as_of == D(2026, 3, 31)
    # closed_list is in the order 纳入救助, 调整/停发, 不属实, 已帮扶
    assert cells(report) == {
        ("detail", "甲镇", "r1"): (2, [1, 0, 0, 0], 1),
        ("detail", "甲镇", "r2"): (0, [0, 0, 1, 0], 1),
        ("subtotal", "甲镇", ""): (2, [1, 0, 1, 0], 2),
        ("detail", "乙镇", "r1"): (2, [0, 0, 0, 0], 1),
        ("subtotal", "乙镇", ""): (2, [0, 0, 0, 0], 1),
        ("total", "合计", ""): (4, [1, 0, 1, 0], 3),
    }
    assert [row.kind for row in report.rows] == ["detail", "detail", "subtotal", "detail", "subtotal", "total"]
    assert report.total.closed_total == 2


def test_report_cells_equal_independent_orm_counts(users, march):
    """Each detail cell equals a count made with plain ORM filters on the alerts of its town and rule."""
    report = reports.monitoring_report(user=users["district_admin"], year=2026, month=3, today=TODAY)
    start, end = D(2026, 3, 1), D(2026, 3, 31)
    for row in report.rows:
        if row.kind != "detail":
            continue
        qs = Alert.objects.filter(area__code__startswith=row.area_code[:9], rule_code=row.rule_code)
        raised = sum(1 for a in qs if start <= timezone.localtime(a.created_at).date() <= end)
        assert row.raised == raised
        for outcome in reports.OUTCOMES:
            assert row.closed[outcome] == qs.filter(outcome=outcome, closed_on__range=(start, end)).count()
        overdue = sum(1 for a in qs if timezone.localtime(a.created_at).date() <= end and a.due_on < end
                      and (a.closed_on is None or a.closed_on > end))
        assert row.overdue == overdue


def test_current_month_counts_overdue_up_to_today(users, march):
    report = reports.monitoring_report(user=users["district_admin"], year=2026, month=4, today=TODAY)
    assert report.as_of == TODAY
    total = report.total
    # April: one alert raised (甲一村, due 16 April, not yet overdue); one closed (已帮扶 on 2 April); overdue on
    # 15 April: the March alert due 24 March and the February one due 6 March (the one due 8 April too).
    assert (total.raised, total.closed_list, total.overdue) == (1, [0, 0, 0, 1], 3)


def test_a_towns_report_is_per_village_and_only_its_own(users, march):
    report = reports.monitoring_report(user=users["town_a"], year=2026, month=3, today=TODAY)
    assert {row.area_name for row in report.rows if row.kind == "subtotal"} == {"甲一村", "甲二村"}
    assert (report.total.raised, report.total.closed_total, report.total.overdue) == (2, 2, 2)
    village = reports.monitoring_report(user=users["village_b1"], year=2026, month=3, today=TODAY)
    assert (village.total.raised, village.total.overdue) == (2, 1)


def test_spreadsheet_carries_the_report(users, march):
    report = reports.monitoring_report(user=users["district_admin"], year=2026, month=3, today=TODAY)
    sheet = load_workbook(BytesIO(reports.monitoring_report_xlsx(report, generated_by="管理员"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026年3月" in rows[0][0]
    header = rows[2]
    assert header[:4] == ("乡镇（街道）", "预警规则", "规则代码", "新增预警")
    assert header[4:8] == ("办结·纳入救助", "办结·调整/停发", "办结·不属实", "办结·已帮扶")
    body = rows[3:]
    assert len(body) == len(report.rows)
    assert body[-1] == ("合计", None, None, 4, 1, 0, 1, 0, 2, 3)
    assert body[0][:4] == ("甲镇", "r1", "r1", 2)


def test_report_xlsx_download(client, users, march):
    client.force_login(users["town_a"])
    response = client.get(reverse("monitoring:report_xlsx"), {"month": "2026-03"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "村（社区）"
    assert {r[0] for r in rows[3:]} >= {"甲一村", "甲二村", "合计"}
