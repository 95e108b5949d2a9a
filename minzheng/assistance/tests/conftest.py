"""Fixtures shared by the assistance workflow tests."""

from __future__ import annotations

import datetime as dt

import pytest

from minzheng.policy.demo import ensure_demo_parameters
from minzheng.registry.enums import Relation
from minzheng.testing import factories as f


@pytest.fixture
def demo_parameters(db):
    """The demo standards (演示参数), restored after the flush a transactional test may have done."""
    ensure_demo_parameters()


@pytest.fixture
def couple(areas):
    """A couple in 甲一村, both adults (刘一, born 1985, and 陈二, born 1987): (household, head, wife)."""
    head = f.make_person(name="刘一", birth=dt.date(1985, 3, 1))
    wife = f.make_person(name="陈二", birth=dt.date(1987, 5, 1), male=False)
    household = f.make_household(head=head, members=[(wife, Relation.SPOUSE)])
    return household, head, wife
