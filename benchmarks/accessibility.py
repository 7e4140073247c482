"""axe-core on every page of the real app in a real browser, in demo mode and signed in as a
facilitator (WCAG 2.0 / 2.1 / 2.2 A and AA rules).

axe-core comes bundled with ``axe-playwright-python`` (no download). Each violation is reported
with its impact; the test (tests/browser/test_accessibility.py) fails on any ``serious`` or
``critical`` one that is not in :data:`KNOWN_STREAMLIT` — violations inside Streamlit's own
widgets that page code cannot change, each listed with its rule, the selector and why.

    python -m benchmarks.accessibility          # a per-page table for BENCHMARKS.md
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.streamlit_client import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FACILITATOR,
    FACILITATOR_PASSWORD,
    launch_app,
)

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

#: (axe rule id, the Streamlit container the failing node sits in, why it is excluded). Only
#: violations inside Streamlit's own widgets, which no page code or setting can change, belong
#: here; everything else fails the test.
KNOWN_STREAMLIT: tuple[tuple[str, str, str], ...] = ()
# Empty: the list/listitem failures in the page menu (a sectioned st.navigation puts <div>s
# inside its <ul>) were fixed by giving st.navigation one flat list (app.py), not excused here.

_INSIDE_JS = """([selector, container]) => {
  const el = document.querySelector(selector);
  return !!(el && el.closest(container));
}"""


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]
    known: str | None = None  # why it is excluded, if it is a known Streamlit one

    def line(self) -> str:
        where = "; ".join(self.targets[:3]) + (" ..." if len(self.targets) > 3 else "")
        return f"{self.impact} {self.rule}: {self.help} [{len(self.targets)} node(s): {where}]"


@dataclass
class PageAudit:
    mode: str
    page: str
    violations: list[Violation] = field(default_factory=list)
    passes: int = 0

    @property
    def blocking(self) -> list[Violation]:
        return [v for v in self.violations if v.impact in BLOCKING and not v.known]

    @property
    def excluded(self) -> list[Violation]:
        return [v for v in self.violations if v.known]

    @property
    def other(self) -> list[Violation]:
        return [v for v in self.violations if v.impact not in BLOCKING and not v.known]


def known_reason(page, rule: str, target: list) -> str | None:
    """Why a failing node is a known Streamlit one (checked in the page: is it inside the
    container?), or ``None``."""
    if len(target) != 1 or not isinstance(target[0], str):
        return None  # inside an iframe or shadow root: never one of ours to excuse
    for known_rule, container, why in KNOWN_STREAMLIT:
        if rule == known_rule and page.evaluate(_INSIDE_JS, [target[0], container]):
            return why
    return None


def audit(page, mode: str, name: str) -> PageAudit:
    """Run axe on what ``page`` shows now."""
    from axe_playwright_python.sync_playwright import Axe

    response = (
        Axe()
        .run(
            page,
            options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]},
        )
        .response
    )
    result = PageAudit(mode, name, passes=len(response.get("passes", [])))
    for item in response.get("violations", []):
        # Split each rule's nodes into the known Streamlit ones and the rest.
        nodes: dict[str | None, list[str]] = {}
        for node in item.get("nodes", []):
            target = node.get("target", [])
            why = known_reason(page, item["id"], target)
            nodes.setdefault(why, []).append(" ".join(str(t) for t in target))
        for why, targets in nodes.items():
            result.violations.append(
                Violation(
                    item["id"], item.get("impact") or "minor", item.get("help", ""), targets, why
                )
            )
    return result


JOINED_PAGES = ("Welcome", "Trade-offs", "Your views")


def audit_app(browser, url: str, mode: str, *, sign_in: bool = False, join: bool = False,
              pages: tuple[str, ...] | None = None) -> list[PageAudit]:  # fmt: skip
    """Every page in the menu of a session (or ``pages``), signed in as the facilitator (and
    with a workshop) or joined to the local demo workshop if asked."""
    from tests.browser import flows, st

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(url)
        st.wait_ready(page)
        if sign_in:
            flows.sign_in(page, FACILITATOR, FACILITATOR_PASSWORD)
            flows.start_workshop(page, "Accessibility check")
        if join:
            flows.join(page, None, "Axe", "Prefer not to say")
        audits = []
        for title in pages or st.nav_titles(page):
            st.goto_page(page, title)
            page.wait_for_timeout(300)
            audits.append(audit(page, mode, title))
        return audits
    finally:
        context.close()


def audit_both_modes(browser, folder: Path) -> list[PageAudit]:
    with contextlib.ExitStack() as stack:
        demo = launch_app(folder / "demo")
        stack.callback(demo.stop)
        staff = launch_app(folder / "staff", staff=True)
        stack.callback(staff.stop)
        return (
            audit_app(browser, demo.url, "demo")
            + audit_app(browser, demo.url, "demo, joined", join=True, pages=JOINED_PAGES)
            + audit_app(browser, staff.url, "facilitator", sign_in=True)
        )


def table(audits: list[PageAudit]) -> list[str]:
    lines = [
        "| mode | page | serious/critical | excluded (Streamlit) | moderate/minor | rules passed |",
        "|---|---|---|---|---|---|",
    ]
    for a in audits:
        lines.append(
            f"| {a.mode} | {a.page} | {len(a.blocking)} | {len(a.excluded)} | "
            f"{len(a.other)} ({', '.join(sorted({v.rule for v in a.other})) or '-'}) | {a.passes} |"
        )
    return lines


def _with_browser(fn):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="csc-axe-") as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return fn(browser, Path(tmp))
        finally:
            browser.close()


def run() -> list[dict]:
    """The benchmarks contract: serious/critical violations per mode (budget 0)."""
    audits = _with_browser(audit_both_modes)
    rows = []
    for mode in ("demo", "demo, joined", "facilitator"):
        mine = [a for a in audits if a.mode == mode]
        rows.append({"name": f"axe serious/critical violations, {mode} mode ({len(mine)} pages)", "value": sum(len(a.blocking) for a in mine), "unit": "violations", "budget": 0})  # fmt: skip
        rows.append({"name": f"axe moderate/minor violations, {mode} mode", "value": sum(len(a.other) for a in mine), "unit": "violations", "budget": None})  # fmt: skip
    return rows


def main() -> int:
    audits = _with_browser(audit_both_modes)
    for line in table(audits):
        print(line)
    for a in audits:
        for v in a.violations:
            if not v.known:
                print(f"- {a.mode} / {a.page}: {v.line()}")
    excluded = {(v.rule, v.known) for a in audits for v in a.excluded}
    for rule, why in sorted(excluded):
        print(f"- excluded on every page, {rule}: {why}")
    return 1 if any(a.blocking for a in audits) else 0


if __name__ == "__main__":
    sys.exit(main())
