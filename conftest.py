"""Shared fixtures: the small test district and one user per role at each level."""

from __future__ import annotations

import pytest

from minzheng.accounts.enums import Role
from minzheng.testing import factories as f


@pytest.fixture
def areas(db):
    return f.make_areas()


@pytest.fixture
def users(areas):
    """One user per role: village workers in 甲一 and 乙一, town reviewers in 甲 and 乙, district roles."""
    return {
        "village_a1": f.make_user(Role.VILLAGE_WORKER, f.VILLAGE_A1, username="cun_a1"),
        "village_b1": f.make_user(Role.VILLAGE_WORKER, f.VILLAGE_B1, username="cun_b1"),
        "town_a": f.make_user(Role.TOWN_REVIEWER, f.TOWN_A, username="zhen_a"),
        "town_b": f.make_user(Role.TOWN_REVIEWER, f.TOWN_B, username="zhen_b"),
        "district_approver": f.make_user(Role.DISTRICT_APPROVER, f.DISTRICT, username="qu_approver"),
        "district_admin": f.make_user(Role.DISTRICT_ADMIN, f.DISTRICT, username="qu_admin"),
        "finance": f.make_user(Role.FINANCE_OFFICER, f.DISTRICT, username="qu_finance"),
        "leader": f.make_user(Role.LEADER, f.DISTRICT, username="leader"),
        "auditor": f.make_user(Role.AUDITOR, f.DISTRICT, username="auditor"),
        "security_admin": f.make_user(Role.SECURITY_ADMIN, f.DISTRICT, username="security"),
        "system_admin": f.make_user(Role.SYSTEM_ADMIN, f.DISTRICT, username="sysadmin"),
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _no_unmasked_id_numbers(monkeypatch):
    """Every response a test receives is scanned for unmasked ID numbers (see minzheng/testing/leakscan.py)."""
    from django.test import client as test_client

    from minzheng.testing import leakscan

    original_request = test_client.Client.request

    def request(self, **environ):
        response = original_request(self, **environ)
        typed = set()
        wsgi_input = getattr(response, "wsgi_request", None)
        if wsgi_input is not None:
            try:
                typed = leakscan.typed_values(wsgi_input.POST) | leakscan.typed_values(wsgi_input.GET)
            except Exception:
                typed = set()
        leakscan.scan_response(response, typed=typed)
        return response

    monkeypatch.setattr(test_client.Client, "request", request)


def pytest_terminal_summary(terminalreporter):
    from minzheng.testing.leakscan import STATS

    if STATS.responses:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(STATS.by_kind.items()))
        terminalreporter.write_line(f"sensitive-data scan: {STATS.responses} responses scanned ({kinds}); "
                                    f"{len(STATS.leaks)} with unmasked ID numbers")
