"""The monitoring journey: a department file, a comparison run as a job, the monitoring page with its charts, and
one alert taken from raised to 纳入救助 by the town and the village."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.utils import timezone

from e2e.helpers import MAOJI_VILLAGE, assert_styled
from minzheng.accounts.models import User
from minzheng.assistance.models import ApplicationStatus, Enrollment
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.jobs.runner import Claim, Outcome, run_claimed
from minzheng.monitoring.enums import AlertOutcome, AlertStatus
from minzheng.monitoring.models import Alert, MonitoringRun
from minzheng.registry.models import Membership, Person

SEED = 7


def _seed() -> None:
    """What `minzheng demo` adds to the small district: assistance cases, then feeds, two runs and alerts."""
    from minzheng.demo.assistance import seed_assistance
    from minzheng.demo.monitoring import seed_monitoring
    from minzheng.policy.demo import ensure_demo_parameters

    ensure_demo_parameters()
    seed_assistance(seed=SEED)
    seed_monitoring(seed=SEED)


def _villager_not_assisted() -> Person:
    """A working-age person of 毛集村 in a household without assistance and without an alert yet."""
    today = timezone.localdate()
    enrolled = set(Enrollment.objects.exclude(status="exited").values_list("household_id", flat=True))
    watched = set(Alert.objects.values_list("person_id", flat=True))
    for membership in (Membership.objects.filter(household__area_id=MAOJI_VILLAGE, ended_on__isnull=True,
                                                 person__hukou_area_id=MAOJI_VILLAGE, person__death_date__isnull=True)
                       .select_related("person").order_by("person__name", "person_id")):
        person = membership.person
        if membership.household_id not in enrolled and person.pk not in watched and 30 <= person.age_on(today) < 60:
            return person
    raise AssertionError("no suitable person in 毛集村")


def _run_queued_job(job: Job) -> None:
    """The worker's part, done in the test: claim the queued job and run its steps through the job runner."""
    token = uuid.uuid4().hex
    now = timezone.now()
    assert Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, claim_token=token, worker="e2e", heartbeat_at=now, started_at=now)
    job = Job.objects.select_related("started_by").get(pk=job.pk)
    assert run_claimed(Claim(job=job, token=token, recovered=False)) == Outcome.SUCCEEDED


def _wait_for_charts(page) -> None:
    # Locators, not wait_for_function: a string predicate is eval'd, which the Content-Security-Policy forbids.
    page.locator("#mz-monitoring-charts[data-loaded='true']").wait_for()
    rendered = page.eval_on_selector_all("[data-chart]", "els => els.map(e => e.dataset.rendered)")
    assert rendered and all(state in ("chart", "empty") for state in rendered), rendered
    assert "chart" in rendered


def test_an_alert_from_the_hospital_bill_to_an_application(page, login, logout, shot, settings, tmp_path):
    """Given the demo district with its feeds and alerts, when 钱管理 (district admin) loads a hospital's file with a
    large out-of-pocket bill of a 毛集村 villager and runs the comparison, then the alert is raised; 郑审核 (毛集镇)
    assigns it to 陈经办 (毛集村), who records the home visit, and 郑审核 closes it with 纳入救助: the new
    application for the household opens, filed and waiting to be accepted."""
    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    _seed()
    person = _villager_not_assisted()
    today = timezone.localdate()
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. 钱管理 uploads the hospital's file (医保 住院费用结算) through the feeds page's action and runs the comparison.
    from minzheng.monitoring.feeds import feed_ingest

    admin = User.objects.get(username="qu_admin")
    csv = ("id_number,name,settle_date,total_amount,out_of_pocket_amount,hospital\n"
           f"{person.id_number},{person.name},{today - dt.timedelta(days=6):%Y-%m-%d},268000,156000,"
           "淮南市第一人民医院\n").encode()
    feed = feed_ingest(acting_user=admin, kind_code="medical_bill", filename="医保住院结算-本月.csv", content=csv)
    assert feed.status == "loaded", feed.refused_reason

    login(page, "qu_admin")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据比对", exact=True).click()
    page.wait_for_url("**/monitoring/runs/")
    assert_styled(page)
    assert page.get_by_test_id("run-table").locator("tbody tr").count() >= 2
    shot(page, "monitoring-01-runs")
    page.get_by_test_id("run-start").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    job = Job.objects.get(pk=page.url.rstrip("/").rsplit("/", 1)[1])
    assert job.kind == "monitoring_comparison_run"
    shot(page, "monitoring-02-job-queued")
    _run_queued_job(job)
    page.get_by_test_id("job-state").filter(has_text="已完成").wait_for()
    assert "新增预警" in page.get_by_test_id("job-result").inner_text()
    shot(page, "monitoring-03-job-done")
    run = MonitoringRun.objects.get(job=job)
    alert = Alert.objects.get(person=person, rule_code="medical_burden")
    assert alert.raised_in == run and alert.area_id == MAOJI_VILLAGE and alert.status == AlertStatus.RAISED

    # The run records what went in and what came out.
    page.goto(f"/monitoring/runs/{run.pk}/")
    assert "医保住院结算-本月.csv" in page.get_by_test_id("run-feeds").inner_text()
    assert "medical_burden" in page.get_by_test_id("run-rules").inner_text()
    shot(page, "monitoring-04-run-detail")

    # The monitoring page: KPI cards and ECharts drawn from report_data (no inline script: CSP).
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监测预警", exact=True).click()
    page.wait_for_url("**/monitoring/")
    _wait_for_charts(page)
    assert int(page.get_by_test_id("kpi-total").inner_text().replace(",", "")) == Alert.objects.count()
    assert page.locator("[data-chart=areas] canvas").count() >= 1
    shot(page, "monitoring-05-dashboard")
    logout(page)

    # 2. 郑审核 (毛集镇) finds the alert and gives it to 陈经办 of 毛集村.
    login(page, "zhen_maoji")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="预警任务", exact=True).click()
    page.wait_for_url("**/monitoring/alerts/")
    page.get_by_label("预警规则").select_option("medical_burden")
    page.wait_for_url("**rule=medical_burden**")
    row = page.get_by_test_id("alert-table").locator(f"tr:has(a[href='/monitoring/alerts/{alert.pk}/'])")
    assert person.name not in row.inner_text()  # names are masked in the list
    shot(page, "monitoring-06-alert-list")
    row.get_by_test_id("alert-link").click()
    page.wait_for_url(f"**/monitoring/alerts/{alert.pk}/")
    evidence = page.get_by_test_id("evidence-table").inner_text()
    assert "淮南市第一人民医院" in evidence and "¥156,000.00" in evidence
    assert person.id_number not in page.content()
    chen = User.objects.get(username="cun_maoji")
    page.get_by_label("核查人").select_option(str(chen.pk))
    shot(page, "monitoring-07-alert-to-assign")
    page.get_by_test_id("btn-assign").click()
    page.get_by_text("已分派给陈经办").wait_for()
    assert page.get_by_test_id("alert-status").inner_text() == "待核查"
    logout(page)

    # 3. 陈经办 sees it among the alerts given to him and records the home visit.
    login(page, "cun_maoji")
    page.goto("/monitoring/alerts/?mine=1")
    page.get_by_test_id("alert-table").locator(f"a[href='/monitoring/alerts/{alert.pk}/']").click()
    page.get_by_label("核查情况").fill("入户核实：户主住院，自付医疗费用15.6万元，家庭无其他收入来源，生活困难属实。")
    shot(page, "monitoring-08-visit")
    page.get_by_test_id("btn-visit").click()
    page.get_by_text("已登记入户核查情况").wait_for()
    assert page.get_by_test_id("alert-status").inner_text() == "已入户核查"
    assert page.get_by_test_id("btn-close").count() == 0  # closing is the town's
    logout(page)

    # 4. 郑审核 closes it with 纳入救助: the application for the household opens.
    login(page, "zhen_maoji")
    page.goto(f"/monitoring/alerts/{alert.pk}/")
    page.get_by_label("纳入救助", exact=True).check()
    page.get_by_label(re.compile("已签署家庭经济状况核对授权书")).check()
    shot(page, "monitoring-09-close")
    page.get_by_test_id("btn-close").click()
    page.wait_for_url(re.compile(r"/assistance/applications/[0-9a-f-]{36}/$"))
    assert_styled(page)
    page.get_by_text("预警已办结（纳入救助）").wait_for()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.outcome == AlertOutcome.INCLUDE_AID
    application = alert.application
    assert str(application.pk) in page.url
    assert application.status == ApplicationStatus.SUBMITTED and application.applicant == person
    shot(page, "monitoring-10-application")

    # The alert page links the application; the town's figures count it as closed.
    page.goto(f"/monitoring/alerts/{alert.pk}/")
    assert "纳入救助" in page.get_by_test_id("alert-outcome").inner_text()
    page.goto("/monitoring/")
    _wait_for_charts(page)
    shot(page, "monitoring-11-town-dashboard")
