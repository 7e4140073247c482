"""Ethics and what is to be done: the ethics review's framework in plain words, as prompts for
discussion that link back to the evidence pages."""

import streamlit as st
from streamlit.errors import StreamlitAPIException

from csc_dash.content import framework
from csc_dash.ui import navigation, shell, workshop
from csc_dash.ui.workshop import save_view

TALK = "**Talk about it:**"


def evidence_link(path: str) -> None:
    """A link to an evidence page if this session's menu has it. Otherwise no dead link: a
    sentence saying who can use that page (``framework.ELSEWHERE``), or nothing."""
    listed = any(spec.path == path for spec in navigation.PAGES)
    if listed and (navigation.ROOT / path).exists():
        try:
            st.page_link(path, label=framework.link_label(path), icon=":material/arrow_forward:")
            return
        except StreamlitAPIException:  # listed, but not open to this session (role-gated)
            pass
    if path in framework.ELSEWHERE:
        st.caption(framework.ELSEWHERE[path])


def prompts(items) -> None:
    st.markdown(TALK + "\n" + "\n".join(f"- {item}" for item in items))


shell.page_header("Ethics and what is to be done", framework.INTRO)
analyst = shell.analyst_view()
st.info(framework.ASSIST_NOT_DECIDE, icon=":material/front_hand:")

# The three questions, walked in the order of the workshop.
for number, tier in enumerate(framework.TIERS, start=1):
    st.header(f"{number}. {tier.question}")
    st.caption(tier.view)
    st.markdown(tier.plain)
    if analyst:
        st.caption(f"In the study's words: {tier.source}")
    if tier.id != "todo":
        prompts(tier.prompts)
        for path in tier.pages:
            evidence_link(path)
        continue

    for rec in framework.RECOMMENDATIONS:
        with st.container(border=True):
            st.markdown(f"**{rec.number}. {rec.plain}**")
            st.markdown(rec.detail)
            st.markdown(f"{TALK} {rec.prompt}")
            evidence_link(rec.page)
            if analyst:
                st.caption(f"In the study's words: {rec.source}")
    prompts(tier.prompts)
    evidence_link("app_pages/your_views.py")

st.header("Four values to steer by")
st.markdown(framework.VALUES_INTRO)
for row in (framework.VALUES[:2], framework.VALUES[2:]):
    for column, value in zip(st.columns(2), row, strict=True):
        with column, st.container(border=True):
            st.markdown(f"**{value.name}** means {value.plain}.")
            st.markdown(f"{TALK} {value.prompt}")
            if analyst:
                st.caption(f"In the study's words: {value.source}")

st.subheader("A shared promise")
st.markdown(framework.COMMITMENT)

if analyst:
    st.header("The fuller framework")
    st.subheader("Practical principles")
    st.markdown("\n".join(f"- {plain} *({source})*" for plain, source in framework.PRINCIPLES))
    st.subheader("Professional virtues")
    st.markdown("\n".join(f"- {plain} *({source})*" for plain, source in framework.VIRTUES))
    st.subheader("FAST principles")
    st.markdown(
        "\n".join(f"- **{name}**: {plain} *({source})*" for name, plain, source in framework.FAST)
    )
    st.subheader("The project lifecycle")
    st.markdown(
        "\n".join(
            f"{i}. **{stage}**: {plain} *({source})*"
            for i, (stage, plain, source) in enumerate(framework.LIFECYCLE, start=1)
        )
    )
    st.caption(f"FAST and the lifecycle: {framework.FAST_SOURCE_TITLE}.")

st.header("To finish")
prompts(framework.CLOSING_PROMPTS)
st.caption(f"Source: {framework.SOURCE_TITLE}. The words on this page are our own summary.")

workshop.statements_section(not_joined=workshop.STATEMENTS_JOIN, link=True)

save_view.save_my_view("ethics", {"view": "analyst" if analyst else "plain"})
