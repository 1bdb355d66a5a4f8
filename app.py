"""Opit's web app: a questionnaire link shows that questionnaire alone; the team sees its pages."""

from __future__ import annotations

import streamlit as st

from ui import public_form, responses, review, sessions
from ui.lang import _, language_switch


def run() -> None:
    if "s" in st.query_params:
        st.set_page_config(page_title="Opit", page_icon=":material/explore:", layout="centered")
        page = st.Page(public_form.render, title=_("Questionnaire"), url_path="answer")
        st.navigation([page], position="hidden").run()
        return
    st.set_page_config(page_title="Opit", page_icon=":material/explore:", layout="wide")
    pages = [
        st.Page(
            review.render,
            title=_("Weekly review"),
            icon=":material/monitoring:",
            url_path="review",
            default=True,
        ),
        st.Page(
            responses.render, title=_("Responses"), icon=":material/ballot:", url_path="responses"
        ),
        st.Page(
            sessions.render,
            title=_("Interviews"),
            icon=":material/record_voice_over:",
            url_path="interviews",
        ),
    ]
    navigation = st.navigation(pages)
    language_switch()
    navigation.run()


run()
