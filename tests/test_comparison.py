"""prototypes.comparison and prototypes.comparison_text: iteration N against N−1.

Expected numbers are derived by hand from the formulas of Sauro & Lewis, *Quantifying the User
Experience*, 2nd ed. (2016), ch. 5 (N−1 two-proportion test after Campbell 2007; adjusted-Wald
difference interval after Agresti & Caffo 2000) and ch. 6 (sample size solved for the detectable
difference), and cross-checked with scipy where scipy implements the same test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from prototypes.comparison import (
    Comparison,
    IterationMetrics,
    compare_completion,
    compare_iterations,
    compare_means,
    compare_nps,
    compare_times,
    plain_language,
)
from prototypes.stats_core import exact_rank_sum_p

# --------------------------------------------------------------------------- completion


def test_n_minus_1_two_proportion_test_by_hand():
    # 18/25 (72%) now against 10/25 (40%). Pooled P = 28/50 = 0.56; expected cells 14, 11, 14, 11
    # are all ≥ 5, so the N−1 test applies:
    # z = 0.32·√(49/50) / √(0.56·0.44·(1/25 + 1/25)) = 0.316784/0.140399 = 2.256304, p = 0.024052.
    c = compare_completion(18, 25, 10, 25)
    assert c.test == "n_1_two_proportion"
    assert c.difference == pytest.approx(0.32)
    assert c.p_value == pytest.approx(0.024052, abs=1e-6)
    assert c.verdict == "better"
    # The N−1 chi-square is Pearson's chi-square × (N − 1)/N (Campbell 2007).
    pearson = stats.chi2_contingency([[18, 7], [10, 15]], correction=False).statistic
    assert c.p_value == pytest.approx(stats.chi2.sf(pearson * 49 / 50, 1))
    # Adjusted-Wald difference (S&L ch. 5): add z²/4 = 0.960365 successes and z²/2 = 1.920729
    # trials to each group: 18.960365/26.920729 = 0.704314, 10.960365/26.920729 = 0.407139;
    # se = √(0.704314·0.295686/26.920729 + 0.407139·0.592861/26.920729) = 0.129236;
    # 0.297175 ± 1.959964·0.129236 → 0.043869 to 0.550469.
    assert c.difference_low == pytest.approx(0.043869, abs=1e-6)
    assert c.difference_high == pytest.approx(0.550469, abs=1e-6)
    # Detectable: p̃ = (28 + 1.920729)/(50 + 3.841459) = 0.555749;
    # (1.959964 + 0.841621)·√(0.555749·0.444251·(2/25)) = 0.393736.
    assert c.detectable_difference == pytest.approx(0.393736, abs=1e-6)


def test_fisher_exact_for_small_samples_by_hand():
    # 10/10 against 5/10: an expected failure count is 2.5 < 5 → Fisher's exact test.
    # Margins 10/10 rows, 15 successes, C(20, 15) = 15504 tables; the observed table and the
    # mirror one each have C(10,10)·C(10,5) = 252 ways → two-sided p = 504/15504 = 0.032508.
    c = compare_completion(10, 10, 5, 10)
    assert c.test == "fisher_exact"
    assert c.p_value == pytest.approx(504 / 15504)
    assert c.p_value == pytest.approx(stats.fisher_exact([[10, 0], [5, 5]]).pvalue)
    assert c.verdict == "better"
    assert c.higher_is_better is True


def test_detectable_difference_for_a_weekly_sample():
    # 8/10 against 5/10: p̃ = (13 + 1.920729)/(20 + 3.841459) = 0.625831;
    # 2.801585·√(0.625831·0.374169·(1/10 + 1/10)) = 0.606291: only ~61 points could be seen.
    c = compare_completion(8, 10, 5, 10)
    assert c.verdict == "no_change"
    assert c.detectable_difference == pytest.approx(0.606291, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "verdict"),
    [((5, 5, 5, 5), "no_change"), ((0, 5, 0, 5), "no_change"), ((0, 10, 10, 10), "worse")],
)
def test_completion_all_success_or_all_fail(args, verdict):
    c = compare_completion(*args)
    assert c.verdict == verdict
    assert -1.0 <= c.difference_low <= c.difference <= c.difference_high <= 1.0


def test_completion_without_attempts_is_insufficient():
    c = compare_completion(3, 3, 0, 0)
    assert (c.verdict, c.current, c.previous, c.p_value, c.test) == (
        "insufficient_data",
        1.0,
        None,
        None,
        "none",
    )
    with pytest.raises(ValueError):
        compare_completion(4, 3, 0, 1)
    with pytest.raises(ValueError):
        compare_completion(1, 3, 0, 1, alpha=0)


@given(
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_completion_interval_holds_the_difference(current, previous):
    c = compare_completion(*current, *previous)
    assert -1.0 <= c.difference_low <= c.difference <= c.difference_high <= 1.0
    assert 0.0 <= c.p_value <= 1.0
    assert 0.0 < c.detectable_difference <= 1.0


# --------------------------------------------------------------------------- SUS and SEQ

SUS_NOW = [72.5, 80, 85, 67.5, 90, 77.5, 82.5, 75, 70, 87.5, 77.5, 80]
SUS_BEFORE = [55, 62.5, 70, 47.5, 60, 65, 57.5, 72.5, 67.5, 52.5, 62.5]


def test_means_use_welch_for_ten_or_more_normal_answers():
    c = compare_means(SUS_NOW, SUS_BEFORE, "sus")
    welch = stats.ttest_ind(SUS_NOW, SUS_BEFORE, equal_var=False)
    interval = welch.confidence_interval(0.95)
    assert c.test == "welch_t"
    assert c.p_value == pytest.approx(welch.pvalue)
    assert (c.difference_low, c.difference_high) == pytest.approx((interval.low, interval.high))
    assert c.difference == pytest.approx(np.mean(SUS_NOW) - np.mean(SUS_BEFORE))
    assert c.verdict == "better"
    reverse = compare_means(SUS_BEFORE, SUS_NOW, "sus")
    assert reverse.verdict == "worse"


def test_means_use_exact_mann_whitney_below_ten():
    now, before = [6, 7, 5, 6, 7], [4, 5, 3, 6]
    c = compare_means(now, before, "seq")
    assert c.test == "mann_whitney_u_exact"
    exact = stats.mannwhitneyu(now, before, method=stats.PermutationMethod(n_resamples=np.inf))
    assert c.p_value == pytest.approx(exact.pvalue)
    assert c.verdict == "no_change"


def test_detectable_mean_difference_by_hand():
    # Both groups sd 2.5 → s_p = 2.5, df = 4; t(0.975, 4) = 2.776445, t(0.8, 4) = 0.940965;
    # 3.717410·2.5·√(1/3 + 1/3) = 7.588131 SUS points.
    c = compare_means([70, 72.5, 75], [72.5, 75, 70], "sus")
    assert (c.difference, c.verdict) == (0.0, "no_change")
    assert c.detectable_difference == pytest.approx(7.588131, abs=1e-6)


def test_exact_rank_sum_matches_scipy():
    assert exact_rank_sum_p([1, 2, 3, 4, 5], [2.5, 6, 7, 8, 9, 10]) == pytest.approx(
        stats.mannwhitneyu([1, 2, 3, 4, 5], [2.5, 6, 7, 8, 9, 10], method="exact").pvalue
    )
    tied_x, tied_y = [3, 4, 4, 5, 6, 7], [5, 5, 6, 6, 7, 7, 7]
    permutation = stats.PermutationMethod(n_resamples=np.inf)
    assert exact_rank_sum_p(tied_x, tied_y) == pytest.approx(
        stats.mannwhitneyu(tied_x, tied_y, method=permutation).pvalue
    )
    # Three 5s against three 3s: exactly 2/20 = 0.1 (scipy's default normal approximation says
    # 0.047, which would wrongly call a difference on six answers).
    assert exact_rank_sum_p([5, 5, 5], [3, 3, 3]) == pytest.approx(0.1)


def test_means_zero_variance_and_single_answers():
    same = compare_means([7] * 5, [7] * 5, "seq")
    assert (same.p_value, same.verdict, same.difference_low, same.difference_high) == (
        1.0,
        "no_change",
        0.0,
        0.0,
    )
    assert same.detectable_difference is None
    ceiling = compare_means([7] * 12, [5] * 12, "seq")  # zero spread → rank test, still defined
    assert ceiling.test.startswith("mann_whitney")
    assert ceiling.verdict == "better"
    single = compare_means([80.0], [60.0], "sus")
    assert (single.p_value, single.difference_low, single.verdict) == (1.0, None, "no_change")
    assert single.detectable_difference is None
    with pytest.raises(ValueError):
        compare_means([8], [5], "seq")
    with pytest.raises(ValueError):
        compare_means([80], [60], "nps")


# --------------------------------------------------------------------------- time and NPS


def test_times_welch_on_logs_and_ratio_of_geometric_means():
    now, before = [55, 65, 75, 62, 45, 135], [95, 120, 80, 150, 200]
    c = compare_times(now, before)
    logs_now, logs_before = np.log(now), np.log(before)
    welch = stats.ttest_ind(logs_now, logs_before, equal_var=False)
    assert c.test == "welch_t_log"
    assert c.effect == "ratio" and c.higher_is_better is False
    assert c.current == pytest.approx(68.241078, abs=1e-6)  # Sauro's worked example set
    assert c.difference == pytest.approx(math.exp(logs_now.mean() - logs_before.mean()))
    assert c.p_value == pytest.approx(welch.pvalue)
    interval = welch.confidence_interval(0.95)
    assert c.difference_low == pytest.approx(math.exp(interval.low))
    assert c.difference_high == pytest.approx(math.exp(interval.high))
    assert c.verdict == "better"  # faster, significantly
    assert compare_times(before, now).verdict == "worse"


def test_times_edges():
    single = compare_times([50.0], [70.0])
    assert single.test.startswith("mann_whitney") and single.verdict == "no_change"
    assert compare_times([], [70.0]).verdict == "insufficient_data"
    with pytest.raises(ValueError):
        compare_times([0.0], [70.0])


def test_nps_comparison_by_hand():
    # Now: 5 promoters, 3 detractors of 10 (NPS +20); before: 2 and 6 of 12 (NPS −33.3).
    # Adjusted: 0.153846 (var 0.054392) and (2.75 − 6.75)/15 = −0.266667 (var 0.042815);
    # se = √0.097207 = 0.311781; 0.420513 ± 1.959964·0.311781 → −17.36 to +101.46 points;
    # z = 1.348745, p = 0.165338; detectable 2.801585·0.311781 = 84.92 points.
    now = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9]
    before = [6, 7, 8, 5, 9, 4, 7, 8, 10, 3, 6, 2]
    c = compare_nps(now, before)
    assert c.difference == pytest.approx(20.0 + 100 / 3)
    assert c.difference_low == pytest.approx(-17.357, abs=1e-3)
    assert c.difference_high == pytest.approx(101.459, abs=1e-3)
    assert c.p_value == pytest.approx(0.165338, abs=1e-6)
    assert c.detectable_difference == pytest.approx(84.918, abs=1e-3)
    assert c.verdict == "no_change"


# --------------------------------------------------------------------------- all metrics


def test_compare_iterations_covers_what_was_measured():
    current = IterationMetrics("2025-W14", 18, 25, SUS_NOW, [6, 7, 5, 6, 7], [55, 65, 75])
    previous = IterationMetrics("2025-W13", 10, 25, SUS_BEFORE, [4, 5, 3, 6], [95, 120, 80])
    result = compare_iterations(current, previous)
    assert [c.metric for c in result] == ["completion", "sus", "seq", "time"]
    assert all(isinstance(c, Comparison) for c in result)
    assert result[0] == compare_completion(18, 25, 10, 25)


def test_compare_iterations_bad_and_empty_input_does_not_crash():
    assert compare_iterations(IterationMetrics(), IterationMetrics()) == []
    only_now = compare_iterations(IterationMetrics(sus=[80.0], nps=[10]), IterationMetrics())
    assert [(c.metric, c.verdict) for c in only_now] == [
        ("sus", "insufficient_data"),
        ("nps", "insufficient_data"),
    ]
    metrics = IterationMetrics(sus=[70.0, 80.0])
    assert metrics.sus == (70.0, 80.0) and hash(metrics)
    with pytest.raises(ValueError):
        IterationMetrics(successes=5, attempts=4)
    with pytest.raises(TypeError):
        compare_iterations({}, IterationMetrics())


# --------------------------------------------------------------------------- plain language

EXAMPLE = Comparison(
    metric="completion",
    current=0.80,
    previous=0.55,
    difference=0.25,
    difference_low=-0.02,
    difference_high=0.48,
    p_value=0.21,
    test="n_1_two_proportion",
    verdict="no_change",
    detectable_difference=0.45,
    n_current=10,
    n_previous=8,
    higher_is_better=True,
)


def test_plain_language_no_change_in_english_and_bulgarian():
    assert plain_language(EXAMPLE, "en") == (
        "Completion rose from 55% to 80% (+25 points, 95% CI −2 to +48; p = 0.21, N−1 "
        "two-proportion test); with 8 and 10 task attempts this is not a detectable change: "
        "only differences above ~45 points could be seen."
    )
    assert plain_language(EXAMPLE) == (
        "Делът на успешно изпълнените задачи се повиши от 55% на 80% (+25 процентни пункта, "
        "95% доверителен интервал от −2 до +48; p = 0,21, тест N−1 за две пропорции); при 8 и 10 "
        "опита това не е откриваема промяна: биха се забелязали само разлики над "
        "~45 процентни пункта."
    )


def test_plain_language_significant_time_change():
    c = compare_times([55, 65, 75, 62, 45, 135], [95, 120, 80, 150, 200])
    assert plain_language(c, "en") == (
        "Time on task fell from 122 s to 68 s (ratio of geometric means ×0.56, 95% CI ×0.34 to "
        "×0.93; p = 0.029, Welch's t-test on log times): a statistically significant improvement."
    )
    assert plain_language(c, "bg") == (
        "Времето за изпълнение на задачата намаля от 122 сек. на 68 сек. (съотношение на "
        "геометричните средни ×0,56, 95% доверителен интервал от ×0,34 до ×0,93; p = 0,029, "
        "t-тест на Уелч върху логаритмите на времената): статистически значимо подобрение."
    )


def test_plain_language_worse_insufficient_and_unchanged():
    worse = compare_means(SUS_BEFORE, SUS_NOW, "sus")
    assert plain_language(worse, "en").startswith("The SUS score fell from 78.8 to 61.1 (−17.6")
    assert plain_language(worse, "en").endswith("a statistically significant deterioration.")
    assert plain_language(worse, "bg").startswith("Оценката по SUS спадна от 78,8 на 61,1 (−17,6")
    assert plain_language(worse, "bg").endswith("статистически значимо влошаване.")
    missing = compare_completion(3, 3, 0, 0)
    assert plain_language(missing, "en") == (
        "Completion: not enough data to compare (0 and 3 task attempts)."
    )
    assert plain_language(missing, "bg") == (
        "Делът на успешно изпълнените задачи: няма достатъчно данни за сравнение (0 и 3 опита)."
    )
    flat = compare_means([7] * 5, [7] * 5, "seq")
    assert plain_language(flat, "bg") == (
        "Оценката по SEQ (лекота на задачата) остана 7,0 (0,0 точки, 95% доверителен интервал "
        "от 0,0 до 0,0; p = 1,00, точен U-тест на Ман–Уитни); при 5 и 5 анкетирани това не е "
        "откриваема промяна."
    )
    with pytest.raises(ValueError):
        plain_language(EXAMPLE, "de")


def test_plain_language_for_a_computed_weekly_comparison():
    c = compare_completion(8, 10, 5, 10)
    assert plain_language(c, "en") == (
        "Completion rose from 50% to 80% (+30 points, 95% CI −12 to +63; p = 0.35, Fisher's exact "
        "test); with 10 and 10 task attempts this is not a detectable change: only differences "
        "above ~61 points could be seen."
    )
    # Log times: sums of squares 0.082477 and 0.067801 → s_p = √(0.150278/4) = 0.193830;
    # (2.776445 + 0.940965)·0.193830·√(2/3) = 0.588320 → factor exp(0.588320) = 1.80.
    times = compare_times([40, 50, 60], [45, 55, 65])
    assert times.detectable_difference == pytest.approx(1.8010, abs=1e-4)
    assert plain_language(times, "bg").endswith(
        "биха се забелязали само промени над ~1,8 пъти в едната или другата посока."
    )
