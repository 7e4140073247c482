"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page in demo mode, joined to the demo
workshop, and signed in as a facilitator: no serious or critical violation outside the
Streamlit-internal ones listed, with reasons, in ``benchmarks.accessibility.KNOWN_STREAMLIT``.
Moderate and minor ones are printed (``pytest -s``) and recorded by ``python -m
benchmarks.accessibility`` for BENCHMARKS.md."""

from __future__ import annotations

import pytest

from benchmarks.accessibility import JOINED_PAGES, PageAudit, audit, audit_app
from tests.browser import flows, st

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


#: Every real table's own box: wider inside than outside means a sideways scroll.
_OVERFLOWING_TABLES = """() => [...document.querySelectorAll('.stTable')]
  .map(t => t.firstElementChild)
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => box.innerText.slice(0, 60))"""


@pytest.mark.parametrize("width", [390, 1280])
def test_analyst_tables_and_an_uploaded_file(new_page, demo_server, tmp_path, width):
    # The analyst tables (Fairness in "All the numbers") and the list of an uploaded file's
    # columns are real tables that fit: nothing for axe to find, and no table scrolls sideways.
    csv = tmp_path / "scores.csv"
    rows = ["outcome,<b>my score</b>,*team* :red[x]"]
    rows += [f"{i % 5 == 0:d},{(i * 37 % 100) / 100},{'North' if i % 2 else 'South'}" for i in range(300)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page = new_page(demo_server, width=width, height=900)
    flows.goto(page, "Your own model")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    st.settle(page)
    page.get_by_role("button", name="Check this file").click()
    st.settle(page)
    st.expect_text(page, "This file can be used.")
    assert page.locator(".stTable").count() >= 1
    audits = [audit(page, f"upload, {width}px", "Your own model")]
    assert page.evaluate(_OVERFLOWING_TABLES) == []
    flows.open_sidebar(page)
    page.get_by_text("All the numbers").click()
    st.settle(page)
    flows.goto(page, "Fairness")
    st.expect_text(page, "For analysts: the full table")
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator(".stTable").count() > 10
    audits.append(audit(page, f"analyst, {width}px", "Fairness"))
    assert page.evaluate(_OVERFLOWING_TABLES) == []
    check(audits)
