"""Curation of themes: rename, pin, merge, split, move feedback; and what curated means.

Each change marks what it touches so that re-analysis (`prototypes.repository_themes`) keeps it: a
renamed theme keeps its name, a pinned one stays, a merged one points at the theme it went into
(decisions that named it still find it), a split-off one remembers where it came from, and
feedback placed by hand is never moved by the analysis. Each change is written to the curation
history (`theme_edits`, read by `repository_theme_board.theme_history`), with ids, counts and the
labels researchers wrote, never a citizen's text.

For the analysis: `curated_ids` (the themes it must keep), `new_key` (a theme's stable key) and
`forget_empty` (themes the analysis made that lost every member).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from i18n import N_, UserError
from prototypes.naming import slugify, unique
from prototypes.repository_theme_board import Key
from storage.schema import (
    Answer,
    Decision,
    InterviewSession,
    Iteration,
    Observation,
    Questionnaire,
    Response,
    Theme,
    ThemeEdit,
    ThemeMember,
    utcnow,
)

MAX_LABEL = 200
KEY_LENGTH = 40
ACTIONS = ("rename", "pin", "unpin", "merge", "split", "move")


# --------------------------------------------------------------------------- curation


def _theme(session: Session, theme_id: int) -> Theme:
    row = session.get(Theme, theme_id)
    if row is None or row.merged_into_id is not None:
        raise UserError(N_("That theme no longer exists; reload the page."))
    return row


def _label(label: str) -> str:
    cleaned = " ".join((label or "").split())
    if not cleaned:
        raise UserError(N_("Write a name for the theme."))
    if len(cleaned) > MAX_LABEL:
        raise UserError(N_("A theme's name may be at most {limit} characters."), limit=MAX_LABEL)
    return cleaned


def _record(
    session: Session,
    theme: Theme,
    action: str,
    actor: str,
    *,
    other: int | None = None,
    iteration_id: int | None = None,
    members: int = 0,
    detail: dict | None = None,
) -> None:
    session.add(
        ThemeEdit(
            prototype_id=theme.prototype_id,
            theme_id=theme.id,
            other_theme_id=other,
            iteration_id=iteration_id,
            action=action,
            members=members,
            detail=detail or {},
            actor=actor[:100],
        )
    )
    theme.updated_at = utcnow()


def rename_theme(session: Session, theme_id: int, label: str | None, *, actor: str = "") -> None:
    """Give a theme a researcher's name (kept by re-analysis); None goes back to the analysis'
    own name."""
    row = _theme(session, theme_id)
    previous = row.label
    if label is None:
        row.label, row.label_edited = row.auto_label or row.label, False
    else:
        row.label, row.label_edited = _label(label), True
    _record(session, row, "rename", actor, detail={"from": previous, "to": row.label})


def pin_theme(session: Session, theme_id: int, pinned: bool = True, *, actor: str = "") -> None:
    """A pinned theme stays through re-analysis, and new feedback close to it joins it."""
    row = _theme(session, theme_id)
    row.pinned = pinned
    _record(session, row, "pin" if pinned else "unpin", actor)


def merge_themes(session: Session, source_id: int, target_id: int, *, actor: str = "") -> int:
    """Move every piece of feedback of `source` (all weeks) into `target`; `source` then points
    at `target`, so decisions that named it still find it. Returns the pieces moved."""
    if source_id == target_id:
        raise UserError(N_("A theme cannot be merged into itself."))
    source, target = _theme(session, source_id), _theme(session, target_id)
    if source.prototype_id != target.prototype_id:
        raise ValueError("themes of different prototypes")
    moved = session.execute(
        update(ThemeMember).where(ThemeMember.theme_id == source_id).values(theme_id=target_id)
    ).rowcount
    session.execute(
        update(Theme).where(Theme.merged_into_id == source_id).values(merged_into_id=target_id)
    )
    source.merged_into_id, source.pinned = target_id, False
    _record(
        session,
        target,
        "merge",
        actor,
        other=source_id,
        members=moved,
        detail={"from": source.label, "into": target.label, "from_key": source.key},
    )
    return moved


def split_theme(
    session: Session,
    theme_id: int,
    iteration_id: int,
    keys: Sequence[Key],
    label: str,
    *,
    actor: str = "",
) -> int:
    """Move the chosen pieces of feedback of one week out of a theme into a new theme of that
    name; they count as placed by hand. Returns the new theme's id."""
    row = _theme(session, theme_id)
    name = _label(label)
    wanted = set(keys)
    if not wanted:
        raise UserError(N_("Choose the feedback that forms the new theme."))
    members = session.scalars(
        select(ThemeMember).where(
            ThemeMember.theme_id == theme_id, ThemeMember.iteration_id == iteration_id
        )
    ).all()
    chosen = [m for m in members if (m.source, m.source_id) in wanted]
    if len(chosen) != len(wanted):
        raise UserError(
            N_("Some of the chosen feedback is no longer in this theme; reload the page.")
        )
    taken = set(session.scalars(select(Theme.key).where(Theme.prototype_id == row.prototype_id)))
    new = Theme(
        prototype_id=row.prototype_id,
        key=new_key(name, taken),
        label=name,
        label_edited=True,
        auto_label="",
        terms=[],
        stance=row.stance,
        split_from_id=row.id,
    )
    session.add(new)
    session.flush()
    for member in chosen:
        member.theme_id, member.manual, member.similarity = new.id, True, None
    _record(
        session,
        row,
        "split",
        actor,
        other=new.id,
        iteration_id=iteration_id,
        members=len(chosen),
        detail={"from": row.label, "to": name},
    )
    return new.id


def _iteration_of(session: Session, key: Key) -> int | None:
    source, source_id = key
    if source == "answer":
        return session.scalar(
            select(Questionnaire.iteration_id)
            .join(Response, Response.questionnaire_id == Questionnaire.id)
            .join(Answer, Answer.response_id == Response.id)
            .where(Answer.id == source_id)
        )
    if source == "observation":
        return session.scalar(
            select(InterviewSession.iteration_id)
            .join(Observation, Observation.session_id == InterviewSession.id)
            .where(Observation.id == source_id)
        )
    raise ValueError(f"unknown source {source!r}")


def move_feedback(session: Session, key: Key, theme_id: int, *, actor: str = "") -> None:
    """Put one piece of feedback in a theme by hand; re-analysis leaves it there."""
    target = _theme(session, theme_id)
    iteration_id = _iteration_of(session, key)
    if iteration_id is None:
        raise UserError(N_("That feedback no longer exists; reload the page."))
    iteration = session.get(Iteration, iteration_id)
    if iteration is None or iteration.prototype_id != target.prototype_id:
        raise ValueError("feedback and theme belong to different prototypes")
    member = session.scalars(
        select(ThemeMember).where(ThemeMember.source == key[0], ThemeMember.source_id == key[1])
    ).first()
    before = None if member is None else member.theme_id
    if member is None:
        session.add(
            ThemeMember(
                theme_id=theme_id,
                iteration_id=iteration_id,
                source=key[0],
                source_id=key[1],
                manual=True,
                similarity=None,
            )
        )
    else:
        member.theme_id, member.manual, member.similarity = theme_id, True, None
    _record(
        session,
        target,
        "move",
        actor,
        other=before,
        iteration_id=iteration_id,
        members=1,
        detail={"source": key[0], "source_id": key[1]},
    )


# --------------------------------------------------------------------------- for the analysis


def curated_ids(session: Session, prototype_id: int) -> set[int]:
    """Themes a researcher has touched: pinned, renamed, split off, merged into, or with a member
    placed by hand."""
    target = aliased(Theme)
    rows = session.scalars(
        select(Theme.id).where(
            Theme.prototype_id == prototype_id,
            Theme.merged_into_id.is_(None),
            or_(
                Theme.pinned.is_(True),
                Theme.label_edited.is_(True),
                Theme.split_from_id.is_not(None),
                exists().where(target.merged_into_id == Theme.id),
                exists().where(ThemeMember.theme_id == Theme.id, ThemeMember.manual.is_(True)),
            ),
        )
    )
    return set(rows)


def new_key(label: str, taken: set[str]) -> str:
    """A key made of the label's first words ('декларация, собственика' →
    'deklaratsiya-sobstvenika'), unique in the prototype; it never changes afterwards."""
    words = [w for w in label.replace(",", " ").split() if w][:3]
    base = slugify(" ".join(words), fallback="theme")[: KEY_LENGTH - 4].strip("-") or "theme"
    key = unique(base, taken, limit=KEY_LENGTH)
    taken.add(key)
    return key


def forget_empty(session: Session, prototype_id: int) -> None:
    """Delete themes the analysis made that lost every member, unless something refers to them."""
    referred: set[str] = set()
    for keys in session.scalars(
        select(Decision.theme_keys)
        .join(Iteration, Iteration.id == Decision.iteration_id)
        .where(Iteration.prototype_id == prototype_id)
    ):
        referred |= set(keys or [])
    curated = curated_ids(session, prototype_id)
    target = aliased(Theme)
    empty = session.execute(
        select(Theme.id, Theme.key).where(
            Theme.prototype_id == prototype_id,
            Theme.merged_into_id.is_(None),
            ~exists().where(ThemeMember.theme_id == Theme.id),
            ~exists().where(target.merged_into_id == Theme.id),
        )
    ).all()
    gone = [theme_id for theme_id, key in empty if theme_id not in curated and key not in referred]
    if gone:
        session.execute(
            update(Theme).where(Theme.split_from_id.in_(gone)).values(split_from_id=None)
        )
        session.execute(delete(Theme).where(Theme.id.in_(gone)))
