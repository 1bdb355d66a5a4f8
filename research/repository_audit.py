"""The audit log: who created, changed, exported or erased what, and when. Append-only.

`record_audit` is the one way in; nothing here updates or deletes an event, and the database refuses
to (triggers of migration 0008). Name things by their database id and record counts, never a name,
a participant's code or anything a person typed: the log outlives an erasure, so it must hold no
personal data (the erasure's scan of every table would find it and refuse to finish).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema import AuditEvent, utcnow

__all__ = ["AuditRecord", "audit_events", "audit_log", "audit_rows", "record_audit"]

#: verbs used across Opit (areas may add their own: "consent", "withdraw_consent", …)
ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "locked",
    "create",
    "change",
    "consent",
    "withdraw_consent",
    "set_contact",
    "export",
    "erase",
    "delete",
    "retention",
    "backup",
    "restore",
)
MAX_DETAIL_CHARS = 4000


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict


def record_audit(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int = "",
    detail: dict | None = None,
) -> int:
    """Append one event in the caller's transaction (kept exactly when the work is kept)."""
    payload = json.loads(json.dumps(detail or {}, default=str))
    if len(json.dumps(payload)) > MAX_DETAIL_CHARS:
        raise ValueError("audit detail is too long: record ids and counts, not content")
    event = AuditEvent(
        at=utcnow(),
        actor=(actor or "unknown")[:100],
        action=action[:50],
        entity=entity[:50],
        entity_id=str(entity_id if entity_id is not None else "")[:64],
        detail=payload,
    )
    session.add(event)
    session.flush()
    return event.id


def _record(row: AuditEvent) -> AuditRecord:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
    return AuditRecord(
        row.id, at, row.actor, row.action, row.entity, row.entity_id, dict(row.detail or {})
    )


def audit_log(
    session: Session,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_id: str | int | None = None,
    limit: int | None = 1000,
) -> list[AuditRecord]:
    """Events, newest first, filtered by time, who, what and which."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    if limit is not None:
        query = query.limit(limit)
    return [_record(row) for row in session.scalars(query)]


def audit_events(session: Session, entity: str, entity_id: str | int) -> list[dict]:
    """The events about one entity, oldest first, as plain dicts (at, actor, action, detail)."""
    records = reversed(audit_log(session, entity=entity, entity_id=entity_id, limit=None))
    return [{"at": r.at, "actor": r.actor, "action": r.action, "detail": r.detail} for r in records]


def audit_rows(records: list[AuditRecord]) -> list[dict[str, object]]:
    """Flat rows for a table or a CSV export (detail as compact JSON)."""
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(timespec="seconds"),
            "actor": r.actor,
            "action": r.action,
            "entity": r.entity,
            "entity_id": r.entity_id,
            "detail": json.dumps(r.detail, ensure_ascii=False, sort_keys=True),
        }
        for r in records
    ]
