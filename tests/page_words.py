"""The words a page shows, read off the element tree AppTest gets from a real run of app.py (not
a hand-kept list of strings): titles, text, alerts, captions, metrics, widget labels, options,
help, placeholders, expander and tab labels, and table headers and cells.

Used by tests/test_page_words.py for reading level and jargon in both views.
"""

from __future__ import annotations

import re

import textstat

from csc_dash.ui import navigation, state

MAX_GRADE = 8.0
MIN_WORDS = 12  # a shorter text (a label, an option) is scored within its page's passage

#: Proto fields that hold ids, keys, links, icons or numbers rather than words a person reads.
_SKIP_FIELDS = frozenset(
    {
        "id", "form_id", "key", "icon", "page", "page_script_hash", "url", "href", "type",
        "format", "value", "default", "delta_description", "spec", "theme", "config",
        "data", "element_id", "query_string", "style", "language", "width", "height",
        "text_alignment",
        # a component's code and data (components v2): its words are read from html_content
        "component_name", "js_content", "js_source_path", "css_content", "css_source_path",
        "json", "arrow_data", "bytes", "mixed", "html_content",
    }
)  # fmt: skip

#: Words that must not appear in plain view unless beside their plain form, in brackets.
JARGON: tuple[tuple[str, str], ...] = (
    (r"\bsafeguard", "safeguards: say child protection"),
    (r"\btop \d+ ?%", "top N%: say how many in every 1,000"),
    (r"\brecall\b", "recall"),
    (r"\bprecision\b", "precision"),
    (r"standard world", "the standard world"),
    (r"\bdeciles?\b", "deciles: say tenths"),
    (r"\bquintiles?\b", "quintiles: say fifths"),
    (r"\b(per|in every|every) 10,000\b", "per 10,000: say per 1,000"),
    (r"\bfor analysts\b", "For analysts"),
    (r"tick-box data", "tool names: say the plain name"),
    (r"log-odds|\blog scale\b|\blogit\b", "log-odds"),
    (r"\bthreshold\b", "threshold: say the line"),
    (r"\bfalse (positive|negative|discovery)", "false positive/negative"),
    (r"\b(FDR|FNR|FPR|TPR|AUC|ROC|IMD|IDACI|CLA|CIN|CPP)\b", "abbreviation"),
    (r"\bresidual", "residual"),
    (r"\bregression\b", "regression"),
    (r"\bcorrelat", "correlation"),
    (r"\bcoefficient", "coefficient"),
    (r"\bbootstrap", "bootstrap"),
    (r"\bpercentile", "percentile"),
    (r"\bbaseline\b", "baseline"),
    (r"\bstatistically significant\b", "significant"),
    (r"\bdisparity\b", "disparity"),
    (r"\bpredictive\b", "predictive"),
)

#: A number with a decimal point ("0.17", "42.5", "24.0%"): a family reads whole people per
#: 1,000, never decimals (a version such as "v3.0" is not matched).
DECIMAL = re.compile(r"\b\d+\.\d+\b")

_BRACKETS = re.compile(r"\([^()]*\)")
_MARKDOWN = re.compile(r"[*_`#>|]|:material/[a-z_]+:|\[|\]\([^)]*\)")


def _strings(message, depth: int = 0):
    """Every string a person reads in a protobuf message (recursively)."""
    if depth > 6:
        return
    for field, value in message.ListFields():
        if field.name in _SKIP_FIELDS:
            continue
        repeated = getattr(field, "is_repeated", None)
        if repeated is None:
            repeated = field.label == field.LABEL_REPEATED
        items = value if repeated else [value]
        for item in items:
            if isinstance(item, str):
                if item.strip():
                    yield item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, depth + 1)


def _table_strings(element) -> list[str]:
    """Column names and text cells of a table or dataframe on the page."""
    try:
        frame = element.value
    except Exception:  # noqa: BLE001 - an element without a frame has no table words
        return []
    words = [str(c) for c in frame.columns]
    for column in frame.columns:
        if frame[column].dtype == object:
            words.extend(str(v) for v in frame[column].dropna().unique()[:50])
    return words


def _chart_strings(element) -> list[str]:
    """The words a chart shows: its title, axis titles, legend names and notes."""
    import json

    try:
        spec = json.loads(element.proto.spec)
    except (AttributeError, ValueError):
        return []
    layout = spec.get("layout", {})
    words = []

    def title(item) -> str | None:
        value = item.get("title") if isinstance(item, dict) else None
        return value.get("text") if isinstance(value, dict) else value

    for item in [layout] + [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]:
        if title(item):
            words.append(title(item))
    words.extend(t["name"] for t in spec.get("data", []) if t.get("name") and t.get("showlegend", True))
    words.extend(a["text"] for a in layout.get("annotations", []) if a.get("text"))
    return [re.sub(r"<br\s*/?>", " ", re.sub(r"</?(?:b|i|span)\b[^>]*>", "", w)) for w in words]


def _html_words(html: str) -> list[str]:
    """The text a person reads in a component's markup: each element's text, tags dropped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    labels = re.findall(r'aria-label="([^"]+)"', html)
    texts = [t.strip() for t in re.split(r"<[^>]*>", html) if t.strip()]
    return [*labels, *texts]


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def page_strings(at, *, sidebar: bool = True, charts: bool = True) -> list[str]:
    """The strings the run shows on the page (and the sidebar; and in its charts)."""
    roots = [at.main] + ([at.sidebar] if sidebar else [])
    found: list[str] = []
    for root in roots:
        for node in _walk(root):
            kind = getattr(node, "type", "")
            if kind in ("table", "dataframe", "arrow_data_frame"):
                found.extend(_table_strings(node))
                continue
            if kind == "plotly_chart":
                found.extend(_chart_strings(node) if charts else [])
                continue
            proto = getattr(node, "proto", None)
            html = getattr(proto, "html_content", "") if proto is not None else ""
            if isinstance(html, str) and html.strip():  # a component: the words in its markup
                found.extend(_html_words(html))
            if proto is not None and hasattr(proto, "ListFields"):
                found.extend(_strings(proto))
    return found


def clean(text: str) -> str:
    """Text as read: Markdown marks and icon names dropped."""
    return re.sub(r"\s+", " ", _MARKDOWN.sub(" ", text)).strip()


#: Jargon that brackets do not excuse: a rate per 10,000 beside one per 1,000 ("about 8 in
#: every 1,000 (79 per 10,000)") is a second scale for a family to read, not a plain form.
NOT_EVEN_IN_BRACKETS = frozenset({"per 10,000: say per 1,000"})


def jargon_in(text: str) -> list[str]:
    """The jargon in ``text`` that is not inside brackets beside its plain form."""
    bare = _BRACKETS.sub(" ", text)
    return [
        why
        for pattern, why in JARGON
        if re.search(pattern, text if why in NOT_EVEN_IN_BRACKETS else bare, flags=re.IGNORECASE)
    ]


def decimals_in(text: str) -> list[str]:
    """The numbers with a decimal point in ``text``."""
    return DECIMAL.findall(text)


#: A plotly number format that writes decimals ("%{x:.1f}", "%{y:+.2f}", "%{x:.3g}").
DECIMAL_FORMAT = re.compile(r"%\{[^}]*:[^}]*\.[1-9]\d*[a-z%]*\}")


def _texts(value) -> list[str]:
    """The strings in a trace's text or customdata (which may be nested lists)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def chart_decimals(spec: dict) -> list[str]:
    """Where a plotly chart (its JSON spec) would show a family a decimal: a number format with
    decimals in hover text or ticks, a decimal in tick labels, bar labels or hover words, or
    ticks every half a unit. Strings of bare numbers in customdata are data, not words."""
    found = []
    for trace in spec.get("data", []):
        for key in ("hovertemplate", "texttemplate"):
            for template in _texts(trace.get(key)):
                found += DECIMAL_FORMAT.findall(template)
        for text in _texts(trace.get("text")):
            found += decimals_in(text)
        for text in _texts(trace.get("customdata")):
            if re.search(r"[A-Za-z]", text):
                found += decimals_in(text)
    for name, axis in spec.get("layout", {}).items():
        if not name.startswith(("xaxis", "yaxis")) or not isinstance(axis, dict):
            continue
        for text in _texts(axis.get("ticktext")):
            found += decimals_in(text)
        if re.search(r"\.[1-9]", str(axis.get("tickformat", ""))):
            found.append(f"{name} tickformat {axis['tickformat']}")
        dtick = axis.get("dtick")
        if isinstance(dtick, (int, float)) and axis.get("type") != "log" and dtick != int(dtick):
            found.append(f"{name} dtick {dtick}")
    return found


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def as_sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!:" else text + "."


def page_passage(strings: list[str]) -> str:
    """The page's short texts joined as one passage (each one a sentence)."""
    return " ".join(as_sentence(clean(s)) for s in strings if 0 < len(clean(s).split()) < MIN_WORDS)


def long_texts(strings: list[str]) -> list[str]:
    return [clean(s) for s in strings if len(clean(s).split()) >= MIN_WORDS]


def demo_pages() -> list[navigation.PageSpec]:
    """Every page a local demo session can open."""
    return [s for s in navigation.PAGES if navigation.allowed(s, roles=frozenset(), demo_mode=True)]


VIEWS = {"plain": {state.VIEW: "plain"}, "analyst": {state.VIEW: "analyst"}}
