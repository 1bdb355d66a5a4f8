"""Themes the analysis finds and researchers curate, and the decisions of the weekly review."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema.base import Base, utcnow


class Theme(Base):
    """A theme keeps its `key` from week to week; researchers may rename, pin or merge it."""

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


class ThemeMember(Base):
    """One piece of feedback (an answer's text or an observation) placed in a theme."""

    __tablename__ = "theme_members"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int]
    #: placed by a researcher rather than by the analysis; re-analysis leaves it where it is
    manual: Mapped[bool] = mapped_column(default=False)
    similarity: Mapped[float | None]


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
