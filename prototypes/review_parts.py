"""Parts of the weekly scorecard beside the metrics: pure functions on plain data.

- **Journey heatmap**: pain points of the iteration by journey step × severity (1 cosmetic … 4
  blocker), every cell present (zeros too) so the grid keeps its shape from week to week.
- **Sentiment shares** of the open answers (`research.sentiment.score_many`), each share with its
  adjusted-Wald interval (`statistics.completion_ci`), since a few dozen answers carry a wide one.
- **Theme movement**: each theme's share of the week's themed feedback against the week before.
- **Participants by segment**, and the tracked segments nobody in the iteration belongs to.

Tracked segments (:data:`TRACKED_SEGMENTS`) are a constant, not a setting: the team's recruiting
brief asks every week for citizens of each age band (18–29, 30–44, 45–64, 65+), at least one
citizen who uses assistive technology (a screen reader, magnifier, switch …) and at least one with
low digital confidence. Staff participants are counted, but they do not fill a citizen segment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from i18n import N_
from prototypes.repository_metrics import StepRef, ThemeCounts
from prototypes.statistics import Proportion, completion_ci
from research.sentiment import score_many

SEVERITIES = (1, 2, 3, 4)
SEVERITY_NAMES = {1: N_("cosmetic"), 2: N_("minor"), 3: N_("major"), 4: N_("blocker")}
SEGMENT_FIELDS = (
    "age_band",
    "district",
    "digital_confidence",
    "assistive_technology",
    "first_language",
)
SEGMENT_NAMES = {
    "kind": N_("Kind of participant"),
    "age_band": N_("Age band"),
    "district": N_("District"),
    "digital_confidence": N_("Digital confidence"),
    "assistive_technology": N_("Assistive technology"),
    "first_language": N_("First language"),
}
#: values that mean "no assistive technology" / "low confidence", in either language
NO_ASSISTIVE = frozenset({"", "няма", "не", "none", "no", "n/a", "-", "—"})
LOW_CONFIDENCE = frozenset({"ниска", "low"})
#: a theme grows or fades when its share of the week's themed feedback changes by this factor …
THEME_SHARE_FACTOR = 1.5
#: … and its count by at least this many pieces of feedback
THEME_MIN_CHANGE = 2


# --------------------------------------------------------------------------- heatmap


@dataclass(frozen=True)
class HeatCell:
    step_key: str | None
    step_position: int
    step_bg: str
    step_en: str
    severity: int
    count: int
    previous: int | None

    def step_name(self, lang: str) -> str:
        return self.step_en if lang == "en" and self.step_en else self.step_bg


def heatmap_cells(
    steps: Sequence[StepRef],
    counts: Mapping[tuple[str | None, int], int],
    previous: Mapping[tuple[str | None, int], int] | None = None,
) -> tuple[HeatCell, ...]:
    """Steps × severities with the number of pain points in each; a row for pain points noted
    without a step (or at a step no longer in the journey) only when there are some."""
    known = {s.key for s in steps}
    rows = [(s.key, s.position, s.name_bg, s.name_en) for s in steps]
    loose = [k for k in (*counts, *(previous or {})) if k[0] not in known]
    if loose:
        rows.append((None, 10_000, "Без стъпка", "No step"))

    def total(source: Mapping | None, key: str | None, severity: int) -> int | None:
        if source is None:
            return None
        if key is not None:
            return int(source.get((key, severity), 0))
        return sum(int(n) for (k, s), n in source.items() if k not in known and s == severity)

    return tuple(
        HeatCell(
            key,
            position,
            bg,
            en,
            severity,
            total(counts, key, severity) or 0,
            total(previous, key, severity),
        )
        for key, position, bg, en in rows
        for severity in SEVERITIES
    )


# --------------------------------------------------------------------------- sentiment


@dataclass(frozen=True)
class SentimentShares:
    n: int
    negative: Proportion
    neutral: Proportion
    positive: Proportion


def sentiment_shares(labels: Sequence[str]) -> SentimentShares:
    """Shares of negative, neutral and positive labels, each with its adjusted-Wald interval."""
    counted = Counter(labels)
    n = len(labels)
    return SentimentShares(
        n,
        completion_ci(counted["negative"], n),
        completion_ci(counted["neutral"], n),
        completion_ci(counted["positive"], n),
    )


#: text → sentiment label, so that a week's answers are scored once per process, and a new
#: response costs only its own texts (emptied when it grows past SENTIMENT_CACHE_SIZE)
_LABELS: dict[str, str] = {}
SENTIMENT_CACHE_SIZE = 200_000


def sentiment_of(texts: Sequence[str]) -> SentimentShares:
    """Score the texts (languages detected; each distinct text once) and count the shares."""
    missing = [t for t in dict.fromkeys(texts) if t not in _LABELS]
    if missing:
        if len(_LABELS) + len(missing) > SENTIMENT_CACHE_SIZE:
            _LABELS.clear()
        _LABELS.update(zip(missing, (s.label for s in score_many(missing)), strict=True))
    return sentiment_shares([_LABELS.get(t) or score_many([t])[0].label for t in texts])


def forget_sentiment() -> None:
    """Empty the sentiment cache (benchmarks measure the first visit with it)."""
    _LABELS.clear()


# --------------------------------------------------------------------------- themes


@dataclass(frozen=True)
class ThemeMove:
    key: str
    label: str
    current: int
    previous: int
    #: pieces of feedback in the iterations before the previous one
    earlier: int
    #: "new", "recurring", "growing", "fading" or "gone"
    status: str
    share: float | None
    previous_share: float | None


MOVEMENTS = ("new", "growing", "recurring", "fading", "gone")
MOVEMENT_NAMES = {
    "new": N_("new"),
    "growing": N_("growing"),
    "recurring": N_("recurring"),
    "fading": N_("fading"),
    "gone": N_("gone"),
}


def _movement(now: int, before: int, earlier: int, share: float, share_before: float) -> str:
    if now == 0:
        return "gone"
    if before == 0:
        return "new" if earlier == 0 else "recurring"
    if share >= THEME_SHARE_FACTOR * share_before and now - before >= THEME_MIN_CHANGE:
        return "growing"
    if share * THEME_SHARE_FACTOR <= share_before and before - now >= THEME_MIN_CHANGE:
        return "fading"
    return "recurring"


def theme_movement(
    themes: ThemeCounts, order: Sequence[int], iteration_id: int
) -> tuple[ThemeMove, ...]:
    """How each theme moved from the previous iteration to this one.

    new: first seen this week; recurring: seen last week (or earlier) and this week, share about
    the same; growing/fading: share of the week's themed feedback × or ÷ 1.5 and a change of at
    least 2 pieces; gone: seen last week, not this week. Themes seen in neither week are left out.
    Sorted by movement, then by this week's count.
    """
    if not themes.labels or iteration_id not in order:
        return ()
    index = list(order).index(iteration_id)
    previous_id = order[index - 1] if index > 0 else None
    now = themes.counts.get(iteration_id, {})
    before = themes.counts.get(previous_id, {}) if previous_id is not None else {}
    earlier: Counter[str] = Counter()
    for other in order[: max(index - 1, 0)]:
        earlier.update(themes.counts.get(other, {}))
    total_now, total_before = sum(now.values()), sum(before.values())
    moves = []
    for key in sorted(set(now) | set(before)):
        count, count_before = now.get(key, 0), before.get(key, 0)
        share = count / total_now if total_now else 0.0
        share_before = count_before / total_before if total_before else 0.0
        moves.append(
            ThemeMove(
                key,
                themes.labels.get(key, key),
                count,
                count_before,
                earlier.get(key, 0),
                _movement(count, count_before, earlier.get(key, 0), share, share_before),
                share if total_now else None,
                share_before if total_before else None,
            )
        )
    return tuple(sorted(moves, key=lambda m: (MOVEMENTS.index(m.status), -m.current, m.key)))


# --------------------------------------------------------------------------- segments


@dataclass(frozen=True)
class TrackedSegment:
    """A group the team recruits every week: `field` = `value`, or any real value when None."""

    field: str
    value: str | None
    label: str

    def matches(self, segment: Mapping[str, object]) -> bool:
        raw = _normal(segment.get(self.field))
        if self.field == "assistive_technology":
            return raw not in NO_ASSISTIVE
        if self.field == "digital_confidence" and self.value == "low":
            return raw in LOW_CONFIDENCE
        return raw == _normal(self.value)


TRACKED_SEGMENTS: tuple[TrackedSegment, ...] = (
    TrackedSegment("age_band", "18–29", N_("citizens aged 18–29")),
    TrackedSegment("age_band", "30–44", N_("citizens aged 30–44")),
    TrackedSegment("age_band", "45–64", N_("citizens aged 45–64")),
    TrackedSegment("age_band", "65+", N_("citizens aged 65 or over")),
    TrackedSegment("assistive_technology", None, N_("a citizen who uses assistive technology")),
    TrackedSegment("digital_confidence", "low", N_("a citizen with low digital confidence")),
)


def _normal(value: object) -> str:
    text = "" if value is None else str(value).strip().lower()
    return text.replace("-", "–") if text[:1].isdigit() else text


@dataclass(frozen=True)
class SegmentReport:
    participants: int
    #: kind ("citizen", "staff", "unknown") → count
    kinds: dict[str, int]
    #: segment field → [(value, count)], most frequent first; "" for not recorded
    fields: dict[str, list[tuple[str, int]]]
    missing: tuple[TrackedSegment, ...]


def segment_report(
    participants: Sequence[tuple[str, Mapping[str, object]]],
    tracked: Sequence[TrackedSegment] = TRACKED_SEGMENTS,
) -> SegmentReport:
    """Counts by kind and by each segment field, and the tracked segments no citizen fills."""
    kinds = Counter(kind for kind, _ in participants)
    fields: dict[str, list[tuple[str, int]]] = {}
    for name in SEGMENT_FIELDS:
        counted = Counter(str(segment.get(name) or "").strip() for _kind, segment in participants)
        fields[name] = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    citizens = [segment for kind, segment in participants if kind == "citizen"]
    missing = tuple(t for t in tracked if not any(t.matches(s) for s in citizens))
    return SegmentReport(len(participants), dict(kinds), fields, missing)
