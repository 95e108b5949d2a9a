"""Every menu entry a role is given opens a styled Chinese page without browser errors."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from e2e.helpers import assert_styled


@pytest.mark.parametrize("username", ["cun_maoji", "qu_admin"])
def test_every_menu_entry_opens_a_styled_page(page, login, shot, username):
    """Given a demo user, when they click through each entry of their menu, then each page answers 200,
    is styled, marks its own entry active and titles itself with the entry's label."""
    login(page, username)
    nav = page.get_by_role("navigation", name="主导航")
    labels = [text.strip() for text in nav.locator("a.mz-link").all_inner_texts() if text.strip() != "工作台"]
    assert labels
    for index, label in enumerate(labels, start=1):
        with page.expect_navigation() as navigation:
            nav.get_by_role("link", name=label, exact=True).click()
        assert navigation.value.status == 200, label
        assert_styled(page)
        assert nav.locator("a.mz-link.active").inner_text().strip() == label
        # A page may qualify its title (节假日设置 · 2026年) but starts with the entry's label.
        assert page.locator("main h1").first.inner_text().strip().startswith(label)
        path = urlparse(page.url).path.strip("/").replace("/", "-")
        shot(page, f"menu-{username}-{index:02d}-{path}")
