"""Alerts as tasks: materializing the engine's rows (dedupe across runs, who the alert goes to, its due date in
working days), the actions from raised to closed with each outcome, permissions and scoping, overdue figures."""

from __future__ import annotations

import datetime as dt
import hashlib

import chinese_calendar
import pytest

from minzheng.assistance.enums import Program
from minzheng.assistance.models import (
    Application,
    ApplicationStatus,
    Enrollment,
    EnrollmentChangeKind,
    EnrollmentStatus,
)
from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from minzheng.monitoring import alerts, selectors
from minzheng.monitoring.enums import AlertOutcome, AlertStatus, MonitoringRunStatus
from minzheng.monitoring.models import Alert, MonitoringRun
from minzheng.policy.selectors import parameter_value
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monitoring_parameters")]

RAISED_ON = dt.date(2026, 3, 2)  # a Monday
RULE = "test_vehicle"


@pytest.fixture
def monitoring_parameters(db):
    from minzheng.policy.demo import ensure_demo_parameters

    ensure_demo_parameters()  # the shipped parameters (monitoring.* among them), back after a flush


def due_days(area=f.VILLAGE_A1, on=RAISED_ON) -> int:
    return parameter_value(alerts.DUE_PARAMETER, area_code=area, on=on)


def make_run(user, *, as_of=RAISED_ON, area=f.DISTRICT) -> MonitoringRun:
    return MonitoringRun.objects.create(status=MonitoringRunStatus.RUNNING, backend="duckdb", as_of=as_of,
                                        area_id=area, started_by=user)


def row(person, *, rule=RULE, evidence=("file-1:2",), detail="名下登记小型汽车一辆", event_date=dt.date(2026, 2, 1),
        version=1, person_key=None) -> dict:
    """An engine alert row for a person, its dedupe key computed the engine's way (rule, person, evidence)."""
    key = person_key or person.id_number_bidx
    evidence = sorted(evidence)
    digest = hashlib.sha256("|".join([rule, key, *evidence]).encode()).hexdigest()
    return {"rule_code": rule, "rule_version": version, "person_key": key, "evidence_row_ids": evidence,
            "event_date": event_date, "detail": detail, "dedupe_key": digest}


def enroll(user, persons, *, area=f.VILLAGE_A1, program=Program.DIBAO) -> Enrollment:
    head, others = persons[0], persons[1:]
    household = f.make_household(head=head, area=area, members=[(p, Relation.CHILD) for p in others])
    application = Application.objects.create(household=household, applicant=head, area_id=area,
                                             filed_on=dt.date(2025, 9, 1), status=ApplicationStatus.APPROVED,
                                             snapshot={"members": []}, created_by=user)
    return Enrollment.objects.create(program=program, household=household, application=application, area_id=area,
                                     person_ids=[str(p.pk) for p in persons], monthly_amount_fen=94_000,
                                     starts_on=dt.date(2025, 11, 1), status=EnrollmentStatus.ACTIVE)


@pytest.fixture
def family(users):
    """刘一 (head) and his son 刘小 in 甲一村, not assisted."""
    head = f.make_person(name="刘一", birth=dt.date(1975, 3, 1))
    son = f.make_person(name="刘小", birth=dt.date(2010, 5, 1))
    household = f.make_household(head=head, members=[(son, Relation.CHILD)])
    return household, head, son


@pytest.fixture
def enrolled(users):
    """王老 and 李老, on 低保 in 甲一村."""
    husband = f.make_person(name="王老", birth=dt.date(1950, 1, 1))
    wife = f.make_person(name="李老", birth=dt.date(1952, 1, 1), male=False)
    return enroll(users["town_a"], [husband, wife])


def raise_alert(users, person, **kwargs) -> Alert:
    run = make_run(users["district_admin"])
    alerts.materialize(run, [row(person, **kwargs)], today=RAISED_ON)
    return Alert.objects.get(person=person, rule_code=kwargs.get("rule", RULE))


def visited(users, person, **kwargs) -> Alert:
    alert = raise_alert(users, person, **kwargs)
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["village_a1"])
    alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=RAISED_ON,
                              notes="入户核实，情况属实", today=RAISED_ON)
    return alert


# --- Materialize ------------------------------------------------------------------------------------------


def test_materialize_creates_an_alert_for_the_registry_person_with_household_and_due_date(users, family):
    """Given an engine row for 刘一, when it is materialized on Monday 2026-03-02, then one raised alert names him,
    his household and his hukou village, carries the rule, the evidence and the detail, and is due the
    parameter's number of working days later."""
    household, head, _ = family
    run = make_run(users["district_admin"])

    done = alerts.materialize(run, [row(head, evidence=("f:3", "f:1"))], today=RAISED_ON)

    assert (done.new, done.repeated, done.skipped) == (1, 0, 0)
    new, repeated = done
    assert (new, repeated) == (1, 0)
    alert = Alert.objects.get()
    assert alert.person == head and alert.household == household and alert.enrollment is None
    assert alert.area_id == f.VILLAGE_A1 and alert.status == AlertStatus.RAISED
    assert alert.raised_in == run and alert.last_seen_in == run
    assert alert.rule_code == RULE and alert.rule_version == 1
    assert "名下登记小型汽车一辆" in alert.summary
    assert [e["row_id"] for e in alert.evidence] == ["f:1", "f:3"]
    assert alert.evidence[0]["event_date"] == "2026-02-01"
    # Independent count: the n-th working day after 2026-03-02 by the official calendar (no holiday in March).
    day, left = RAISED_ON, due_days()
    while left:
        day += dt.timedelta(days=1)
        left -= chinese_calendar.is_workday(day)
    assert alert.due_on == day and alert.due_provisional is False
    run.refresh_from_db()
    assert (run.alerts_new, run.alerts_repeated) == (1, 0)
    assert Event.objects.filter(action="alert.raise", object_id=str(alert.pk)).count() == 1


def test_due_date_skips_the_national_day_holiday(users, family):
    """Given an alert raised on 2025-09-30, the day before the National Day week, then its due date counts only
    working days (the 8 days off and the adjusted Saturday 2025-10-11 as the calendar says)."""
    _, head, _ = family
    run = make_run(users["district_admin"], as_of=dt.date(2025, 9, 30))
    alerts.materialize(run, [row(head)], today=dt.date(2025, 9, 30))
    n = due_days(on=dt.date(2025, 9, 30))
    day, left = dt.date(2025, 9, 30), n
    while left:
        day += dt.timedelta(days=1)
        left -= chinese_calendar.is_workday(day)
    alert = Alert.objects.get()
    assert alert.due_on == day
    assert (alert.due_on - dt.date(2025, 9, 30)).days > n  # the holiday pushed it beyond n calendar days


def test_enrolled_person_goes_to_the_enrollment_area(users):
    """Given a person registered in 甲二村 whose household is enrolled and managed in 甲一村 (居住地申办), then the
    alert is linked to the enrollment and sent to 甲一村, the area managing the assistance."""
    person = f.make_person(name="赵二", area=f.VILLAGE_A2, residence=f.VILLAGE_A1)
    enrollment = enroll(users["town_a"], [person], area=f.VILLAGE_A1)
    alert = raise_alert(users, person)
    assert alert.enrollment == enrollment and alert.area_id == f.VILLAGE_A1


def test_same_evidence_in_a_later_run_does_not_raise_again(users, family):
    """Given an alert raised in run 1, when run 2 finds the same evidence again and new evidence for the same
    person, then the first alert is only marked as seen in run 2, and only the new evidence raises an alert."""
    _, head, _ = family
    first, second = make_run(users["district_admin"]), make_run(users["district_admin"])
    alerts.materialize(first, [row(head)], today=RAISED_ON)

    done = alerts.materialize(second, [row(head), row(head, evidence=("file-2:9",))], today=RAISED_ON)

    assert (done.new, done.repeated) == (1, 1)
    assert Alert.objects.count() == 2
    old = Alert.objects.get(evidence__0__row_id="file-1:2")
    assert old.raised_in == first and old.last_seen_in == second
    second.refresh_from_db()
    assert (second.alerts_new, second.alerts_repeated) == (1, 1)


def test_closed_alert_seen_again_stays_closed(users, family):
    """Given an alert closed as 不属实, when the same evidence comes again, then no new alert is raised."""
    _, head, _ = family
    alert = visited(users, head)
    alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.UNFOUNDED,
                       note="车辆已于2025年转让", today=RAISED_ON)
    done = alerts.materialize(make_run(users["district_admin"]), [row(head)], today=RAISED_ON)
    assert (done.new, done.repeated) == (0, 1)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_duplicate_rows_in_one_batch_raise_once(users, family):
    _, head, _ = family
    done = alerts.materialize(make_run(users["district_admin"]), [row(head), row(head)], today=RAISED_ON)
    assert done.new == 1 and Alert.objects.count() == 1


def test_rows_of_persons_not_in_the_registry_are_skipped_and_counted(users, family):
    _, head, _ = family
    done = alerts.materialize(make_run(users["district_admin"]),
                              [row(head), row(head, person_key="0" * 64, evidence=("x:1",))], today=RAISED_ON)
    assert (done.new, done.repeated, done.skipped) == (1, 0, 1)
    assert Alert.objects.count() == 1


# --- Assign -----------------------------------------------------------------------------------------------


def test_town_assigns_to_a_village_worker_of_the_alerts_village(users, family):
    _, head, _ = family
    alert = raise_alert(users, head)
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["village_a1"])
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ASSIGNED and alert.assigned_to == users["village_a1"]
    assert alert.assigned_at is not None
    assert Event.objects.filter(action="alert.assign", object_id=str(alert.pk)).exists()
    # Re-assigning to the town reviewer (who may visit too) is allowed while the check is pending.
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["town_a"])
    alert.refresh_from_db()
    assert alert.assigned_to == users["town_a"]


def test_district_admin_may_assign(users, family):
    _, head, _ = family
    alert = raise_alert(users, head)
    alerts.alert_assign(acting_user=users["district_admin"], alert=alert, assignee=users["village_a1"])
    assert alert.status == AlertStatus.ASSIGNED


def test_assignee_must_work_in_the_alerts_area(users, family):
    """Given an alert of 甲一村, then a worker of 乙一村, the town 乙 or a district user cannot be the assignee."""
    _, head, _ = family
    alert = raise_alert(users, head)
    for name in ("village_b1", "town_b", "district_admin", "leader"):
        with pytest.raises(ApplicationError) as error:
            alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users[name])
        assert error.value.code == alerts.AlertErrorCode.ASSIGNEE_INVALID
        assert "核查人" in error.value.message
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RAISED


def test_assign_permissions_and_area(users, family):
    _, head, _ = family
    alert = raise_alert(users, head)
    for name in ("village_a1", "leader", "district_approver", "finance"):
        with pytest.raises(PermissionDeniedError):
            alerts.alert_assign(acting_user=users[name], alert=alert, assignee=users["village_a1"])
    with pytest.raises(NotFoundError):
        alerts.alert_assign(acting_user=users["town_b"], alert=alert, assignee=users["village_a1"])


# --- Visit ------------------------------------------------------------------------------------------------


def test_village_worker_records_the_home_visit(users, family):
    _, head, _ = family
    alert = raise_alert(users, head)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=RAISED_ON,
                                  notes="入户", today=RAISED_ON)
    assert "待分派" in error.value.message
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["village_a1"])
    with pytest.raises(ApplicationError) as error:
        alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=RAISED_ON,
                                  notes="  ", today=RAISED_ON)
    assert error.value.field == "notes"
    with pytest.raises(ApplicationError) as error:
        alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert,
                                  visited_on=RAISED_ON + dt.timedelta(days=1), notes="入户", today=RAISED_ON)
    assert error.value.field == "visited_on"
    with pytest.raises(NotFoundError):
        alerts.alert_record_visit(acting_user=users["village_b1"], alert=alert, visited_on=RAISED_ON,
                                  notes="入户", today=RAISED_ON)
    alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=RAISED_ON,
                              notes="入户核实：车辆为亲属借用登记", today=RAISED_ON)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VISITED and alert.visited_on == RAISED_ON
    assert alert.visit_notes == "入户核实：车辆为亲属借用登记"


# --- Close ------------------------------------------------------------------------------------------------


def test_include_aid_files_a_prefilled_application(users, family):
    """Given a visited alert for 刘一's household, when the town closes it with 纳入救助 (the household signed the
    authorization at the visit), then a new application is filed for the household with both current members
    and 刘一 as applicant, and the alert is closed and linked to it."""
    household, head, son = family
    alert = visited(users, head)

    alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.INCLUDE_AID,
                       check_authorized=True, today=RAISED_ON)

    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.outcome == AlertOutcome.INCLUDE_AID
    assert alert.closed_on == RAISED_ON and alert.closed_by == users["town_a"]
    application = alert.application
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.household == household and application.applicant == head
    assert application.filed_on == RAISED_ON and application.created_by == users["town_a"]
    assert {m["person_id"] for m in application.snapshot["members"]} == {str(head.pk), str(son.pk)}
    assert Event.objects.filter(action="application.create", object_id=str(application.pk)).exists()
    assert Event.objects.filter(action="alert.close", object_id=str(alert.pk)).exists()


def test_include_aid_needs_the_signed_authorization_and_changes_nothing_without_it(users, family):
    _, head, _ = family
    alert = visited(users, head)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.INCLUDE_AID,
                           check_authorized=False, today=RAISED_ON)
    assert "授权书" in error.value.message
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VISITED and Application.objects.count() == 0


def test_include_aid_needs_a_household(users):
    person = f.make_person(name="孤一")
    alert = visited(users, person)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.INCLUDE_AID,
                           check_authorized=True, today=RAISED_ON)
    assert error.value.code == alerts.AlertErrorCode.NO_HOUSEHOLD


def test_adjust_closes_with_the_enrollment_for_the_district(users, enrolled):
    """Given an alert about an enrolled person, when the town closes it with 调整/停发 without suspending, then the
    alert links the enrollment (the district changes or ends it there) and the enrollment is unchanged."""
    person = enrolled.household.head
    alert = visited(users, person)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.ADJUST, note="",
                           today=RAISED_ON)
    assert error.value.field == "note"
    alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.ADJUST,
                       note="名下有车辆，建议停发", today=RAISED_ON)
    alert.refresh_from_db()
    enrolled.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.enrollment == enrolled
    assert alert.enrollment_change is None and enrolled.status == EnrollmentStatus.ACTIVE


def test_adjust_with_suspension_suspends_payment_through_the_lifecycle(users, enrolled):
    person = enrolled.household.head
    alert = visited(users, person)
    alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.ADJUST,
                       note="名下有车辆，暂停发放待区级审核", suspend=True, today=RAISED_ON)
    alert.refresh_from_db()
    enrolled.refresh_from_db()
    assert enrolled.status == EnrollmentStatus.SUSPENDED
    change = alert.enrollment_change
    assert change.kind == EnrollmentChangeKind.SUSPEND and change.enrollment == enrolled
    assert "动态监测预警" in change.reason
    assert Event.objects.filter(action="enrollment.suspend", object_id=str(enrolled.pk)).exists()


def test_adjust_needs_an_enrolled_person(users, family):
    _, head, _ = family
    alert = visited(users, head)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.ADJUST, note="x",
                           today=RAISED_ON)
    assert error.value.code == alerts.AlertErrorCode.NOT_ENROLLED


@pytest.mark.parametrize("outcome", [AlertOutcome.UNFOUNDED, AlertOutcome.HELPED])
def test_unfounded_and_helped_need_a_note(users, family, outcome):
    _, head, _ = family
    alert = visited(users, head)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=outcome, note=" ", today=RAISED_ON)
    assert error.value.field == "note" and "处理说明" in error.value.message
    alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=outcome, note="已核实", today=RAISED_ON)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.outcome == outcome and alert.outcome_note == "已核实"
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=outcome, note="再次", today=RAISED_ON)
    assert "已办结" in error.value.message


def test_close_needs_the_visit_first_and_the_towns_permission(users, family):
    _, head, _ = family
    alert = raise_alert(users, head)
    alerts.alert_assign(acting_user=users["town_a"], alert=alert, assignee=users["village_a1"])
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome=AlertOutcome.UNFOUNDED, note="x",
                           today=RAISED_ON)
    assert error.value.code == alerts.AlertErrorCode.NOT_VISITED
    alerts.alert_record_visit(acting_user=users["village_a1"], alert=alert, visited_on=RAISED_ON, notes="入户",
                              today=RAISED_ON)
    for name in ("village_a1", "district_admin", "leader"):
        with pytest.raises(PermissionDeniedError):
            alerts.alert_close(acting_user=users[name], alert=alert, outcome=AlertOutcome.UNFOUNDED, note="x",
                               today=RAISED_ON)
    with pytest.raises(NotFoundError):
        alerts.alert_close(acting_user=users["town_b"], alert=alert, outcome=AlertOutcome.UNFOUNDED, note="x",
                           today=RAISED_ON)
    with pytest.raises(ApplicationError) as error:
        alerts.alert_close(acting_user=users["town_a"], alert=alert, outcome="bogus", note="x", today=RAISED_ON)
    assert error.value.code == alerts.AlertErrorCode.OUTCOME_INVALID


# --- Scope and overdue ------------------------------------------------------------------------------------


def test_scope_follows_the_area(users, family):
    _, head, _ = family
    alert = raise_alert(users, head)
    other = raise_alert(users, f.make_person(name="钱三", area=f.VILLAGE_B1), rule="other_rule")
    assert set(selectors.alert_scope(users["village_a1"])) == {alert}
    assert set(selectors.alert_scope(users["town_b"])) == {other}
    assert set(selectors.alert_scope(users["district_admin"])) == {alert, other}
    assert set(selectors.alert_scope(users["leader"])) == {alert, other}
    for name in ("auditor", "security_admin", "system_admin"):
        assert not selectors.alert_scope(users[name]).exists()


def test_overdue_statistics_per_town(users, family):
    """Given three alerts in 甲镇 (one past due and open, one past due but closed, one not yet due) and one past due
    in 乙镇, then the dashboard counts one overdue alert in each town and two overall."""
    _, head, son = family
    late = raise_alert(users, head)
    done = visited(users, son)
    alerts.alert_close(acting_user=users["town_a"], alert=done, outcome=AlertOutcome.HELPED, note="已临时救助",
                       today=RAISED_ON)
    fresh = raise_alert(users, f.make_person(name="孙四"), rule="fresh_rule")
    far = raise_alert(users, f.make_person(name="周五", area=f.VILLAGE_B1), rule="far_rule")
    today = late.due_on + dt.timedelta(days=1)
    Alert.objects.filter(pk=fresh.pk).update(due_on=today + dt.timedelta(days=3))
    Alert.objects.filter(pk=done.pk).update(due_on=late.due_on)
    fresh.refresh_from_db()

    assert alerts.is_overdue(late, today) and not alerts.is_overdue(fresh, today)
    assert set(alerts.overdue(Alert.objects.all(), today)) == {late, far}
    data = selectors.dashboard(user=users["district_admin"], today=today)
    by_town = {a.code: a for a in data.areas}
    assert data.overdue == 2 and data.total == 4 and data.closed == 1 and data.open == 3
    assert (by_town[f.TOWN_A].overdue, by_town[f.TOWN_A].open, by_town[f.TOWN_A].closed) == (1, 2, 1)
    assert (by_town[f.TOWN_B].overdue, by_town[f.TOWN_B].open) == (1, 1)
    assert by_town[f.TOWN_A].outcomes[AlertOutcome.HELPED] == 1
    town = selectors.dashboard(user=users["town_a"], today=today)
    assert [a.code for a in town.areas] == [f.VILLAGE_A1, f.VILLAGE_A2] and town.overdue == 1


# --- The comparison run as a job: interrupted and resumed ------------------------------------------------


class _Killed(BaseException):
    """Stands for kill -9 inside a step: not an Exception, so the runner neither fails the job nor commits."""


def _claim(job_id):
    import uuid

    from django.utils import timezone

    from minzheng.jobs.enums import JobState
    from minzheng.jobs.models import Job
    from minzheng.jobs.runner import Claim

    token = uuid.uuid4().hex
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(state=JobState.RUNNING, claim_token=token, worker="test", heartbeat_at=now,
                                         started_at=now)
    return Claim(job=Job.objects.select_related("started_by").get(pk=job_id), token=token, recovered=True)


def test_an_interrupted_comparison_run_resumed_raises_each_alert_once(users, settings, tmp_path, monkeypatch):
    """Given five people over 80 living alone (a registry-only rule), when the comparison job is stopped between
    steps, then killed inside a batch of alerts and resumed twice, then the run ends with each alert raised once
    and its counters equal to the alerts it raised."""
    from minzheng.jobs.actions import job_enqueue
    from minzheng.jobs.runner import Outcome, run_claimed
    from minzheng.monitoring import tasks

    settings.MINZHENG_LAKE_DIR = tmp_path / "lake"
    for number in range(5):
        person = f.make_person(name=f"独居{number}", birth=dt.date(1935, 1, 1 + number))
        f.make_household(head=person)
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    job = job_enqueue(acting_user=users["district_admin"], kind=tasks.RUN_KIND,
                      parameters={"as_of": dt.date.today().isoformat(), "area_code": f.DISTRICT})

    # Stopped at a step boundary after the run row, the snapshot and the engine step (checkpoint kept).
    steps = iter(range(100))
    assert run_claimed(_claim(job.pk), should_stop=lambda: next(steps) >= 3) == Outcome.RELEASED
    run = MonitoringRun.objects.get(job=job)
    assert run.outputs["by_rule"].get("elderly_alone") == 5 and not Alert.objects.exists()

    # Killed inside the first batch: the batch's alerts were written, then the process died before the commit.
    original = alerts.materialize

    def killed(run, rows, **kwargs):
        original(run, rows, **kwargs)
        raise _Killed

    monkeypatch.setattr(alerts, "materialize", killed)
    with pytest.raises(_Killed):
        run_claimed(_claim(job.pk))
    monkeypatch.setattr(alerts, "materialize", original)
    assert not Alert.objects.exists()

    assert run_claimed(_claim(job.pk)) == Outcome.SUCCEEDED
    run.refresh_from_db()
    raised = Alert.objects.filter(raised_in=run)
    assert raised.count() == 5 == run.alerts_new and run.alerts_repeated == 0
    assert run.status == MonitoringRunStatus.SUCCEEDED and run.outputs["alerts_new"] == 5
    assert len(set(raised.values_list("dedupe_key", flat=True))) == 5
