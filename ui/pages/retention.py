"""Personal data (admin only): answer a data request; erase data past its retention date."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import UserError
from research.gdpr import export_json, export_xlsx
from research.repository_gdpr import (
    apply_retention,
    participant_export,
    participant_id_for,
    retention_due,
)
from storage.db import StorageBusy
from ui.auth import require_role
from ui.database import database
from ui.lang import N_, _, current
from ui.page_spec import PageSpec

PAGE = PageSpec(
    N_("Personal data"), ":material/shield_person:", "personal-data", order=91, roles=("admin",)
)


def _export(actor: str) -> None:
    st.markdown("#### " + _("A participant asks for their data"))
    with st.form("retention.export"):
        code = st.text_input(_("Participant code"), max_chars=20, placeholder="P-001")
        sent = st.form_submit_button(_("Prepare the export"), icon=":material/folder_zip:")
    if not sent:
        return
    try:
        with database().write() as session:
            participant_id = participant_id_for(session, code)
            export = participant_export(session, participant_id, actor=actor)
    except (UserError, StorageBusy) as err:
        st.error(err.render(current()))
        return
    name = f"opit-participant-{participant_id}"
    st.success(_("The export is ready. It holds personal data: keep it safe, delete it once sent."))
    cols = st.columns(2)
    cols[0].download_button(
        _("Spreadsheet (XLSX)"),
        export_xlsx(export, current()),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/table:",
    )
    cols[1].download_button(
        _("Data (JSON)"),
        export_json(export),
        file_name=f"{name}.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/data_object:",
    )


def _retention(actor: str) -> None:
    st.markdown("#### " + _("Retention"))
    with database().read() as session:
        due = retention_due(session)
    if not due:
        st.success(_("No participant's data is past its retention date."))
        return
    st.warning(
        _("{count} participants' data is past its retention date and must be erased.").format(
            count=len(due)
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("Participant code"): d.code,
                    _("Keep until"): d.retention_until,
                    _("Consent withdrawn"): _("yes") if d.withdrawn else _("no"),
                }
                for d in due
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    sure = st.checkbox(_("I understand that erasure cannot be undone."), key="retention.sure")
    if st.button(_("Erase them now"), type="primary", disabled=not sure):
        try:
            with database().write() as session:
                reports = apply_retention(session, actor=actor)
        except (UserError, StorageBusy) as err:
            st.error(err.render(current()))
            return
        st.success(_("Erased: {count} participants.").format(count=len(reports)))


def render() -> None:
    me = require_role(PAGE.roles)
    st.title(_("Personal data"))
    st.caption(
        _(
            "Interview notes and answers are personal data of the people who took part. Here an "
            "admin answers a data request and erases data whose retention date has passed "
            "(`opit retention --apply` does the same)."
        )
    )
    _export(me.username)
    st.divider()
    _retention(me.username)
