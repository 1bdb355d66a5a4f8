"""Life events: the catalogue, each journey map with its pain points, and the journey editor."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from prototypes.naming import slugify, unique
from prototypes.repository import add_life_event, journey_steps
from prototypes.repository_journeys import (
    LifeEventInfo,
    delete_life_event,
    event_iterations,
    life_events,
    pain_points,
    set_life_event_archived,
    step_observations,
    update_life_event,
)
from prototypes.starter_events import add_starter_set
from ui import state
from ui.database import database
from ui.journey_actions import act, show_flash
from ui.journey_map import journey_map, md, pain_chart, severity_names
from ui.journey_steps import journey_editor
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Life events"), ":material/route:", "life-events", order=60, roles=("admin", "researcher")
)
ALL = 0


def _select(key: str):
    return lambda result: st.session_state.__setitem__(key, result)


def _new_event_form(events: list[LifeEventInfo]) -> None:
    with (
        st.expander(_("New life event"), icon=":material/add:"),
        st.form("life_events.new", clear_on_submit=True),
    ):
        c1, c2 = st.columns(2)
        name_bg = c1.text_input(_("Name (Bulgarian)"), max_chars=200, key="life_events.new.bg")
        name_en = c2.text_input(_("Name (English)"), max_chars=200, key="life_events.new.en")
        description_bg = c1.text_area(
            _("Description (Bulgarian)"), max_chars=5000, key="life_events.new.description_bg"
        )
        description_en = c2.text_area(
            _("Description (English)"), max_chars=5000, key="life_events.new.description_en"
        )
        if st.form_submit_button(_("Create the life event"), type="primary"):
            taken = [e.slug for e in events]
            slug = unique(slugify(name_en or name_bg, "life-event"), taken)
            act(
                lambda s: add_life_event(s, slug, name_bg, name_en, description_bg, description_en),
                _("Life event “{name}” created.").format(name=name_bg.strip()),
                then=_select(state.LIFE_EVENTS_ID),
            )


def _starter_button() -> None:
    if st.button(
        _("Add the starter set"),
        icon=":material/library_add:",
        help=_(
            "Six common life events; moving home comes with its journey. Events the project has "
            "already are skipped."
        ),
    ):
        act(add_starter_set, _("Starter set added; events the project had already were skipped."))


def _choose_event(events: list[LifeEventInfo], lang: str) -> LifeEventInfo | None:
    if not events:
        st.info(_("No life event yet: create one, or add the starter set."))
        return None
    ids = [e.id for e in events]
    chosen = st.session_state.get(state.LIFE_EVENTS_ID)
    by_id = {e.id: e for e in events}

    def label(i: int) -> str:
        e = by_id[i]
        archived = " · " + _("archived") if e.archived else ""
        return f"{e.name(lang)} ({e.steps} " + _("steps") + f"){archived}"

    event_id = st.selectbox(
        _("Life event"), ids, index=ids.index(chosen) if chosen in ids else 0, format_func=label
    )
    st.session_state[state.LIFE_EVENTS_ID] = event_id
    return by_id[event_id]


def _scope(event: LifeEventInfo, lang: str) -> list[int] | None:
    """Whose observations the map shows: one iteration (the current one by default) or all."""
    with database().read() as session:
        its = event_iterations(session, event.id)
    if not its:
        return []
    options = [it["id"] for it in its] + [ALL]
    labels = {
        it["id"]: _("{prototype} · iteration {number} · week {week}").format(
            prototype=it["prototype_en"]
            if lang == "en" and it["prototype_en"]
            else it["prototype_bg"],
            number=it["number"],
            week=it["week"],
        )
        for it in its
    }
    labels[ALL] = _("All iterations")
    current_it = st.session_state.get(state.ITERATION_ID)
    chosen = st.session_state.get(state.LIFE_EVENTS_SCOPE)
    default = chosen if chosen in options else current_it if current_it in options else options[0]
    picked = st.selectbox(
        _("Pain points from"), options, index=options.index(default), format_func=labels.get
    )
    st.session_state[state.LIFE_EVENTS_SCOPE] = picked
    return None if picked == ALL else [picked]


def _map_tab(event: LifeEventInfo, lang: str) -> None:
    scope = _scope(event, lang)
    with database().read() as session:
        steps = journey_steps(session, event.id)
        pains = pain_points(session, event.id, scope) if scope != [] else {}
    journey_map(steps, pains, lang, show_pain=scope != [])
    if scope == []:
        st.caption(
            _(
                "Pain points appear here once interviews of a prototype of this life event "
                "are logged."
            )
        )
        return
    if not pains:
        st.caption(_("No pain point observed in these interviews."))
        return
    pain_chart(steps, pains, lang)
    _drill_down(steps, pains, scope, lang)


def _drill_down(steps, pains, scope, lang: str) -> None:
    with_pain = [s for s in steps if s.id in pains]
    worst = max(with_pain, key=lambda s: (pains[s.id].worst or 0, pains[s.id].count))
    step_id = st.selectbox(
        _("Observations at step"),
        [s.id for s in with_pain],
        index=with_pain.index(worst),
        format_func={s.id: f"{s.name(lang)} ({pains[s.id].count})" for s in with_pain}.get,
    )
    with database().read() as session:
        rows = step_observations(session, step_id, scope)
    kinds = {
        "pain_point": _("Pain point"),
        "quote": _("Quote"),
        "idea": _("Idea"),
        "positive": _("Positive"),
    }
    names = severity_names()
    frame = pd.DataFrame(
        [
            {
                _("Kind"): kinds.get(r["kind"], r["kind"]),
                _("Severity"): names.get(r["severity"], ""),
                _("Observation"): r["text"],
                _("Iteration"): r["iteration"],
                _("Held"): r["held_at"],
            }
            for r in rows
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _details_tab(event: LifeEventInfo) -> None:
    with st.form(f"life_events.details.{event.id}"):
        c1, c2 = st.columns(2)
        name_bg = c1.text_input(_("Name (Bulgarian)"), event.name_bg, max_chars=200)
        name_en = c2.text_input(_("Name (English)"), event.name_en, max_chars=200)
        description_bg = c1.text_area(
            _("Description (Bulgarian)"), event.description_bg, max_chars=5000
        )
        description_en = c2.text_area(
            _("Description (English)"), event.description_en, max_chars=5000
        )
        st.caption(_("Short name: {slug}").format(slug=event.slug))
        if st.form_submit_button(_("Save")):
            act(
                lambda s: update_life_event(
                    s, event.id, name_bg, name_en, description_bg, description_en
                ),
                _("Life event saved."),
            )
    c1, c2 = st.columns(2)
    if event.archived:
        if c1.button(_("Restore the life event"), icon=":material/unarchive:"):
            act(lambda s: set_life_event_archived(s, event.id, False), _("Life event restored."))
    elif c1.button(_("Archive the life event"), icon=":material/archive:"):
        act(lambda s: set_life_event_archived(s, event.id, True), _("Life event archived."))
    if c2.button(
        _("Delete the life event"),
        icon=":material/delete:",
        disabled=event.prototypes > 0,
        help=_("Only a life event without prototypes can be deleted; archive the others."),
    ):
        act(lambda s: delete_life_event(s, event.id), _("Life event deleted."))


def render() -> None:
    st.title(_("Life events"))
    show_flash()
    lang = current()
    show_archived = st.toggle(_("Show archived life events"), value=False)
    with database().read() as session:
        events = life_events(session, with_archived=show_archived)
        every = events if show_archived else life_events(session, with_archived=True)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        event = _choose_event(events, lang)
    with c2:
        _starter_button()
    _new_event_form(every)
    if event is None:
        return
    if event.description(lang):
        st.caption(md(event.description(lang)))
    journey, edit, details = st.tabs(
        [_("Journey map"), _("Edit the journey"), _("Details")],
        key="life_events.tab",
        on_change="rerun",
    )
    with journey:
        _map_tab(event, lang)
    with edit:
        journey_editor(event.id)
    with details:
        _details_tab(event)
