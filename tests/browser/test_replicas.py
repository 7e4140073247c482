"""Two app replicas on two ports sharing one PostgreSQL (a fresh schema on the test server,
dropped afterwards): participants on both; a facilitator on either sees every answer, and the
store holds each acknowledged answer exactly once."""

from __future__ import annotations

import asyncio
import os
import secrets
import time

import pytest
from playwright.sync_api import expect

from benchmarks.load import LoadConfig, compare, drive, make_workshop, stored_answers
from benchmarks.streamlit_client import (
    FACILITATOR,
    FACILITATOR_PASSWORD,
    launch_app,
    pick_port,
    run_async,
)
from csc_dash.content.questions import REACTION_LABELS
from tests.browser import flows, st
from tests.pg import isolated_schema, postgres_url

SHOTS = os.environ.get("CSC_DASH_SHOTS")  # a folder for screenshots when looking by hand

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]


def open_facilitator(page) -> None:
    """Open the Facilitator page. Not with st.goto_page: its live results rerun every few
    seconds, so on a busy machine the page is rarely idle for long; the caller waits for words."""
    page.locator('[data-testid="stSidebarNav"] a span[label="Facilitator"]').first.click()


@pytest.fixture
def shared_postgres() -> str:
    with isolated_schema(postgres_url()) as url:
        yield url


def test_two_replicas_one_database(shared_postgres, tmp_path, new_page):
    cookie_key = secrets.token_urlsafe(32)  # the same secrets on every replica
    folder = tmp_path / "replicas"
    replicas = []
    try:
        for _ in range(2):
            replicas.append(
                launch_app(folder, staff=True, database_url=shared_postgres, cookie_key=cookie_key)
            )
        assert replicas[0].port != replicas[1].port
        workshop_id, code = make_workshop(shared_postgres, "Two replicas", created_by=FACILITATOR)

        # Three participants on each replica at the same time, two answers each.
        cfg = LoadConfig(sessions=3, moves=2, answers=2, think=(0.05, 0.2), ramp=0.5)

        async def both():
            return await asyncio.gather(
                drive(replicas[0].url, LoadConfig(**{**cfg.__dict__, "tag": "ra"}), code=code),
                drive(replicas[1].url, LoadConfig(**{**cfg.__dict__, "tag": "rb"}), code=code),
            )

        (on_a, _, _), (on_b, _, _) = run_async(both())
        results = on_a + on_b
        assert [e for r in results for e in r.errors] == []
        assert sum(r.joined for r in results) == 6
        acknowledged = [a for r in results for a in r.acknowledged]
        counts = compare(acknowledged, stored_answers(shared_postgres, workshop_id))
        assert counts["acknowledged"] == 12
        assert counts["stored"] == 12 and counts["lost"] == 0 and counts["duplicated"] == 0

        # A facilitator on either replica sees all six people, their views, and all twelve answers.
        for server in replicas:
            page = new_page(server)
            flows.sign_in(page, FACILITATOR, FACILITATOR_PASSWORD)
            open_facilitator(page)
            st.expect_text(page, "6 people have joined", timeout=90_000)
            st.expect_text(page, "6 views saved so far")  # the latest view of each person
            rows = flows.read_csv(flows.download(page, "Answers (CSV spreadsheet)"))
            assert len(rows) == 12
            assert {r["pseudonym"][:2] for r in rows} == {"ra", "rb"}
            st.assert_no_exception(page)
    finally:
        for server in replicas:
            server.stop()


# --------------------------------------------------------------------------------------------
# Behind a real proxy: nginx (deploy/nginx.conf.template), one replica killed mid-room
# --------------------------------------------------------------------------------------------


@pytest.fixture
def nginx_present() -> None:
    from deploy.replicas import nginx_binary
    from tests.browser.conftest import IN_CI

    if nginx_binary() is None:
        message = "nginx is not installed (Debian: apt-get install nginx)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_replica_killed_behind_nginx_nothing_acknowledged_is_lost(
    nginx_present, shared_postgres, tmp_path, new_page
):
    """Two replicas behind nginx; a person in Chromium and eight over the websocket, half of
    them on each replica (chosen with the sticky cookie). The browser's replica is killed with
    SIGKILL once half the answers are acknowledged: its people reconnect through the proxy,
    land on the other replica, come back as themselves (the ?p= link) and carry on; every
    answer shown as saved is stored exactly once. A facilitator then signs in through the
    proxy, uploads a test set and downloads every answer (upload and media paths)."""
    from deploy.replicas import NginxProxy

    secrets_env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32)}
    cookie_key = secrets.token_urlsafe(32)
    replicas = []
    proxy = None
    try:
        for _ in range(2):
            replicas.append(
                launch_app(
                    tmp_path / "replicas", staff=True, database_url=shared_postgres,
                    cookie_key=cookie_key, extra_env=secrets_env,
                )
            )  # fmt: skip
        upstreams = [f"127.0.0.1:{r.port}" for r in replicas]
        proxy = NginxProxy(port=pick_port(), upstreams=upstreams, folder=tmp_path / "nginx")
        proxy.start()
        workshop_id, code = make_workshop(shared_postgres, "Behind nginx", created_by=FACILITATOR)

        # The person in the browser: joins through the proxy and saves a first view.
        page = new_page(proxy)
        affinity = {c["name"]: c["value"] for c in page.context.cookies()}.get("csc_replica")
        assert affinity, "nginx set no sticky-session cookie"
        browser_replica = proxy.upstream_of(affinity)
        assert browser_replica in upstreams
        doomed = replicas[upstreams.index(browser_replica)]
        survivor = replicas[1 - upstreams.index(browser_replica)]
        flows.join(page, code, "Browser Heron", "Prefer not to say")
        assert "p=" in page.url  # the rejoin link the app keeps in the address bar
        st.goto_page(page, "Trade-offs")
        flows.save_view(page, REACTION_LABELS["acceptable"], "browser answer before the kill")

        # Eight more people over the websocket, four sticking to each replica.
        chosen = proxy.affinities(per_upstream=4)
        assert all(len(v) == 4 for v in chosen.values()), chosen
        cookies = [{"csc_replica": chosen[upstreams[i % 2]][i // 2]} for i in range(8)]
        on_doomed = {i for i in range(8) if upstreams[i % 2] == browser_replica}
        cfg = LoadConfig(sessions=8, moves=8, answers=4, think=(0.2, 0.5), ramp=0.5,
                         tag="nx", failover=True)  # fmt: skip
        progress: list[str] = []
        killed: dict[str, int] = {}

        async def room():
            async def kill_when_half_saved():
                while len(progress) < 8 * 4 // 3:
                    await asyncio.sleep(0.05)
                killed["acknowledged_before"] = len(progress)
                killed["at"] = time.perf_counter()
                doomed.kill9()

            killer = asyncio.create_task(kill_when_half_saved())
            outcome = await drive(proxy.url, cfg, code=code, progress=progress, cookies=cookies)
            killer.cancel()
            return outcome

        results, _, _ = run_async(room())
        assert killed, "the replica was never killed"
        assert doomed.process.poll() is not None and survivor.process.poll() is None
        assert [e for r in results for e in r.errors] == []
        assert sum(r.joined for r in results) == 8
        # People on the killed replica who did something after the kill were cut off, came back
        # and were themselves again (one who could not would be in the errors above); nobody on
        # the other replica noticed anything.
        cut_off = {r.index for r in results if r.reconnects}
        assert cut_off and cut_off <= on_doomed
        assert all(r.ended > killed["at"] for r in results if r.index in cut_off)
        assert all(r.rejoined == r.reconnects for r in results)
        # nginx now sends everyone to the surviving replica.
        assert all(
            proxy.route(chosen[u][0]) == f"127.0.0.1:{survivor.port}" for u in upstreams
        )

        # The browser reconnects through the proxy by itself and is still the same person.
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_contain_text("as Browser Heron", timeout=60_000)
        st.settle(page)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/after-kill-{page.viewport_size['width']}.png")
        st.goto_page(page, "Trade-offs")
        flows.save_view(page, REACTION_LABELS["not_acceptable"], "browser answer after the kill")
        st.assert_no_exception(page)

        acknowledged = [a for r in results for a in r.acknowledged]
        acknowledged += ["browser answer before the kill", "browser answer after the kill"]
        assert len(acknowledged) > killed["acknowledged_before"] + 2
        counts = compare(acknowledged, stored_answers(shared_postgres, workshop_id))
        assert counts["lost"] == 0 and counts["duplicated"] == 0
        assert counts["stored"] >= counts["acknowledged"]

        # A facilitator through the proxy: sees every answer, downloads them (media path) and
        # uploads a test set (upload path), all on the surviving replica.
        staff = new_page(proxy)
        flows.sign_in(staff, FACILITATOR, FACILITATOR_PASSWORD)
        open_facilitator(staff)
        st.expect_text(staff, "9 people have joined", timeout=90_000)
        rows = flows.read_csv(flows.download(staff, "Answers (CSV spreadsheet)"))
        assert sorted(r["pseudonym"] for r in rows if "Heron" in r["pseudonym"]) == [
            "Browser Heron", "Browser Heron"
        ]  # fmt: skip
        assert len(rows) == counts["stored"]
        st.goto_page(staff, "Your own model")
        staff.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            {"name": "small.csv", "mimeType": "text/csv", "buffer": SMALL_TEST_SET}
        )
        st.settle(staff)
        st.expect_text(staff, "Which column is which?")
        st.assert_no_exception(staff)
        log = proxy.access_log.read_text()
        assert " /_stcore/upload_file/" in log and " /media/" in log
        assert "p=" not in log  # rejoin tokens are never logged
    finally:
        if proxy is not None:
            proxy.stop()
        for server in replicas:
            server.stop()


SMALL_TEST_SET = b"outcome,score,group\n" + b"".join(
    f"{i % 2},{(i * 37 % 100) / 100:.2f},{'ab'[i % 3 % 2]}\n".encode() for i in range(200)
)
