"""What the weekly review reads beside the metrics: theme counts per week, quotes, open answers.

`theme_counts` reads how many pieces of feedback each theme holds per iteration (merged themes
counted under the theme they went into), `theme_quotes` a few quotes per theme for the report, and
`open_texts` the open answers of some iterations, for their sentiment. A fixed number of grouped
queries each, whatever the number of iterations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.schema import (
    Answer,
    Consent,
    InterviewSession,
    Iteration,
    Observation,
    Participant,
    Questionnaire,
    Response,
    Theme,
    ThemeMember,
)


@dataclass(frozen=True)
class ThemeCounts:
    """Members per theme and iteration, merged themes counted under the theme they went into."""

    labels: dict[str, str]
    #: iteration id → theme key → number of pieces of feedback in the theme that week
    counts: dict[int, dict[str, int]]


def theme_counts(session: Session, prototype_id: int) -> ThemeCounts:
    """Pieces of feedback per theme key and iteration; a merged theme counts under its target.

    Empty (no labels, no counts) while nobody has found themes for the prototype.
    """
    themes = session.execute(
        select(Theme.id, Theme.key, Theme.label, Theme.merged_into_id).where(
            Theme.prototype_id == prototype_id
        )
    ).all()
    if not themes:
        return ThemeCounts({}, {})
    by_id = {row[0]: row for row in themes}

    def final(theme_id: int) -> int:
        hops = 0
        while by_id[theme_id][3] is not None and by_id[theme_id][3] in by_id and hops < 50:
            theme_id, hops = by_id[theme_id][3], hops + 1
        return theme_id

    labels = {row[1]: row[2] for row in themes if row[3] is None}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(ThemeMember.iteration_id, ThemeMember.theme_id, func.count(ThemeMember.id))
        .join(Iteration, Iteration.id == ThemeMember.iteration_id)
        .where(Iteration.prototype_id == prototype_id, ThemeMember.theme_id.in_(list(by_id)))
        .group_by(ThemeMember.iteration_id, ThemeMember.theme_id)
    )
    for iteration_id, theme_id, count in rows:
        target = by_id[final(theme_id)]
        labels.setdefault(target[1], target[2])
        week = counts[iteration_id]
        week[target[1]] = week.get(target[1], 0) + int(count)
    return ThemeCounts(labels, dict(counts))


def open_texts(session: Session, iteration_ids: list[int]) -> dict[int, list[str]]:
    """The open answers (already redacted at intake) of the given iterations, per iteration."""
    found: dict[int, list[str]] = {i: [] for i in iteration_ids}
    if not iteration_ids:
        return found
    rows = session.execute(
        select(Questionnaire.iteration_id, Answer.text)
        .join(Response, Response.questionnaire_id == Questionnaire.id)
        .join(Answer, Answer.response_id == Response.id)
        .where(
            Questionnaire.iteration_id.in_(iteration_ids),
            Answer.text.is_not(None),
            Answer.text != "",
        )
        .order_by(Answer.id)
    )
    for iteration_id, text in rows:
        found[iteration_id].append(text)
    return found


def theme_quotes(
    session: Session, prototype_id: int, iteration_id: int, per_theme: int = 3
) -> dict[str, list[str]]:
    """A few short quotes per theme key for the iteration: open answers (anonymous, redacted at
    intake) and observations of participants whose consent allows quotes."""
    themes = dict(
        session.execute(
            select(Theme.id, Theme.key).where(
                Theme.prototype_id == prototype_id, Theme.merged_into_id.is_(None)
            )
        ).all()
    )
    if not themes:
        return {}
    merged = dict(
        session.execute(
            select(Theme.id, Theme.merged_into_id).where(
                Theme.prototype_id == prototype_id, Theme.merged_into_id.is_not(None)
            )
        ).all()
    )
    members = session.execute(
        select(ThemeMember.theme_id, ThemeMember.source, ThemeMember.source_id)
        .where(ThemeMember.iteration_id == iteration_id)
        .order_by(ThemeMember.manual.desc(), ThemeMember.similarity.desc(), ThemeMember.id)
    ).all()
    answer_ids = [m[2] for m in members if m[1] == "answer"]
    observation_ids = [m[2] for m in members if m[1] == "observation"]
    texts: dict[tuple[str, int], str] = {}
    if answer_ids:
        for answer_id, text in session.execute(
            select(Answer.id, Answer.text).where(Answer.id.in_(answer_ids))
        ):
            if text:
                texts[("answer", answer_id)] = text
    if observation_ids:
        consenting = (
            select(Consent.participant_id)
            .where(Consent.quotes.is_(True), Consent.withdrawn_at.is_(None))
            .scalar_subquery()
        )
        rows = session.execute(
            select(Observation.id, Observation.text)
            .join(InterviewSession, InterviewSession.id == Observation.session_id)
            .join(Participant, Participant.id == InterviewSession.participant_id)
            .where(
                Observation.id.in_(observation_ids),
                Participant.erased_at.is_(None),
                Participant.id.in_(consenting),
            )
        )
        for observation_id, text in rows:
            texts[("observation", observation_id)] = text
    quotes: dict[str, list[str]] = defaultdict(list)
    for theme_id, source, source_id in members:
        hops = 0
        while theme_id in merged and hops < 50:
            theme_id, hops = merged[theme_id], hops + 1
        key = themes.get(theme_id)
        text = texts.get((source, source_id))
        if key is None or text is None or len(quotes[key]) >= per_theme:
            continue
        if text not in quotes[key]:
            quotes[key].append(text if len(text) <= 300 else text[:299] + "…")
    return dict(quotes)
