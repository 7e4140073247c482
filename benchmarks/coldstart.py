"""Cold start: from launching ``streamlit run app.py`` to the first page's title painted in Chromium.

Chromium is started first (not counted). Then, for each round, a fresh app server is launched
on a free port with a fresh data folder; the clock runs from the launch until the server answers
``/_stcore/health``, and until the Welcome page's ``h1`` is visible and a frame has been painted
after it (``requestAnimationFrame``) in a fresh browser page that starts loading as soon as the
server is healthy. Python's own caches (``__pycache__``) and the OS file cache are warm after
the first round, as on a machine that has run the app before; the first round is reported too.

    python -m benchmarks.coldstart --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.streamlit_client import CHROMIUM, CHROMIUM_ARGS, AppServer, app_env, pick_port

BUDGET_S = 3.0
H1 = '[data-testid="stMain"] h1'


def one_round(browser, folder: Path) -> tuple[float, float]:
    """(seconds to healthy, seconds to the first page's h1 painted) for one fresh server."""
    port = pick_port()
    server = AppServer(port=port, env=app_env(folder), log_path=folder / f"streamlit-{port}.log")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    started = time.perf_counter()
    try:
        server.start(timeout=120)
        healthy = time.perf_counter() - started
        page.goto(server.url, wait_until="commit")
        page.wait_for_selector(H1, state="visible", timeout=120_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
        painted = time.perf_counter() - started
    finally:
        context.close()
        server.stop()
    return healthy, painted


def measure(rounds: int = 5) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    healthy: list[float] = []
    painted: list[float] = []
    with tempfile.TemporaryDirectory(prefix="csc-cold-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(rounds):
                h, p = one_round(browser, Path(tmp) / f"round{i}")
                healthy.append(h)
                painted.append(p)
                print(f"round {i + 1}: healthy {h:.2f} s, first page painted {p:.2f} s", flush=True)
        finally:
            browser.close()
    return {
        "first_round_painted_s": painted[0],
        "healthy_median_s": statistics.median(healthy),
        "painted_median_s": statistics.median(painted),
        "painted_max_s": max(painted),
    }


def run() -> list[dict]:
    figures = measure(3)
    return [
        {"name": "cold start to /_stcore/health (median of 3)", "value": figures["healthy_median_s"] * 1000, "unit": "ms", "budget": None},
        {"name": "cold start to the first page painted in Chromium (median of 3)", "value": figures["painted_median_s"] * 1000, "unit": "ms", "budget": BUDGET_S * 1000},
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    figures = measure(args.rounds)
    print(
        f"cold start: healthy median {figures['healthy_median_s']:.2f} s; first page painted "
        f"median {figures['painted_median_s']:.2f} s, max {figures['painted_max_s']:.2f} s, "
        f"first round {figures['first_round_painted_s']:.2f} s (budget {BUDGET_S:.0f} s)"
    )
    return 0 if figures["painted_median_s"] <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
