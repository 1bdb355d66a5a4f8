"""The sidebar pickers of the prototypes page: like `ui.context`, but a prototype may have no
iteration yet (so that its first one can be started). Same session keys, same default: the latest
iteration, so the choice made here is the one every other page starts from."""

from __future__ import annotations

import streamlit as st

from prototypes.repository import IterationInfo, PrototypeInfo
from ui import state
from ui.context import iteration_label
from ui.lang import _, current


def choose_prototype(protos: list[PrototypeInfo]) -> PrototypeInfo:
    ids = [p.id for p in protos]
    chosen = st.session_state.get(state.PROTOTYPE_ID)
    names = {p.id: p.name(current()) for p in protos}
    prototype_id = st.sidebar.selectbox(
        _("Prototype"), ids, index=ids.index(chosen) if chosen in ids else 0, format_func=names.get
    )
    if prototype_id != chosen:
        st.session_state.pop(state.ITERATION_ID, None)
    st.session_state[state.PROTOTYPE_ID] = prototype_id
    return next(p for p in protos if p.id == prototype_id)


def choose_iteration(its: list[IterationInfo]) -> IterationInfo | None:
    """The iteration to work on; the latest one unless another was chosen."""
    if not its:
        return None
    by_id = {it.id: it for it in its}
    newest_first = list(reversed(by_id))
    chosen = st.session_state.get(state.ITERATION_ID)
    iteration_id = st.sidebar.selectbox(
        _("Iteration"),
        newest_first,
        index=newest_first.index(chosen) if chosen in by_id else 0,
        format_func=lambda i: iteration_label(by_id[i]),
    )
    st.session_state[state.ITERATION_ID] = iteration_id
    return by_id[iteration_id]


def select_prototype(prototype_id: int) -> None:
    st.session_state[state.PROTOTYPE_ID] = prototype_id
    st.session_state.pop(state.ITERATION_ID, None)


def select_iteration(iteration_id: int) -> None:
    st.session_state[state.ITERATION_ID] = iteration_id
