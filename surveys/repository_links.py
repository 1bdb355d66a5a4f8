"""Revoking a questionnaire's public link: a new unguessable token replaces the old one at once.

The old link then shows "this link does not work" and reaches nothing; printed QR codes must be
made again. The replacement is written to the audit log (by questionnaire id, never the token).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.repository_audit import record_audit
from storage.schema import Questionnaire
from surveys.repository import new_token


def replace_token(session: Session, questionnaire_id: int, *, actor: str) -> str:
    """Give the questionnaire a new link token and return it; the old link stops working."""
    row = session.get(Questionnaire, questionnaire_id)
    if row is None:
        raise UserError(N_("This questionnaire no longer exists."))
    row.token = new_token()
    session.flush()
    record_audit(session, actor, "change", "questionnaire", row.id, {"link": "replaced"})
    return row.token
