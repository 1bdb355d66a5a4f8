"""prototypes.statistics: one-sample summaries checked against published worked examples.

Sources, abbreviated in the comments:
- Brooke (1996), "SUS: a quick and dirty usability scale", scored example form (reprinted as
  figure 6.8 of Tullis & Albert, *Measuring the User Experience*): total 22, SUS 22 × 2.5 = 55.
- S&L: Sauro & Lewis, *Quantifying the User Experience*, 2nd ed. (2016).
- Tullis & Albert, *Measuring the User Experience*, p. 69: adjusted Wald, 4 of 5 → 36% to 98%.
- Sauro, "Confidence intervals for task times" calculator (measuringu.com/time_intervals.php):
  55, 65, 75, 62, 45, 135 s → geometric mean 68 s, 95% CI (46, 101).
- Rocks (2016), The American Statistician 70(4): adjusted-Wald NPS (n + 3, ¾ promoters/detractors).
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from prototypes.statistics import (
    MeanInterval,
    completion_ci,
    mean_ci,
    nps,
    score_sus_responses,
    seq_summary,
    sus_grade,
    sus_score,
    sus_summary,
    time_on_task,
    top2box,
)

# --------------------------------------------------------------------------- SUS score


def test_sus_score_brooke_worked_example():
    # Brooke's example form: item contributions 4,1,1,4,1,2,1,1,4,3 (total 22). Inverting his rule
    # (odd r = c + 1, even r = 5 − c) gives the answers below; SUS = 22 × 2.5 = 55.
    assert sus_score([5, 4, 2, 1, 2, 3, 2, 4, 5, 2]) == 55.0


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([5, 1] * 5, 100.0),  # best answer everywhere: 10 × 4 × 2.5
        ([1, 5] * 5, 0.0),  # worst answer everywhere
        ([3] * 10, 50.0),  # neutral: 10 × 2 × 2.5
        ([4, 3, 4, 2, 4, 2, 3, 3, 5, 1], 72.5),  # odd 3+3+3+2+4=15, even 2+3+3+2+4=14 → 29
        ([4.0, 3, 4, 2, 4, 2, 3, 3, 5, 1], 72.5),  # a float that is a whole number is accepted
    ],
)
def test_sus_score_rule(items, expected):
    assert sus_score(items) == expected


def test_sus_score_missing_item_is_not_scored():
    assert sus_score([5, 1, 5, 1, None, 1, 5, 1, 5, 1]) is None
    assert score_sus_responses([[3] * 10, [3] * 9 + [None], [5, 1] * 5]) == ((50.0, 100.0), 1)


@pytest.mark.parametrize(
    "items",
    [[3] * 9, [3] * 11, [3] * 9 + [6], [0] + [3] * 9, [3.5] + [3] * 9, [None] * 9 + [7]],
)
def test_sus_score_rejects_wrong_length_or_range(items):
    with pytest.raises(ValueError):
        sus_score(items)


@pytest.mark.parametrize("items", ["3333333333", [True] + [3] * 9, ["3"] * 10, 5])
def test_sus_score_rejects_wrong_types(items):
    with pytest.raises(TypeError):
        sus_score(items)


@given(st.lists(st.integers(1, 5), min_size=10, max_size=10))
def test_sus_score_is_a_multiple_of_2_5_in_0_100(items):
    score = sus_score(items)
    assert 0.0 <= score <= 100.0
    assert (score / 2.5).is_integer()


# --------------------------------------------------------------------------- SUS grade


@pytest.mark.parametrize(
    ("score", "grade", "p_low", "p_high"),
    [
        (100.0, "A+", 96, 100),
        (84.1, "A+", 96, 100),
        (84.0, "A", 90, 95),
        (80.8, "A", 90, 95),
        (80.7, "A−", 85, 89),
        (78.9, "A−", 85, 89),
        (78.8, "B+", 80, 84),
        (77.2, "B+", 80, 84),
        (77.1, "B", 70, 79),
        (74.1, "B", 70, 79),
        (74.0, "B−", 65, 69),
        (72.6, "B−", 65, 69),
        (72.5, "C+", 60, 64),
        (71.1, "C+", 60, 64),
        (71.0, "C", 41, 59),
        (68.0, "C", 41, 59),  # the SUS average sits at the 50th percentile, grade C
        (65.0, "C", 41, 59),
        (64.9, "C−", 35, 40),
        (62.7, "C−", 35, 40),
        (62.6, "D", 15, 34),
        (51.7, "D", 15, 34),
        (51.6, "F", 0, 14),
        (0.0, "F", 0, 14),
    ],
)
def test_sus_grade_sauro_lewis_curved_scale(score, grade, p_low, p_high):
    result = sus_grade(score)
    assert (result.grade, result.percentile_low, result.percentile_high) == (grade, p_low, p_high)
    assert result == (grade, p_low, p_high)  # a named tuple


@pytest.mark.parametrize("score", [-0.1, 100.5, math.nan])
def test_sus_grade_rejects_impossible_scores(score):
    with pytest.raises(ValueError):
        sus_grade(score)


# --------------------------------------------------------------------------- completion


def test_completion_ci_seven_of_ten():
    # z = 1.959964, z² = 3.841459. p_adj = (7 + 1.920729)/(10 + 3.841459) = 0.644493;
    # margin = 1.959964·√(0.644493·0.355507/13.841459) = 0.252168 → 39.23% to 89.67%.
    # (The figure is often quoted rounded as "39% to 90%".)
    result = completion_ci(7, 10)
    assert result.p == 0.7
    assert result.low == pytest.approx(0.39233, abs=1e-5)
    assert result.high == pytest.approx(0.89666, abs=1e-5)
    assert result.method == "adjusted_wald"


def test_completion_ci_tullis_albert_four_of_five():
    # Tullis & Albert p. 69: p_adj = 5.9208/8.8416 = 0.6696, 0.6696 ± 0.3100 → 0.3596 to 0.9796.
    result = completion_ci(4, 5)
    assert result.low == pytest.approx(0.3596, abs=1e-4)
    assert result.high == pytest.approx(0.9797, abs=1e-4)


def test_completion_ci_all_success_and_all_fail():
    # 10/10: p_adj = 11.920729/13.841459 = 0.861234, margin 0.182121 → 67.91% to 100% (clipped).
    all_done = completion_ci(10, 10)
    assert (all_done.p, all_done.high) == (1.0, 1.0)
    assert all_done.low == pytest.approx(0.67911, abs=1e-5)
    # 0/5: p_adj = 1.920729/8.841459 = 0.217241, margin 0.271817 → 0% (clipped) to 48.91%.
    none_done = completion_ci(0, 5)
    assert (none_done.p, none_done.low) == (0.0, 0.0)
    assert none_done.high == pytest.approx(0.48905, abs=1e-5)


def test_completion_ci_no_attempts_and_bad_counts():
    empty = completion_ci(0, 0)
    assert (empty.n, empty.p, empty.low, empty.high) == (0, None, None, None)
    with pytest.raises(ValueError):
        completion_ci(6, 5)
    with pytest.raises(ValueError):
        completion_ci(-1, 5)
    with pytest.raises(TypeError):
        completion_ci(2.0, 5)
    with pytest.raises(ValueError):
        completion_ci(2, 5, confidence=1.0)


@given(
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999]),
)
def test_completion_ci_contains_estimate_and_stays_in_unit_interval(counts, confidence):
    successes, n = counts
    result = completion_ci(successes, n, confidence)
    assert 0.0 <= result.low <= result.p <= result.high <= 1.0


def test_top2box_counts_top_two_points():
    # 5-point: 4 and 5 count → 4 of 7, the same interval as completion 4/7.
    assert top2box([5, 4, 3, 2, 1, 4, 5]) == completion_ci(4, 7)
    # 7-point: 6 and 7 count → 2 of 4.
    assert top2box([7, 6, 5, 4], scale=7) == completion_ci(2, 4)
    assert top2box([]).p is None
    with pytest.raises(ValueError):
        top2box([5, 6], scale=5)
    with pytest.raises(ValueError):
        top2box([5], scale=10)


# --------------------------------------------------------------------------- means


def test_mean_ci_t_interval_by_hand():
    # 5, 6, 7, 6, 6: mean 6, s = √0.5 = 0.707107, t(0.975, 4) = 2.776445,
    # margin = 2.776445·0.707107/√5 = 0.877989 → 5.122011 to 6.877989.
    result = seq_summary([5, 6, 7, 6, 6])
    assert (result.n, result.mean, result.method) == (5, 6.0, "t")
    assert result.sd == pytest.approx(math.sqrt(0.5))
    assert result.low == pytest.approx(5.122011, abs=1e-6)
    assert result.high == pytest.approx(6.877989, abs=1e-6)
    assert mean_ci([5, 6, 7, 6, 6]) == result  # same formula, no scale bounds needed here


def test_seq_summary_edges():
    assert seq_summary([]) == MeanInterval(0, None, None, None, None, 0.95, "no_data")
    single = seq_summary([6])
    assert (single.mean, single.sd, single.low, single.high) == (6.0, None, None, None)
    flat = seq_summary([7, 7, 7])
    assert (flat.sd, flat.low, flat.high) == (0.0, 7.0, 7.0)
    clipped = seq_summary([7, 7, 7, 4])  # t interval runs past 7; clipped to the scale
    assert clipped.high == 7.0
    for bad in ([0], [8], [5.5]):
        with pytest.raises(ValueError):
            seq_summary(bad)


def test_sus_summary_small_set_adds_a_seeded_bootstrap():
    scores = [72.5, 80.0, 85.0, 67.5, 90.0, 77.5, 82.5]
    first = sus_summary(scores)
    assert first == sus_summary(scores)  # seeded: deterministic
    assert first.method == "t"
    assert first.bootstrap_method == "bca"
    assert first.bootstrap_low < first.mean < first.bootstrap_high
    # The bootstrap interval of a mean is narrower than the t interval for a small set
    # (it ignores the t correction), but of the same order.
    assert first.low < first.bootstrap_low and first.bootstrap_high < first.high
    other_seed = sus_summary(scores, random_state=1)
    assert other_seed.bootstrap_low == pytest.approx(first.bootstrap_low, abs=1.0)


def test_sus_summary_edges():
    assert sus_summary([]).method == "no_data"
    single = sus_summary([72.5])
    assert (single.n, single.mean, single.low, single.bootstrap_low) == (1, 72.5, None, None)
    flat = sus_summary([70.0] * 5)
    assert (flat.low, flat.high, flat.bootstrap_low, flat.bootstrap_high) == (70, 70, 70, 70)
    big = sus_summary([50.0, 60.0] * 10)  # n = 20: no bootstrap
    assert big.bootstrap_method is None
    with pytest.raises(ValueError):
        sus_summary([101.0])


# --------------------------------------------------------------------------- time on task


def test_time_on_task_geometric_mean_worked_example():
    # Sauro's calculator: 55, 65, 75, 62, 45, 135 → 68 s, 95% CI (46, 101).
    # By hand: mean ln t = 4.222997 → 68.241; sd ln t = 0.375720; t(0.975, 5) = 2.570582;
    # margin 0.394295 → exp(3.828702) = 46.005, exp(4.617292) = 101.225.
    result = time_on_task([55, 65, 75, 62, 45, 135])
    assert round(result.geometric_mean) == 68
    assert (round(result.low), round(result.high)) == (46, 101)
    assert result.geometric_mean == pytest.approx(68.2411, abs=1e-4)
    assert result.low == pytest.approx(46.0051, abs=1e-4)
    assert result.high == pytest.approx(101.2245, abs=1e-4)
    assert result.log_sd == pytest.approx(0.375720, abs=1e-6)


def test_time_on_task_edges():
    assert time_on_task([]).geometric_mean is None
    single = time_on_task([42.0])
    assert single.geometric_mean == pytest.approx(42.0)
    assert (single.n, single.low, single.high, single.method) == (1, None, None, "single_value")
    flat = time_on_task([30, 30, 30])
    assert flat.low == pytest.approx(30.0) and flat.high == pytest.approx(30.0)
    for bad in ([10, 0], [10, -3], [math.inf]):
        with pytest.raises(ValueError):
            time_on_task(bad)


# --------------------------------------------------------------------------- NPS


def test_nps_adjusted_wald_by_hand():
    # 10 answers: promoters 10,9,9,10,9 (5), passives 8,7 (2), detractors 6,3,0 (3) → NPS +20.
    # Rocks: n_adj = 13, p_pro = 5.75/13 = 0.442308, p_det = 3.75/13 = 0.288462, NPS_adj = 0.153846,
    # var = (0.730769 − 0.023669)/13 = 0.054392, margin = 1.959964·0.233221 = 0.457105
    # → −30.33 to +61.10.
    result = nps([10, 9, 9, 8, 7, 6, 3, 10, 0, 9])
    assert (result.n, result.promoters, result.passives, result.detractors) == (10, 5, 2, 3)
    assert result.score == 20.0
    assert result.low == pytest.approx(-30.326, abs=1e-3)
    assert result.high == pytest.approx(61.095, abs=1e-3)


def test_nps_edges():
    assert nps([]).score is None
    all_promoters = nps([10, 9, 10])
    assert all_promoters.score == 100.0 and all_promoters.high == 100.0
    one = nps([10])  # the adjustment pulls the interval below 100; it is widened to include it
    assert one.low <= one.score <= one.high
    with pytest.raises(ValueError):
        nps([11])


# --------------------------------------------------------------------------- public data sets

_LABELS = {
    "Strongly disagree": 1,
    "Somewhat disagree": 2,
    "Neither agree nor disagree": 3,
    "Somewhat agree": 4,
    "Strongly agree": 5,
}
_SUS_ITEMS = [
    "I think that I would like to use this system frequently",
    "I found the system unnecessarily complex",
    "I thought the system was easy to use",
    "I think that I would need the support of a technical person to be able to use this system",
    "I found the various functions in this system were well integrated",
    "I thought there was too much inconsistency in this system",
    "I would imagine that most people would learn to use this system very quickly",
    "I found the system very cumbersome to use",
    "I felt very confident using the system",
    "I needed to learn a lot of things before I could get going with this system",
]


def _independent_sus(matrix: np.ndarray) -> np.ndarray:
    """Brooke's rule written separately with numpy: (Σ odd − 5 + 25 − Σ even) × 2.5."""
    return (matrix[:, 0::2].sum(axis=1) - 5 + 25 - matrix[:, 1::2].sum(axis=1)) * 2.5


def _check_set(scores: list[float]) -> None:
    result = sus_summary(scores)
    n, mean, sd = len(scores), float(np.mean(scores)), float(np.std(scores, ddof=1))
    assert result.n == n
    assert result.mean == pytest.approx(mean)
    half_width = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert result.high - result.low == pytest.approx(2 * half_width)
    assert 0.0 <= result.low < result.mean < result.high <= 100.0
    if n < 20:
        assert result.bootstrap_low < result.mean < result.bootstrap_high
    else:
        assert result.bootstrap_low is None


def test_vr_queue_sus_csv(shared_data):
    with (shared_data / "sus" / "vr_queue_sus.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[0] == "Participant ID"
    assert [h.strip() for h in header[1:]] == _SUS_ITEMS  # one column per SUS item, in order
    assert len(body) == 30
    answers = [[_LABELS[value] for value in row[1:]] for row in body]
    scores = [sus_score(a) for a in answers]
    # Participant 874GE: SA SD SA SD SA SD "somewhat agree" "somewhat disagree" SA SD
    # → 5 1 5 1 5 1 4 2 5 1 → odd 4+4+4+3+4 = 19, even 4+4+4+3+4 = 19 → 38 × 2.5 = 95.
    assert body[0][0] == "874GE" and scores[0] == 95.0
    assert scores == pytest.approx(_independent_sus(np.array(answers)).tolist())
    assert all((s / 2.5).is_integer() for s in scores)
    assert sum(scores) == 2150.0  # mean 71.67: grade C+ on the Sauro–Lewis scale
    assert sus_grade(sum(scores) / 30).grade == "C+"
    _check_set(scores)


def test_agile_dm_evaluation_csv(shared_data):
    with (shared_data / "sus" / "agile_dm_evaluation.csv").open(newline="") as handle:
        rows = [[int(v) for v in row] for row in csv.reader(handle) if row]
    assert len(rows) == 8 and all(len(row) == 14 for row in rows)  # no header; 10 SUS + 4 extra
    answers = [row[:10] for row in rows]
    scores = [sus_score(a) for a in answers]
    assert scores[0] == 72.5  # 4,3,4,2,4,2,3,3,5,1: odd 15 + even 14 = 29 → 72.5
    assert scores == pytest.approx(_independent_sus(np.array(answers)).tolist())
    assert sum(scores) == 597.5  # mean 74.69: grade B
    _check_set(scores)  # n = 8 < 20: the BCa bootstrap interval is reported too
