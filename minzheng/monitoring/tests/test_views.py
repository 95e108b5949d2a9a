"""The monitoring pages: the dashboard and its JSON, alert list and detail (scoping, masking, the access log, the
evidence read back from the lake), the alert actions through the page, comparison runs started and recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minzheng.assistance.models import ApplicationStatus
from minzheng.audit.models import AccessLog
from minzheng.core.masking import mask_name
from minzheng.jobs.models import Job
from minzheng.monitoring import alerts
from minzheng.monitoring.enums import AlertOutcome, AlertStatus, MonitoringRunStatus
from minzheng.monitoring.models import Alert
from minzheng.monitoring.tests.test_alerts import enroll, make_run, monitoring_parameters, row  # noqa: F401
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monitoring_parameters")]

TODAY = timezone.localdate()


@pytest.fixture
def lake(settings, tmp_path):
    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    return settings.MINZHENG_LAKE_DIR


@pytest.fixture
def family(users):
    head = f.make_person(name="刘一", birth=dt.date(1975, 3, 1))
    son = f.make_person(name="刘小", birth=dt.date(2010, 5, 1))
    household = f.make_household(head=head, members=[(son, Relation.CHILD)])
    return household, head, son


def raise_for(users, person, **kwargs) -> Alert:
    run = make_run(users["district_admin"], as_of=TODAY)
    alerts.materialize(run, [row(person, **kwargs)], today=TODAY)
    return Alert.objects.get(person=person, rule_code=kwargs.get("rule", "test_vehicle"))


@pytest.fixture
def two_alerts(users, family):
    """One alert in 甲一村 (刘一) and one in 乙一村 (钱三)."""
    _, head, _ = family
    here = raise_for(users, head)
    there = raise_for(users, f.make_person(name="钱三", area=f.VILLAGE_B1), rule="other_rule")
    return here, there


# --- Dashboard and report data ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["village_a1", "town_a", "district_admin", "district_approver", "leader"])
def test_dashboard_opens_for_every_monitoring_role(login, users, two_alerts, name):
    response = login(users[name]).get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "监测预警" in body and 'data-chart="areas"' in body and "echarts.min.js" in body
    # No inline script (CSP): the charts' figures are a JSON data block, the same JSON report_data answers.
    assert "<script>" not in body and '<script id="mz-monitoring-data" type="application/json">' in body


@pytest.mark.parametrize("name", ["auditor", "security_admin", "system_admin", "finance"])
def test_monitoring_pages_are_closed_to_other_roles(login, users, name):
    client = login(users[name])
    for url in (reverse("monitoring:dashboard"), reverse("monitoring:alert_list"), reverse("monitoring:run_list"),
                reverse("monitoring:report_data"), reverse("monitoring:report_xlsx")):
        assert client.get(url).status_code == 403, url


def test_report_data_counts_the_users_area(login, users, two_alerts):
    data = login(users["district_admin"]).get(reverse("monitoring:report_data")).json()
    assert data["kpis"] == {"total": 2, "open": 2, "overdue": 0, "unassigned": 2, "closed": 0}
    assert data["areas"]["names"] == ["甲镇", "乙镇"] and data["areas"]["open"] == [1, 1]
    assert {r["code"] for r in data["rules"]} == {"test_vehicle", "other_rule"}
    assert data["month"]["raised"] == [1, 1]
    town = login(users["town_a"]).get(reverse("monitoring:report_data")).json()
    assert town["kpis"]["total"] == 1 and town["areas"]["names"] == ["甲一村", "甲二村"]
    assert town["areas"]["open"] == [1, 0]


# --- Alert list and detail --------------------------------------------------------------------------------


def test_alert_list_is_scoped_and_masked(login, users, two_alerts):
    here, there = two_alerts
    body = login(users["village_a1"]).get(reverse("monitoring:alert_list")).content.decode()
    assert str(here.pk) in body and str(there.pk) not in body
    assert mask_name("刘一") in body and "刘一" not in body
    assert here.person.masked_id_number in body
    district = login(users["district_admin"]).get(reverse("monitoring:alert_list")).content.decode()
    assert str(here.pk) in district and str(there.pk) in district


def test_alert_list_filters(login, users, two_alerts):
    here, there = two_alerts
    client = login(users["district_admin"])
    url = reverse("monitoring:alert_list")
    body = client.get(url, {"rule": "other_rule"}).content.decode()
    assert str(there.pk) in body and str(here.pk) not in body
    assert str(here.pk) in client.get(url, {"area": f.TOWN_A}).content.decode()
    assert str(here.pk) not in client.get(url, {"status": AlertStatus.CLOSED}).content.decode()
    Alert.objects.filter(pk=here.pk).update(due_on=TODAY - dt.timedelta(days=1))
    overdue = client.get(url, {"overdue": "1"}).content.decode()
    assert str(here.pk) in overdue and str(there.pk) not in overdue and "逾期" in overdue


def test_alert_detail_out_of_area_is_not_found(login, users, two_alerts):
    here, _ = two_alerts
    assert login(users["village_b1"]).get(reverse("monitoring:alert_detail", args=[here.pk])).status_code == 404
    assert login(users["town_b"]).get(reverse("monitoring:alert_detail", args=[here.pk])).status_code == 404
    assert login(users["town_a"]).get(reverse("monitoring:alert_detail", args=["nonsense"])).status_code == 404


def test_alert_detail_shows_evidence_from_the_lake_and_logs_the_access(login, users, family, lake):
    """Given a vehicle feed file loaded for 刘一 and an alert whose evidence is its row, when the town opens the
    alert, then the row is shown as the department sent it (plate, type, price) with the name masked and no ID
    number, and the read is in the access log."""
    from minzheng.monitoring.feeds import feed_ingest

    _, head, _ = family
    csv = ("身份证号码,姓名,登记日期,号牌号码,车辆类型,购置价格（元）\n"
           f"{head.id_number},刘一,2026-01-05,皖D12345,car,86000\n").encode()
    feed_file = feed_ingest(acting_user=users["district_admin"], kind_code="vehicle", filename="车辆.csv",
                            content=csv, today=TODAY)
    assert feed_file.status == "loaded", feed_file.refused_reason
    alert = raise_for(users, head, evidence=(f"{feed_file.pk}:2",))

    response = login(users["town_a"]).get(reverse("monitoring:alert_detail", args=[alert.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "皖D12345" in body and "¥86,000.00" in body and "车辆.csv" in body and "第2行" in body
    assert mask_name("刘一") in body and head.masked_id_number in body
    assert head.id_number not in body
    log = AccessLog.objects.get(object_id=str(alert.pk))
    assert log.actor == users["town_a"] and log.action == "view_detail"


# --- Alert actions through the page -----------------------------------------------------------------------


def test_assign_visit_and_close_with_include_aid_open_the_application(client, users, family):
    """The journey of one alert through the page: the town assigns it to the village worker, the worker records
    the visit, the town closes it with 纳入救助 and is taken to the new application."""
    _, head, _ = family
    alert = raise_for(users, head)
    client.force_login(users["town_a"])
    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()
    assert 'data-testid="btn-assign"' in page and 'data-testid="btn-close"' not in page
    response = client.post(reverse("monitoring:alert_action", args=[alert.pk, "assign"]),
                           {"assignee": str(users["village_a1"].pk)})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ASSIGNED and alert.assigned_to == users["village_a1"]

    client.force_login(users["village_a1"])
    page = client.get(reverse("monitoring:alert_detail", args=[alert.pk])).content.decode()
    assert 'data-testid="btn-visit"' in page and 'data-testid="btn-assign"' not in page
    client.post(reverse("monitoring:alert_action", args=[alert.pk, "visit"]),
                {"visited_on": TODAY.isoformat(), "notes": "入户核实，家庭困难属实"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VISITED
    # The village worker cannot close; the page says so and nothing changes.
    response = client.post(reverse("monitoring:alert_action", args=[alert.pk, "close"]),
                           {"outcome": AlertOutcome.HELPED, "note": "x"}, follow=True)
    assert "没有执行此操作的权限" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VISITED

    client.force_login(users["town_a"])
    response = client.post(reverse("monitoring:alert_action", args=[alert.pk, "close"]),
                           {"outcome": AlertOutcome.INCLUDE_AID, "note": "", "check_authorized": "on"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.application.status == ApplicationStatus.SUBMITTED
    assert response.status_code == 302
    assert response["Location"] == reverse("assistance:application_detail", args=[alert.application_id])


def test_close_errors_are_shown_in_chinese(client, users, family):
    _, head, _ = family
    alert = raise_for(users, head)
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["village_a1"])
    alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=TODAY, notes="入户")
    client.force_login(users["town_a"])
    url = reverse("monitoring:alert_action", args=[alert.pk, "close"])
    body = client.post(url, {"outcome": AlertOutcome.INCLUDE_AID}, follow=True).content.decode()
    assert "核对授权书" in body
    body = client.post(url, {"outcome": AlertOutcome.UNFOUNDED, "note": ""}, follow=True).content.decode()
    assert "请填写处理说明" in body
    body = client.post(url, {"outcome": AlertOutcome.ADJUST, "note": "有车"}, follow=True).content.decode()
    assert "不是在保救助对象" in body
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VISITED


def test_adjust_with_suspension_opens_the_enrollment(client, users):
    person = f.make_person(name="王老", birth=dt.date(1950, 1, 1))
    enrollment = enroll(users["town_a"], [person])
    alert = raise_for(users, person)
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["village_a1"])
    alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=TODAY, notes="入户")
    client.force_login(users["town_a"])
    response = client.post(reverse("monitoring:alert_action", args=[alert.pk, "close"]),
                           {"outcome": AlertOutcome.ADJUST, "note": "名下有车", "suspend": "on"})
    assert response["Location"] == reverse("assistance:enrollment_detail", args=[enrollment.pk])
    enrollment.refresh_from_db()
    assert enrollment.status == "suspended"


def test_action_verbs_and_scope(client, users, two_alerts):
    here, _ = two_alerts
    client.force_login(users["town_a"])
    assert client.post(reverse("monitoring:alert_action", args=[here.pk, "delete"])).status_code == 404
    assert client.get(reverse("monitoring:alert_action", args=[here.pk, "assign"])).status_code == 405
    client.force_login(users["town_b"])
    response = client.post(reverse("monitoring:alert_action", args=[here.pk, "assign"]),
                           {"assignee": str(users["village_b1"].pk)})
    assert response.status_code == 404
    client.force_login(users["town_a"])
    response = client.post(reverse("monitoring:alert_action", args=[here.pk, "assign"]),
                           {"assignee": str(users["village_b1"].pk)}, follow=True)
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    here.refresh_from_db()
    assert here.status == AlertStatus.RAISED


# --- Comparison runs --------------------------------------------------------------------------------------


def test_run_start_enqueues_the_job_and_goes_to_its_page(client, users):
    client.force_login(users["district_admin"])
    response = client.post(reverse("monitoring:run_start"), {"as_of": TODAY.isoformat()})
    job = Job.objects.get(kind="monitoring_comparison_run")
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.parameters["as_of"] == TODAY.isoformat() and job.parameters["area_code"] == f.DISTRICT
    # One comparison at a time.
    body = client.post(reverse("monitoring:run_start"), {"as_of": TODAY.isoformat()}, follow=True).content.decode()
    assert Job.objects.filter(kind="monitoring_comparison_run").count() == 1 and "正在排队或运行" in body
    later = (TODAY + dt.timedelta(days=1)).isoformat()
    body = client.post(reverse("monitoring:run_start"), {"as_of": later}, follow=True).content.decode()
    assert "不能晚于今天" in body


@pytest.mark.parametrize("name", ["town_a", "village_a1", "leader"])
def test_run_start_needs_the_permission(client, users, name):
    client.force_login(users[name])
    assert client.post(reverse("monitoring:run_start"), {"as_of": TODAY.isoformat()}).status_code == 403
    assert not Job.objects.exists()


def test_comparison_run_records_inputs_and_materializes_alerts_once(client, users, family, lake):
    """Given a death record of an enrolled person loaded from the police feed, when the comparison runs twice
    (through the job runner, as the worker would), then the first run raises the alert and records its inputs,
    rule versions and parameters, and the second finds the same evidence and raises nothing new."""
    from minzheng.monitoring.feeds import feed_ingest
    from minzheng.monitoring.tasks import run_comparison_sync

    person = f.make_person(name="王老", birth=dt.date(1950, 1, 1))
    enroll(users["town_a"], [person])
    csv = f"身份证号码,姓名,死亡日期\n{person.id_number},王老,{TODAY - dt.timedelta(days=20):%Y-%m-%d}\n".encode()
    feed = feed_ingest(acting_user=users["district_admin"], kind_code="police_death", filename="死亡.csv",
                       content=csv, today=TODAY)
    assert feed.status == "loaded", feed.refused_reason

    first = run_comparison_sync(acting_user=users["district_admin"], as_of=TODAY)

    assert first.status == MonitoringRunStatus.SUCCEEDED and first.finished_at is not None
    raised = Alert.objects.filter(raised_in=first, person=person)
    assert raised.exists() and first.alerts_new == Alert.objects.filter(raised_in=first).count()
    assert first.rule_versions and all(isinstance(v, int) for v in first.rule_versions.values())
    assert alerts.DUE_PARAMETER not in first.parameters or first.parameters[alerts.DUE_PARAMETER] > 0
    assert first.parameters and first.inputs["feeds"]["police_death"][0]["sha256"]
    assert first.inputs["snapshot"]["files"]["persons"]
    assert first.outputs["rows"] == first.alerts_new + first.outputs["skipped"]
    death = raised.first()
    assert f"{feed.pk}:2" in [e["row_id"] for e in death.evidence]

    second = run_comparison_sync(acting_user=users["district_admin"], as_of=TODAY)
    assert second.alerts_new == 0 and second.alerts_repeated == first.alerts_new
    death.refresh_from_db()
    assert death.raised_in == first and death.last_seen_in == second

    client.force_login(users["district_admin"])
    body = client.get(reverse("monitoring:run_detail", args=[first.pk])).content.decode()
    lake_file = first.inputs["feeds"]["police_death"][0]
    assert "死亡.csv" in body and lake_file["sha256"][:16] in body and "persons" in body
    for code in first.rule_versions:
        assert code in body
    assert client.get(reverse("monitoring:run_list")).status_code == 200
    job_page = client.get(reverse("jobs:job_detail", args=[first.job_id])).content.decode()
    assert "新增预警" in job_page


def test_runs_are_visible_to_the_areas_they_cover(client, users):
    run = make_run(users["district_admin"], as_of=TODAY)
    run.status = MonitoringRunStatus.SUCCEEDED
    run.save()
    for name in ("village_a1", "town_b", "leader"):
        client.force_login(users[name])
        assert client.get(reverse("monitoring:run_detail", args=[run.pk])).status_code == 200
    town_run = make_run(users["district_admin"], as_of=TODAY, area=f.TOWN_A)
    client.force_login(users["town_b"])
    assert client.get(reverse("monitoring:run_detail", args=[town_run.pk])).status_code == 404
    client.force_login(users["village_a1"])
    assert client.get(reverse("monitoring:run_detail", args=[town_run.pk])).status_code == 200


def test_menu_entries(client, users):
    from minzheng.web.navigation import menu_for

    labels = {item["label"] for group in menu_for(users["district_admin"], "/") for item in group["items"]}
    assert {"监测预警", "预警任务", "数据比对", "数据来源", "待确认匹配"} <= labels
    village = {item["label"] for group in menu_for(users["village_a1"], "/") for item in group["items"]}
    assert {"监测预警", "预警任务"} <= village and "数据来源" not in village and "待确认匹配" not in village
