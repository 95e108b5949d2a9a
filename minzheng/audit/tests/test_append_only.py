"""Event and AccessLog rows are append-only: no ORM path updates or deletes them."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from minzheng.audit.actions import record_access, record_event
from minzheng.audit.models import AccessLog, AppendOnlyError, Event

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["event", "access"])
def row(request, users):
    """One Event and one AccessLog row, each written the way actions and views write them."""
    actor = users["village_a1"]
    if request.param == "event":
        return record_event(actor=actor, action="person.update", obj=actor, area_code="340471100201",
                            before={"phone": ""}, after={"phone": "13800138000"})
    return record_access(actor=actor, action="view_detail", obj=actor, area_code="340471100201", fields=["name"])


def _unchanged(row) -> bool:
    return type(row).objects.filter(pk=row.pk, action=row.action, object_id=row.object_id).count() == 1


def test_saving_an_existing_row_is_refused(row):
    """Given a stored audit row, when it is changed and saved, then saving raises and the stored row is unchanged."""
    action = row.action
    row.action = "tampered"
    with pytest.raises(AppendOnlyError):
        row.save()
    row.action = action
    assert _unchanged(row)


def test_queryset_update_is_refused(row):
    """Given a stored audit row, when a queryset update targets it, then the update raises."""
    with pytest.raises(AppendOnlyError):
        type(row).objects.filter(pk=row.pk).update(action="tampered")
    assert _unchanged(row)


def test_bulk_update_is_refused(row):
    """Given a stored audit row, when bulk_update targets it, then it raises."""
    row.action = "tampered"
    # bulk_update runs inside its own atomic block; the savepoint keeps the test's transaction usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        type(row).objects.bulk_update([row], ["action"])
    assert type(row).objects.filter(action="tampered").count() == 0


def test_instance_delete_is_refused(row):
    """Given a stored audit row, when it is deleted, then deleting raises and the row remains."""
    with pytest.raises(AppendOnlyError):
        row.delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_queryset_delete_is_refused(row):
    """Given stored audit rows, when the whole table is deleted through the ORM, then it raises and rows remain."""
    with pytest.raises(AppendOnlyError):
        type(row).objects.all().delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_deleting_the_actor_is_refused(row):
    """Given an audit row naming a user, when the user is deleted, then the database keeps the row (PROTECT)."""
    with pytest.raises(ProtectedError), transaction.atomic():
        row.actor.delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_new_rows_can_still_be_added(users):
    """Given the append-only models, when new rows are written, then they are stored (appending is allowed)."""
    record_event(actor=users["village_a1"], action="a", obj=users["village_a1"])
    record_access(actor=users["village_a1"], action="b", obj=users["village_a1"])
    assert (Event.objects.count(), AccessLog.objects.count()) == (1, 1)
