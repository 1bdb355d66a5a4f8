"""Themes the analysis finds and researchers curate, and the decisions of the weekly review."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema.base import Base, utcnow


class Theme(Base):
    """A theme keeps its `key` from week to week; researchers may rename, pin, merge or split it.

    Members (`ThemeMember`) are per iteration, so one theme row follows a subject across weeks.
    `terms` and `auto_label` are what the analysis last found; `label` is what people read, and
    once a researcher edits it (`label_edited`) re-analysis leaves it alone. No vector is stored:
    re-analysis recomputes each theme's centroid from the texts of its current members, so a
    moved or erased answer changes it at once.
    """

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("prototype_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototypes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    label_edited: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the label the analysis gave, kept beside a researcher's own
    auto_label: Mapped[str] = mapped_column(String(200), default="")
    #: the analysis' most characteristic terms (lemmas), for search and for the card
    terms: Mapped[list] = mapped_column(default=list)
    #: "positive" for praise, "concern" for problems and requests, "" when not split
    stance: Mapped[str] = mapped_column(String(20), default="")
    #: the theme this one was split from, if any
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ThemeMember(Base):
    """One piece of feedback (an answer's text or an observation) placed in a theme."""

    __tablename__ = "theme_members"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_theme_members_iteration", "iteration_id", "theme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int]
    #: placed by a researcher rather than by the analysis; re-analysis leaves it where it is
    manual: Mapped[bool] = mapped_column(default=False)
    similarity: Mapped[float | None]


class ThemeAnalysis(Base):
    """One run of the theme analysis over an iteration's feedback: what it saw and what it did.

    `fingerprint` names the feedback the run saw; while it still matches, the page shows the stored
    themes instead of clustering again. Counts only: no text.
    """

    __tablename__ = "theme_analyses"
    __table_args__ = (Index("ix_theme_analyses_iteration", "iteration_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    items: Mapped[int] = mapped_column(default=0)
    #: placements kept from before (manual ones and those of curated themes)
    kept: Mapped[int] = mapped_column(default=0)
    #: new pieces of feedback that joined an existing theme
    joined: Mapped[int] = mapped_column(default=0)
    #: pieces placed in themes found by this run
    clustered: Mapped[int] = mapped_column(default=0)
    unclassified: Mapped[int] = mapped_column(default=0)
    new_themes: Mapped[int] = mapped_column(default=0)
    #: the number of themes asked for (None: chosen automatically)
    requested: Mapped[int | None]
    seconds: Mapped[float] = mapped_column(default=0.0)
    actor: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ThemeEdit(Base):
    """The curation history: a rename, merge, split, move or pin, by whom and when.

    `detail` holds ids, counts and the labels researchers wrote; never a citizen's text.
    """

    __tablename__ = "theme_edits"
    __table_args__ = (Index("ix_theme_edits_prototype", "prototype_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototypes.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    other_theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    iteration_id: Mapped[int | None] = mapped_column(
        ForeignKey("iterations.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(20))
    members: Mapped[int] = mapped_column(default=0)
    detail: Mapped[dict] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    rationale: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    theme_keys: Mapped[list] = mapped_column(default=list)
    observation_ids: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
