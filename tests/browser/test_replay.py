"""Replay a saved screen in a real Chromium: a participant moves the line on Trade-offs and saves
their view; the facilitator shows it on the projector and sees the same line and the same
per-1,000 figures, with a banner and a way back to their own settings. When the participant
withdraws while their view is on the projector, it goes by itself within seconds."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD
from csc_dash.ui.workshop import replay
from tests.browser import flows, st

pytestmark = pytest.mark.browser

FIGURES = ("flagged", "true_alarm", "false_alarm", "missed")
SERVER_SENTENCE = re.compile(r"Out of every 1,000 referrals, the tool would flag [\d,]+\.")


def _screen(page) -> dict:
    """The line and every per-1,000 figure Trade-offs shows (the browser's and the server's)."""
    line = page.locator(".csc-line input[type=range]")
    line.wait_for()
    return {
        "step": line.input_value(),
        "line": page.locator(".csc-line .line-text").inner_text(),
        **{k: page.locator(f'.csc-line [data-figure="{k}"]').inner_text() for k in FIGURES},
        "server": page.get_by_text(SERVER_SENTENCE).first.inner_text(),
    }


def test_the_facilitator_replays_a_view_saved_at_a_moved_line(start_app, new_page):
    server = start_app("replay", staff=True)
    fac = new_page(server)
    flows.sign_in(fac, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(fac, "Replay test")
    st.goto_page(fac, "Trade-offs")
    own = _screen(fac)
    st.goto_page(fac, "Facilitator")

    kit = new_page(server, width=768, height=1000)
    flows.join(kit, code, "Kit", "Family member")
    st.goto_page(kit, "Trade-offs")
    line = kit.locator(".csc-line input[type=range]")
    line.wait_for()
    start = int(line.input_value())
    line.focus()
    for _ in range(7):
        line.press("ArrowLeft")
    expect(line).to_have_value(str(start - 7))
    flagged = kit.locator('.csc-line [data-figure="flagged"]').inner_text()
    # The settled line reaches the server: its own sentence says the same number.
    expect(kit.get_by_text(SERVER_SENTENCE).first).to_contain_text(
        f"flag {flagged}.", timeout=30_000
    )
    st.settle(kit)
    saved = _screen(kit)
    assert saved["step"] != own["step"]
    flows.save_view(kit, "I could not accept this", "Too many false alarms for us")

    # The view arrives on the facilitator's open console by itself; show it on the projector.
    show = fac.get_by_role("button", name=replay.SHOW)
    expect(show).to_be_visible(timeout=30_000)
    expect(fac.locator(flows.MAIN)).to_contain_text("Too many false alarms for us")
    show.click()
    st.settle(fac)
    expect(fac.locator('[data-testid="stMain"] h1').first).to_contain_text("Trade-offs")
    st.expect_text(fac, replay.BANNER)
    st.expect_text(fac, "Kit (Family member)")
    expect(fac.get_by_text(SERVER_SENTENCE).first).to_have_text(saved["server"], timeout=30_000)
    assert _screen(fac) == saved
    st.assert_no_exception(fac)

    # Stop showing it: back on the console, and the facilitator's own line is back.
    fac.get_by_role("button", name=replay.BACK).click()
    st.settle(fac)
    expect(fac.locator('[data-testid="stMain"] h1').first).to_contain_text("Facilitator")
    st.goto_page(fac, "Trade-offs")
    assert _screen(fac) == own
    assert replay.BANNER not in st.main_text(fac)
    st.assert_no_exception(fac)

    # On the projector again; Kit withdraws on their tablet. Without anyone touching the
    # projector, Kit's name and words go and the console says why.
    st.goto_page(fac, "Facilitator")
    fac.get_by_role("button", name=replay.SHOW).click()
    st.settle(fac)
    st.expect_text(fac, "Kit (Family member)")
    st.goto_page(kit, "Welcome")
    flows.withdraw(kit)
    st.expect_text(fac, replay.MSG_GONE, timeout=30_000)
    expect(fac.locator('[data-testid="stMain"] h1').first).to_contain_text("Facilitator")
    st.settle(fac)  # read the whole page once it is drawn, not half of a redraw
    main = st.main_text(fac)
    assert "Kit" not in main and "Too many false alarms for us" not in main
    st.assert_no_exception(fac)
