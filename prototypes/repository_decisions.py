"""The decisions log: what the team will change after reviewing an iteration, and who does it.

A decision belongs to the iteration whose review produced it, may cite themes (by `Theme.key`, which
stays the same from week to week) and observations of that iteration, and is carried into the next
iteration's change log by :func:`decisions_for_change_log`. Titles and rationales pass through the
same personal-data redaction as everything else typed into Opit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import N_, UserError
from research.redaction import redact_text
from storage.schema import (
    Decision,
    InterviewSession,
    Iteration,
    JourneyStep,
    Observation,
    Theme,
)

STATUSES = ("planned", "in_progress", "done", "dropped")
STATUS_NAMES = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}
MAX_TITLE = 300
MAX_OWNER = 100
MAX_RATIONALE = 5000


@dataclass(frozen=True)
class DecisionInput:
    title: str
    rationale: str = ""
    owner: str = ""
    status: str = "planned"
    theme_keys: Sequence[str] = ()
    observation_ids: Sequence[int] = ()


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    iteration_id: int
    title: str
    rationale: str
    owner: str
    status: str
    theme_keys: tuple[str, ...]
    observation_ids: tuple[int, ...]
    created_at: dt.datetime


@dataclass(frozen=True)
class ObservationRef:
    """An observation of the iteration a decision can cite."""

    id: int
    kind: str
    severity: int | None
    step_bg: str
    step_en: str
    text: str

    def step_name(self, lang: str) -> str:
        return self.step_en if lang == "en" and self.step_en else self.step_bg


def _info(row: Decision) -> DecisionInfo:
    return DecisionInfo(
        id=row.id,
        iteration_id=row.iteration_id,
        title=row.title,
        rationale=row.rationale or "",
        owner=row.owner or "",
        status=row.status,
        theme_keys=tuple(str(k) for k in row.theme_keys or ()),
        observation_ids=tuple(int(i) for i in row.observation_ids or ()),
        created_at=row.created_at,
    )


def _iteration(session: Session, iteration_id: int) -> Iteration:
    row = session.get(Iteration, iteration_id)
    if row is None:
        raise UserError(N_("Choose an iteration."))
    return row


def _checked(session: Session, iteration: Iteration, item: DecisionInput) -> dict[str, object]:
    title = " ".join((item.title or "").split())
    if not title:
        raise UserError(N_("Write what the team decided to change."))
    if len(title) > MAX_TITLE:
        raise UserError(N_("Keep the decision under {limit} characters."), limit=MAX_TITLE)
    owner = " ".join((item.owner or "").split())
    if len(owner) > MAX_OWNER:
        raise UserError(N_("Keep the owner under {limit} characters."), limit=MAX_OWNER)
    rationale = (item.rationale or "").strip()
    if len(rationale) > MAX_RATIONALE:
        raise UserError(N_("Keep the rationale under {limit} characters."), limit=MAX_RATIONALE)
    if item.status not in STATUSES:
        raise UserError(N_("Choose a status for the decision."))
    keys = list(dict.fromkeys(str(k) for k in item.theme_keys))
    if keys:
        known = set(
            session.scalars(
                select(Theme.key).where(
                    Theme.prototype_id == iteration.prototype_id, Theme.key.in_(keys)
                )
            )
        )
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise UserError(N_("Unknown theme: {key}."), key=unknown[0])
    ids = list(dict.fromkeys(int(i) for i in item.observation_ids))
    if ids:
        found = set(
            session.scalars(
                select(Observation.id)
                .join(InterviewSession, InterviewSession.id == Observation.session_id)
                .where(Observation.id.in_(ids), InterviewSession.iteration_id == iteration.id)
            )
        )
        if len(found) != len(ids):
            raise UserError(N_("A decision can cite only observations of its own iteration."))
    return {
        "title": redact_text(title),
        "rationale": redact_text(rationale) if rationale else "",
        "owner": owner,
        "status": item.status,
        "theme_keys": keys,
        "observation_ids": ids,
    }


def add_decision(session: Session, iteration_id: int, item: DecisionInput) -> int:
    """Record a decision of the iteration's review; returns its id."""
    iteration = _iteration(session, iteration_id)
    row = Decision(iteration_id=iteration.id, **_checked(session, iteration, item))
    session.add(row)
    session.flush()
    return row.id


def update_decision(session: Session, decision_id: int, item: DecisionInput) -> DecisionInfo:
    """Change every field of a decision (status, owner, links …) at once."""
    row = session.get(Decision, decision_id)
    if row is None:
        raise UserError(N_("This decision no longer exists; reload the page."))
    for name, value in _checked(session, _iteration(session, row.iteration_id), item).items():
        setattr(row, name, value)
    session.flush()
    return _info(row)


def set_status(session: Session, decision_id: int, status: str) -> DecisionInfo:
    row = session.get(Decision, decision_id)
    if row is None:
        raise UserError(N_("This decision no longer exists; reload the page."))
    if status not in STATUSES:
        raise UserError(N_("Choose a status for the decision."))
    row.status = status
    session.flush()
    return _info(row)


def delete_decision(session: Session, decision_id: int) -> None:
    row = session.get(Decision, decision_id)
    if row is not None:
        session.delete(row)
        session.flush()


def decisions_of_iteration(session: Session, iteration_id: int) -> list[DecisionInfo]:
    rows = session.scalars(
        select(Decision).where(Decision.iteration_id == iteration_id).order_by(Decision.id)
    )
    return [_info(r) for r in rows]


def decisions_of_prototype(session: Session, prototype_id: int) -> list[DecisionInfo]:
    """Every decision of the prototype, oldest iteration first."""
    rows = session.scalars(
        select(Decision)
        .join(Iteration, Iteration.id == Decision.iteration_id)
        .where(Iteration.prototype_id == prototype_id)
        .order_by(Iteration.number, Decision.id)
    )
    return [_info(r) for r in rows]


def observation_choices(session: Session, iteration_id: int) -> list[ObservationRef]:
    """The iteration's observations, pain points first (most severe first), for citing."""
    rows = session.execute(
        select(
            Observation.id,
            Observation.kind,
            Observation.severity,
            JourneyStep.name_bg,
            JourneyStep.name_en,
            Observation.text,
        )
        .join(InterviewSession, InterviewSession.id == Observation.session_id)
        .outerjoin(JourneyStep, JourneyStep.id == Observation.journey_step_id)
        .where(InterviewSession.iteration_id == iteration_id)
        .order_by(Observation.id)
    ).all()
    refs = [ObservationRef(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "") for r in rows]
    return sorted(refs, key=lambda o: (o.kind != "pain_point", -(o.severity or 0), o.id))


def carried_into(session: Session, prototype_id: int) -> dict[int, int]:
    """Decision id → number of the iteration that says it carries the decision out."""
    found: dict[int, int] = {}
    rows = session.execute(
        select(Iteration.number, Iteration.decision_ids).where(
            Iteration.prototype_id == prototype_id
        )
    )
    for number, ids in rows:
        for decision_id in ids or ():
            found.setdefault(int(decision_id), number)
    return found


def decisions_for_change_log(session: Session, iteration_id: int) -> str:
    """The decisions of `iteration_id`'s review as change-log lines for the next iteration.

    One line per decision that was not dropped, in the order they were taken: "- title (owner)".
    Empty when the review decided nothing. Call it with the id of the iteration that was reviewed
    when starting the one after it.
    """
    lines = []
    for decision in decisions_of_iteration(session, iteration_id):
        if decision.status == "dropped":
            continue
        owner = f" ({decision.owner})" if decision.owner else ""
        lines.append(f"- {decision.title}{owner}")
    return "\n".join(lines)
