"""What the themes page reads: an iteration's themes and placements, the last analysis run, how
each theme moved since the week before, and the curation history.

The movement is `prototypes.review_parts.theme_movement` on `repository_metrics.theme_counts`:
the one implementation the weekly review uses too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from prototypes.repository import iterations
from prototypes.repository_metrics import theme_counts
from prototypes.review_parts import ThemeMove, theme_movement
from storage.schema import Theme, ThemeAnalysis, ThemeEdit, ThemeMember

Key = tuple[str, int]


@dataclass(frozen=True)
class AnalysisInfo:
    id: int
    iteration_id: int
    fingerprint: str
    items: int
    kept: int
    joined: int
    clustered: int
    unclassified: int
    new_themes: int
    requested: int | None
    seconds: float
    actor: str


@dataclass(frozen=True)
class ThemeInfo:
    id: int
    key: str
    label: str
    auto_label: str
    label_edited: bool
    pinned: bool
    stance: str
    terms: tuple[str, ...]
    split_from_id: int | None = None


@dataclass(frozen=True)
class Placement:
    theme_id: int
    manual: bool
    similarity: float | None


@dataclass(frozen=True)
class ThemeBoard:
    prototype_id: int
    iteration_id: int
    #: every theme of the prototype that was not merged away, by id
    themes: dict[int, ThemeInfo]
    #: where each piece of feedback of the iteration sits
    placements: dict[Key, Placement]
    analysis: AnalysisInfo | None
    #: theme key → how it moved from the previous iteration
    moves: dict[str, ThemeMove]

    def members(self, theme_id: int) -> list[Key]:
        return [key for key, p in self.placements.items() if p.theme_id == theme_id]


@dataclass(frozen=True)
class EditInfo:
    id: int
    at: dt.datetime
    actor: str
    action: str
    theme_id: int | None
    other_theme_id: int | None
    iteration_id: int | None
    members: int
    detail: dict


def analysis_info(row: ThemeAnalysis) -> AnalysisInfo:
    return AnalysisInfo(**{f.name: getattr(row, f.name) for f in dataclasses.fields(AnalysisInfo)})


def last_analysis(session: Session, iteration_id: int) -> AnalysisInfo | None:
    row = session.scalars(
        select(ThemeAnalysis)
        .where(ThemeAnalysis.iteration_id == iteration_id)
        .order_by(ThemeAnalysis.id.desc())
        .limit(1)
    ).first()
    return None if row is None else analysis_info(row)


def _theme_info(row: Theme) -> ThemeInfo:
    return ThemeInfo(
        row.id,
        row.key,
        row.label,
        row.auto_label,
        row.label_edited,
        row.pinned,
        row.stance,
        tuple(row.terms or ()),
        row.split_from_id,
    )


def theme_board(session: Session, prototype_id: int, iteration_id: int) -> ThemeBoard:
    themes = {
        row.id: _theme_info(row)
        for row in session.scalars(
            select(Theme)
            .where(Theme.prototype_id == prototype_id, Theme.merged_into_id.is_(None))
            .order_by(Theme.id)
        )
    }
    placements = {
        (source, source_id): Placement(theme_id, manual, similarity)
        for source, source_id, theme_id, manual, similarity in session.execute(
            select(
                ThemeMember.source,
                ThemeMember.source_id,
                ThemeMember.theme_id,
                ThemeMember.manual,
                ThemeMember.similarity,
            ).where(ThemeMember.iteration_id == iteration_id)
        )
    }
    order = [it.id for it in iterations(session, prototype_id)]
    moves = {
        m.key: m for m in theme_movement(theme_counts(session, prototype_id), order, iteration_id)
    }
    return ThemeBoard(
        prototype_id, iteration_id, themes, placements, last_analysis(session, iteration_id), moves
    )


def theme_history(session: Session, prototype_id: int, limit: int = 50) -> list[EditInfo]:
    """The latest curation changes of a prototype, newest first."""
    rows = session.scalars(
        select(ThemeEdit)
        .where(ThemeEdit.prototype_id == prototype_id)
        .order_by(ThemeEdit.id.desc())
        .limit(limit)
    )
    return [
        EditInfo(
            r.id,
            r.created_at,
            r.actor,
            r.action,
            r.theme_id,
            r.other_theme_id,
            r.iteration_id,
            r.members,
            dict(r.detail or {}),
        )
        for r in rows
    ]
