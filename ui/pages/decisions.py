"""The decisions log: what the team will change after this iteration's review, who owns it, and
how far it got. Decisions cite themes and observations and are carried into the next iteration's
change log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from prototypes.repository_decisions import (
    STATUS_NAMES,
    STATUSES,
    DecisionInfo,
    DecisionInput,
    ObservationRef,
    add_decision,
    carried_into,
    decisions_for_change_log,
    decisions_of_iteration,
    delete_decision,
    observation_choices,
    update_decision,
)
from prototypes.repository_metrics import theme_counts
from prototypes.review_parts import SEVERITY_NAMES
from research.repository_audit import record_audit
from ui import state
from ui.auth import current_user
from ui.context import WorkContext, choose_context, iteration_label
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(N_("Decisions"), ":material/gavel:", "decisions", order=12)
EDITORS = ("admin", "researcher")


def _observation_label(o: ObservationRef) -> str:
    severity = f" · {_(SEVERITY_NAMES[o.severity])}" if o.severity in SEVERITY_NAMES else ""
    step = o.step_name(current()) or _("no step")
    text = o.text if len(o.text) <= 90 else o.text[:89] + "…"
    return f"{step}{severity} — {text}"


def _table(items: list[DecisionInfo], themes: dict[str, str], carried: dict[int, int]) -> None:
    rows = [
        {
            _("Decision"): d.title,
            _("Owner"): d.owner or "—",
            _("Status"): _(STATUS_NAMES.get(d.status, d.status)),
            _("Themes"): ", ".join(themes.get(k, k) for k in d.theme_keys) or "—",
            _("Observations cited"): len(d.observation_ids),
            _("Carried out in iteration"): str(carried[d.id]) if d.id in carried else "—",
        }
        for d in items
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for d in items:
        if d.rationale:
            with st.expander(_("Why: {title}").format(title=d.title[:80])):
                st.text(d.rationale)


def _form(
    key: str,
    themes: dict[str, str],
    observations: list[ObservationRef],
    current_item: DecisionInfo | None = None,
) -> DecisionInput | None:
    """A decision form; returns the input when submitted."""
    item = current_item
    with st.form(f"decisions.form.{key}", clear_on_submit=item is None):
        title = st.text_input(
            _("What will the team change?"), value=item.title if item else "", max_chars=300
        )
        rationale = st.text_area(
            _("Why (what the review showed)"), value=item.rationale if item else "", height=90
        )
        left, right = st.columns(2)
        owner = left.text_input(_("Owner"), value=item.owner if item else "", max_chars=100)
        status = right.selectbox(
            _("Status"),
            STATUSES,
            index=STATUSES.index(item.status) if item else 0,
            format_func=lambda s: _(STATUS_NAMES[s]),
        )
        theme_keys = st.multiselect(
            _("Themes it answers"),
            list(themes),
            default=[k for k in (item.theme_keys if item else ()) if k in themes],
            format_func=lambda k: themes.get(k, k),
            placeholder=_("No themes yet") if not themes else _("Choose themes"),
            disabled=not themes,
        )
        by_id = {o.id: o for o in observations}
        observation_ids = st.multiselect(
            _("Observations it answers"),
            list(by_id),
            default=[i for i in (item.observation_ids if item else ()) if i in by_id],
            format_func=lambda i: _observation_label(by_id[i]),
            placeholder=_("Choose observations"),
        )
        label = _("Save changes") if item else _("Record the decision")
        if st.form_submit_button(label, type="primary"):
            return DecisionInput(title, rationale, owner, status, theme_keys, observation_ids)
    return None


def _save(context: WorkContext, item: DecisionInput, decision_id: int | None) -> None:
    user = current_user()
    actor = user.username if user else "unknown"
    try:
        with database().write() as session:
            if decision_id is None:
                decision_id = add_decision(session, context.iteration.id, item)
                record_audit(session, actor, "create", "decision", decision_id)
            else:
                update_decision(session, decision_id, item)
                record_audit(session, actor, "update", "decision", decision_id)
    except UserError as err:
        st.error(err.render(current()))
        return
    st.session_state[state.DECISIONS_FLASH] = _("Decision saved.")
    st.rerun()


def _delete(decision_id: int) -> None:
    user = current_user()
    with database().write() as session:
        delete_decision(session, decision_id)
        record_audit(
            session, user.username if user else "unknown", "delete", "decision", decision_id
        )
    st.session_state[state.DECISIONS_FLASH] = _("Decision deleted.")
    st.session_state.pop(state.DECISIONS_SELECTED, None)
    st.rerun()


def render() -> None:
    st.title(_("Decisions"))
    context = choose_context()
    if context is None:
        return
    with database().read() as session:
        items = decisions_of_iteration(session, context.iteration.id)
        observations = observation_choices(session, context.iteration.id)
        themes = theme_counts(session, context.prototype.id).labels
        carried = carried_into(session, context.prototype.id)
        change_log = decisions_for_change_log(session, context.iteration.id)
    st.caption(
        _("What the review of {iteration} decided to change in the next iteration.").format(
            iteration=iteration_label(context.iteration)
        )
    )
    flash = st.session_state.pop(state.DECISIONS_FLASH, None)
    if flash:
        st.success(flash)
    if items:
        _table(items, themes, carried)
    else:
        st.info(_("No decision recorded for this iteration yet."))
    user = current_user()
    if user is None or user.role not in EDITORS:
        return
    add, edit = st.tabs([_("Record a decision"), _("Update a decision")])
    with add:
        item = _form("new", themes, observations)
        if item is not None:
            _save(context, item, None)
    with edit:
        if not items:
            st.caption(_("Nothing to update yet."))
        else:
            by_id = {d.id: d for d in items}
            chosen = st.selectbox(
                _("Decision"),
                list(by_id),
                format_func=lambda i: by_id[i].title,
                key=state.DECISIONS_SELECTED,
            )
            decision = by_id.get(chosen) or items[0]
            item = _form(f"edit.{decision.id}", themes, observations, decision)
            if item is not None:
                _save(context, item, decision.id)
            if st.button(_("Delete this decision"), key=f"decisions.delete.{decision.id}"):
                _delete(decision.id)
    st.markdown("#### " + _("For the next iteration's change log"))
    if change_log:
        st.code(change_log, language=None)
    else:
        st.caption(_("Decisions that are not dropped appear here."))
