"""Summary statistics for one iteration of a prototype: SUS, SEQ, completion, time, NPS, top-2-box.

Pure functions: plain numbers in, frozen named results out; no database, no Streamlit. The
methods are those recommended for small usability samples by Sauro & Lewis, *Quantifying the User
Experience*, 2nd ed. (2016), chapters 3 and 8 ("S&L" below):

- **SUS** (Brooke 1996, "SUS: a quick and dirty usability scale"): odd items contribute r − 1, even
  items 5 − r, the sum × 2.5 gives 0–100. A response with a missing item is not scored
  (:func:`sus_score` returns ``None``) and counted as incomplete by :func:`score_sus_responses`.
  Grades: the Sauro–Lewis curved grading scale (S&L ch. 8), see :func:`sus_grade`.
- **Means of rating scales** (SUS, SEQ): the t interval mean ± t(1−α/2, n−1)·s/√n (S&L ch. 3),
  clipped to the scale's range. For SUS sets smaller than 20 a BCa bootstrap interval (Efron 1987;
  ``scipy.stats.bootstrap``, 10,000 resamples, seeded so the same answers give the same interval) is
  reported beside it, as a check on the t interval when the sample is small and skewed.
- **Completion rate and top-2-box**: the adjusted-Wald interval (Agresti & Coull 1998; S&L ch. 3):
  p_adj = (x + z²/2)/(n + z²), p_adj ± z·√(p_adj(1 − p_adj)/(n + z²)), clipped to [0, 1]. The point
  estimate reported is the observed x/n, which the interval always contains.
- **Time on task**: the geometric mean, with the t interval computed on log times and transformed
  back (S&L ch. 3: the geometric mean is the better centre for skewed times when n < 25). Zero,
  negative or non-finite times raise ``ValueError``: the caller passes successful attempts only.
- **NPS**: %promoters (9–10) − %detractors (0–6), in points from −100 to 100, with the adjusted-Wald
  interval of Rocks (2016, *The American Statistician* 70(4)), the method MeasuringU recommends:
  add 3 to n and ¾ to promoters and to detractors, then NPS_adj ± z·√((p_pro + p_det −
  NPS_adj²)/n_adj), clipped to [−100, 100].

Edge cases never raise: no data gives a result with ``n == 0`` and ``None`` estimates; one value
gives the estimate with ``None`` bounds (an interval needs a spread); zero spread gives a zero-width
interval. Programming mistakes (out-of-range answers, wrong types) raise ``ValueError`` or
``TypeError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import stats

from prototypes.stats_core import (
    adjusted_wald,
    check_level,
    count,
    integer_answer,
    integer_answers,
    nps_adjusted,
    number,
    numbers,
    t_quantile,
    z_critical,
)

__all__ = [
    "MeanInterval",
    "NpsResult",
    "Proportion",
    "SusGrade",
    "SusScores",
    "TimeSummary",
    "completion_ci",
    "mean_ci",
    "nps",
    "score_sus_responses",
    "seq_summary",
    "sus_grade",
    "sus_score",
    "sus_summary",
    "time_on_task",
    "top2box",
]

BOOTSTRAP_BELOW_N = 20
BOOTSTRAP_RESAMPLES = 10_000


class SusGrade(NamedTuple):
    """A letter grade on the Sauro–Lewis curved scale and the percentile range it stands for."""

    grade: str
    percentile_low: int
    percentile_high: int


class SusScores(NamedTuple):
    """SUS scores of the complete responses, and how many responses were left unscored."""

    scores: tuple[float, ...]
    incomplete: int


class MeanInterval(NamedTuple):
    """A mean with its t interval (``low``/``high``) and, for small SUS sets, a bootstrap interval.

    ``method`` is ``"no_data"`` (n = 0, every estimate ``None``), ``"single_value"`` (n = 1: the
    mean, no sd and no interval) or ``"t"``. ``bootstrap_method`` is ``"bca"``, ``"percentile"``
    (fallback when BCa is undefined) or ``None`` when no bootstrap interval was computed.
    """

    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    confidence: float
    method: str
    bootstrap_low: float | None = None
    bootstrap_high: float | None = None
    bootstrap_method: str | None = None


class Proportion(NamedTuple):
    """Observed proportion ``p`` = successes/n with its adjusted-Wald interval (None if n = 0)."""

    successes: int
    n: int
    p: float | None
    low: float | None
    high: float | None
    confidence: float
    method: str = "adjusted_wald"


class TimeSummary(NamedTuple):
    """Geometric mean of task times (seconds) with its interval from the log times."""

    n: int
    geometric_mean: float | None
    low: float | None
    high: float | None
    log_sd: float | None
    confidence: float
    method: str


class NpsResult(NamedTuple):
    """Net Promoter Score in points (−100..100) with the Rocks (2016) adjusted-Wald interval."""

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    low: float | None
    high: float | None
    confidence: float
    method: str = "adjusted_wald_rocks"


# Sauro & Lewis (2016) ch. 8, curved grading scale: lowest SUS score, grade, percentile range.
_SUS_GRADES: tuple[tuple[float, str, int, int], ...] = (
    (84.1, "A+", 96, 100),
    (80.8, "A", 90, 95),
    (78.9, "A−", 85, 89),
    (77.2, "B+", 80, 84),
    (74.1, "B", 70, 79),
    (72.6, "B−", 65, 69),
    (71.1, "C+", 60, 64),
    (65.0, "C", 41, 59),
    (62.7, "C−", 35, 40),
    (51.7, "D", 15, 34),
    (0.0, "F", 0, 14),
)


# --------------------------------------------------------------------------- SUS


def sus_score(items: Sequence[int | None]) -> float | None:
    """SUS score 0–100 of one response by Brooke's (1996) rule, or ``None`` if an item is missing.

    Items are the ten answers in questionnaire order, each 1 (strongly disagree) to 5 (strongly
    agree). Odd items (1st, 3rd, ...) contribute r − 1, even items 5 − r; the sum of the ten
    contributions (0–40) × 2.5 is the score. Raises ``ValueError`` for a wrong length or an answer
    outside 1..5, ``TypeError`` for a non-number.
    """
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise TypeError(f"SUS items must be a sequence of ten answers, got {items!r}")
    if len(items) != 10:
        raise ValueError(f"SUS has exactly 10 items, got {len(items)}")
    answers = [
        None if item is None else integer_answer(item, f"SUS item {i}", 1, 5)
        for i, item in enumerate(items, start=1)
    ]
    if any(answer is None for answer in answers):
        return None
    total = sum(
        (answer - 1) if i % 2 == 0 else (5 - answer)  # i = 0 is item 1 (odd)
        for i, answer in enumerate(answers)
    )
    return total * 2.5


def score_sus_responses(responses: Iterable[Sequence[int | None]]) -> SusScores:
    """Score many SUS responses; incomplete ones (any item ``None``) are counted, not scored."""
    scores: list[float] = []
    incomplete = 0
    for response in responses:
        score = sus_score(response)
        if score is None:
            incomplete += 1
        else:
            scores.append(score)
    return SusScores(tuple(scores), incomplete)


def sus_grade(score: float) -> SusGrade:
    """Letter grade of a (mean) SUS score on the Sauro–Lewis curved grading scale.

    S&L (2016) ch. 8: A+ 84.1–100 (percentiles 96–100), A 80.8–84.0 (90–95), A− 78.9–80.7
    (85–89), B+ 77.2–78.8 (80–84), B 74.1–77.1 (70–79), B− 72.6–74.0 (65–69), C+ 71.1–72.5
    (60–64), C 65.0–71.0 (41–59), C− 62.7–64.9 (35–40), D 51.7–62.6 (15–34), F 0–51.6 (0–14).
    The published lower bounds are used as cut-offs, so a mean between two printed ranges (84.05)
    falls in the lower grade.
    """
    value = number(score, "SUS score")
    if not 0.0 <= value <= 100.0:
        raise ValueError(f"a SUS score lies in [0, 100], got {value}")
    for lower, grade, p_low, p_high in _SUS_GRADES:
        if value >= lower:
            return SusGrade(grade, p_low, p_high)
    raise AssertionError("unreachable: the F band starts at 0")  # pragma: no cover


# --------------------------------------------------------------------------- means


def _t_interval(
    values: Sequence[float], confidence: float, bounds: tuple[float, float] | None
) -> MeanInterval:
    n = len(values)
    if n == 0:
        return MeanInterval(0, None, None, None, None, confidence, "no_data")
    mean = math.fsum(values) / n
    if n == 1:
        return MeanInterval(1, mean, None, None, None, confidence, "single_value")
    sd = float(np.std(values, ddof=1))
    margin = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * sd / math.sqrt(n)
    low, high = mean - margin, mean + margin
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return MeanInterval(n, mean, sd, low, high, confidence, "t")


def mean_ci(
    values: Iterable[float],
    confidence: float = 0.95,
    *,
    bounds: tuple[float, float] | None = None,
) -> MeanInterval:
    """Mean with the t interval mean ± t(1 − α/2, n − 1)·s/√n (S&L 2016, ch. 3).

    ``bounds`` (low, high) clips the interval to a rating scale's range; values outside it raise
    ``ValueError``. n = 0 → ``method="no_data"``; n = 1 → the mean with ``None`` sd and bounds.
    """
    confidence = check_level(confidence)
    low, high = bounds if bounds is not None else (None, None)
    checked = numbers(values, "value", low, high)
    return _t_interval(checked, confidence, bounds)


def seq_summary(values: Iterable[int], confidence: float = 0.95) -> MeanInterval:
    """Mean Single Ease Question rating (1 very difficult .. 7 very easy) with its t interval.

    Each rating must be a whole number 1–7; the interval is clipped to [1, 7].
    """
    ratings = [float(r) for r in integer_answers(values, "SEQ rating", 1, 7)]
    return mean_ci(ratings, confidence, bounds=(1.0, 7.0))


def sus_summary(
    scores: Iterable[float],
    confidence: float = 0.95,
    *,
    random_state: int | None = 0,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
) -> MeanInterval:
    """Mean SUS of a set of scores (0–100) with the t interval, plus a BCa bootstrap for n < 20.

    The t interval (S&L ch. 3) is the headline; it is clipped to [0, 100]. For 2 ≤ n < 20 the
    bias-corrected and accelerated bootstrap interval of the mean (Efron 1987, via
    ``scipy.stats.bootstrap``) is added, with ``n_resamples`` resamples drawn from a generator
    seeded by ``random_state`` so the result is deterministic. If the BCa correction is undefined
    (few distinct values) the percentile interval is used and ``bootstrap_method`` says so; with
    zero spread both intervals collapse to the mean. n = 0 → ``method="no_data"``; n = 1 → the
    score as mean, no sd, no interval.
    """
    confidence = check_level(confidence)
    checked = numbers(scores, "SUS score", 0.0, 100.0)
    result = _t_interval(checked, confidence, (0.0, 100.0))
    if not 2 <= result.n < BOOTSTRAP_BELOW_N:
        return result
    if result.sd == 0.0:
        return result._replace(
            bootstrap_low=result.mean, bootstrap_high=result.mean, bootstrap_method="percentile"
        )
    data = np.asarray(checked, dtype=float)
    for method in ("BCa", "percentile"):
        boot = stats.bootstrap(
            (data,),
            np.mean,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method=method,
            rng=np.random.default_rng(random_state),
        )
        low, high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            return result._replace(
                bootstrap_low=low, bootstrap_high=high, bootstrap_method=method.lower()
            )
    return result  # pragma: no cover - the percentile interval is always finite here


# --------------------------------------------------------------------------- proportions


def completion_ci(successes: int, n: int, confidence: float = 0.95) -> Proportion:
    """Completion rate x/n with the adjusted-Wald interval (Agresti & Coull 1998; S&L ch. 3).

    p_adj = (x + z²/2)/(n + z²); interval p_adj ± z·√(p_adj(1 − p_adj)/(n + z²)), clipped to
    [0, 1]. Worked example (Tullis & Albert, *Measuring the User Experience*, p. 69): 4 of 5 → 36%
    to 98%. Correct for 0/n and n/n (the clipped side is exactly 0 or 1). n = 0 → ``p`` and the
    bounds are ``None``. Raises ``ValueError`` if successes > n or a count is negative.
    """
    confidence = check_level(confidence)
    successes, n = count(successes, "successes"), count(n, "n")
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed attempts ({n})")
    if n == 0:
        return Proportion(0, 0, None, None, None, confidence)
    low, high = adjusted_wald(successes, n, z_critical(confidence))
    p = successes / n
    # The adjusted-Wald interval contains the Wilson interval, which contains x/n; guard rounding.
    return Proportion(successes, n, p, min(low, p), max(high, p), confidence)


def top2box(values: Iterable[int], scale: int = 5, confidence: float = 0.95) -> Proportion:
    """Share of answers in the top two points of a 1..``scale`` rating (5 or 7), adjusted Wald.

    On a 5-point scale 4 and 5 count, on a 7-point scale 6 and 7 (S&L ch. 3 treat a top-box share
    as a binomial proportion).
    """
    if scale not in (5, 7) or isinstance(scale, bool):
        raise ValueError(f"top2box supports 5- and 7-point scales, got scale={scale!r}")
    ratings = integer_answers(values, "rating", 1, scale)
    return completion_ci(sum(r >= scale - 1 for r in ratings), len(ratings), confidence)


# --------------------------------------------------------------------------- time on task


def time_on_task(seconds: Iterable[float], confidence: float = 0.95) -> TimeSummary:
    """Geometric mean task time with its t interval on log times (S&L ch. 3).

    exp(mean(ln t)) with bounds exp(mean(ln t) ± t(1 − α/2, n − 1)·sd(ln t)/√n). Worked example
    (Sauro, "Confidence intervals for task times", measuringu.com): 55, 65, 75, 62, 45, 135 s →
    68 s, 95% CI 46–101 s. Pass the times of successful attempts only; a zero, negative or
    non-finite time raises ``ValueError``. n = 0 → ``method="no_data"``; n = 1 → the time itself.
    """
    confidence = check_level(confidence)
    times = numbers(seconds, "task time")
    if any(t <= 0.0 for t in times):
        raise ValueError("task times must be positive seconds; pass successful attempts only")
    logs = [math.log(t) for t in times]
    log_summary = _t_interval(logs, confidence, None)
    if log_summary.mean is None:
        return TimeSummary(0, None, None, None, None, confidence, "no_data")
    gm = math.exp(log_summary.mean)
    if log_summary.low is None or log_summary.high is None:
        return TimeSummary(1, gm, None, None, None, confidence, "single_value")
    return TimeSummary(
        log_summary.n,
        gm,
        math.exp(log_summary.low),
        math.exp(log_summary.high),
        log_summary.sd,
        confidence,
        "geometric_mean_log_t",
    )


# --------------------------------------------------------------------------- NPS


def nps(scores_0_to_10: Iterable[int], confidence: float = 0.95) -> NpsResult:
    """Net Promoter Score (points, −100..100) with the adjusted-Wald interval of Rocks (2016).

    NPS = 100·(promoters(9–10) − detractors(0–6))/n. Interval: add 3 to n and ¾ to promoters and
    to detractors, then 100·(NPS_adj ± z·√((p_pro + p_det − NPS_adj²)/n_adj)), clipped to
    [−100, 100] (the method Lewis & Sauro found best on real data, measuringu.com 2021). The
    reported score is the observed NPS; in the rare tiny samples where the adjustment pulls the
    interval past it (n ≤ 2 at 95%, e.g. one promoter) the interval is widened to include it.
    n = 0 → score and bounds ``None``.
    """
    confidence = check_level(confidence)
    answers = integer_answers(scores_0_to_10, "likelihood to recommend", 0, 10)
    n = len(answers)
    promoters = sum(a >= 9 for a in answers)
    detractors = sum(a <= 6 for a in answers)
    passives = n - promoters - detractors
    if n == 0:
        return NpsResult(0, 0, 0, 0, None, None, None, confidence)
    z = z_critical(confidence)
    net, variance = nps_adjusted(promoters, detractors, n)
    margin = z * math.sqrt(variance)
    score = 100.0 * (promoters - detractors) / n
    low = max(-100.0, min(100.0 * (net - margin), score))
    high = min(100.0, max(100.0 * (net + margin), score))
    return NpsResult(n, promoters, passives, detractors, score, low, high, confidence)
