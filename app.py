"""Opit's web app: a questionnaire link shows that questionnaire alone; the team sees its pages."""

from __future__ import annotations

import streamlit as st

from ui import public_form
from ui.lang import _, language_switch
from ui.page_spec import staff_pages


def run() -> None:
    if "s" in st.query_params:
        st.set_page_config(page_title="Opit", page_icon=":material/explore:", layout="centered")
        page = st.Page(public_form.render, title=_("Questionnaire"), url_path="answer")
        st.navigation([page], position="hidden").run()
        return
    st.set_page_config(page_title="Opit", page_icon=":material/explore:", layout="wide")
    pages = [
        st.Page(
            page.render,
            title=_(page.spec.title),
            icon=page.spec.icon,
            url_path=page.spec.url_path,
            default=page.spec.default,
        )
        for page in staff_pages()
    ]
    navigation = st.navigation(pages)
    language_switch()
    navigation.run()


run()
