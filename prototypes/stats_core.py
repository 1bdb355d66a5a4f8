"""Building blocks shared by :mod:`prototypes.statistics` and :mod:`prototypes.comparison`.

Input checks (programming mistakes raise ``TypeError``/``ValueError``), critical values, and the
small formulas both modules use: the adjusted-Wald bounds (Agresti & Coull 1998), the adjusted NPS
of Rocks (2016), Welch's interval, the exact tie-aware rank-sum test, and the detectable-difference
formula. Pure functions on plain numbers; not part of the public API of the package.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from numbers import Real

import numpy as np
from scipy import stats

NORMALITY_ALPHA = 0.01
EXACT_RANK_TEST_UP_TO = 100

# --------------------------------------------------------------------------- input checks


def check_level(value: object, name: str = "confidence") -> float:
    """A confidence level, alpha or power: a number strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r}")
    level = float(value)
    if not 0.0 < level < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {level}")
    return level


def number(value: object, what: str) -> float:
    """A finite real number (bools are refused: ``True`` is not an answer)."""
    kind = type(value)
    if kind is float or kind is int:  # the common case, without the slower ABC checks below
        result = float(value)
        if result - result != 0.0:  # inf or nan
            raise ValueError(f"{what} must be finite, got {value!r}")
        return result
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{what} must be a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return result


def sequence(values: object, what: str) -> tuple[object, ...]:
    """The items of an iterable that is not a string (a string of digits is a mistake here)."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a sequence of numbers, got {values!r}")
    return tuple(values)


def numbers(
    values: object, what: str, low: float | None = None, high: float | None = None
) -> list[float]:
    """Finite numbers, each within [low, high] when given."""
    result = [number(v, what) for v in sequence(values, what)]
    for value in result:
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"{what} must lie in [{low}, {high}], got {value}")
    return result


def integer_answer(value: object, what: str, low: int, high: int) -> int:
    """A whole-number answer on a low..high scale (3.0 is accepted as 3)."""
    result = number(value, what)
    if not result.is_integer() or not low <= result <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high}, got {value!r}")
    return int(result)


def integer_answers(values: object, what: str, low: int, high: int) -> list[int]:
    """Whole-number answers on a low..high scale."""
    return [integer_answer(v, what, low, high) for v in sequence(values, what)]


def count(value: object, what: str) -> int:
    """A non-negative integer count."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return int(value)


# --------------------------------------------------------------------------- formulas


@lru_cache(maxsize=256)
def z_critical(confidence: float) -> float:
    """Two-sided critical value of the standard normal, z(1 − α/2), for a confidence level."""
    return float(stats.norm.ppf(1.0 - (1.0 - confidence) / 2.0))


@lru_cache(maxsize=4096)
def t_quantile(q: float, df: float) -> float:
    """Quantile q of Student's t with df degrees of freedom (cached: scipy's ppf is slow)."""
    return float(stats.t.ppf(q, df))


def adjusted_wald(successes: int, n: int, z: float) -> tuple[float, float]:
    """Adjusted-Wald bounds (Agresti & Coull 1998; Sauro & Lewis 2016 ch. 3), clipped to [0, 1].

    p_adj = (x + z²/2)/(n + z²); p_adj ± z·√(p_adj(1 − p_adj)/(n + z²)). Requires n > 0.
    """
    n_adj = n + z * z
    p_adj = (successes + z * z / 2.0) / n_adj
    margin = z * math.sqrt(p_adj * (1.0 - p_adj) / n_adj)
    return max(0.0, p_adj - margin), min(1.0, p_adj + margin)


def nps_adjusted(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """Rocks (2016) adjusted NPS as a fraction (−1..1) and the variance of that estimate.

    n_adj = n + 3, p_pro = (promoters + ¾)/n_adj, p_det = (detractors + ¾)/n_adj; returns
    (p_pro − p_det, (p_pro + p_det − (p_pro − p_det)²)/n_adj).
    """
    n_adj = n + 3.0
    p_pro = (promoters + 0.75) / n_adj
    p_det = (detractors + 0.75) / n_adj
    net = p_pro - p_det
    return net, (p_pro + p_det - net * net) / n_adj


def welch_interval(
    x: Sequence[float], y: Sequence[float], confidence: float
) -> tuple[float | None, float | None]:
    """Interval of mean(x) − mean(y) by Welch's t with Welch–Satterthwaite df.

    ``(None, None)`` when a group has fewer than two values; zero width when neither has spread.
    """
    if len(x) < 2 or len(y) < 2:
        return None, None
    diff = float(np.mean(x) - np.mean(y))
    vx, vy = float(np.var(x, ddof=1)) / len(x), float(np.var(y, ddof=1)) / len(y)
    se = math.sqrt(vx + vy)
    if se == 0.0:
        return diff, diff
    df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    margin = float(stats.t.ppf(1.0 - (1.0 - confidence) / 2.0, df)) * se
    return diff - margin, diff + margin


def detectable_t(
    x: Sequence[float], y: Sequence[float], alpha: float, power: float
) -> float | None:
    """Smallest mean difference detectable: (t(1 − α/2, df) + t(power, df))·s_p·√(1/n₁ + 1/n₂).

    df = n₁ + n₂ − 2 and s_p the pooled sd (Sauro & Lewis 2016 ch. 6, solved for the difference).
    ``None`` when there is no degree of freedom or no spread to estimate s_p from.
    """
    df = len(x) + len(y) - 2
    if df < 1:
        return None
    squares = sum(float(np.var(g, ddof=0)) * len(g) for g in (x, y))
    sp = math.sqrt(squares / df)
    if sp == 0.0:
        return None
    t_sum = float(stats.t.ppf(1.0 - alpha / 2.0, df) + stats.t.ppf(power, df))
    return t_sum * sp * math.sqrt(1.0 / len(x) + 1.0 / len(y))


def exact_rank_sum_p(x: Sequence[float], y: Sequence[float]) -> float:
    """Two-sided exact p of the Mann–Whitney/Wilcoxon rank-sum test, ties handled by mid-ranks.

    The complete permutation distribution of the smaller group's rank sum W is counted by dynamic
    programming over doubled (integer) mid-ranks; p = min(1, 2·min(P(W ≤ w), P(W ≥ w))). Without
    ties this equals ``scipy.stats.mannwhitneyu(method="exact")``; with ties it is exact, where
    scipy's default switches to a normal approximation that is too liberal for 5–8 answers.
    """
    small, large = (x, y) if len(x) <= len(y) else (y, x)
    ranks = stats.rankdata(np.concatenate([np.asarray(small), np.asarray(large)]))
    doubled = np.rint(2.0 * ranks).astype(int)
    k, top = len(small), int(doubled.sum())
    ways = np.zeros((k + 1, top + 1))
    ways[0, 0] = 1.0
    for i, r in enumerate(doubled):
        for j in range(min(i + 1, k), 0, -1):
            ways[j, r:] += ways[j - 1, : top + 1 - r]
    dist = ways[k] / ways[k].sum()
    w = int(doubled[:k].sum())
    return float(min(1.0, 2.0 * min(dist[: w + 1].sum(), dist[w:].sum())))


def rank_test(x: Sequence[float], y: Sequence[float]) -> tuple[float, str]:
    """Two-sided Mann–Whitney U: exact up to ``EXACT_RANK_TEST_UP_TO`` values, else asymptotic."""
    if len(x) + len(y) <= EXACT_RANK_TEST_UP_TO:
        return exact_rank_sum_p(x, y), "mann_whitney_u_exact"
    return float(stats.mannwhitneyu(x, y, alternative="two-sided").pvalue), "mann_whitney_u"


def two_sample(
    x: Sequence[float], y: Sequence[float], *, welch_min_n: int, require_normal: bool
) -> tuple[float, str]:
    """p-value and test name: Welch's t if the rule allows it and it is defined, else Mann–Whitney.

    Welch needs ``welch_min_n`` (at least 2) values per group and some spread. With
    ``require_normal`` (ratings) each group must have spread and pass Shapiro–Wilk at
    ``NORMALITY_ALPHA`` (0.01: only clearly non-normal data leave the t-test, which Sauro & Lewis
    show is robust for rating scales); without it (log times) spread in one group is enough.
    """
    enough = min(len(x), len(y)) >= max(2, welch_min_n)
    spread = [bool(np.ptp(g) > 0) for g in (x, y)]
    if require_normal:
        use_welch = enough and all(spread)
        use_welch = use_welch and all(stats.shapiro(g).pvalue >= NORMALITY_ALPHA for g in (x, y))
    else:
        use_welch = enough and any(spread)
    if use_welch:
        return float(stats.ttest_ind(x, y, equal_var=False).pvalue), "welch_t"
    return rank_test(x, y)
