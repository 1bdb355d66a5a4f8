"""A participant's data across every table: export it, erase it (verified), and enforce retention.

"Everything about one participant" is found by following foreign keys: the participant's row, every
row that refers to it, every row that refers to those, and so on (consents, contact details,
interview sessions, task results, observations, transcripts, drafts — and tables added later, with
no change here). `participant_export` gives all of it; `erase_participant` erases it by the rules of
`research.repository_participants` and then proves it: a scan of every text column of every table
for the participant's code and contact details must come back empty, or nothing is erased.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import JSON, String, Table, Text, and_, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research import repository_participants as participants_repository
from research.repository_audit import audit_log, record_audit
from storage.schema import Base, utcnow

#: tables whose rows stay, anonymised, when the consent lets task metrics outlive the person
METRIC_TABLES = ("interview_sessions", "task_results")
MAX_DEPTH = 6


class ErasureIncomplete(UserError):
    """Identifiers of an erased participant were still found; the erasure was rolled back."""

    def __init__(self, places: str) -> None:
        super().__init__(
            N_(
                "Nothing was erased: the participant's code or contact details still appear in "
                "{places}. Remove them there, then erase again."
            ),
            places=places,
        )


@dataclass(frozen=True)
class ErasureReport:
    participant_id: int
    #: what `research.repository_participants.erase_participant` did
    summary: participants_repository.ErasureSummary
    #: rows deleted per table, found by following foreign keys
    deleted: dict[str, int] = field(default_factory=dict)
    scanned_tables: int = 0

    @property
    def anonymous_code(self) -> str | None:
        return self.summary.anonymous_code

    @property
    def kept_metrics(self) -> bool:
        return self.summary.anonymous_code is not None

    @property
    def sessions_kept(self) -> int:
        return self.summary.sessions_kept

    @property
    def sessions_deleted(self) -> int:
        return self.summary.sessions_deleted


@dataclass(frozen=True)
class RetentionDue:
    participant_id: int
    code: str
    retention_until: dt.date
    withdrawn: bool


def _tables() -> dict[str, Table]:
    return dict(Base.metadata.tables)


def _participant(session: Session, participant_id: int) -> dict:
    participants = _tables()["participants"]
    row = session.execute(select(participants).where(participants.c.id == participant_id)).first()
    if row is None or row._mapping.get("erased_at") is not None:
        raise UserError(N_("No participant with this code, or their data was already erased."))
    return dict(row._mapping)


def participant_id_for(session: Session, code: str) -> int:
    participants = _tables()["participants"]
    found = session.scalar(
        select(participants.c.id).where(
            participants.c.code == code.strip(), participants.c.erased_at.is_(None)
        )
    )
    if found is None:
        raise UserError(N_("No participant with this code, or their data was already erased."))
    return found


def _children(parent: str) -> list[tuple[Table, object]]:
    """(table, fk column) for every foreign key that points at `parent`'s id."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == parent and fk.parent.table is table:
                found.append((table, fk.parent))
    return found


def owned_rows(session: Session, participant_id: int) -> dict[str, list[dict]]:
    """Every row about the participant, by table, found by following foreign keys down."""
    collected: dict[str, dict[object, dict]] = defaultdict(dict)
    participant = _participant(session, participant_id)
    collected["participants"][participant_id] = participant
    frontier = {"participants": {participant_id}}
    for _depth in range(MAX_DEPTH):
        reached: dict[str, set] = defaultdict(set)
        for parent, ids in frontier.items():
            for table, column in _children(parent):
                for row in session.execute(select(table).where(column.in_(sorted(ids)))):
                    mapping = dict(row._mapping)
                    key = _key(table, mapping)
                    if key not in collected[table.name]:
                        collected[table.name][key] = mapping
                        if "id" in table.c:
                            reached[table.name].add(mapping["id"])
        if not reached:
            break
        frontier = reached
    return {name: list(rows.values()) for name, rows in collected.items()}


def _key(table: Table, mapping: dict) -> object:
    return tuple(mapping[c.name] for c in table.primary_key.columns)


def _labels(session: Session, rows: dict[str, list[dict]]) -> dict[str, dict[int, str]]:
    """Readable names of the tasks, journey steps and iterations the rows point at."""
    t = _tables()
    ids: dict[str, set[int]] = defaultdict(set)
    for table_rows in rows.values():
        for row in table_rows:
            for name, target in (
                ("task_id", "tasks"),
                ("journey_step_id", "journey_steps"),
                ("iteration_id", "iterations"),
            ):
                if row.get(name) is not None:
                    ids[target].add(row[name])
    labels: dict[str, dict[int, str]] = {}
    if ids["tasks"]:
        labels["tasks"] = dict(
            session.execute(
                select(t["tasks"].c.id, t["tasks"].c.title_bg).where(
                    t["tasks"].c.id.in_(ids["tasks"])
                )
            ).all()
        )
    if ids["journey_steps"]:
        steps = t["journey_steps"]
        labels["journey_steps"] = dict(
            session.execute(
                select(steps.c.id, steps.c.name_bg).where(steps.c.id.in_(ids["journey_steps"]))
            ).all()
        )
    if ids["iterations"]:
        its, protos = t["iterations"], t["prototypes"]
        query = (
            select(its.c.id, protos.c.name_bg, its.c.number, its.c.iso_year, its.c.iso_week)
            .join(protos, protos.c.id == its.c.prototype_id)
            .where(its.c.id.in_(ids["iterations"]))
        )
        labels["iterations"] = {
            r[0]: f"{r[1]} · {r[2]} ({r[3]}-W{r[4]:02d})" for r in session.execute(query)
        }
    return labels


def participant_export(session: Session, participant_id: int, *, actor: str) -> dict:
    """Everything held about one participant, as plain JSON-ready data; the export is audited."""
    rows = owned_rows(session, participant_id)
    labels = _labels(session, rows)
    history = audit_log(session, entity="participant", entity_id=participant_id, limit=None)
    record_audit(session, actor, "export", "participant", participant_id, {"tables": sorted(rows)})
    return {
        "format": "opit-participant-export/1",
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "participant_id": participant_id,
        "tables": {name: [_plain(r) for r in table_rows] for name, table_rows in rows.items()},
        "labels": {name: {str(k): v for k, v in m.items()} for name, m in labels.items()},
        "audit": [
            {"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "action": e.action}
            for e in reversed(history)
        ],
    }


def _plain(row: dict) -> dict:
    return json.loads(json.dumps(row, default=_json_default, ensure_ascii=False))


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def _identifiers(rows: dict[str, list[dict]]) -> list[str]:
    needles = [rows["participants"][0]["code"]]
    for contact in rows.get("participant_contacts", []):
        needles += [str(v) for k, v in contact.items() if k in ("name", "email", "phone")]
    return sorted({n.strip() for n in needles if n and len(n.strip()) >= 3})


def erase_participant(session: Session, participant_id: int, *, actor: str) -> ErasureReport:
    """Erase one participant everywhere, verify nothing identifying is left, and audit it.

    The rules of what goes and what may stay are `research.repository_participants`'s
    (`erase_participant`: task metrics stay under a new random code only if the consent allowed it).
    Around them this adds what no foreign key reaches (theme placements and decisions that point at
    deleted observations), deletes any row still left that pointed at the person (tables added
    later), and scans every text column of every table for their code and contact details. If
    anything is found it raises ErasureIncomplete, and the caller's transaction rolls back whole.
    """
    rows = owned_rows(session, participant_id)
    needles = _identifiers(rows)
    _forget_observations(session, [r["id"] for r in rows.get("observations", [])])
    summary = participants_repository.erase_participant(session, participant_id, actor=actor)
    session.flush()
    kept = METRIC_TABLES if summary.anonymous_code else ()
    deleted: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in rows or table.name == "participants" or table.name in kept:
            continue
        deleted[table.name] = len(rows[table.name])
        pk = list(table.primary_key.columns)
        for chunk in _chunks([_key(table, r) for r in rows[table.name]], 500):
            session.execute(delete(table).where(or_(*[_pk_match(pk, k) for k in chunk])))
    session.flush()
    found = find_identifiers(session, needles)
    if found:
        where = ", ".join(f"{t}.{c}" for t, c in sorted(found))
        raise ErasureIncomplete(where)
    return ErasureReport(participant_id, summary, deleted, len(Base.metadata.tables))


def _pk_match(pk: list, key: tuple):
    return and_(*[c == v for c, v in zip(pk, key, strict=True)])


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _forget_observations(session: Session, observation_ids: list[int]) -> None:
    """Theme placements and decisions point at observations by id, not by foreign key."""
    if not observation_ids:
        return
    t = _tables()
    members = t["theme_members"]
    session.execute(
        delete(members).where(
            members.c.source == "observation", members.c.source_id.in_(observation_ids)
        )
    )
    decisions = t["decisions"]
    gone = set(observation_ids)
    for decision_id, ids in session.execute(select(decisions.c.id, decisions.c.observation_ids)):
        if ids and gone & set(ids):
            session.execute(
                update(decisions)
                .where(decisions.c.id == decision_id)
                .values(observation_ids=[i for i in ids if i not in gone])
            )


def _text_columns(table: Table) -> list:
    return [c for c in table.c if isinstance(c.type, String | Text | JSON)]


def find_identifiers(session: Session, needles: list[str]) -> set[tuple[str, str]]:
    """(table, column) of every text or JSON value, in every table, holding one of `needles`."""
    variants = sorted({v for n in needles for v in (n, json.dumps(n)[1:-1])})
    if not variants:
        return set()
    pattern = re.compile(
        "|".join(rf"(?<![\w-]){re.escape(v)}(?![\w])" for v in variants), re.IGNORECASE
    )
    found: set[tuple[str, str]] = set()
    for table in Base.metadata.sorted_tables:
        for column in _text_columns(table):
            text = cast(column, Text)
            query = select(text).where(or_(*[text.contains(v, autoescape=True) for v in variants]))
            for (value,) in session.execute(query):
                if value is not None and pattern.search(str(value)):
                    found.add((table.name, column.name))
                    break
    return found


def retention_due(session: Session, today: dt.date | None = None) -> list[RetentionDue]:
    """Participants to erase: every consent withdrawn, or the latest retention date passed.

    A participant with no consent recorded yet is not listed (a researcher may be about to add it).
    """
    today = today or dt.date.today()
    t = _tables()
    participants, consents = t["participants"], t["consents"]
    query = (
        select(
            participants.c.id,
            participants.c.code,
            consents.c.retention_until,
            consents.c.withdrawn_at,
        )
        .join(consents, consents.c.participant_id == participants.c.id)
        .where(participants.c.erased_at.is_(None))
    )
    found: dict[int, list] = defaultdict(list)
    codes: dict[int, str] = {}
    for pid, code, until, withdrawn in session.execute(query):
        codes[pid] = code
        found[pid].append((until, withdrawn is not None))
    due = []
    for pid, items in found.items():
        valid = [until for until, withdrawn in items if not withdrawn]
        latest = max(until for until, _ in items)
        if not valid or max(valid) < today:
            due.append(RetentionDue(pid, codes[pid], max(valid) if valid else latest, not valid))
    return sorted(due, key=lambda d: (d.retention_until, d.code))


def apply_retention(
    session: Session, *, actor: str, today: dt.date | None = None
) -> list[ErasureReport]:
    """Erase every participant whose retention date has passed."""
    due = retention_due(session, today)
    reports = [erase_participant(session, item.participant_id, actor=actor) for item in due]
    record_audit(session, actor, "retention", "participant", "", {"erased": len(reports)})
    return reports
