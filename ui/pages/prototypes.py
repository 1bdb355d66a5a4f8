"""Prototypes: register one, start next week's iteration from the last review, edit task scripts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from prototypes.naming import slugify, unique
from prototypes.repository import (
    PROTOTYPE_STATUSES,
    IterationInfo,
    PrototypeInfo,
    add_prototype,
    iterations,
    journey_steps,
    prototypes,
    tasks,
)
from prototypes.repository_iterations import (
    DROPPED,
    next_iteration,
    start_next_iteration,
    update_iteration,
    update_prototype,
)
from prototypes.repository_journeys import life_events
from ui import state
from ui.database import database
from ui.journey_actions import act, show_flash
from ui.journey_map import md
from ui.journey_picker import choose_iteration, choose_prototype, select_iteration, select_prototype
from ui.journey_screenshots import screenshot_panel
from ui.journey_tasks import task_script
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Prototypes"),
    ":material/design_services:",
    "prototypes",
    order=50,
    roles=("admin", "researcher"),
)
FLASH = state.PROTOTYPES_FLASH


def status_names() -> dict[str, str]:
    return {
        "draft": _("Draft"),
        "active": _("Active"),
        "paused": _("Paused"),
        "retired": _("Retired"),
    }


def _new_prototype_form(protos: list[PrototypeInfo]) -> None:
    lang = current()
    with database().read() as session:
        events = life_events(session)
    with st.expander(_("New prototype"), icon=":material/add:", expanded=not protos):
        if not events:
            st.info(_("Create a life event first (page “Life events”)."))
            return
        with st.form("prototypes.new", clear_on_submit=True):
            c1, c2 = st.columns(2)
            name_bg = c1.text_input(_("Name (Bulgarian)"), max_chars=200, key="prototypes.new.bg")
            name_en = c2.text_input(_("Name (English)"), max_chars=200, key="prototypes.new.en")
            names = {e.id: e.name(lang) for e in events}
            event_id = c1.selectbox(
                _("Life event"), list(names), format_func=names.get, key="prototypes.new.event"
            )
            link = c2.text_input(
                _("Link (Figma, a test site)"), max_chars=500, key="prototypes.new.link"
            )
            st.caption(_("The prototype covers every step of the journey; narrow it down later."))
            if st.form_submit_button(_("Create the prototype"), type="primary"):
                slug = unique(slugify(name_en or name_bg, "prototype"), [p.slug for p in protos])

                def create(session):
                    keys = [s.key for s in journey_steps(session, event_id)]
                    return add_prototype(session, slug, event_id, name_bg, name_en, link, keys)

                act(
                    create,
                    _("Prototype “{name}” created.").format(name=name_bg.strip()),
                    FLASH,
                    then=select_prototype,
                )


def _iteration_table(its: list[IterationInfo], counts: dict[int, int]) -> None:
    frame = pd.DataFrame(
        [
            {
                _("Iteration"): it.number,
                _("Week"): it.week_label,
                _("Tasks"): counts.get(it.id, 0),
                _("What changed"): it.change_log,
                _("Hypothesis"): it.hypothesis,
            }
            for it in reversed(its)
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _start_form(prototype: PrototypeInfo) -> None:
    with database().read() as session:
        proposal = next_iteration(session, prototype.id, dt.date.today())
    st.markdown("#### " + _("Start iteration {number}").format(number=proposal.number))
    if proposal.tasks:
        st.caption(
            _("The task script carries over: {keys}. Edit it after starting.").format(
                keys=", ".join(t.key for t in proposal.tasks)
            )
        )
    if proposal.decisions:
        st.markdown("**" + _("Decisions of the last review") + "**")
        for d in proposal.decisions:
            st.markdown(f"- {md(d.title)} · _{md(d.status)}_")
    elif proposal.number > 1:
        st.caption(_("The last review recorded no decision."))
    with st.form(f"prototypes.start.{prototype.id}.{proposal.number}"):
        week = st.date_input(
            _("Week (any day in it)"),
            value=proposal.week,
            format="YYYY-MM-DD",
            key=f"prototypes.start.week.{prototype.id}.{proposal.number}",
        )
        decision_ids = []
        if proposal.decisions:
            titles = {d.id: d.title for d in proposal.decisions}
            decision_ids = st.multiselect(
                _("Decisions this iteration carries out"),
                list(titles),
                default=[d.id for d in proposal.decisions if d.status not in DROPPED],
                format_func=titles.get,
            )
        change_log = st.text_area(
            _("What changed"),
            proposal.change_log,
            max_chars=5000,
            key=f"prototypes.start.change_log.{prototype.id}.{proposal.number}",
        )
        hypothesis = st.text_area(
            _("Hypothesis"),
            max_chars=5000,
            key=f"prototypes.start.hypothesis.{prototype.id}.{proposal.number}",
        )
        if st.form_submit_button(
            _("Start iteration {number}").format(number=proposal.number), type="primary"
        ):
            act(
                lambda s: start_next_iteration(
                    s, prototype.id, week, change_log, hypothesis, decision_ids
                ),
                _("Iteration {number} started in week {week}.").format(
                    number=proposal.number,
                    week=f"{week.isocalendar().year}-W{week.isocalendar().week:02d}",
                ),
                FLASH,
                then=select_iteration,
            )


def _edit_iteration(iteration: IterationInfo) -> None:
    label = _("Change log and hypothesis of iteration {number}").format(number=iteration.number)
    with st.expander(label), st.form(f"prototypes.iteration.{iteration.id}"):
        change_log = st.text_area(_("What changed"), iteration.change_log, max_chars=5000)
        hypothesis = st.text_area(_("Hypothesis"), iteration.hypothesis, max_chars=5000)
        if st.form_submit_button(_("Save")):
            act(
                lambda s: update_iteration(s, iteration.id, change_log, hypothesis),
                _("Iteration saved."),
                FLASH,
            )


def _iterations_tab(prototype: PrototypeInfo, its: list[IterationInfo], chosen) -> None:
    if its:
        with database().read() as session:
            counts = {it.id: len(tasks(session, it.id)) for it in its}
        _iteration_table(its, counts)
        if chosen is not None:
            _edit_iteration(chosen)
    else:
        st.info(_("No iteration yet: start the first one."))
    _start_form(prototype)


def _details_tab(prototype: PrototypeInfo, its: list[IterationInfo]) -> None:
    lang = current()
    with database().read() as session:
        steps = journey_steps(session, prototype.life_event_id)
    with st.form(f"prototypes.details.{prototype.id}"):
        c1, c2 = st.columns(2)
        name_bg = c1.text_input(_("Name (Bulgarian)"), prototype.name_bg, max_chars=200)
        name_en = c2.text_input(_("Name (English)"), prototype.name_en, max_chars=200)
        link = c1.text_input(_("Link (Figma, a test site)"), prototype.link, max_chars=500)
        status = c2.selectbox(
            _("Status"),
            PROTOTYPE_STATUSES,
            index=PROTOTYPE_STATUSES.index(prototype.status)
            if prototype.status in PROTOTYPE_STATUSES
            else 1,
            format_func=status_names().get,
        )
        names = {s.key: s.name(lang) for s in steps}
        covered = st.multiselect(
            _("Journey steps it covers"),
            list(names),
            default=[k for k in prototype.step_keys if k in names],
            format_func=names.get,
        )
        if st.form_submit_button(_("Save")):
            act(
                lambda s: update_prototype(
                    s, prototype.id, name_bg, name_en, link, status, covered
                ),
                _("Prototype saved."),
                FLASH,
            )
    if prototype.link:
        st.link_button(_("Open the prototype"), prototype.link, icon=":material/open_in_new:")
    screenshot_panel(prototype, its)


def render() -> None:
    st.title(_("Prototypes"))
    show_flash(FLASH)
    with database().read() as session:
        protos = prototypes(session)
    _new_prototype_form(protos)
    if not protos:
        return
    prototype = choose_prototype(protos)
    with database().read() as session:
        its = iterations(session, prototype.id)
    chosen = choose_iteration(its)
    st.subheader(prototype.name(current()))
    tab_its, tab_tasks, tab_details = st.tabs(
        [_("Iterations"), _("Task script"), _("Prototype and screenshots")],
        key="prototypes.tab",
        on_change="rerun",
    )
    with tab_its:
        _iterations_tab(prototype, its, chosen)
    with tab_tasks:
        if chosen is None:
            st.info(_("Start the first iteration to write its task script."))
        else:
            task_script(prototype, chosen)
    with tab_details:
        _details_tab(prototype, its)
