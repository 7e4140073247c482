"""Issue 13.9: the transparency summary carries a Content-Security-Policy that stops scripts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from csc_dash import transparency
from csc_dash.cohort import load_sample_cohort


class _Metas(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_head = False
        self.csp: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "meta" and self.in_head and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(attrs.get("content", ""))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


@pytest.fixture(scope="module")
def page() -> str:
    return transparency.transparency_summary_html(
        load_sample_cohort("moderate"), model="structured", threshold=0.3, n_boot=50
    )


def test_the_summary_has_one_strict_csp_in_its_head(page):
    metas = _Metas()
    metas.feed(page)
    assert metas.csp == [transparency.SUMMARY_CSP]
    policy = {d.split()[0]: d.split()[1:] for d in transparency.SUMMARY_CSP.split("; ")}
    assert policy["default-src"] == ["'none'"]  # no scripts, frames, fonts, fetches
    assert "script-src" not in policy
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
    assert page.index("Content-Security-Policy") < page.index("<title>")  # before any content
