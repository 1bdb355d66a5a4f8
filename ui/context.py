"""The prototype and iteration the staff pages work on, chosen once in the sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from prototypes.repository import IterationInfo, PrototypeInfo, iterations, prototypes
from surveys.definition import label_in
from surveys.repository import QuestionnaireInfo
from ui import state
from ui.database import database
from ui.lang import _, current


@dataclass(frozen=True)
class WorkContext:
    prototype: PrototypeInfo
    iterations: tuple[IterationInfo, ...]
    iteration: IterationInfo

    @property
    def previous(self) -> IterationInfo | None:
        index = self.iterations.index(self.iteration)
        return self.iterations[index - 1] if index > 0 else None


def iteration_label(it: IterationInfo) -> str:
    return _("Iteration {number} · week {week}").format(number=it.number, week=it.week_label)


def choose_context() -> WorkContext | None:
    """Sidebar pickers; the latest iteration is the default. None when there is no prototype."""
    with database().read() as session:
        all_prototypes = prototypes(session)
        if not all_prototypes:
            st.info(_("No prototype yet. Load the demo with `opit demo` or add a prototype."))
            return None
        ids = [p.id for p in all_prototypes]
        chosen = st.session_state.get(state.PROTOTYPE_ID)
        prototype_id = st.sidebar.selectbox(
            _("Prototype"),
            ids,
            index=ids.index(chosen) if chosen in ids else 0,
            format_func={p.id: p.name(current()) for p in all_prototypes}.get,
        )
        st.session_state[state.PROTOTYPE_ID] = prototype_id
        its = tuple(iterations(session, prototype_id))
    prototype = next(p for p in all_prototypes if p.id == prototype_id)
    if not its:
        st.info(_("This prototype has no iteration yet."))
        return None
    by_id = {it.id: it for it in its}
    chosen_it = st.session_state.get(state.ITERATION_ID)
    iteration_id = st.sidebar.selectbox(
        _("Iteration"),
        list(reversed(by_id)),
        index=list(reversed(by_id)).index(chosen_it) if chosen_it in by_id else 0,
        format_func=lambda i: iteration_label(by_id[i]),
    )
    st.session_state[state.ITERATION_ID] = iteration_id
    return WorkContext(prototype, its, by_id[iteration_id])


def questionnaire_title(info: QuestionnaireInfo) -> str:
    """The questionnaire's title in the interface language (its slug when it has none)."""
    return label_in(info.definition.title, current()) or info.slug


def choose_questionnaire(
    questionnaires: Sequence[QuestionnaireInfo], state_key: str
) -> QuestionnaireInfo:
    """A select box of `questionnaires` (not empty): the one chosen last time on this page (kept
    under `state_key`), else the newest."""
    by_id = {q.id: q for q in questionnaires}
    ids = list(by_id)
    remembered = st.session_state.get(state_key)
    chosen = st.selectbox(
        _("Questionnaire"),
        ids,
        index=ids.index(remembered) if remembered in by_id else len(ids) - 1,
        format_func=lambda i: f"{questionnaire_title(by_id[i])} ({by_id[i].slug})",
    )
    st.session_state[state_key] = chosen
    return by_id[chosen]
