"""How often the facilitator's live section redraws while nothing happens (issue 12.7).

A real ``streamlit run`` server and Debian's Chromium: a facilitator signs in, starts a workshop,
one participant joins and saves a view, then nobody does anything. A ``MutationObserver`` on the
page's main area counts DOM changes (nodes added or removed, attributes, text) in one-second
windows; the *redraw share* is the share of windows with any change. Then the participant saves
one more view, and the script checks the facilitator's page shows it without a click.

Run (the app of this checkout, or another copy of the app with ``--app``)::

    .venv/bin/python -m benchmarks.redraw --seconds 60
    .venv/bin/python -m benchmarks.redraw --seconds 60 --app /tmp/before/app.py
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

OBSERVE = """
() => {
  window.__csc = {windows: {}, removed: 0, added: 0};
  const start = performance.now();
  const main = document.querySelector('[data-testid="stMain"]');
  new MutationObserver((records) => {
    const w = Math.floor((performance.now() - start) / 1000);
    window.__csc.windows[w] = (window.__csc.windows[w] || 0) + records.length;
    for (const r of records) {
      window.__csc.removed += r.removedNodes.length;
      window.__csc.added += r.addedNodes.length;
    }
  }).observe(main, {subtree: true, childList: true, attributes: true, characterData: true});
}
"""


def measure(app: Path | None, seconds: int) -> dict:
    from playwright.sync_api import sync_playwright

    from benchmarks.streamlit_client import (
        FACILITATOR,
        FACILITATOR_PASSWORD,
        AppServer,
        app_env,
        pick_port,
    )
    from tests.browser import flows, st
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    folder = Path(tempfile.mkdtemp(prefix="csc-redraw-"))
    env = app_env(folder, staff=True)
    if app is not None:  # another copy of the app (e.g. the code before a change)
        env["PYTHONPATH"] = str(app.parent)
    server = AppServer(port=pick_port(), env=env, log_path=folder / "streamlit.log")
    if app is not None:
        server.app = app
    server.start(timeout=90)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            fac = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            fac.set_default_timeout(60_000)
            fac.goto(server.url)
            st.wait_ready(fac)
            flows.sign_in(fac, FACILITATOR, FACILITATOR_PASSWORD)
            code = flows.start_workshop(fac, "Redraw check")
            person = browser.new_context(viewport={"width": 768, "height": 1000}).new_page()
            person.set_default_timeout(60_000)
            person.goto(server.url)
            st.wait_ready(person)
            flows.join(person, code, "Robin", "Family member")
            st.goto_page(person, "The question")
            flows.save_view(person, "I am not sure", "First view")
            st.expect_text(fac, "1 person has joined", timeout=60_000)
            time.sleep(8)  # let the page settle after the last change
            fac.evaluate(OBSERVE)
            time.sleep(seconds)
            idle = fac.evaluate("() => window.__csc")
            busy = [int(w) for w, n in idle["windows"].items() if n and int(w) < seconds]
            # One change: it must arrive by itself.
            st.goto_page(person, "Trade-offs")
            flows.save_view(person, "I could not accept this", "Second view")
            t0 = time.monotonic()
            st.expect_text(fac, "2 views saved so far", timeout=60_000)
            arrived = time.monotonic() - t0
            browser.close()
    finally:
        server.stop()
    return {
        "app": str(app or "this checkout"),
        "idle_seconds": seconds,
        "windows_with_changes": len(busy),
        "redraw_share": round(len(busy) / seconds, 3),
        "nodes_removed_while_idle": idle["removed"],
        "nodes_added_while_idle": idle["added"],
        "change_arrived_s": round(arrived, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--app", type=Path, default=None)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.app, args.seconds), indent=2))


if __name__ == "__main__":
    main()
