"""Issue 13.2: Streamlit's upload endpoint on a real server, driven by raw HTTP.

Hiding the file uploader is not enough: anyone can open a websocket session and make their own
XSRF cookie/header pair, then PUT files to ``/_stcore/upload_file/<session>/<id>``. On a
workshop server (staff accounts) only a signed-in analyst, facilitator or admin may upload, up
to the stated cap; in local demo mode the person at the computer may.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from benchmarks.streamlit_client import (
    FACILITATOR,
    FACILITATOR_PASSWORD,
    AppServer,
    StreamlitSession,
    launch_app,
    run_async,
)

CAP_MB = 1


def raw_upload(server: AppServer, session_id: str, size: int) -> int:
    """PUT a file of ``size`` bytes with a self-made XSRF pair; the HTTP status."""
    import requests
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
    from streamlit.web.server.starlette.starlette_routes import XSRF_COOKIE_NAME

    token = generate_xsrf_token_string()
    response = requests.put(
        f"{server.url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
        files={"file": ("big.csv", b"a," * (size // 2), "text/csv")},
        headers={"X-Xsrftoken": token},
        cookies={XSRF_COOKIE_NAME: token},
        timeout=60,
    )
    return response.status_code


async def _session(server: AppServer, *, sign_in: bool = False):
    session = StreamlitSession(server.url)
    await session.connect()
    run = await session.open()
    if sign_in:
        run = await session.open("Staff sign-in")
        await session.set(run.widget("text_input", label="User name"), FACILITATOR)
        await session.set(session.last.widget("text_input", label="Password"), FACILITATOR_PASSWORD)
        await session.click(session.last.widget(label="Sign in"))
        await session.rerun()
    assert session.session_id
    return session


def upload_as(server: AppServer, size: int, *, sign_in: bool = False) -> int:
    async def go() -> int:
        session = await _session(server, sign_in=sign_in)
        try:
            import asyncio

            return await asyncio.to_thread(raw_upload, server, session.session_id, size)
        finally:
            await session.close()

    return run_async(go())


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory) -> Iterator[AppServer]:
    server = launch_app(
        tmp_path_factory.mktemp("upload-staff"),
        staff=True,
        extra_env={"CSC_DASH_MAX_UPLOAD_MB": str(CAP_MB)},
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[AppServer]:
    server = launch_app(tmp_path_factory.mktemp("upload-demo"))
    yield server
    server.stop()


def test_an_anonymous_upload_is_refused_on_a_workshop_server(staff_server):
    assert upload_as(staff_server, 1000) == 400


def test_a_big_anonymous_upload_is_refused_before_it_is_read(staff_server):
    # Larger than Streamlit's own default cap too: refused on the session check, not the size.
    assert upload_as(staff_server, 5 * 1024 * 1024) == 400


def test_a_made_up_session_id_is_refused(staff_server):
    assert raw_upload(staff_server, str(uuid.uuid4()), 1000) == 400


def test_signed_in_staff_may_upload_within_the_cap(staff_server):
    assert upload_as(staff_server, 1000, sign_in=True) == 204
    assert upload_as(staff_server, 3 * CAP_MB * 1024 * 1024, sign_in=True) == 413


def test_the_demo_keeps_its_upload(demo_server):
    assert upload_as(demo_server, 1000) == 204


def test_the_servers_cap_is_the_apps_stated_cap():
    import tomllib

    from csc_dash import config
    from tests.conftest import ROOT

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] == config.DEFAULT_MAX_UPLOAD_MB
    assert settings["client"]["showErrorDetails"] == "none"  # no traceback on any page
