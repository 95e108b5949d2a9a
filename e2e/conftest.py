"""Browser journeys: a live server over a real database holding a small demo district, driven by Debian's
Chromium through Playwright.

Playwright never downloads a browser here; it launches the system Chromium named by ``MINZHENG_CHROMIUM``.
Each test gets a freshly generated district (the transactional database is flushed between tests, and the
live server thread must see committed rows), a new browser context and a page. Screenshots go to
``e2e/artifacts/``; a failing test leaves a ``FAILED-*.png`` there as well.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

# The sync Playwright API runs an event loop in the test thread; Django refuses ORM calls from such a thread
# unless told otherwise. The runner sets this too; the default keeps direct `pytest e2e` runs working.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

CHROMIUM = os.environ.get("MINZHENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # The browser's own widgets (date pickers, validation bubbles) in Chinese, as on a staff desktop.
    "--lang=zh-CN",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEMO_SEED = 7
DEMO_PERSONS = 2000
DEMO_PASSWORD = "Demo@2025"
TIMEOUT_MS = 30_000  # generous: CI machines are shared, and a slow step must not read as a failure


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_e2e_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        # Under CI a missing browser is a failure, never a silent skip; locally the journeys are skipped.
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true requires the browser journeys)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def demo_district(transactional_db):
    """The demo district at a size that generates in well under a second: 30 villages, 2,000 persons,
    about a dozen households in 毛集村."""
    from minzheng.demo.generator import generate_demo

    return generate_demo(seed=DEMO_SEED, persons=DEMO_PERSONS)


@pytest.fixture
def server(live_server, demo_district) -> str:
    return live_server.url


class PageProblems:
    """What the browser complained about: console errors (CSP violations among them), uncaught script
    errors, server errors and failed requests for our own static files. A passing test must leave none."""

    def __init__(self):
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.failed_responses: list[str] = []
        self.documents: list = []

    def leaks(self) -> list[str]:
        """Pages, fragments, JSON and files the browser received that carry an unmasked, valid ID number
        (the same check the Django test client applies to every response in the unit suite)."""
        from minzheng.testing.leakscan import response_text, valid_ids_in

        found = []
        for response in self.documents:
            try:
                body = response.body()
            except Exception:  # redirects and evicted bodies have nothing to scan
                continue
            _, text = response_text(body, response.headers.get("content-type", ""))
            if valid_ids_in(text):
                found.append(f"unmasked ID number in {response.url}")
        return found

    def all(self) -> list[str]:
        return [*self.console, *self.page_errors, *self.failed_responses, *self.leaks()]


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", base_url=server)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda msg: problems.console.append(f"console.{msg.type}: {msg.text}")
            if msg.type == "error" and not _expected_console_error(msg.text) else None)
    page.on("pageerror", lambda exc: problems.page_errors.append(f"pageerror: {exc}"))
    page.on("response", lambda resp: problems.failed_responses.append(f"{resp.status} {resp.url}")
            if resp.status >= 500 or ("/static/" in resp.url and resp.status >= 400) else None)
    page.on("response", lambda resp: problems.documents.append(resp)
            if resp.url.startswith(server) and "/static/" not in resp.url and "/reveal/" not in resp.url else None)
    page.problems = problems
    yield page
    call = getattr(request.node, "_e2e_report_call", None)
    if call is not None and call.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # A screenshot that cannot be taken (the page crashed) must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{_slug(request.node.name)}.png"), full_page=True)
    context.close()
    if call is not None and call.passed:
        assert not problems.all(), "the browser reported problems:\n" + "\n".join(problems.all())


def _expected_console_error(text: str) -> bool:
    # Chromium logs every 4xx/5xx response as a console error. The journeys that ask for a 403 or 404 check
    # the status themselves, and failed responses that matter are collected from the responses directly.
    return text.startswith("Failed to load resource: the server responded with a status of")


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")


@pytest.fixture
def shot():
    """``shot(page, "registry-01-login")`` saves a full-page PNG to e2e/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def login():
    """``login(page, "cun_maoji")`` signs in through the real login form and waits for the dashboard."""

    def _login(page, username: str, password: str = DEMO_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("logout").wait_for()
        return page

    return _login


@pytest.fixture
def logout():
    def _logout(page):
        page.get_by_test_id("logout").click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        page.get_by_test_id("login-submit").wait_for()
        return page

    return _logout
