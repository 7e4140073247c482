"""Issue 15: the line on Trade-offs in a real Chromium, on the synthetic sample (24,000 referrals).

* Browser: from a key press on the line (ArrowRight) to the figure text changing in the DOM,
  timed in the page (``performance.now()`` at ``keydown``, a MutationObserver on the line's
  sentence). No server round trip is involved: every step's figures are in the page.
* Server, when the line settles: the websocket round trip of the rerun it causes (from the
  message the browser sends to the "script finished" message; only the fragment reruns) and
  the bytes the server sends for it.

``python -m benchmarks.slider`` prints the figures; ``make bench`` includes them.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESSES = 40
SETTLES = 15

_WATCH = """
() => {
  const host = [...document.querySelectorAll('*')].find(e => e.shadowRoot && e.shadowRoot.querySelector('.csc-line'));
  const root = host.shadowRoot.querySelector('.csc-line');
  const input = root.querySelector('input[type=range]');
  const text = root.querySelector('.line-text');
  window.__cscTimes = [];
  let t0 = null;
  input.addEventListener('keydown', () => { t0 = performance.now(); }, true);
  new MutationObserver(() => {
    if (t0 !== null) { window.__cscTimes.push(performance.now() - t0); t0 = null; }
  }).observe(text, { childList: true, characterData: true, subtree: true });
}
"""


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure() -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from benchmarks.streamlit_client import launch_app
    from tests.browser import st as stb
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    server = launch_app(Path(tempfile.mkdtemp(prefix="csc-slider-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 768, "height": 1000})
            frames: list[tuple[float, str, int, bytes | str]] = []

            def on_ws(ws):
                ws.on("framesent", lambda f: frames.append((time.perf_counter(), "out", len(f), f)))
                ws.on("framereceived", lambda f: frames.append((time.perf_counter(), "in", len(f), f)))

            page.on("websocket", on_ws)
            page.goto(server.url)
            stb.wait_ready(page)
            stb.goto_page(page, "Trade-offs")
            line = page.locator(".csc-line .line-text")
            line.wait_for()
            page.wait_for_timeout(1500)
            page.evaluate(_WATCH)
            slider = page.locator(".csc-line input[type=range]")
            slider.focus()
            # Key presses 60 ms apart: faster than the line settles, so no rerun in between.
            for _ in range(PRESSES):
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(60)
            page.wait_for_timeout(1500)
            browser_ms = page.evaluate("window.__cscTimes")
            # Settles: one press, then wait for the rerun it causes to finish.
            settle_ms, settle_bytes = [], []
            for _ in range(SETTLES):
                frames.clear()
                page.keyboard.press("ArrowLeft")
                page.wait_for_timeout(1500)
                out = [f for f in frames if f[1] == "out" and f[2] > 20]
                if not out:
                    continue
                start = out[0][0]
                received = [f for f in frames if f[1] == "in" and f[0] >= start]
                if not received:
                    continue
                settle_ms.append((received[-1][0] - start) * 1000)
                settle_bytes.append(sum(f[2] for f in received))
            # For comparison, in the same run: a full page rerun ("Flag N in every 1,000" buttons).
            full_ms, full_bytes = [], []
            for i in range(6):
                frames.clear()
                key = "tradeoffs_apply_cost" if i % 2 else "tradeoffs_apply_capacity"
                page.locator(f".st-key-{key} button").first.click()
                page.wait_for_timeout(2500)
                out = [f for f in frames if f[1] == "out" and f[2] > 20]
                received = [f for f in frames if out and f[1] == "in" and f[0] >= out[0][0]]
                if received:
                    full_ms.append((received[-1][0] - out[0][0]) * 1000)
                    full_bytes.append(sum(f[2] for f in received))
            text = line.inner_text()
            browser.close()
    finally:
        server.stop()
    return {
        "browser_p50": statistics.median(browser_ms),
        "browser_p95": _percentile(browser_ms, 0.95),
        "browser_n": len(browser_ms),
        "settle_p50": statistics.median(settle_ms),
        "settle_bytes": statistics.median(settle_bytes),
        "settle_n": len(settle_ms),
        "full_p50": statistics.median(full_ms),
        "full_bytes": statistics.median(full_bytes),
        "full_n": len(full_ms),
        "final_text": text,
    }


def fragment_work_ms(repeats: int = 300) -> float:
    """The Python work of the Trade-offs fragment when the line settles (in process, no
    Streamlit): find the step, read the sweep there, bootstrap the four ranges, say them."""
    import numpy as np

    from csc_dash import cohort, line, metrics, tradeoffs
    from csc_dash.content import tradeoff_words

    c = cohort.load_sample_cohort("moderate")
    table = metrics.threshold_table(c.y, c.scores("structured"))
    steps = line.line_steps(table)
    rng = np.random.default_rng(0)
    times = []
    for k in rng.integers(20, 600, repeats):
        start = time.perf_counter()
        t = steps.thresholds[line.step_for_threshold(steps, table, steps.thresholds[k])]
        row = tradeoffs.threshold_row(table, t)
        ranges = tradeoffs.per_1000_intervals(row)
        [tradeoffs.interval_text(v) for v in ranges.values()]
        tradeoff_words.found_sentence(row)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run() -> list[dict]:
    m = measure()
    return [
        {"name": "line settles: the fragment's own Python work (in process), median", "value": fragment_work_ms(), "unit": "ms", "budget": 20},
        {"name": f"line key press to new figures in the DOM, Chromium, median of {m['browser_n']}", "value": m["browser_p50"], "unit": "ms", "budget": 50},
        {"name": "line key press to new figures in the DOM, Chromium, p95", "value": m["browser_p95"], "unit": "ms", "budget": 50},
        {"name": f"line settles: websocket round trip of the fragment rerun, median of {m['settle_n']}", "value": m["settle_p50"], "unit": "ms", "budget": None},
        {"name": "line settles: bytes the server sends for it, median", "value": m["settle_bytes"] / 1000, "unit": "KB", "budget": 5},
        {"name": f"for comparison, a full page rerun (a 'Flag N' button): round trip, median of {m['full_n']}", "value": m["full_p50"], "unit": "ms", "budget": None},
        {"name": "for comparison, a full page rerun: bytes sent, median", "value": m["full_bytes"] / 1000, "unit": "KB", "budget": None},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']:.1f} {row['unit']}")
