"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page in demo mode, joined to the demo
workshop, and signed in as a facilitator: no serious or critical violation outside the
Streamlit-internal ones listed, with reasons, in ``benchmarks.accessibility.KNOWN_STREAMLIT``.
Moderate and minor ones are printed (``pytest -s``) and recorded by ``python -m
benchmarks.accessibility`` for BENCHMARKS.md."""

from __future__ import annotations

import pytest

from benchmarks.accessibility import JOINED_PAGES, PageAudit, audit_app

pytestmark = pytest.mark.browser


def check(audits: list[PageAudit]) -> None:
    assert audits, "no page was audited"
    for a in audits:
        for v in a.other:
            print(f"[{a.mode} / {a.page}] {v.line()}")
    blocking = {
        f"{a.mode} / {a.page}": [v.line() for v in a.blocking] for a in audits if a.blocking
    }
    assert blocking == {}


def test_every_page_in_demo_mode(browser, demo_server):
    audits = audit_app(browser, demo_server.url, "demo")
    assert len(audits) >= 10
    check(audits)


def test_joined_participant_pages(browser, demo_server):
    check(audit_app(browser, demo_server.url, "demo, joined", join=True, pages=JOINED_PAGES))


def test_every_page_signed_in_as_facilitator(browser, staff_server):
    audits = audit_app(browser, staff_server.url, "facilitator", sign_in=True)
    assert "Facilitator" in {a.page for a in audits}
    check(audits)
