"""Iteration N against N−1: is each metric better, worse, or not detectably changed?

Pure functions over plain numbers (see :mod:`prototypes.statistics` for the one-sample summaries).
The tests follow the between-subjects decision maps of Sauro & Lewis, *Quantifying the User
Experience*, 2nd ed. (2016), ch. 5 ("S&L"); every iteration is tested with new participants.

**Completion** (higher is better). Test: Fisher's exact test when any expected cell of the 2×2
table is below 5 (``FISHER_BELOW_EXPECTED``; stricter than Campbell's (2007) threshold of 1, so
weekly samples of 5–10 are almost always tested exactly), otherwise the N−1 two-proportion test
(Campbell 2007; Richardson 2011; S&L ch. 5): z = (p₁ − p₂)·√((N − 1)/N) / √(P·Q·(1/n₁ + 1/n₂)),
P the pooled proportion, two-sided normal p. Difference interval: adjusted Wald for a difference
(S&L ch. 5, after Agresti & Caffo 2000): add z²/4 successes and z²/2 trials to each group, then
(p̂₁ − p̂₂) ± z·√(p̂₁q̂₁/n₁ + p̂₂q̂₂/n₂) on the adjusted values, clipped to [−1, 1].

**SUS and SEQ** (higher is better). Difference and interval: Welch's t (unequal variances,
Welch–Satterthwaite df). Test: Welch's t when both groups have at least 10 answers
(``MANN_WHITNEY_BELOW_N``) and neither is clearly non-normal (Shapiro–Wilk p < 0.01); otherwise the
two-sided Mann–Whitney U test, exact (tie-aware, complete permutation distribution of the rank sum)
for up to 100 answers in all, normal approximation above. Zero spread in either group also sends
the test to Mann–Whitney, which stays defined.

**Time on task** (lower is better): Welch's t on log times; the effect is the ratio of geometric
means current/previous with its interval exp(CI of the difference of log means). One time in a
group, or zero spread in both, falls back to the Mann–Whitney test (ranks of times and of log
times are the same).

**NPS** (higher is better): difference of the observed scores; interval and z-test from the
adjusted-Wald NPS of Rocks (2016): each group's NPS_adj and variance (see
:func:`prototypes.statistics.nps`), se = √(var₁ + var₂).

**Verdict**: "better"/"worse" only when p < ``alpha`` (default 0.05), in the metric's own direction
(``higher_is_better``); otherwise "no_change"; a fourth value, "insufficient_data", when either
iteration has no observation for the metric (then p, the interval and the detectable difference
are ``None``). Difference intervals are at the 1 − alpha level, so they agree with
the verdict in all but borderline cases (rank tests and Fisher's test can disagree with a Wald
interval).

**Detectable difference** (80% power, two-sided alpha; the sample-size formulas of S&L ch. 6 solved
for the difference): completion (z₁₋α/₂ + z_power)·√(p̃(1 − p̃)(1/n₁ + 1/n₂)), p̃ the adjusted
pooled proportion (x₁ + x₂ + z²/2)/(N + z²), capped at 1; SUS/SEQ (t₁₋α/₂ + t_power)·s_p·√(1/n₁ +
1/n₂), df = n₁ + n₂ − 2, s_p the pooled sd (``None`` when there is no spread to estimate); time the
same on log times, returned as a ratio > 1 (a change by that factor either way); NPS
(z₁₋α/₂ + z_power)·se in points. It is a guide to what this sample size can see, not a test.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from prototypes.comparison_text import plain_language
from prototypes.stats_core import (
    check_level,
    count,
    detectable_t,
    integer_answers,
    nps_adjusted,
    numbers,
    sequence,
    two_sample,
    welch_interval,
    z_critical,
)

__all__ = [
    "HIGHER_IS_BETTER",
    "Comparison",
    "IterationMetrics",
    "compare_completion",
    "compare_iterations",
    "compare_means",
    "compare_nps",
    "compare_times",
    "plain_language",
]

Metric = Literal["completion", "sus", "seq", "time", "nps"]
Verdict = Literal["better", "worse", "no_change", "insufficient_data"]

HIGHER_IS_BETTER: dict[str, bool] = {
    "completion": True,
    "sus": True,
    "seq": True,
    "time": False,
    "nps": True,
}
FISHER_BELOW_EXPECTED = 5.0
MANN_WHITNEY_BELOW_N = 10


@dataclass(frozen=True, slots=True)
class Comparison:
    """One metric of iteration N (``current``) against N−1 (``previous``).

    ``current``/``previous`` are the completion proportion (0–1), mean SUS, mean SEQ, geometric
    mean time (seconds) or NPS (points). ``effect`` is ``"difference"`` (current − previous, in the
    metric's units: proportions 0–1 for completion, points for SUS/SEQ/NPS) or ``"ratio"`` (time:
    current/previous geometric means); ``difference``, its interval (at the 1 − alpha level) and
    ``detectable_difference`` are in the same units (for time a factor > 1, either way).
    ``test`` names the test behind ``p_value`` (``"fisher_exact"``, ``"n_1_two_proportion"``,
    ``"welch_t"``, ``"mann_whitney_u_exact"``, ``"mann_whitney_u"``, ``"welch_t_log"``,
    ``"nps_adjusted_wald_z"`` or ``"none"``).
    """

    metric: Metric
    current: float | None
    previous: float | None
    difference: float | None
    difference_low: float | None
    difference_high: float | None
    p_value: float | None
    test: str
    verdict: Verdict
    detectable_difference: float | None
    n_current: int
    n_previous: int
    higher_is_better: bool
    effect: Literal["difference", "ratio"] = "difference"
    alpha: float = 0.05


@dataclass(frozen=True)
class IterationMetrics:
    """What one iteration measured: completion counts, SUS scores, SEQ ratings, times, NPS answers.

    Lists are stored as tuples. Leave a metric empty (0 attempts, no values) when it was not
    collected; :func:`compare_iterations` skips metrics that neither iteration has.
    """

    label: str = ""
    successes: int = 0
    attempts: int = 0
    sus: tuple[float, ...] = field(default=())
    seq: tuple[int, ...] = field(default=())
    times: tuple[float, ...] = field(default=())
    nps: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if count(self.successes, "successes") > count(self.attempts, "attempts"):
            raise ValueError(f"successes ({self.successes}) exceed attempts ({self.attempts})")
        for name in ("sus", "seq", "times", "nps"):
            object.__setattr__(self, name, sequence(getattr(self, name), name))


# --------------------------------------------------------------------------- helpers


def _check_levels(alpha: float, power: float) -> None:
    check_level(alpha, "alpha")
    check_level(power, "power")


def _verdict(p_value: float | None, sign: float, metric: str, alpha: float) -> Verdict:
    if p_value is None or not p_value < alpha or sign == 0:
        return "no_change"
    return "better" if (sign > 0) == HIGHER_IS_BETTER[metric] else "worse"


def _insufficient(
    metric: Metric, current: float | None, previous: float | None, n_c: int, n_p: int, alpha: float
) -> Comparison:
    return Comparison(
        metric=metric,
        current=current,
        previous=previous,
        difference=None,
        difference_low=None,
        difference_high=None,
        p_value=None,
        test="none",
        verdict="insufficient_data",
        detectable_difference=None,
        n_current=n_c,
        n_previous=n_p,
        higher_is_better=HIGHER_IS_BETTER[metric],
        effect="ratio" if metric == "time" else "difference",
        alpha=alpha,
    )


# --------------------------------------------------------------------------- completion


def compare_completion(
    successes_current: int,
    n_current: int,
    successes_previous: int,
    n_previous: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> Comparison:
    """Completion rate of iteration N against N−1.

    Fisher's exact test if any expected cell < 5, else the N−1 two-proportion test (Campbell 2007,
    S&L ch. 5); difference interval by adjusted Wald (S&L ch. 5, Agresti & Caffo 2000). n = 0 on
    either side → ``"insufficient_data"``. 0/n and n/n are handled exactly (Fisher, clipped bounds).
    """
    _check_levels(alpha, power)
    x1, n1 = count(successes_current, "successes_current"), count(n_current, "n_current")
    x2, n2 = count(successes_previous, "successes_previous"), count(n_previous, "n_previous")
    if x1 > n1 or x2 > n2:
        raise ValueError("successes cannot exceed attempts")
    p1 = x1 / n1 if n1 else None
    p2 = x2 / n2 if n2 else None
    if p1 is None or p2 is None:
        return _insufficient("completion", p1, p2, n1, n2, alpha)
    diff = p1 - p2
    z = z_critical(1.0 - alpha)
    # Difference interval: S&L ch. 5 adjusted Wald (Agresti–Caffo): + z²/4 successes, + z²/2 trials.
    a1, a2 = n1 + z * z / 2.0, n2 + z * z / 2.0
    q1, q2 = (x1 + z * z / 4.0) / a1, (x2 + z * z / 4.0) / a2
    margin = z * math.sqrt(q1 * (1.0 - q1) / a1 + q2 * (1.0 - q2) / a2)
    low = max(-1.0, min(q1 - q2 - margin, diff))
    high = min(1.0, max(q1 - q2 + margin, diff))
    total, succ = n1 + n2, x1 + x2
    expected = [n * c / total for n in (n1, n2) for c in (succ, total - succ)]
    if min(expected) < FISHER_BELOW_EXPECTED:
        p_value = float(stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue)
        test = "fisher_exact"
    else:
        pooled = succ / total
        z_stat = (
            diff
            * math.sqrt((total - 1) / total)
            / math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        )
        p_value = float(2.0 * stats.norm.sf(abs(z_stat)))
        test = "n_1_two_proportion"
    p_tilde = (succ + z * z / 2.0) / (total + z * z)
    detectable = min(
        1.0,
        (z + float(stats.norm.ppf(power)))
        * math.sqrt(p_tilde * (1.0 - p_tilde) * (1.0 / n1 + 1.0 / n2)),
    )
    return Comparison(
        metric="completion",
        current=p1,
        previous=p2,
        difference=diff,
        difference_low=low,
        difference_high=high,
        p_value=p_value,
        test=test,
        verdict=_verdict(p_value, diff, "completion", alpha),
        detectable_difference=detectable,
        n_current=n1,
        n_previous=n2,
        higher_is_better=True,
        alpha=alpha,
    )


# --------------------------------------------------------------------------- SUS and SEQ


def compare_means(
    current: Iterable[float],
    previous: Iterable[float],
    kind: Literal["sus", "seq"] = "sus",
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> Comparison:
    """Mean SUS (0–100) or SEQ (whole numbers 1–7) of iteration N against N−1.

    Difference interval by Welch's t. Test: Welch's t if both groups have ≥ 10 answers, spread, and
    pass Shapiro–Wilk at 0.01; otherwise the two-sided Mann–Whitney U test (exact with ties up to
    100 answers). One answer per group gives a p-value (rank test) but no interval.
    """
    _check_levels(alpha, power)
    if kind == "sus":
        x, y = numbers(current, "SUS score", 0, 100), numbers(previous, "SUS score", 0, 100)
    elif kind == "seq":
        x = [float(v) for v in integer_answers(current, "SEQ rating", 1, 7)]
        y = [float(v) for v in integer_answers(previous, "SEQ rating", 1, 7)]
    else:
        raise ValueError(f"kind must be 'sus' or 'seq', got {kind!r}")
    m1 = float(np.mean(x)) if x else None
    m2 = float(np.mean(y)) if y else None
    if m1 is None or m2 is None:
        return _insufficient(kind, m1, m2, len(x), len(y), alpha)
    diff = m1 - m2
    low, high = welch_interval(x, y, 1.0 - alpha)
    p_value, test = two_sample(x, y, welch_min_n=MANN_WHITNEY_BELOW_N, require_normal=True)
    return Comparison(
        metric=kind,
        current=m1,
        previous=m2,
        difference=diff,
        difference_low=low,
        difference_high=high,
        p_value=p_value,
        test=test,
        verdict=_verdict(p_value, diff, kind, alpha),
        detectable_difference=detectable_t(x, y, alpha, power),
        n_current=len(x),
        n_previous=len(y),
        higher_is_better=True,
        alpha=alpha,
    )


# --------------------------------------------------------------------------- time on task


def compare_times(
    current: Iterable[float],
    previous: Iterable[float],
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> Comparison:
    """Task times (seconds, successful attempts only) of iteration N against N−1.

    Effect: ratio of geometric means current/previous, interval exp(Welch interval of the log
    difference); test: Welch's t on log times (S&L ch. 5 compare log-transformed times), or the
    Mann–Whitney test when a group has one time or neither has spread. Lower is better: a ratio
    significantly below 1 is "better". Zero or negative times raise ``ValueError``.
    """
    _check_levels(alpha, power)
    x, y = numbers(current, "task time"), numbers(previous, "task time")
    if any(t <= 0.0 for t in (*x, *y)):
        raise ValueError("task times must be positive seconds; pass successful attempts only")
    lx, ly = [math.log(t) for t in x], [math.log(t) for t in y]
    g1 = math.exp(float(np.mean(lx))) if x else None
    g2 = math.exp(float(np.mean(ly))) if y else None
    if g1 is None or g2 is None:
        return _insufficient("time", g1, g2, len(x), len(y), alpha)
    ratio = g1 / g2
    low, high = welch_interval(lx, ly, 1.0 - alpha)
    p_value, test = two_sample(lx, ly, welch_min_n=2, require_normal=False)
    if test == "welch_t":
        test = "welch_t_log"
    d_log = detectable_t(lx, ly, alpha, power)
    return Comparison(
        metric="time",
        current=g1,
        previous=g2,
        difference=ratio,
        difference_low=None if low is None else math.exp(low),
        difference_high=None if high is None else math.exp(high),
        p_value=p_value,
        test=test,
        verdict=_verdict(p_value, ratio - 1.0, "time", alpha),
        detectable_difference=None if d_log is None else math.exp(d_log),
        n_current=len(x),
        n_previous=len(y),
        higher_is_better=False,
        effect="ratio",
        alpha=alpha,
    )


# --------------------------------------------------------------------------- NPS


def compare_nps(
    current: Iterable[int],
    previous: Iterable[int],
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> Comparison:
    """NPS of iteration N against N−1, in points (answers 0–10).

    Difference of the observed NPS; interval (NPS_adj,1 − NPS_adj,2) ± z·√(var₁ + var₂) with the
    adjusted-Wald NPS of Rocks (2016) (n + 3, ¾ promoters and detractors), and the matching z-test.
    """
    _check_levels(alpha, power)
    groups = []
    for answers in (current, previous):
        values = integer_answers(answers, "likelihood to recommend", 0, 10)
        pro, det = sum(v >= 9 for v in values), sum(v <= 6 for v in values)
        score = 100.0 * (pro - det) / len(values) if values else None
        groups.append((score, pro, det, len(values)))
    (s1, pro1, det1, n1), (s2, pro2, det2, n2) = groups
    if s1 is None or s2 is None:
        return _insufficient("nps", s1, s2, n1, n2, alpha)
    diff = s1 - s2
    net1, var1 = nps_adjusted(pro1, det1, n1)
    net2, var2 = nps_adjusted(pro2, det2, n2)
    se = math.sqrt(var1 + var2)
    z = z_critical(1.0 - alpha)
    low = max(-200.0, min(100.0 * (net1 - net2 - z * se), diff))
    high = min(200.0, max(100.0 * (net1 - net2 + z * se), diff))
    p_value = float(2.0 * stats.norm.sf(abs(net1 - net2) / se))
    detectable = 100.0 * (z + float(stats.norm.ppf(power))) * se
    return Comparison(
        metric="nps",
        current=s1,
        previous=s2,
        difference=diff,
        difference_low=low,
        difference_high=high,
        p_value=p_value,
        test="nps_adjusted_wald_z",
        verdict=_verdict(p_value, net1 - net2, "nps", alpha),
        detectable_difference=detectable,
        n_current=n1,
        n_previous=n2,
        higher_is_better=True,
        alpha=alpha,
    )


# --------------------------------------------------------------------------- all metrics


def compare_iterations(
    current: IterationMetrics,
    previous: IterationMetrics,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> list[Comparison]:
    """Every metric that either iteration measured, in the order completion, SUS, SEQ, time, NPS.

    A metric present in only one iteration comes back as ``"insufficient_data"``; a metric neither
    measured is left out. ``alpha`` (verdict and interval level 1 − alpha) and ``power`` (for the
    detectable difference) are passed to each ``compare_*`` function.
    """
    if not isinstance(current, IterationMetrics) or not isinstance(previous, IterationMetrics):
        raise TypeError("compare_iterations takes two IterationMetrics")
    out: list[Comparison] = []
    levels = {"alpha": alpha, "power": power}
    if current.attempts or previous.attempts:
        completion = (current.successes, current.attempts, previous.successes, previous.attempts)
        out.append(compare_completion(*completion, **levels))
    if current.sus or previous.sus:
        out.append(compare_means(current.sus, previous.sus, "sus", **levels))
    if current.seq or previous.seq:
        out.append(compare_means(current.seq, previous.seq, "seq", **levels))
    if current.times or previous.times:
        out.append(compare_times(current.times, previous.times, **levels))
    if current.nps or previous.nps:
        out.append(compare_nps(current.nps, previous.nps, **levels))
    return out
