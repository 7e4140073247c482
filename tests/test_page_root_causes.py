"""The Root causes page through app.py: every rate, view and a few awkward councils render."""

from __future__ import annotations

import json
import re

import pytest
import textstat
from streamlit.testing.v1.element_tree import Block

from csc_dash import council_table, root_causes
from csc_dash.ui import state
from tests.helpers import assert_no_exception, page_text, plotly_specs

PAGE = "app_pages/root_causes.py"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0"
CAUSE = "Councils with more deprivation have more children in care. This shows association, not cause."


def open_page(app_test, **settings):
    at = app_test(**{getattr(state, k): v for k, v in settings.items()})
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def _title(spec: dict) -> str:
    return spec["layout"]["title"]["text"].replace("<br>", " ")


@pytest.mark.parametrize("rate", ["referral_rate", "cin_rate", "cpp_rate", "cla_rate"])
def test_scatter_for_each_rate(app_test, rate):
    at = open_page(app_test, ROOT_VIEW="england", ROOT_RATE=rate)
    text = page_text(at)
    assert CAUSE in text
    assert OGL in text
    spec = plotly_specs(at)[0]
    title = _title(spec)
    assert re.fullmatch(
        r"Councils with more deprivation tend to have more [a-z ]+ — a (strong|moderate|weak) link "
        r"across 14\d councils",
        title,
    ), title
    names = [t.get("name") for t in spec["data"]]
    assert "Straight-line fit" in names


def test_analysts_see_r_and_n_beside_the_words(app_test):
    at = open_page(app_test, ROOT_VIEW="england", ROOT_RATE="cla_rate", VIEW="analyst")
    title = _title(plotly_specs(at)[0])
    assert re.fullmatch(
        r"Councils with more deprivation tend to have more children in care — a strong link "
        r"across 147 councils \(r = 0\.70, n = 147 councils\)",
        title,
    ), title
    text = page_text(at)
    assert re.search(r"r = 0\.70 \(95% interval 0\.\d\d to 0\.\d\d\), Spearman rho = 0\.\d\d", text)
    options = at.selectbox(key=state.widget_key(state.ROOT_DEPRIVATION)).options
    assert "Overall deprivation (IMD 2019)" in options


TEXT_TYPES = ("markdown", "caption", "title", "header", "subheader", "info", "warning")
HEADING_LEVEL = {"title": 1, "header": 2, "subheader": 3}


def _main_text(at) -> str:
    """Everything a reader sees in the main area, chart titles, axis titles and options included."""
    parts = [str(el.value) for el in at.main if el.type in TEXT_TYPES]
    for spec in plotly_specs(at):
        layout = spec["layout"]
        parts.append(str(layout.get("title", {}).get("text", "")))
        for axis in ("xaxis", "yaxis"):
            parts.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
    parts += [o for sb in at.main.selectbox for o in sb.options]
    return "\n".join(parts)


JARGON = re.compile(r"\br = |\bn = |\brho\b|Pearson|Spearman|\bIMD\b|IDACI|IoD\s?2019|residual", re.I)


@pytest.mark.parametrize("view", ["england", "council", "ranking", "cohort"])
def test_plain_view_has_no_jargon_and_deciles_are_tenths_first(app_test, view):
    at = open_page(app_test, ROOT_VIEW=view, ROOT_COUNCIL="E06000063", ROOT_DEPRIVATION="imd2019_score")
    text = _main_text(at)
    assert not JARGON.search(text), JARGON.search(text)
    for match in re.finditer(r"decile", text, re.I):
        assert "tenth" in text[max(0, match.start() - 40) : match.start()].lower(), text[match.start() - 60 :][:100]


@pytest.mark.parametrize("view", ["england", "council", "ranking", "cohort"])
def test_the_notice_says_which_figures_are_real_and_which_made_up(app_test, view):
    at = open_page(app_test, ROOT_VIEW=view)
    captions = " ".join(str(c.value) for c in at.main.caption)
    assert "All case data here are" not in captions  # shell's all-synthetic notice is not true here
    assert "The council figures on this page are real" in captions
    assert "Open Government Licence" in captions
    assert "Our made-up council** is made up" in captions
    if view == "cohort":
        assert "Everything in this part is **made up**" in captions


@pytest.mark.parametrize(
    ("view", "council", "analyst"),
    [
        ("england", None, False),
        ("england", "E06000009", True),
        ("council", None, False),
        ("council", "E06000009", False),
        ("ranking", "E06000009", True),
        ("cohort", None, False),
    ],
)
def test_headings_step_down_one_level_and_every_chart_has_a_summary(app_test, view, council, analyst):
    at = open_page(app_test, ROOT_VIEW=view, ROOT_COUNCIL=council, VIEW="analyst" if analyst else "plain")
    leaves = [el for el in at.main if not isinstance(el, Block)]
    headings = [el for el in leaves if el.type in HEADING_LEVEL]
    levels = [HEADING_LEVEL[el.type] for el in headings]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert 2 in levels, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, [(h.type, h.value) for h in headings]
    charts = [i for i, el in enumerate(leaves) if el.type == "plotly_chart"]
    assert len(charts) == len(plotly_specs(at))
    for i in charts:  # chart.show puts the one-sentence summary right under its chart
        summary = leaves[i + 1]
        assert summary.type == "caption", summary
        assert len(str(summary.value).split()) >= 8, summary.value


def test_picker_labels_fit_a_tablet(app_test):
    """Option names short enough for a picker half a 768 px screen wide (about 36 characters)."""
    for view in ("plain", "analyst"):
        at = open_page(app_test, ROOT_VIEW="england", VIEW=view)
        for key in (state.ROOT_RATE, state.ROOT_DEPRIVATION):
            box = at.selectbox(key=state.widget_key(key))
            assert all(len(o) <= 36 for o in box.options), box.options
            assert len(box.label) <= 36, box.label


@pytest.mark.parametrize(
    ("view", "council"),
    [
        ("england", "E06000063"),  # Cumberland: no IoD2019 figure
        ("council", "E06000063"),
        ("ranking", "E06000063"),
        ("council", "E09000001"),  # City of London: most figures suppressed
        ("ranking", "E09000001"),
        ("council", "E08000025"),  # Birmingham: no spending return
        ("council", "E06000060"),  # Buckinghamshire: changed code in 2020
        ("council", None),
        ("ranking", None),
        ("cohort", None),
    ],
)
def test_views_and_councils_render(app_test, view, council):
    at = open_page(app_test, ROOT_VIEW=view, ROOT_COUNCIL=council, VIEW="analyst")
    text = page_text(at)
    assert OGL in text
    if view == "council" and council:
        assert len(plotly_specs(at)) == 4
    if view == "ranking":
        assert "record things in different ways" in text
    if view == "council" and council is None:
        assert "Pick a council above" in text


def test_picked_council_is_the_star_among_its_neighbours(app_test):
    at = open_page(app_test, ROOT_VIEW="england", ROOT_COUNCIL="E06000009", ROOT_RATE="cla_rate")
    spec = plotly_specs(at)[0]
    by_name = {t["name"]: t for t in spec["data"]}
    assert by_name["The council you picked"]["marker"]["symbol"] == "star"
    assert by_name["Its statistical neighbours"]["marker"]["symbol"] == "diamond"
    assert "Blackpool" in page_text(at)


def test_missing_deprivation_is_named_with_the_reason(app_test):
    at = open_page(app_test, ROOT_VIEW="england", ROOT_DEPRIVATION="idaci2019_score")
    text = page_text(at)
    assert "Cumberland (formed in 2023 from part of Cumbria" in text
    at = open_page(app_test, ROOT_VIEW="england", ROOT_DEPRIVATION="imd2025_score")
    assert "only a rough guide" in page_text(at)


def test_cohort_view_and_what_if(app_test):
    at = open_page(app_test, ROOT_VIEW="cohort", ROOT_REDUCTION=20)
    text = page_text(at)
    assert "illustration of the arithmetic, not a forecast" in text
    assert "fewer recorded plans or care" in text
    # The factor heatmap says it counts what was written down (recording bias).
    assert root_causes.RECORDING_CAVEAT in [w.value for w in at.warning]
    assert len(plotly_specs(at)) == 4
    at.slider(key=state.widget_key(state.ROOT_REDUCTION)).set_value(50).run()
    assert_no_exception(at)
    assert at.session_state[state.ROOT_REDUCTION] == 50
    assert "Say 50% of them" in page_text(at)


def test_changing_the_rate_widget_is_remembered(app_test):
    at = open_page(app_test, ROOT_VIEW="england")
    at.selectbox(key=state.widget_key(state.ROOT_RATE)).set_value("cpp_rate").run()
    assert_no_exception(at)
    assert at.session_state[state.ROOT_RATE] == "cpp_rate"
    assert "child protection plan" in page_text(at)


@pytest.mark.parametrize("view", ["england", "council", "ranking", "cohort"])
def test_plain_text_is_readable(app_test, view):
    """Prose paragraphs (not captions of sources) read at grade 8 or below."""
    at = open_page(app_test, ROOT_VIEW=view, ROOT_COUNCIL="E06000009")
    prose = [
        str(m.value)
        for m in at.markdown
        if len(str(m.value).split()) >= 15 and "=" not in str(m.value)
    ]
    assert prose
    for block in prose:
        if block.strip("*") == CAUSE:  # the issue's own wording, kept word for word (grade 8.8)
            continue
        grade = textstat.flesch_kincaid_grade(block.replace("**", ""))
        assert grade <= 8, (grade, block)


def test_ranked_councils_have_their_deprivation_beside_them(app_test):
    at = open_page(app_test, ROOT_VIEW="ranking", ROOT_COUNCIL="E08000025")
    tables = [el.value for el in at.table]
    assert tables, "the ranking has no table"
    ranking = tables[0]
    assert any(c.startswith("How deprived") for c in ranking.columns)
    assert "Birmingham" in ranking.index
    bars = next(s for s in plotly_specs(at) if s["data"][0].get("orientation") == "h")
    assert len(bars["data"][0]["y"]) == len(ranking)


@pytest.mark.parametrize("view", ["england", "council", "cohort"])
def test_axis_titles_fit_a_phone(app_test, view):
    """Plotly never wraps: a title line longer than about 30 characters was cut at 390 px."""
    at = open_page(app_test, ROOT_VIEW=view, ROOT_COUNCIL="E08000025")
    for spec in plotly_specs(at):
        for name, axis in spec["layout"].items():
            if name.startswith(("xaxis", "yaxis")) and isinstance(axis.get("title"), dict):
                for line in str(axis["title"].get("text", "")).split("<br>"):
                    assert len(line) <= 30, (name, line)


@pytest.mark.parametrize("view", ["england", "ranking"])
def test_analyst_tables_are_real_tables_not_canvas_grids(app_test, view):
    """A canvas grid reads to a screen reader as toolbar buttons and scrolls sideways on a
    phone; the analyst's figures are narrow real tables instead."""
    at = open_page(app_test, ROOT_VIEW=view, ROOT_COUNCIL="E08000025", VIEW="analyst")
    assert not at.dataframe
    headers = " ".join(" ".join(map(str, el.value.columns)) for el in at.table)
    assert ("Pearson r" if view == "england" else "residual") in headers


def _everything(at) -> str:
    """Every word and chart setting on the page: text, widget labels and options, tables, and
    each chart's whole spec (titles, hover templates, bar labels, tick labels)."""
    parts = [page_text(at), _main_text(at)]
    parts += [w.label for w in at.selectbox] + [w.label for w in at.slider]
    parts += [el.value.to_csv() for el in at.table]
    parts += [json.dumps(spec, ensure_ascii=False) for spec in plotly_specs(at)]
    return "\n".join(parts)


@pytest.mark.parametrize("view", ["england", "council", "ranking", "cohort"])
def test_plain_view_counts_every_rate_per_1000_and_analysts_keep_per_10000(app_test, view):
    """The picker said "Which figure? (per 10,000 children)" and the council's rate read "about
    8 in every 1,000 (79 per 10,000)": two scales for a family. Plain view: per 1,000 only."""
    settings = {"ROOT_VIEW": view, "ROOT_COUNCIL": "E08000025", "ROOT_RATE": "cla_rate"}
    at = open_page(app_test, **settings)
    everything = _everything(at)
    assert "10,000" not in everything.replace(OGL, ""), re.findall(r".{60}10,000.{20}", everything)[:5]
    assert "1,000" in everything
    if view != "cohort":
        assert at.selectbox(key=state.widget_key(state.ROOT_RATE)).label == (
            "Which figure? (per 1,000 children)"
        )
    if view != "cohort":  # analysts also get the published figures (the made-up council has none)
        analyst = _everything(open_page(app_test, **settings, VIEW="analyst"))
        assert "per 10,000" in analyst


def test_the_council_rate_is_the_published_one_divided_by_ten(app_test):
    from csc_dash import population
    from csc_dash.ui import population_cache as cache

    at = open_page(app_test, ROOT_VIEW="council", ROOT_COUNCIL="E08000025", ROOT_RATE="cla_rate")
    councils = cache.councils()
    year = council_table.latest_year(councils)
    summary = population.council_summary(councils, cache.england(), "E08000025", "cla_rate", year=year)
    text = page_text(at)
    assert f"about {summary.value / 10:.0f} in every 1,000 children were in care" in text
    bars = next(s for s in plotly_specs(at) if s["data"][0].get("type") == "bar")
    assert f"{summary.value / 10:.0f}" in bars["data"][0]["text"]
    assert "per 10,000" not in text


def test_the_deprivation_axis_says_what_it_means_in_plain_view(app_test):
    """The axis showed a score from 10 to 40 with no unit. Plain view: what it means and which
    way is more, no score numbers; analysts keep the score by its name."""
    at = open_page(app_test, ROOT_VIEW="england", ROOT_DEPRIVATION="imd2019_score")
    xaxis = plotly_specs(at)[0]["layout"]["xaxis"]
    assert xaxis["title"]["text"].replace("<br>", " ") == "How deprived the area is, 2019 (more →)"
    assert xaxis["showticklabels"] is False
    at = open_page(app_test, ROOT_VIEW="england", ROOT_DEPRIVATION="idaci2019_score")
    title = plotly_specs(at)[0]["layout"]["xaxis"]["title"]["text"].replace("<br>", " ")
    assert title == "How many children are poor, 2019 (more →)"
    at = open_page(app_test, ROOT_VIEW="england", ROOT_DEPRIVATION="imd2019_score", VIEW="analyst")
    xaxis = plotly_specs(at)[0]["layout"]["xaxis"]
    assert xaxis["title"]["text"].replace("<br>", " ") == "IMD 2019 average score → more deprived"
    assert xaxis.get("showticklabels", True) is True


def test_the_what_if_bars_count_children_as_the_sentences_do(app_test):
    """Per 1,000 a year the what-if bars read "3" and "a little less": too small to see what the
    sentence says ("about 40 fewer in five years"). They count children over the five years."""
    at = open_page(app_test, ROOT_VIEW="cohort", ROOT_REDUCTION=20)
    spec = plotly_specs(at)[-1]
    now, after = (trace["text"] for trace in spec["data"])
    assert "a little less" not in now + after
    fewer = int(now[0]) - int(after[0])
    assert f"about {fewer} fewer recorded plans or care" in page_text(at).replace("**", "")
