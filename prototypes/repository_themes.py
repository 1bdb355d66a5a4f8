"""Themes of a prototype in the database: analysis runs that keep curation.

`analyse_iteration(database, iteration_id)` reads the iteration's feedback and themes, plans where
each piece goes (`prototypes.theme_matching.plan_analysis`, outside any transaction: clustering may
take a second), then writes the plan in one transaction, which first checks that nobody placed or
moved anything meanwhile (else it plans again). Re-analysis keeps curation:

- by default every placement stays, and only feedback that is in no theme yet is placed (joining an
  existing theme when close enough, else forming new themes);
- `fresh=True` (the researcher asks for new themes, or for another number of them) drops the
  analysis' own placements in themes nobody curated, and keeps manual placements and every
  placement in a curated theme (pinned, renamed, split off, merged into, or holding a manual one).

A theme found this week that continues one of earlier weeks keeps its row and key; its label follows
the analysis unless a researcher wrote one. Curation (rename, pin, merge, split, move) lives in
`prototypes.repository_theme_curation`; what pages read in `prototypes.repository_theme_board`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from prototypes.repository_feedback import (
    FeedbackItem,
    collect_feedback,
    feedback_fingerprint,
    texts_of,
)
from prototypes.repository_theme_board import AnalysisInfo, Key, analysis_info
from prototypes.repository_theme_curation import curated_ids, forget_empty, new_key
from prototypes.theme_matching import KnownTheme, NewTheme, Plan, plan_analysis
from research.language import detect_languages
from storage.db import Database
from storage.schema import Iteration, Theme, ThemeAnalysis, ThemeMember, utcnow

#: texts read per earlier theme to place its centroid (its best members first)
PRIOR_TEXTS = 200
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class _Inputs:
    prototype_id: int
    iteration_id: int
    number: int
    fingerprint: str
    items: tuple[FeedbackItem, ...]
    placed: dict[Key, int]
    dropped: tuple[Key, ...]
    known: tuple[KnownTheme, ...]


class _Changed(Exception):
    """Someone placed, moved or removed feedback between the plan and its writing."""


def _placements(session: Session, iteration_id: int) -> dict[Key, tuple[int, bool]]:
    rows = session.execute(
        select(ThemeMember.source, ThemeMember.source_id, ThemeMember.theme_id, ThemeMember.manual)
        .where(ThemeMember.iteration_id == iteration_id)
        .order_by(ThemeMember.id)
    )
    return {(source, source_id): (theme_id, manual) for source, source_id, theme_id, manual in rows}


def _prior_texts(
    session: Session, prototype_id: int, number: int, theme_ids: Sequence[int]
) -> dict[int, tuple[tuple[str, str], ...]]:
    """(text, language) of each theme's members in its latest iteration before this one."""
    if not theme_ids:
        return {}
    rows = session.execute(
        select(
            ThemeMember.theme_id,
            Iteration.number,
            ThemeMember.source,
            ThemeMember.source_id,
        )
        .join(Iteration, Iteration.id == ThemeMember.iteration_id)
        .where(
            Iteration.prototype_id == prototype_id,
            Iteration.number < number,
            ThemeMember.theme_id.in_(list(theme_ids)),
        )
        .order_by(
            ThemeMember.theme_id,
            Iteration.number.desc(),
            ThemeMember.manual.desc(),
            ThemeMember.similarity.desc(),
            ThemeMember.id,
        )
    )
    chosen: dict[int, list[Key]] = {}
    latest: dict[int, int] = {}
    for theme_id, it_number, source, source_id in rows:
        if latest.setdefault(theme_id, it_number) != it_number:
            continue
        keys = chosen.setdefault(theme_id, [])
        if len(keys) < PRIOR_TEXTS:
            keys.append((source, source_id))
    texts = texts_of(session, [k for keys in chosen.values() for k in keys])
    out = {}
    for theme_id, keys in chosen.items():
        found = [texts[k] for k in keys if k in texts]
        out[theme_id] = tuple(zip(found, detect_languages(found), strict=True))
    return out


def _read_inputs(
    session: Session,
    iteration_id: int,
    fresh: bool,
    collected: tuple[str, Sequence[FeedbackItem]] | None,
) -> _Inputs:
    iteration = session.get(Iteration, iteration_id)
    if iteration is None:
        raise ValueError(f"no iteration {iteration_id}")
    prototype_id, number = iteration.prototype_id, iteration.number
    fingerprint = feedback_fingerprint(session, iteration_id)
    if collected is not None and collected[0] == fingerprint:
        items = collected[1]
    else:
        items = collect_feedback(session, iteration_id)
    existing = {item.key for item in items}
    placements = _placements(session, iteration_id)
    curated = curated_ids(session, prototype_id)
    placed: dict[Key, int] = {}
    dropped: list[Key] = []
    for key, (theme_id, manual) in placements.items():
        if key not in existing or (fresh and not manual and theme_id not in curated):
            dropped.append(key)  # feedback deleted since, or an uncurated placement redone
        else:
            placed[key] = theme_id
    themes = session.execute(
        select(Theme.id, Theme.stance).where(
            Theme.prototype_id == prototype_id, Theme.merged_into_id.is_(None)
        )
    ).all()
    present = set(placed.values())
    prior = _prior_texts(
        session,
        prototype_id,
        number,
        [theme_id for theme_id, _ in themes if theme_id not in present],
    )
    known = tuple(
        KnownTheme(
            theme_id,
            stance,
            curated=theme_id in curated,
            present=theme_id in present,
            texts=prior.get(theme_id, ()),
        )
        for theme_id, stance in themes
        if theme_id in present or prior.get(theme_id)
    )
    return _Inputs(
        prototype_id,
        iteration_id,
        number,
        fingerprint,
        tuple(items),
        placed,
        tuple(dropped),
        known,
    )


def analyse_iteration(
    database: Database,
    iteration_id: int,
    *,
    n_themes: int | None = None,
    fresh: bool = False,
    actor: str = "",
    collected: tuple[str, Sequence[FeedbackItem]] | None = None,
    progress: Progress | None = None,
    earlier: bool = True,
) -> AnalysisInfo:
    """Find themes in the iteration's feedback, keeping curation; see the module docstring.

    With `earlier`, the prototype's earlier iterations never analysed are analysed first, oldest
    first, so that this week's themes continue theirs. `collected` may pass (fingerprint, items)
    collected earlier: used while the feedback's fingerprint is still that one. `progress` is told
    each step, with the fraction done.
    """
    report = progress or (lambda step, fraction: None)
    before = _never_analysed_before(database, iteration_id) if earlier else []
    for index, other in enumerate(before):
        share = 0.5 / len(before)
        _analyse_one(
            database,
            other,
            None,
            False,
            actor,
            None,
            lambda step, f, i=index, w=share: report(step, i * w + f * w),
        )
    offset = 0.5 if before else 0.0
    return _analyse_one(
        database,
        iteration_id,
        n_themes,
        fresh,
        actor,
        collected,
        lambda step, f: report(step, offset + f * (1 - offset)),
    )


def _never_analysed_before(database: Database, iteration_id: int) -> list[int]:
    with database.read() as session:
        iteration = session.get(Iteration, iteration_id)
        if iteration is None:
            raise ValueError(f"no iteration {iteration_id}")
        analysed = select(ThemeAnalysis.iteration_id).distinct().scalar_subquery()
        return list(
            session.scalars(
                select(Iteration.id)
                .where(
                    Iteration.prototype_id == iteration.prototype_id,
                    Iteration.number < iteration.number,
                    Iteration.id.not_in(analysed),
                )
                .order_by(Iteration.number)
            )
        )


def _analyse_one(
    database: Database,
    iteration_id: int,
    n_themes: int | None,
    fresh: bool,
    actor: str,
    collected: tuple[str, Sequence[FeedbackItem]] | None,
    report: Progress,
) -> AnalysisInfo:
    started = time.perf_counter()
    for attempt in range(3):
        report("read", 0.05)
        with database.read() as session:
            inputs = _read_inputs(session, iteration_id, fresh, collected if attempt == 0 else None)
        report("cluster", 0.25)
        plan = plan_analysis(inputs.items, inputs.placed, inputs.known, n_themes=n_themes)
        report("save", 0.85)
        try:
            with database.write() as session:
                info = _write(session, inputs, plan, n_themes, actor, started)
        except _Changed:
            continue
        report("done", 1.0)
        return info
    raise RuntimeError("feedback kept changing while the themes were being found")


def _lock(session: Session, iteration_id: int) -> None:
    """Serialise analyses of one iteration (SQLite's write lock does it already)."""
    session.execute(select(Iteration.id).where(Iteration.id == iteration_id).with_for_update())


def _write(
    session: Session,
    inputs: _Inputs,
    plan: Plan,
    n_themes: int | None,
    actor: str,
    started: float,
) -> AnalysisInfo:
    _lock(session, inputs.iteration_id)
    now = {
        key: theme_id
        for key, (theme_id, _manual) in _placements(session, inputs.iteration_id).items()
    }
    expected = {**inputs.placed, **{key: now.get(key, -1) for key in inputs.dropped}}
    if now != expected:
        raise _Changed
    merged = set(
        session.scalars(
            select(Theme.id).where(
                Theme.prototype_id == inputs.prototype_id, Theme.merged_into_id.is_not(None)
            )
        )
    )
    if merged & ({t for _, t, _ in plan.joins} | {t.continues for t in plan.new_themes}):
        raise _Changed
    _drop(session, inputs.iteration_id, inputs.dropped)
    members: list[dict] = [
        _member(inputs.iteration_id, key, theme_id, similarity)
        for key, theme_id, similarity in plan.joins
    ]
    keys = set(session.scalars(select(Theme.key).where(Theme.prototype_id == inputs.prototype_id)))
    created = 0
    for found in plan.new_themes:
        theme_id = found.continues
        if theme_id is None:
            theme_id = _create(session, inputs.prototype_id, found, keys)
            created += 1
        else:
            _refresh(session, theme_id, inputs.number, found.label, found.terms)
        members += [_member(inputs.iteration_id, key, theme_id, s) for key, s in found.members]
    if members:
        session.execute(ThemeMember.__table__.insert(), members)
    if inputs.dropped:
        forget_empty(session, inputs.prototype_id)
    clustered = sum(len(t.members) for t in plan.new_themes)
    row = ThemeAnalysis(
        iteration_id=inputs.iteration_id,
        fingerprint=inputs.fingerprint,
        items=len(inputs.items),
        kept=plan.kept,
        joined=len(plan.joins),
        clustered=clustered,
        unclassified=len(plan.unclassified),
        new_themes=created,
        requested=n_themes,
        seconds=round(time.perf_counter() - started, 3),
        actor=actor[:100],
    )
    session.add(row)
    session.flush()
    return analysis_info(row)


def _member(iteration_id: int, key: Key, theme_id: int, similarity: float | None) -> dict:
    return {
        "theme_id": theme_id,
        "iteration_id": iteration_id,
        "source": key[0],
        "source_id": key[1],
        "manual": False,
        "similarity": similarity,
    }


def _drop(session: Session, iteration_id: int, keys: Sequence[Key]) -> None:
    for source in ("answer", "observation"):
        ids = [source_id for s, source_id in keys if s == source]
        for start in range(0, len(ids), 500):
            session.execute(
                delete(ThemeMember).where(
                    ThemeMember.iteration_id == iteration_id,
                    ThemeMember.source == source,
                    ThemeMember.source_id.in_(ids[start : start + 500]),
                )
            )


def _create(session: Session, prototype_id: int, found: NewTheme, keys: set[str]) -> int:
    label = (found.label or "—")[:200]
    row = Theme(
        prototype_id=prototype_id,
        key=new_key(label, keys),
        label=label,
        auto_label=label,
        terms=list(found.terms)[:20],
        stance=found.stance,
    )
    session.add(row)
    session.flush()
    return row.id


def _refresh(session: Session, theme_id: int, number: int, label: str, terms) -> None:
    """An earlier theme continued this week: its label follows the latest week's analysis
    unless a researcher wrote one."""
    latest = session.scalar(
        select(func.max(Iteration.number))
        .join(ThemeMember, ThemeMember.iteration_id == Iteration.id)
        .where(ThemeMember.theme_id == theme_id)
    )
    if latest is not None and latest > number:
        return
    row = session.get(Theme, theme_id)
    row.auto_label = (label or row.auto_label)[:200]
    row.terms = list(terms)[:20]
    if not row.label_edited:
        row.label = row.auto_label
    row.updated_at = utcnow()
