"""Real components for the browser journeys: a real ``streamlit run app.py`` server and Debian's
Chromium driven by Playwright.

- ``start_app(**options)`` starts a server on a free port with its own data folder (and, when
  asked, ``DATABASE_URL``, a cookie key and a users file), waits on ``/_stcore/health`` and kills
  it after the test. ``demo_server`` is one shared demo-mode server for the run.
- ``browser`` is one Chromium for the whole run; ``new_page(server)`` opens a fresh browser
  context (its own cookies, like a separate person's device) on that server.

``benchmarks.streamlit_client.FACILITATOR`` / ``FACILITATOR_PASSWORD`` sign in on a ``staff=True`` server.

Browser tests are marked ``@pytest.mark.browser``. They are skipped when /usr/bin/chromium is
missing, except in CI (``CSC_DASH_CI=1``), where they must run and fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import streamlit_client
from benchmarks.streamlit_client import AppServer, launch_app

CHROMIUM = os.environ.get("CSC_DASH_CHROMIUM", streamlit_client.CHROMIUM)
CHROMIUM_ARGS = streamlit_client.CHROMIUM_ARGS
IN_CI = os.environ.get("CSC_DASH_CI") == "1"


def chromium_present() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    if chromium_present() or IN_CI:
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (install: apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def start_app(tmp_path) -> Iterator:
    """Factory: ``start_app(staff=..., database_url=..., extra_env=..., extra_args=...)``."""
    servers: list[AppServer] = []

    def make(name: str = "app", **kwargs) -> AppServer:
        server = launch_app(tmp_path / f"{name}{len(servers)}", **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[AppServer]:
    """One demo-mode app server (no staff accounts) for the whole run (read-mostly: tests that
    join use their own made-up names)."""
    server = launch_app(tmp_path_factory.mktemp("demo"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory) -> Iterator[AppServer]:
    """One app server with a facilitator account, for a whole test module."""
    server = launch_app(tmp_path_factory.mktemp("staff"), staff=True)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Factory: a page in a fresh browser context (a separate person), at ``server.url + path``."""
    contexts = []

    def make(server: AppServer, path: str = "", *, width: int = 1280, height: int = 800):
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server.url}/{path.lstrip('/')}")
        from tests.browser.st import wait_ready

        wait_ready(page)
        return page

    yield make
    for context in contexts:
        context.close()
