"""The audit page at /audit/: only the auditor opens it; it filters by user, record and date; it exports to
Excel in local time; it never shows a full ID number."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minzheng.audit.actions import record_access, record_event
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROLES = ["village_a1", "village_b1", "town_a", "town_b", "district_approver", "district_admin", "leader",
         "auditor", "security_admin", "system_admin"]


def _at(monkeypatch, moment: dt.datetime) -> None:
    """Make the next rows carry ``moment`` as their time (occurred_at is set by the database layer on insert)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def auditor(users, login):
    return login(users["auditor"])


@pytest.fixture
def history(users, monkeypatch):
    """Three events: 张三 changed by the 甲一村 worker on 1 March (late evening) and 2 March, 王五 created by the
    乙镇 reviewer on 2 March."""
    zhang = f.make_person(name="张三")
    wang = f.make_person(name="王五", area=f.VILLAGE_B1)
    _at(monkeypatch, dt.datetime(2025, 3, 1, 23, 30, tzinfo=SHANGHAI))
    first = record_event(actor=users["village_a1"], action="person.update", obj=zhang, area_code=f.VILLAGE_A1,
                         before={"phone": ""}, after={"phone": "13800138000"})
    _at(monkeypatch, dt.datetime(2025, 3, 2, 9, 0, tzinfo=SHANGHAI))
    second = record_event(actor=users["village_a1"], action="person.update", obj=zhang, area_code=f.VILLAGE_A1,
                          before={"address": ""}, after={"address": "甲一村2组"})
    third = record_event(actor=users["town_b"], action="person.create", obj=wang, area_code=f.VILLAGE_B1,
                         after={"name": "王五", "id_number": wang.id_number})
    monkeypatch.undo()
    return {"first": first, "second": second, "third": third, "zhang": zhang, "wang": wang}


def _rows(response) -> set[str]:
    assert response.status_code == 200
    return {str(row.pk) for row in response.context["page_obj"].object_list}


def _ids(history, *keys) -> set[str]:
    return {str(history[key].pk) for key in keys}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_auditor_opens_the_audit_page(users, login, role):
    """Given each role, when it opens the audit page and its export, then only the auditor gets them (三员分立)."""
    client = login(users[role])
    expected = 200 if role == "auditor" else 403
    assert client.get(reverse("audit:audit")).status_code == expected
    assert client.get(reverse("audit:audit"), {"export": "xlsx"}).status_code == expected


def test_audit_page_lists_every_event_in_the_district(auditor, history):
    """Given three events in two towns, when the auditor opens the page unfiltered, then all three are listed."""
    assert _rows(auditor.get(reverse("audit:audit"))) == _ids(history, "first", "second", "third")


def test_filter_by_user(auditor, history):
    """Given events by two users, when filtered by the 乙镇 reviewer's username, then only their event is listed."""
    assert _rows(auditor.get(reverse("audit:audit"), {"user": "zhen_b"})) == _ids(history, "third")


def test_filter_by_record(auditor, history):
    """Given events on two persons, when filtered by 张三's record id, then only his two events are listed."""
    response = auditor.get(reverse("audit:audit"), {"record": str(history["zhang"].pk)})
    assert _rows(response) == _ids(history, "first", "second")


@pytest.mark.parametrize("params, expected", [
    ({"date_from": "2025-03-02"}, {"second", "third"}),
    ({"date_to": "2025-03-01"}, {"first"}),
    ({"date_from": "2025-03-01", "date_to": "2025-03-01"}, {"first"}),
    ({"date_from": "2025-03-03"}, set()),
], ids=["from", "to-includes-late-evening", "one-day", "after-everything"])
def test_filter_by_date_uses_local_days(auditor, history, params, expected):
    """Given an event at 23:30 on 1 March Beijing time (15:30 UTC) and two on 2 March, when filtered by dates,
    then days are Beijing days and both ends are inclusive."""
    assert _rows(auditor.get(reverse("audit:audit"), params)) == _ids(history, *expected)


def test_access_log_tab_lists_reads(auditor, users, areas):
    """Given a detail read logged for the 甲一村 worker, when the auditor opens the access tab, then it is listed."""
    person = f.make_person(name="张三")
    log = record_access(actor=users["village_a1"], action="view_detail", obj=person, area_code=f.VILLAGE_A1)
    assert _rows(auditor.get(reverse("audit:audit"), {"kind": "access"})) == {str(log.pk)}


def test_auditor_export_lists_the_filtered_events_in_local_time(auditor, history):
    """Given the events, when the auditor exports 1 March, then the workbook holds that one event with its Beijing
    time (23:30), not UTC."""
    response = auditor.get(reverse("audit:audit"), {"export": "xlsx", "date_to": "2025-03-01"})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    occurred, _actor, action, action_code, *_ = rows[0]
    assert (occurred, action, action_code) == (dt.datetime(2025, 3, 1, 23, 30), "人员·修改", "person.update")


def test_audit_page_and_export_mask_id_numbers(auditor, history):
    """Given an event whose values include a full ID number, when the auditor views and exports events, then only
    the masked number appears."""
    number = history["wang"].id_number
    page = auditor.get(reverse("audit:audit")).content.decode()
    export = auditor.get(reverse("audit:audit"), {"export": "xlsx"}).content
    text = " ".join(str(v) for row in load_workbook(io.BytesIO(export)).worksheets[0].iter_rows(values_only=True)
                    for v in row)
    assert number not in page and number not in text
    assert history["wang"].masked_id_number in page and history["wang"].masked_id_number in text


def test_access_log_reason_masks_an_id_number_searched_for(auditor, users, areas):
    """Given an export whose filter was an ID number, when the auditor reads the access tab, then the reason shows
    the number masked."""
    person = f.make_person(name="张三")
    record_access(actor=users["village_a1"], action="export", object_type="registry.person",
                  reason=f"PersonFilters(q='{person.id_number}')")
    page = auditor.get(reverse("audit:audit"), {"kind": "access"}).content.decode()
    assert person.id_number not in page and person.masked_id_number in page
