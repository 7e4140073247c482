"""Hostile input in a real browser.

Script payloads typed as a made-up name, as free text, as a proposed statement and as the column
names of an uploaded file must show as text and never run: each payload sets ``window.__pwned``
if it ever executes, and every page that shows it is checked for that flag (a positive control
proves the check can see a payload that does run). The exported CSV must neutralise cells that
start with = + - @; an oversized upload is refused with a message.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD, AppServer, launch_app
from tests.browser import flows, st

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__pwned=1">'
IMG_SHORT = "<img src=x onerror=window.__pwned=1>"  # fits the 40-character name limit
SCRIPT = "<script>window.__pwned=1</script>"
SVG = "<svg onload=window.__pwned=1>"
LINK = "[click](javascript:window.__pwned=1)"
PAYLOADS = (IMG, SCRIPT, SVG, LINK)
MAX_UPLOAD_MB = 1


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[AppServer]:
    """Staff mode (facilitator account), uploads limited to 1 MB."""
    server = launch_app(
        tmp_path_factory.mktemp("hostile"),
        staff=True,
        extra_env={"CSC_DASH_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB)},
    )
    yield server
    server.stop()


def assert_safe(page) -> None:
    """No payload ran on this page and no exception box is shown."""
    page.wait_for_timeout(300)  # an onerror fires after the failed image load
    assert not st.pwned(page), f"a script payload ran on {page.url}"
    st.assert_no_exception(page)


def test_the_check_sees_a_payload_that_runs(demo_server, new_page):
    """Positive control: the same payload inserted as HTML does set the flag."""
    page = new_page(demo_server)
    assert not st.pwned(page)
    page.evaluate(f"document.body.insertAdjacentHTML('beforeend', {IMG!r})")
    page.wait_for_function("() => window.__pwned === 1", timeout=10_000)


def test_names_free_text_and_statements_never_run(hostile_server, new_page):
    from csc_dash.content.questions import QUESTIONNAIRE, REACTION_LABELS

    facilitator = new_page(hostile_server)
    flows.sign_in(facilitator, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(facilitator, f"Hostile {SCRIPT}")
    assert_safe(facilitator)

    person = new_page(hostile_server)
    flows.join(person, code, IMG_SHORT, "Other")
    st.expect_text(person, IMG_SHORT)  # shown, as text
    assert_safe(person)

    st.goto_page(person, "Trade-offs")
    flows.save_view(person, REACTION_LABELS["unsure"], " ".join(PAYLOADS))
    assert_safe(person)

    st.goto_page(person, "Your views")
    text_q = next(q for q in QUESTIONNAIRE if q.kind == "text")
    flows.answer_text(person, text_q.prompt, f"{SCRIPT} and {IMG}")
    flows.propose(person, IMG)
    st.expect_text(person, "The facilitator reads each statement")
    assert_safe(person)

    # The facilitator sees the name, the free text and the waiting statement (live), approves it.
    st.expect_text(facilitator, "Proposed by participants, waiting for you (1)", timeout=30_000)
    assert_safe(facilitator)
    expect(facilitator.locator('[data-testid="stText"]').filter(has_text=IMG).first).to_be_visible()
    facilitator.get_by_role("button", name="Approve: show it to the room").click()
    st.settle(facilitator)
    assert_safe(facilitator)

    # The room sees the approved statement as text and can vote on it.
    st.goto_page(person, "Welcome")
    st.goto_page(person, "Your views")
    st.expect_text(person, IMG)
    card = (
        person.locator('[data-testid="stVerticalBlock"]')
        .filter(has_text=IMG)
        .filter(has=person.locator('[data-testid="stButtonGroup"]'))
        .last
    )
    flows.vote_in(person, card.locator('[data-testid="stButtonGroup"]'), "Disagree")
    assert_safe(person)

    # The exports hold the payloads as inert text: the HTML report opened in the browser.
    report = flows.download(facilitator, "Report (HTML)").decode("utf-8")
    assert SCRIPT not in report and IMG not in report
    viewer = facilitator.context.new_page()
    viewer.set_content(report)
    viewer.wait_for_timeout(500)
    assert not st.pwned(viewer)
    assert "window.__pwned" in viewer.inner_text("body")  # shown as text
    viewer.close()
    assert_safe(facilitator)


def test_exported_csv_cells_cannot_be_formulas(hostile_server, new_page):
    from csc_dash.content.questions import QUESTIONNAIRE, REACTION_LABELS

    facilitator = new_page(hostile_server)
    flows.sign_in(facilitator, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(facilitator, "Formulas")
    person = new_page(hostile_server)
    name = "=HYPERLINK(1)"
    flows.join(person, code, name, "Other")
    st.goto_page(person, "Trade-offs")
    flows.save_view(person, REACTION_LABELS["acceptable"], "@SUM(A1:A9)")
    st.goto_page(person, "Your views")
    text_q = next(q for q in QUESTIONNAIRE if q.kind == "text")
    flows.answer_text(person, text_q.prompt, "+1+2")
    other = [q for q in QUESTIONNAIRE if q.kind == "text" and q.id != text_q.id][0]
    flows.answer_text(person, other.prompt, "-2+3")

    data = flows.download(facilitator, "Answers (CSV spreadsheet)")
    rows = flows.read_csv(data)
    assert len(rows) == 3
    cells = [cell for row in rows for cell in row.values()]
    for cell in cells:
        if cell[:1] in ("=", "+", "@", "\t", "\r"):
            pytest.fail(f"a CSV cell starts like a formula: {cell!r}")
        if cell[:1] == "-":
            float(cell)  # only a negative number may start with a minus
    assert {r["pseudonym"] for r in rows} == {"'" + name}
    values = {r["question_id"]: r["value"] for r in rows}
    assert values[text_q.id] == "'+1+2"
    assert values[other.id] == "'-2+3"
    assert "@SUM(A1:A9)" in values["reaction"]  # inside JSON text, which starts with {
    assert_safe(facilitator)


def hostile_csv(rows: int = 400, *, pad_to: int = 0) -> bytes:
    rng = random.Random(8)
    header = ["outcome", f"score {SCRIPT}", IMG_SHORT, SVG]
    out = io.StringIO()
    out.write(",".join(f'"{h}"' for h in header) + "\n")
    for i in range(rows):
        outcome = 1 if i % 5 == 0 else 0
        score = min(1.0, max(0.0, rng.gauss(0.6 if outcome else 0.3, 0.2)))
        group = ["<b>A</b>", IMG_SHORT, "C"][i % 3]
        out.write(f'{outcome},{score:.4f},"{group}",{["x", "y"][i % 2]}\n')
    data = out.getvalue().encode()
    if pad_to > len(data):
        line = b'0,0.1000,"C",x\n'
        data += line * ((pad_to - len(data)) // len(line) + 1)
    return data


def upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    st.settle(page)


def test_uploaded_column_names_never_run(hostile_server, new_page):
    page = new_page(hostile_server)
    flows.sign_in(page, FACILITATOR, FACILITATOR_PASSWORD)
    st.goto_page(page, "Your own model")
    upload(page, "hostile.csv", hostile_csv())
    st.expect_text(page, "Which column is which?")
    assert_safe(page)
    page.get_by_role("button", name="Check this file").click()
    st.settle(page)
    assert_safe(page)
    page.get_by_role("button", name="Use this test set").click()
    st.settle(page)
    assert_safe(page)
    # Every page now runs on the upload; the column names appear as labels and in charts.
    for title in st.nav_titles(page):
        st.goto_page(page, title)
        assert_safe(page)
    st.goto_page(page, "Fairness")
    assert_safe(page)


def test_oversized_upload_is_refused_with_a_message(hostile_server, new_page):
    page = new_page(hostile_server)
    flows.sign_in(page, FACILITATOR, FACILITATOR_PASSWORD)
    st.goto_page(page, "Your own model")
    upload(page, "big.csv", hostile_csv(pad_to=int((MAX_UPLOAD_MB + 0.5) * 1024 * 1024)))
    expect(page.locator('[data-testid="stFileUploader"]')).to_contain_text(
        re.compile(r"(must be|smaller|too (big|large)|exceeds)", re.I), timeout=30_000
    )
    # Refused before it is read: no column mapping is offered for it.
    expect(page.get_by_text("Outcome (1 = went on to a plan or care)")).to_have_count(0)
    assert_safe(page)


# -- issue 13.6 and 13.9: sign-in cookies ----------------------------------------------------------


def _jwt(claims: dict, key: str, algorithm: str = "HS256") -> str:
    import jwt

    return jwt.encode(claims, key, algorithm=algorithm)


def _none_jwt(claims: dict) -> str:
    import base64
    import json

    def part(data) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return part({"alg": "none", "typ": "JWT"}) + "." + part(claims) + "."


def _with_cookie(browser, server: AppServer, value: str, path: str = ""):
    from csc_dash import auth
    from tests.browser.st import wait_ready

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    host = server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": auth.COOKIE_NAME, "value": value, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(f"{server.url}/{path}")
    wait_ready(page)
    return context, page


def test_bad_staff_cookies_are_dropped_without_a_traceback(hostile_server, browser):
    """alg none / HS512, a removed user, garbage: each raised on every page for up to 24 h."""
    import time

    key = hostile_server.env["CSC_DASH_COOKIE_KEY"]
    later = time.time() + 3600
    bad = {
        "alg-none": _none_jwt({"username": FACILITATOR, "exp_date": later}),
        "hs512": _jwt({"username": FACILITATOR, "exp_date": later}, key, "HS512"),
        "removed-user": _jwt({"username": "someone-removed", "exp_date": later}, key),
        "no-exp": _jwt({"username": FACILITATOR}, key),
        "garbage": "not.a.token",
    }
    for name, value in bad.items():
        context, page = _with_cookie(browser, hostile_server, value)
        try:
            assert_safe(page)
            sidebar = page.locator('[data-testid="stSidebar"]')
            expect(sidebar).not_to_contain_text("Signed in as")
            st.goto_page(page, "Trade-offs")  # other pages too
            assert_safe(page)
        except AssertionError as error:
            raise AssertionError(f"cookie {name}: {error}") from error
        finally:
            context.close()


def test_the_sign_in_cookie_is_useless_after_sign_out(hostile_server, new_page, browser):
    """13.9: the token worked 24 h after sign-out (copied from a shared laptop's browser)."""
    from csc_dash import auth

    page = new_page(hostile_server)
    flows.sign_in(page, FACILITATOR, FACILITATOR_PASSWORD)
    cookies = {c["name"]: c for c in page.context.cookies()}
    token = cookies[auth.COOKIE_NAME]["value"]
    assert cookies[auth.COOKIE_NAME]["sameSite"] == "Strict"
    # The copied token signs in a second browser while the person is signed in ...
    context, other = _with_cookie(browser, hostile_server, token)
    try:
        expect(other.locator('[data-testid="stSidebar"]')).to_contain_text("Signed in as")
    finally:
        context.close()
    page.get_by_role("button", name="Sign out").click()
    st.settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).not_to_contain_text("Signed in as")
    # ... and no longer once they signed out.
    context, other = _with_cookie(browser, hostile_server, token)
    try:
        assert_safe(other)
        other.wait_for_timeout(1000)
        expect(other.locator('[data-testid="stSidebar"]')).not_to_contain_text("Signed in as")
    finally:
        context.close()
