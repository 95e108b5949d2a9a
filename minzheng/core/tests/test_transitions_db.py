"""transition() against a real model: the registry's Membership, whose ``status`` is a choice field and
which has ``updated_at``, moved along a table defined here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minzheng.core.transitions import TransitionError, transition
from minzheng.registry.enums import MemberStatus, Relation
from minzheng.registry.models import Membership
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

MEMBER_TABLE = {
    MemberStatus.NORMAL: frozenset({MemberStatus.IMPRISONED, MemberStatus.DECLARED_MISSING}),
    MemberStatus.IMPRISONED: frozenset({MemberStatus.NORMAL}),
    MemberStatus.DECLARED_MISSING: frozenset({MemberStatus.NORMAL}),
}


@pytest.fixture
def membership(areas) -> Membership:
    head = f.make_person(name="李四")
    household = f.make_household(head=head)
    return Membership.objects.get(household=household, relation=Relation.HEAD)


def test_legal_move_is_stored(membership):
    """Given a normal membership, when moved to imprisoned, then the database holds imprisoned."""
    transition(membership, table=MEMBER_TABLE, target=MemberStatus.IMPRISONED)
    assert Membership.objects.get(pk=membership.pk).status == MemberStatus.IMPRISONED


def test_legal_move_leaves_other_unsaved_changes_unsaved(membership):
    """Given an unsaved change to another field, when the status moves, then that change is not written."""
    membership.living_together = False
    transition(membership, table=MEMBER_TABLE, target=MemberStatus.IMPRISONED)
    assert Membership.objects.get(pk=membership.pk).living_together is True


def test_legal_move_bumps_updated_at(membership):
    """Given a membership, when its status moves, then updated_at in the database is later than before."""
    before = membership.updated_at
    transition(membership, table=MEMBER_TABLE, target=MemberStatus.IMPRISONED)
    assert Membership.objects.get(pk=membership.pk).updated_at > before


def test_legal_move_is_one_update_of_two_columns(membership):
    """Given a membership, when its status moves, then one UPDATE that sets only status and updated_at."""
    with CaptureQueriesContext(connection) as queries:
        transition(membership, table=MEMBER_TABLE, target=MemberStatus.IMPRISONED)
    sql = queries.captured_queries[0]["sql"]
    set_clause = sql[sql.index(" SET ") + 5:sql.index(" WHERE ")]
    assert len(queries) == 1 and set_clause.count("=") == 2 and '"status"' in set_clause \
        and '"updated_at"' in set_clause


def test_illegal_move_on_a_model_names_its_labels(membership):
    """Given an imprisoned membership, when moved to declared missing, then the labels 服刑 and 宣告失踪."""
    transition(membership, table=MEMBER_TABLE, target=MemberStatus.IMPRISONED)
    with pytest.raises(TransitionError) as caught:
        transition(membership, table=MEMBER_TABLE, target=MemberStatus.DECLARED_MISSING)
    assert caught.value.message == "当前状态为「服刑」，不能变更为「宣告失踪」"


def test_illegal_move_writes_nothing(membership):
    """Given a normal membership, when an illegal move is refused, then no query runs at all."""
    with CaptureQueriesContext(connection) as queries, pytest.raises(TransitionError):
        transition(membership, table=MEMBER_TABLE, target=MemberStatus.COMPULSORY_REHAB)
    assert len(queries) == 0
