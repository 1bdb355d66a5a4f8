"""The audit log (admin only): who created, changed, exported or erased what, and when."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from research.repository_audit import ACTIONS, audit_log, audit_rows, record_audit
from ui.auth import require_role
from ui.database import database
from ui.lang import N_, _
from ui.page_spec import PageSpec

PAGE = PageSpec(N_("Audit log"), ":material/history:", "audit", order=92, roles=("admin",))
SHOWN = 500


def _period() -> tuple[dt.datetime, dt.datetime]:
    today = dt.date.today()
    cols = st.columns(3)
    start = cols[0].date_input(_("From"), today - dt.timedelta(days=30), key="audit.from")
    end = cols[1].date_input(_("To"), today, key="audit.to")
    since = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return since, until


def render() -> None:
    me = require_role(PAGE.roles)
    st.title(_("Audit log"))
    st.caption(
        _(
            "Every sign-in, change, export and erasure, newest first. Nobody can change or delete "
            "an entry, not even an admin."
        )
    )
    since, until = _period()
    action = st.selectbox(
        _("What"), ["", *ACTIONS], format_func=lambda a: a or _("everything"), key="audit.action"
    )
    with database().read() as session:
        records = audit_log(session, since=since, until=until, action=action or None, limit=None)
    rows = audit_rows(records)
    st.caption(_("{count} entries").format(count=len(rows)))
    if rows:
        names = {
            "id": "#",
            "at": _("When (UTC)"),
            "actor": _("Who"),
            "action": _("Did"),
            "entity": _("To what"),
            "entity_id": _("Number"),
            "detail": _("Details"),
        }
        shown = pd.DataFrame(rows[:SHOWN]).rename(columns=names)
        st.dataframe(shown, hide_index=True, width="stretch")
    if rows and st.button(_("Prepare a CSV export"), icon=":material/download:"):
        with database().write() as session:
            record_audit(session, me.username, "export", "audit_log", "", {"rows": len(rows)})
        st.download_button(
            _("Download the audit log (CSV)"),
            pd.DataFrame(rows).to_csv(index=False).encode("utf-8"),
            file_name=f"opit-audit-{since:%Y%m%d}-{until:%Y%m%d}.csv",
            mime="text/csv",
            on_click="ignore",
        )
