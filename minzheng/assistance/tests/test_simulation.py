"""Policy simulation (政策模拟): "+5 % 低保 standard" over a small district equals a full re-determination,
runs as a job with progress, writes nothing, exports masked data and is limited to district roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from minzheng.assistance import actions
from minzheng.assistance.actions import ENROLLING_PROGRAMS, ApplicationInput, MemberEntry
from minzheng.assistance.determination import determine
from minzheng.assistance.enums import ApplicationPlace, IncomeKind
from minzheng.assistance.models import Application, ApplicationDecision, Enrollment
from minzheng.assistance.simulation import simulate
from minzheng.assistance.standards import Standards, standards_for
from minzheng.assistance.tasks import SIMULATION_KIND
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.jobs.actions import job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.jobs.runner import Outcome, claim_next, run_claimed
from minzheng.policy.demo import ensure_demo_parameters
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

FILED = dt.date(2025, 9, 1)
ACCEPTED = dt.date(2025, 9, 26)
ON = dt.date(2025, 11, 1)
CODE = "dibao.standard_monthly_fen"


@pytest.fixture(autouse=True)
def _settings(settings):
    ensure_demo_parameters()
    settings.MINZHENG_JOB_HEARTBEAT_SECONDS = 0


def _file(user, area, wages, *, born=dt.date(1985, 3, 1)):
    people = [f.make_person(name=f"测试{i}号", area=area, birth=born) for i in range(len(wages))]
    household = f.make_household(head=people[0], members=[(p, Relation.SPOUSE) for p in people[1:]])
    members = [MemberEntry(person_id=str(p.pk), relation=Relation.HEAD if i == 0 else Relation.SPOUSE,
                           income_fen={IncomeKind.WAGE: wage} if wage else {})
               for i, (p, wage) in enumerate(zip(people, wages, strict=True))]
    return actions.application_create(acting_user=user, household=household, applicant=people[0],
                                      place=ApplicationPlace.HUKOU,
                                      data=ApplicationInput(members=members, check_authorized=True),
                                      filed_on=FILED)


def _approve(users, application):
    town = users["town_a"] if application.area_id.startswith(f.TOWN_A[:9]) else users["town_b"]
    actions.application_accept(acting_user=town, application=application, today=ACCEPTED)
    actions.application_investigate(acting_user=town, application=application, economic_check=True,
                                    home_visit_on=ACCEPTED, notes="入户核实", today=ACCEPTED)
    actions.application_town_review(acting_user=town, application=application, opinion="同意")
    actions.application_publish_notice(acting_user=town, application=application, today=ACCEPTED)
    if application.status == "public_notice":
        actions.application_end_notice(acting_user=town, application=application,
                                       today=application.notice_ends_on)
    return actions.application_approve(acting_user=users["district_approver"], application=application,
                                       today=dt.date(2025, 10, 20))


@pytest.fixture
def district(users):
    """Two towns: enrolled 低保 couples, pending files just above the standard and one well above, one refused."""
    a1, b1 = users["village_a1"], users["village_b1"]
    enrolled = [_file(a1, f.VILLAGE_A1, [60000, 0]), _file(b1, f.VILLAGE_B1, [120000, 0]),
                _file(a1, f.VILLAGE_A1, [70000])]
    for application in enrolled:
        _approve(users, application)
    pending = [_file(a1, f.VILLAGE_A1, [78000]), _file(b1, f.VILLAGE_B1, [158000, 0]),
               _file(b1, f.VILLAGE_B1, [300000])]
    refused = _file(a1, f.VILLAGE_A1, [79000])
    actions.application_refuse(acting_user=users["town_a"], application=refused, reason="非本辖区户籍")
    return enrolled + pending


def _plus_five(area_code):
    return round(standards_for(area_code, ON).dibao_standard_monthly_fen * 105 / 100)


def _independent(applications, value):
    """Re-determine each case by hand with both standards and count what changed."""
    counts = {"entering": 0, "leaving": 0, "changed": 0, "before": 0, "after": 0}
    for application in applications:
        household, _ = actions.household_input(application)
        household = dataclasses.replace(household, as_of=ON)
        baseline = standards_for(application.area_id, ON)
        changed = Standards.from_values({**baseline.as_values(), CODE: value})
        before, after = determine(household, baseline), determine(household, changed)
        for old, new in zip(before.decisions, after.decisions, strict=True):
            if not old.eligible and new.eligible:
                counts["entering"] += 1
            elif old.eligible and not new.eligible:
                counts["leaving"] += 1
            elif old.eligible and old.monthly_amount_fen != new.monthly_amount_fen:
                counts["changed"] += 1
        for result, key in ((before, "before"), (after, "after")):
            counts[key] += sum(d.monthly_amount_fen for d in result.decisions
                               if d.eligible and d.program in ENROLLING_PROGRAMS)
    return counts


def _totals(aggregates):
    programs = aggregates["programs"].values()
    return {"entering": sum(p["entering"] for p in programs), "leaving": sum(p["leaving"] for p in programs),
            "changed": sum(p["changed"] for p in programs), "before": aggregates["before_fen"],
            "after": aggregates["after_fen"]}


def _run(user, value):
    job = job_enqueue(acting_user=user, kind=SIMULATION_KIND, parameters={
        "code": CODE, "value": value, "effective_on": ON.isoformat(), "area_prefix": user.area_prefix})
    assert run_claimed(claim_next(worker="test")) == Outcome.SUCCEEDED
    job.refresh_from_db()
    return job


def test_simulation_equals_full_redetermination(district):
    """Given a district of six cases, when the 低保 standard is raised 5 %, then the simulation's counts and
    cost before/after equal a determination of every case by hand, and something actually changes."""
    value = _plus_five(f.VILLAGE_A1)
    result = simulate(area_prefix="340471", on=ON, overrides={CODE: value})
    expected = _independent(district, value)
    assert _totals(result.aggregates) == expected
    assert result.aggregates["households"] == 6
    assert expected["entering"] >= 1 and expected["changed"] >= 1 and expected["after"] > expected["before"]
    towns = result.aggregates["towns"]
    assert set(towns) == {f.TOWN_A, f.TOWN_B}
    assert sum(t["after_fen"] - t["before_fen"] for t in towns.values()) == result.delta_fen


def test_simulation_reads_a_fixed_number_of_queries(district, django_assert_max_num_queries):
    """Given six cases, when they are simulated, then the queries do not grow with the households."""
    with django_assert_max_num_queries(8):
        simulate(area_prefix="340471", on=ON, overrides={CODE: _plus_five(f.VILLAGE_A1)})


def test_job_runs_in_steps_with_progress_and_writes_nothing(users, district, monkeypatch):
    """Given batches of two households, when the simulation job runs, then it succeeds with progress
    total = households = done, its result equals simulate(), and no application, decision or enrollment
    changed."""
    monkeypatch.setattr("minzheng.assistance.tasks.BATCH_SIZE", 2)
    before = [sorted(m.objects.values_list("pk", "updated_at")) for m in (Application, ApplicationDecision,
                                                                           Enrollment)]
    value = _plus_five(f.VILLAGE_A1)
    job = _run(users["district_admin"], value)
    assert (job.state, job.progress_done, job.progress_total) == (JobState.SUCCEEDED, 6, 6)
    assert job.result["aggregates"] == simulate(area_prefix="340471", on=ON, overrides={CODE: value}).aggregates
    after = [sorted(m.objects.values_list("pk", "updated_at")) for m in (Application, ApplicationDecision,
                                                                          Enrollment)]
    assert after == before


def test_parameters_are_validated_in_chinese(users):
    """Given an unknown code or a non-integer value, when the job is enqueued, then it is refused with a
    Chinese message."""
    admin = users["district_admin"]
    for parameters, message in (({"code": "no.such", "value": 1}, "未知的政策参数"),
                                ({"code": CODE, "value": "12.5"}, "非负整数")):
        with pytest.raises(ApplicationError) as error:
            job_enqueue(acting_user=admin, kind=SIMULATION_KIND,
                        parameters={"effective_on": "2025-11-01", "area_prefix": "340471", **parameters})
        assert message in error.value.message


def test_village_worker_cannot_run_a_simulation(users, login):
    """Given a village worker, when they open the page or enqueue the job, then both are refused."""
    with pytest.raises(PermissionDeniedError):
        job_enqueue(acting_user=users["village_a1"], kind=SIMULATION_KIND,
                    parameters={"code": CODE, "value": 1, "effective_on": "2025-11-01", "area_prefix": "340471"})
    assert login(users["village_a1"]).get("/assistance/simulations/").status_code == 403


def test_form_takes_yuan_and_enqueues_the_job(users, login):
    """Given the district admin, when they ask for +5 % and then submit 808.50 yuan, then the hint shows the
    computed value and the job is queued with 80850 fen."""
    client = login(users["district_approver"])
    data = {"code": CODE, "effective_on": "2025-11-01", "value": ""}
    hint = client.post("/assistance/simulations/", {**data, "plus5": "1"})
    assert "808.50" in hint.content.decode()
    response = client.post("/assistance/simulations/", {**data, "value": "808.50", "run": "1"})
    assert response.status_code == 302
    job = Job.objects.get(kind=SIMULATION_KIND)
    assert job.parameters == {"code": CODE, "value": 80850, "effective_on": "2025-11-01", "area_prefix": "340471"}


def test_result_page_and_export_show_masked_names_only(users, district, login):
    """Given a finished simulation, when the result page and the Excel export are read, then the page lists the
    towns and the export holds masked names and no ID number."""
    job = _run(users["district_admin"], _plus_five(f.VILLAGE_A1))
    client = login(users["district_admin"])
    page = client.get(f"/assistance/simulations/{job.pk}/").content.decode()
    assert "甲镇" in page and "乙镇" in page
    export = client.get(f"/assistance/simulations/{job.pk}/export/")
    sheet = load_workbook(BytesIO(export.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any(c == "测**号" for c in cells)
    numbers = {p.id_number for a in district for p in [a.applicant]}
    assert not any(n in c for n in numbers for c in cells)
    assert not any("测试" in c for c in cells)
