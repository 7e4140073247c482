"""Two app replicas on two ports sharing one PostgreSQL (a fresh schema on the test server,
dropped afterwards): participants on both; a facilitator on either sees every answer, and the
store holds each acknowledged answer exactly once."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from benchmarks.load import LoadConfig, compare, drive, make_workshop, stored_answers
from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD, launch_app, run_async
from tests.browser import flows, st
from tests.pg import isolated_schema, postgres_url

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]


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
            st.goto_page(page, "Facilitator")
            st.expect_text(page, "6 people have joined")
            st.expect_text(page, "6 views saved so far")  # the latest view of each person
            rows = flows.read_csv(flows.download(page, "Answers (CSV spreadsheet)"))
            assert len(rows) == 12
            assert {r["pseudonym"][:2] for r in rows} == {"ra", "rb"}
            st.assert_no_exception(page)
    finally:
        for server in replicas:
            server.stop()
