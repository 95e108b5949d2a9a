"""Status pipelines: transition() moves a status only along its table and saves only what changed.

These tests use an in-memory stand-in that records its saves; test_transitions_db.py runs the same
helper against a real model.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import models

from minzheng.core.errors import ApplicationError
from minzheng.core.transitions import TransitionError, allowed_targets, can_transition, transition
from minzheng.registry.enums import MemberStatus

MEMBER_TABLE = {
    MemberStatus.NORMAL: frozenset({MemberStatus.IMPRISONED, MemberStatus.DECLARED_MISSING}),
    MemberStatus.IMPRISONED: frozenset({MemberStatus.NORMAL}),
    MemberStatus.DECLARED_MISSING: frozenset({MemberStatus.NORMAL}),
}

DRAFT, SUBMITTED, APPROVED = "draft", "submitted", "approved"
FAKE_TABLE = {DRAFT: {SUBMITTED}, SUBMITTED: {APPROVED, DRAFT}}


def _field(name: str, field: models.Field) -> models.Field:
    field.set_attributes_from_name(name)
    return field


class FakeRecord:
    """Just what transition() needs: a status choice field, optional updated_at, and a recording save()."""

    def __init__(self, status: str = DRAFT, *, with_updated_at: bool = True, grouped: bool = False) -> None:
        choices = [("在办", [(DRAFT, "草稿"), (SUBMITTED, "已提交")]), ("办结", [(APPROVED, "已批准")])] if grouped \
            else [(DRAFT, "草稿"), (SUBMITTED, "已提交"), (APPROVED, "已批准")]
        fields = [_field("status", models.CharField(max_length=20, choices=choices)),
                  _field("reviewer", models.CharField(max_length=20, blank=True))]
        if with_updated_at:
            fields.append(_field("updated_at", models.DateTimeField(auto_now=True)))
        self._meta = SimpleNamespace(concrete_fields=fields,
                                     get_field=lambda name: next(f for f in fields if f.name == name))
        self.status = status
        self.reviewer = ""
        self.saves: list[list[str]] = []

    def save(self, *, update_fields: list[str]) -> None:
        self.saves.append(list(update_fields))


# --- the table helpers ------------------------------------------------------------------------------

def test_allowed_targets_of_a_listed_status():
    """Given the table, when asking where submitted may go, then approved and draft."""
    assert allowed_targets(FAKE_TABLE, SUBMITTED) == frozenset({APPROVED, DRAFT})


def test_allowed_targets_of_a_final_status_is_empty():
    """Given a status with no row in the table (final), when asking where it may go, then nowhere."""
    assert allowed_targets(FAKE_TABLE, APPROVED) == frozenset()


@pytest.mark.parametrize(("current", "target", "expected"), [
    (DRAFT, SUBMITTED, True), (DRAFT, APPROVED, False), (APPROVED, DRAFT, False), (DRAFT, DRAFT, False),
])
def test_can_transition(current, target, expected):
    """Given the table, when asking whether a move is allowed, then only listed moves are."""
    assert can_transition(FAKE_TABLE, current, target) is expected


def test_table_keyed_by_text_choices_accepts_plain_strings():
    """Given a table keyed by TextChoices members, when asked with plain strings, then the same answer."""
    assert can_transition(MEMBER_TABLE, "normal", "imprisoned") is True


# --- the in-memory stand-in -------------------------------------------------------------------------

def test_legal_move_sets_the_status():
    """Given a draft, when moved to submitted, then its status is submitted."""
    record = FakeRecord()
    transition(record, table=FAKE_TABLE, target=SUBMITTED)
    assert record.status == SUBMITTED


def test_legal_move_returns_before_and_after():
    """Given a draft, when moved to submitted, then (draft, submitted) comes back for the event row."""
    assert transition(FakeRecord(), table=FAKE_TABLE, target=SUBMITTED) == (DRAFT, SUBMITTED)


def test_legal_move_saves_status_and_updated_at_only():
    """Given a model with updated_at, when moved, then exactly one save of status and updated_at."""
    record = FakeRecord()
    transition(record, table=FAKE_TABLE, target=SUBMITTED)
    assert record.saves == [["status", "updated_at"]]


def test_model_without_updated_at_saves_status_only():
    """Given a model without updated_at, when moved, then the save names only status."""
    record = FakeRecord(with_updated_at=False)
    transition(record, table=FAKE_TABLE, target=SUBMITTED)
    assert record.saves == [["status"]]


def test_extra_updates_are_set_and_saved():
    """Given extra updates, when moved, then they are set on the instance and saved with the status."""
    record = FakeRecord(SUBMITTED)
    transition(record, table=FAKE_TABLE, target=APPROVED, extra_updates={"reviewer": "王五"})
    assert (record.reviewer, record.saves) == ("王五", [["status", "reviewer", "updated_at"]])


def test_illegal_move_raises_without_saving():
    """Given a draft, when moved straight to approved, then TransitionError and nothing saved or changed."""
    record = FakeRecord()
    with pytest.raises(TransitionError):
        transition(record, table=FAKE_TABLE, target=APPROVED)
    assert (record.status, record.saves) == (DRAFT, [])


def test_illegal_move_names_both_labels_in_chinese():
    """Given an illegal move, when refused, then the message names the current and target labels."""
    with pytest.raises(TransitionError) as caught:
        transition(FakeRecord(), table=FAKE_TABLE, target=APPROVED)
    assert caught.value.message == "当前状态为「草稿」，不能变更为「已批准」"


def test_illegal_move_carries_code_and_values():
    """Given an illegal move, when refused, then code illegal_transition and the raw values in extra."""
    with pytest.raises(TransitionError) as caught:
        transition(FakeRecord(), table=FAKE_TABLE, target=APPROVED)
    assert caught.value.as_dict() == {
        "code": "illegal_transition",
        "message": "当前状态为「草稿」，不能变更为「已批准」",
        "extra": {"from": DRAFT, "to": APPROVED},
    }


def test_transition_error_is_an_application_error():
    """Given a refused move, when caught as ApplicationError (as views and the API do), then it is caught."""
    with pytest.raises(ApplicationError):
        transition(FakeRecord(APPROVED), table=FAKE_TABLE, target=DRAFT)


def test_illegal_move_with_grouped_choices_names_the_labels():
    """Given status choices in named groups, when a move is refused, then the labels are still the options'."""
    with pytest.raises(TransitionError) as caught:
        transition(FakeRecord(grouped=True), table=FAKE_TABLE, target=APPROVED)
    assert caught.value.message == "当前状态为「草稿」，不能变更为「已批准」"


def test_unknown_target_is_named_by_its_value():
    """Given a target that is not a choice at all, when refused, then the message shows the raw value."""
    with pytest.raises(TransitionError) as caught:
        transition(FakeRecord(), table=FAKE_TABLE, target="archived")
    assert caught.value.message == "当前状态为「草稿」，不能变更为「archived」"
