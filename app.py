"""Opit's web app: a questionnaire link shows that questionnaire alone; the team signs in first.

- `?s=token`: the questionnaire the link names, on a hidden one-page navigation: nothing else.
- anyone else who is not signed in: the sign-in page alone.
- a signed-in person: the staff pages their role allows; each is checked again before it renders.
"""

from __future__ import annotations

import streamlit as st

from ui import public_form, signin
from ui.auth import current_user, require_role, user_menu
from ui.lang import _, language_switch
from ui.page_spec import StaffPage, staff_pages


def _guarded(page: StaffPage):
    def render() -> None:
        require_role(page.spec.roles)
        page.render()

    render.__name__ = page.spec.url_path.replace("-", "_") or "home"
    return render


def _sign_in_first(page: StaffPage):
    def render() -> None:
        signin.render()

    render.__name__ = "sign_in_for_" + (page.spec.url_path.replace("-", "_") or "home")
    return render


def run() -> None:
    if "s" in st.query_params:
        st.set_page_config(page_title="Opit", page_icon=":material/explore:", layout="centered")
        page = st.Page(public_form.render, title=_("Questionnaire"), url_path="answer")
        st.navigation([page], position="hidden").run()
        return
    st.set_page_config(page_title="Opit", page_icon=":material/explore:", layout="wide")
    user = current_user()
    if user is None:
        # every address shows the sign-in page; once signed in, the same address opens its page
        pages = [st.Page(signin.render, title=_("Sign in"), url_path="signin", default=True)]
        pages += [
            st.Page(_sign_in_first(p), title=_(p.spec.title), url_path=p.spec.url_path)
            for p in staff_pages()
            if not p.spec.default
        ]
        st.navigation(pages, position="hidden").run()
        return
    pages = [
        st.Page(
            _guarded(page),
            title=_(page.spec.title),
            icon=page.spec.icon,
            url_path=page.spec.url_path,
            default=page.spec.default,
        )
        for page in staff_pages()
        if user.role in page.spec.roles
    ]
    navigation = st.navigation(pages)
    language_switch()
    user_menu(user)
    navigation.run()


run()
