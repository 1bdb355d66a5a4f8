"""One honest sentence, in Bulgarian or English, for a :class:`prototypes.comparison.Comparison`.

The sentence gives both values, the change with its interval, the p-value and the test, and then
the verdict. When no change is detected it says how many attempts or respondents there were and the
smallest difference such a sample could have seen (80% power), so "no change" is never read as
"proved equal". Bulgarian uses a decimal comma and aorist verbs ("се повиши", "спадна"), which
agree with a subject of any gender. The texts live in :data:`TEXTS`; no gettext is needed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the dataclass lives in prototypes.comparison, which imports this module
    from prototypes.comparison import Comparison

__all__ = ["TEXTS", "plain_language"]

TEXTS: dict[str, dict[str, object]] = {
    "en": {
        "metric": {
            "completion": "Completion",
            "sus": "The SUS score",
            "seq": "The SEQ score (task ease)",
            "time": "Time on task",
            "nps": "NPS",
        },
        "up": "rose",
        "down": "fell",
        "up_time": "rose",
        "down_time": "fell",
        "changed": "{metric} {verb} from {previous} to {current}",
        "same": "{metric} stayed at {current}",
        "difference": "{difference} {unit}, {level}% CI {low} to {high}",
        "difference_no_ci": "{difference} {unit}",
        "ratio": "ratio of geometric means ×{ratio}, {level}% CI ×{low} to ×{high}",
        "ratio_no_ci": "ratio of geometric means ×{ratio}",
        "p": "p = {p}, {test}",
        "p_below": "p < 0.001, {test}",
        "better": "a statistically significant improvement",
        "worse": "a statistically significant deterioration",
        "no_change": "with {n_previous} and {n_current} {people} this is not a detectable change",
        "detectable": "only differences above ~{value} {unit} could be seen",
        "detectable_time": "only changes by more than a factor of ~{value} could be seen",
        "insufficient": (
            "{metric}: not enough data to compare ({n_previous} and {n_current} {people})."
        ),
        "unit": {"completion": ("point", "points"), "score": ("point", "points")},
        "people": {
            "participants": "participants",
            "respondents": "respondents",
            "attempts": "task attempts",
        },
        "seconds": "{value} s",
        "test": {
            "fisher_exact": "Fisher's exact test",
            "n_1_two_proportion": "N−1 two-proportion test",
            "welch_t": "Welch's t-test",
            "welch_t_log": "Welch's t-test on log times",
            "mann_whitney_u_exact": "exact Mann–Whitney U test",
            "mann_whitney_u": "Mann–Whitney U test",
            "nps_adjusted_wald_z": "z-test on the adjusted-Wald NPS",
        },
    },
    "bg": {
        "metric": {
            "completion": "Делът на успешно изпълнените задачи",
            "sus": "Оценката по SUS",
            "seq": "Оценката по SEQ (лекота на задачата)",
            "time": "Времето за изпълнение на задачата",
            "nps": "NPS",
        },
        "up": "се повиши",
        "down": "спадна",
        "up_time": "се увеличи",
        "down_time": "намаля",
        "changed": "{metric} {verb} от {previous} на {current}",
        "same": "{metric} остана {current}",
        "difference": "{difference} {unit}, {level}% доверителен интервал от {low} до {high}",
        "difference_no_ci": "{difference} {unit}",
        "ratio": (
            "съотношение на геометричните средни ×{ratio}, "
            "{level}% доверителен интервал от ×{low} до ×{high}"
        ),
        "ratio_no_ci": "съотношение на геометричните средни ×{ratio}",
        "p": "p = {p}, {test}",
        "p_below": "p < 0,001, {test}",
        "better": "статистически значимо подобрение",
        "worse": "статистически значимо влошаване",
        "no_change": "при {n_previous} и {n_current} {people} това не е откриваема промяна",
        "detectable": "биха се забелязали само разлики над ~{value} {unit}",
        "detectable_time": (
            "биха се забелязали само промени над ~{value} пъти в едната или другата посока"
        ),
        "insufficient": (
            "{metric}: няма достатъчно данни за сравнение ({n_previous} и {n_current} {people})."
        ),
        "unit": {
            "completion": ("процентен пункт", "процентни пункта"),
            "score": ("точка", "точки"),
        },
        "people": {"participants": "участници", "respondents": "анкетирани", "attempts": "опита"},
        "seconds": "{value} сек.",
        "test": {
            "fisher_exact": "точен тест на Фишър",
            "n_1_two_proportion": "тест N−1 за две пропорции",
            "welch_t": "t-тест на Уелч",
            "welch_t_log": "t-тест на Уелч върху логаритмите на времената",
            "mann_whitney_u_exact": "точен U-тест на Ман–Уитни",
            "mann_whitney_u": "U-тест на Ман–Уитни",
            "nps_adjusted_wald_z": "z-тест върху NPS с корекция на Уалд",
        },
    },
}

_MINUS = "\u2212"
_DECIMALS = {"completion": 0, "sus": 1, "seq": 1, "nps": 0}


def _fmt(value: float, decimals: int, lang: str, *, signed: bool = False) -> str:
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0.0:
        sign = ""
    elif value < 0:
        sign = _MINUS
    else:
        sign = "+" if signed else ""
    text = sign + text
    return text.replace(".", ",") if lang == "bg" else text


def _value(metric: str, value: float, lang: str, texts: dict) -> str:
    if metric == "completion":
        return _fmt(100.0 * value, 0, lang) + "%"
    if metric == "time":
        return texts["seconds"].format(value=_fmt(value, 0 if value >= 10 else 1, lang))
    return _fmt(value, _DECIMALS[metric], lang)


def _scaled(metric: str, value: float) -> float:
    """Differences in display units: percentage points for completion, points otherwise."""
    return 100.0 * value if metric == "completion" else value


def _unit(metric: str, amount: float, texts: dict) -> str:
    singular, plural = texts["unit"]["completion" if metric == "completion" else "score"]
    return singular if abs(amount) == 1 else plural


def _p_text(p_value: float, test: str, lang: str, texts: dict) -> str:
    label = texts["test"].get(test, test)
    if p_value < 0.001:
        return texts["p_below"].format(test=label)
    return texts["p"].format(p=_fmt(p_value, 3 if p_value < 0.1 else 2, lang), test=label)


def plain_language(comparison: Comparison, lang: str = "bg") -> str:
    """One sentence stating the change, its interval, the test and the verdict, in ``lang``.

    ``lang`` is ``"bg"`` (default) or ``"en"``. For ``compare_completion(8, 10, 5, 10)``, in
    English: "Completion rose from 50% to 80% (+30 points, 95% CI −12 to +63; p = 0.35, Fisher's
    exact test); with 10 and 10 task attempts this is not a detectable change: only differences
    above ~61 points could be seen."
    """
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {sorted(TEXTS)}, got {lang!r}")
    if not hasattr(comparison, "verdict") or not hasattr(comparison, "metric"):
        raise TypeError(f"plain_language takes a Comparison, got {comparison!r}")
    texts: dict = TEXTS[lang]
    c = comparison
    metric_name = texts["metric"].get(c.metric, c.metric)
    people_kind = "attempts" if c.metric in ("completion", "time") else "respondents"
    people = texts["people"][people_kind]
    counts = {"n_previous": c.n_previous, "n_current": c.n_current, "people": people}
    if c.verdict == "insufficient_data" or c.current is None or c.previous is None:
        return texts["insufficient"].format(metric=metric_name, **counts)

    current = _value(c.metric, c.current, lang, texts)
    previous = _value(c.metric, c.previous, lang, texts)
    level = _fmt(100.0 * (1.0 - c.alpha), 0, lang)
    if current == previous:
        head = texts["same"].format(metric=metric_name, current=current)
    else:
        rising = c.current > c.previous
        verb = texts[("up" if rising else "down") + ("_time" if c.metric == "time" else "")]
        head = texts["changed"].format(
            metric=metric_name, verb=verb, previous=previous, current=current
        )

    if c.effect == "ratio":
        ratio = _fmt(c.difference, 2, lang)
        if c.difference_low is None or c.difference_high is None:
            change = texts["ratio_no_ci"].format(ratio=ratio)
        else:
            change = texts["ratio"].format(
                ratio=ratio,
                level=level,
                low=_fmt(c.difference_low, 2, lang),
                high=_fmt(c.difference_high, 2, lang),
            )
    else:
        decimals = _DECIMALS[c.metric]
        diff = _scaled(c.metric, c.difference)
        shown = _fmt(diff, decimals, lang, signed=True)
        unit = _unit(c.metric, round(diff, decimals), texts)
        if c.difference_low is None or c.difference_high is None:
            change = texts["difference_no_ci"].format(difference=shown, unit=unit)
        else:
            change = texts["difference"].format(
                difference=shown,
                unit=unit,
                level=level,
                low=_fmt(_scaled(c.metric, c.difference_low), decimals, lang, signed=True),
                high=_fmt(_scaled(c.metric, c.difference_high), decimals, lang, signed=True),
            )
    if c.p_value is not None:
        change += "; " + _p_text(c.p_value, c.test, lang, texts)

    if c.verdict in ("better", "worse"):
        return f"{head} ({change}): {texts[c.verdict]}."
    tail = texts["no_change"].format(**counts)
    if c.detectable_difference is not None:
        if c.effect == "ratio":
            factor = _fmt(c.detectable_difference, 1, lang)
            tail += ": " + texts["detectable_time"].format(value=factor)
        else:
            amount = _scaled(c.metric, c.detectable_difference)
            decimals = _DECIMALS[c.metric] if c.metric != "sus" else 0
            tail += ": " + texts["detectable"].format(
                value=_fmt(amount, decimals, lang),
                unit=_unit(c.metric, round(amount, decimals), texts),
            )
    return f"{head} ({change}); {tail}."
