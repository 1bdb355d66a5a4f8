"""The audit log's automatic part: every row created, changed or deleted in the tables of the
team's work is logged with who did it, in the same transaction as the change.

Explicit events (sign-ins, consent, exports, erasures, decisions: `research.repository_audit`) say
*why*; this says *what*, for everything else a page or a command writes through the ORM: sessions,
observations, task results, transcripts, codes, questionnaires, life events, journeys, prototypes,
iterations, tasks and theme curation. An entry holds the table and the row's key, never content,
so the log itself carries no personal data. Citizens' responses and their drafts are anonymous and
arrive by the thousand; they are not logged row by row.

Who: `set_actor(name)` for the current thread or task (the app sets the signed-in username when a
page opens the database, `opit` sets "cli"); "unknown" otherwise.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from storage.schema import AuditEvent, utcnow

AUDITED = frozenset(
    {
        "interview_sessions",
        "task_results",
        "observations",
        "observation_tags",
        "transcripts",
        "tags",
        "questionnaires",
        "life_events",
        "journey_steps",
        "prototypes",
        "prototype_screenshots",
        "iterations",
        "tasks",
        "theme_edits",
    }
)

_ACTOR: ContextVar[str] = ContextVar("opit_actor", default="unknown")


def set_actor(actor: str) -> None:
    """Name who the following writes of this thread (or asyncio task) are done by."""
    _ACTOR.set((actor or "unknown")[:100])


def current_actor() -> str:
    return _ACTOR.get()


def _key(obj: object) -> str:
    # from the row's attributes: a row just inserted has its key there, not yet an identity
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)[:64]


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _context) -> None:
    rows = []
    at = utcnow()
    actor = _ACTOR.get()
    for action, objects in (
        ("create", session.new),
        ("change", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table not in AUDITED:
                continue
            if action == "change" and not session.is_modified(obj, include_collections=False):
                continue
            rows.append(
                {
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "entity": table,
                    "entity_id": _key(obj),
                    "detail": {},
                }
            )
    if rows:
        session.connection().execute(insert(AuditEvent), rows)
