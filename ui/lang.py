"""The interface language of the person using the app, and `_` to translate into it."""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, N_, default_language, gettext_for
from ui import state

__all__ = ["N_", "_", "current", "language_switch", "set_language"]


def current() -> str:
    lang = st.session_state.get(state.LANGUAGE)
    return lang if lang in LANGUAGES else default_language()


def set_language(lang: str) -> None:
    if lang in LANGUAGES:
        st.session_state[state.LANGUAGE] = lang


def _(message: str) -> str:
    """Translate an interface string into the current language."""
    return gettext_for(current())(message)


def language_switch(container=None, languages: list[str] | None = None) -> str:
    """A bg / en switch bound to the person's language (in the sidebar by default)."""
    options = [lang for lang in (languages or list(LANGUAGES)) if lang in LANGUAGES] or ["bg"]
    if st.session_state.get(state.LANGUAGE) not in options:
        st.session_state[state.LANGUAGE] = current() if current() in options else options[0]
    target = container or st.sidebar
    target.radio(
        _("Language"),
        options=options,
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        key=state.LANGUAGE,
    )
    return current()
