"""A live server on a fresh database, Debian's chromium, one browser context per page.

Every test in this folder is marked ``browser``. The server is the real app (CSRF and
rate limits on) served by Werkzeug in a thread; the database is PostgreSQL when
TEST_DATABASE_URL is set, a SQLite file otherwise; rate-limit counters live in Redis
when REDIS_URL is set. Screenshots go to test-output/browser/ at the repository root.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.extensions import db, limiter
from tests import databases

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHOTS = ROOT / "test-output" / "browser"
TIMEOUT_MS = 10_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def nav_link(page: Page, name: str):
    """A link of the navigation bar; one in a dropdown (e.g. "Deals") is shown first, as a person would.
    The page must have loaded: before Bootstrap's script runs, the dropdown's button does nothing."""
    page.wait_for_load_state("load")
    link = page.get_by_role("navigation").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.get_by_test_id("nav-group").filter(has_text=name).get_by_role("button").click()
    return link


def shot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-output/browser/<name>.png and return its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class LiveServer:
    base_url: str
    app: Flask
    database_url: str

    def url(self, path: str = "/") -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL") or None
    if base:  # one per xdist worker: two workers may each run a browser module at once
        url = databases.fresh_postgres(base, f"live_{databases.worker_id()}")
    else:
        url = databases.sqlite_url(tmp_path_factory.mktemp("live"))
    redis_client = None
    server = thread = None
    app = None
    try:
        databases.migrate_to_head(url)
        if redis_url:
            import redis

            redis_client = redis.Redis.from_url(redis_url)
            redis_client.flushdb()
        app = create_app({"SECRET_KEY": "browser-test", "DATABASE_URL": url, "REDIS_URL": redis_url,
                          "RECS_BACKGROUND_REBUILD": False})
        assert limiter.enabled, "rate limiting must stay on in the browser journeys"
        if redis_url:
            assert "redis" in type(limiter.storage).__name__.lower(), "the rate-limit counters must be in Redis"
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, url)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if redis_client is not None:
            redis_client.flushdb()
            redis_client.close()
        if base:
            databases.drop_postgres(url)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Each journey starts with fresh log-in counters, as a person on another address would.

    Rate limiting stays on: every browser comes from 127.0.0.1, and the suite as a whole
    submits more than the ten forms a minute that one address may.
    """
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_server")
        limiter.reset()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(path).is_file():
        pytest.skip(f"no chromium at {path} (set CHROMIUM_PATH): the browser journeys are skipped")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Problems:
    """What a person would notice: script errors, server errors, assets that fail to load."""

    seen: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.seen.append(f"script error on {page.url}: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request: Any) -> None:
        # A navigation that leaves a page aborts that page's pending requests: not a fault.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.seen.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response: Any) -> None:
        if response.status >= 500 or (response.status >= 400 and "/static/" in response.url):
            self.seen.append(f"{response.status} for {response.url}")


@pytest.fixture
def page_factory(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """``page_factory(locale="zh-CN", **context_options)``: a page in a new browser context.

    The locale sets Accept-Language; ``base_url`` is the live server, so ``page.goto("/")``
    works. After the test, any script error, 5xx or missing asset fails it.
    """
    contexts = []
    problems = Problems()

    def new_page(locale: str = "zh-CN", **options: Any) -> Page:
        context = browser.new_context(locale=locale, base_url=live_server.base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not problems.seen, "\n".join(problems.seen)


@pytest.fixture
def page(page_factory: Callable[..., Page]) -> Page:
    """A page in a Chinese-speaking browser (Accept-Language zh-CN)."""
    return page_factory("zh-CN")
