"""Life events, their journey steps, prototypes, weekly iterations and task scripts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.schema.base import Base, utcnow


class LifeEvent(Base):
    __tablename__ = "life_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_bg: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[JourneyStep]] = relationship(
        back_populates="life_event", order_by="JourneyStep.position"
    )


class JourneyStep(Base):
    """A step of a life event's journey; its `key` never changes, so tasks and exports name it."""

    __tablename__ = "journey_steps"
    __table_args__ = (
        Index("ix_journey_steps_event_position", "life_event_id", "position"),
        UniqueConstraint("life_event_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    life_event_id: Mapped[int] = mapped_column(ForeignKey("life_events.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(80))
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(20), default="online")
    owner: Mapped[str] = mapped_column(String(200), default="")
    documents: Mapped[str] = mapped_column(Text, default="")
    fee: Mapped[str] = mapped_column(String(100), default="")
    typical_time: Mapped[str] = mapped_column(String(100), default="")
    archived_at: Mapped[dt.datetime | None]

    life_event: Mapped[LifeEvent] = relationship(back_populates="steps")


class Prototype(Base):
    __tablename__ = "prototypes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    life_event_id: Mapped[int] = mapped_column(ForeignKey("life_events.id"))
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: keys of the journey steps this prototype covers
    step_keys: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    iterations: Mapped[list[Iteration]] = relationship(
        back_populates="prototype", order_by="Iteration.number"
    )


class PrototypeScreenshot(Base):
    __tablename__ = "prototype_screenshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototypes.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int | None]
    height: Mapped[int | None]
    #: the iteration the screenshot shows, when it shows one
    iteration_id: Mapped[int | None] = mapped_column(
        ForeignKey("iterations.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Iteration(Base):
    """One week of a prototype: what changed, what the team expects, and the tasks it tests."""

    __tablename__ = "iterations"
    __table_args__ = (
        UniqueConstraint("prototype_id", "number"),
        UniqueConstraint("prototype_id", "iso_year", "iso_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototypes.id", ondelete="CASCADE"))
    number: Mapped[int]
    iso_year: Mapped[int]
    iso_week: Mapped[int]
    change_log: Mapped[str] = mapped_column(Text, default="")
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    #: ids of the decisions of the previous review that this iteration carries out
    decision_ids: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    prototype: Mapped[Prototype] = relationship(back_populates="iterations")
    tasks: Mapped[list[Task]] = relationship(back_populates="iteration", order_by="Task.position")


class Task(Base):
    """A task of an iteration's script; `key` stays the same when a task carries over."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("iteration_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    iteration_id: Mapped[int] = mapped_column(ForeignKey("iterations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    journey_step_id: Mapped[int | None] = mapped_column(ForeignKey("journey_steps.id"))
    title_bg: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    scenario_bg: Mapped[str] = mapped_column(Text, default="")
    scenario_en: Mapped[str] = mapped_column(Text, default="")
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    target_seconds: Mapped[int | None]

    iteration: Mapped[Iteration] = relationship(back_populates="tasks")
