"""The audit archive command keeps 180 days online and moves older rows into checked archive files."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from minzheng.audit.actions import record_access, record_event
from minzheng.audit.models import AccessLog, Event
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db


def _age(model, days: int) -> None:
    """Backdate every row (test set-up only: the models refuse updates, so raw SQL)."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET occurred_at = %s", [timezone.now() - dt.timedelta(days=days)])


def test_archive_refuses_a_period_shorter_than_retention(tmp_path):
    """Asking to archive rows younger than 180 days is refused and nothing moves."""
    with pytest.raises(CommandError, match="180"):
        call_command("audit_archive", older_than_days=30, directory=str(tmp_path))


def test_archive_moves_old_rows_into_a_checked_file_and_keeps_recent_ones(tmp_path, users):
    """Given 3 events and 2 access rows 400 days old and one recent event, when archived past 365 days, then
    the old rows are in gzip JSON-lines files whose SHA-256 matches, and only the recent row stays online."""
    person = f.make_person(name="张三")
    for index in range(3):
        record_event(actor=users["village_a1"], action="person.update", obj=person, after={"n": index})
    for _ in range(2):
        record_access(actor=users["village_a1"], action="view_detail", obj=person)
    _age(Event, 400)
    _age(AccessLog, 400)
    recent = record_event(actor=users["village_a1"], action="person.update", obj=person, after={"n": 99})

    call_command("audit_archive", older_than_days=365, directory=str(tmp_path))

    assert list(Event.objects.values_list("pk", flat=True)) == [recent.pk]
    assert AccessLog.objects.count() == 0
    event_file = next(tmp_path.glob("audit_event-*.jsonl.gz"))
    with gzip.open(event_file) as handle:
        payload = handle.read()
    rows = [json.loads(line) for line in payload.decode().splitlines()]
    assert sorted(row["after"]["n"] for row in rows if row["after"] and "n" in row["after"]) == [0, 1, 2]
    digest = event_file.with_suffix(".gz.sha256").read_text().split()[0]
    assert digest == hashlib.sha256(payload).hexdigest()


def test_dry_run_changes_nothing(tmp_path, users):
    person = f.make_person(name="张三")
    record_event(actor=users["village_a1"], action="person.update", obj=person)
    _age(Event, 500)
    call_command("audit_archive", dry_run=True, directory=str(tmp_path))
    assert Event.objects.count() >= 1 and not list(tmp_path.iterdir())
