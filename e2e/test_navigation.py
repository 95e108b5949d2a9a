"""The left navigation shows each role only what it may use (三员分立: the auditor reads logs, not people)."""

from __future__ import annotations

import pytest


def _nav_labels(page) -> set[str]:
    nav = page.get_by_role("navigation", name="主导航")
    return {text.strip() for text in nav.locator("a.mz-link").all_inner_texts()}


@pytest.mark.parametrize(("username", "shown", "hidden"), [
    ("shenji", {"工作台", "审计日志"}, {"人员", "家庭"}),
    ("cun_maoji", {"工作台", "人员", "家庭"}, {"审计日志"}),
    ("lingdao", {"工作台", "人员", "家庭"}, {"审计日志"}),
])
def test_navigation_shows_only_what_the_role_may_use(page, login, shot, username, shown, hidden):
    """Given a demo user, when they sign in, then the menu holds the entries of their role and none other."""
    login(page, username)
    labels = _nav_labels(page)
    assert shown <= labels, labels
    assert not hidden & labels, labels
    shot(page, f"nav-{username}")


def test_auditor_typing_the_person_list_address_is_refused(page, login, shot):
    """Given 李审计 (审计管理员), when he types the person list's address, then he gets a Chinese 403 page
    inside the usual layout, with no one's data on it."""
    login(page, "shenji")
    response = page.goto("/registry/persons/")
    assert response.status == 403
    page.get_by_test_id("error-title").wait_for()
    assert "没有执行此操作的权限" in page.locator("main").inner_text()
    assert page.get_by_test_id("person-table").count() == 0
    shot(page, "nav-auditor-person-list-403")
