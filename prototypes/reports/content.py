"""Everything one report shows, read once through a session, and the formatting both formats share.

`gather` reads the prototype's review (the same `load_bundle` and `build_scorecard` the page uses),
its decisions and a few consented quotes per theme. Reports never carry participant codes or
contact details; open answers were redacted when they arrived, and observations are quoted only
when the participant's consent allows quotes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from i18n import N_, UserError, translate
from prototypes.comparison import Comparison
from prototypes.repository import (
    IterationInfo,
    PrototypeInfo,
    iterations,
    prototype_by_slug,
    prototypes,
)
from prototypes.repository_decisions import DecisionInfo, decisions_of_prototype
from prototypes.repository_metrics import theme_counts, theme_quotes
from prototypes.review import Scorecard, WeeklyReview, build_scorecard, load_bundle

MINUS = "\u2212"
NO_THEMES = N_("No themes yet for this prototype.")
NO_THEME_FEEDBACK = N_("No theme has feedback in this iteration or the previous one.")


@dataclass(frozen=True)
class ReportContent:
    lang: str
    prototype: PrototypeInfo
    iteration: IterationInfo
    review: WeeklyReview
    card: Scorecard
    #: every decision of the prototype, oldest iteration first
    decisions: tuple[DecisionInfo, ...]
    #: theme key → a few quotes from this iteration
    quotes: dict[str, list[str]]
    generated: dt.date

    def t(self, message: str, **params: object) -> str:
        return translate(message, self.lang, **params)

    def iteration_label(self, it: IterationInfo) -> str:
        return self.t(N_("Iteration {number} · week {week}"), number=it.number, week=it.week_label)

    @property
    def iterations(self) -> dict[int, IterationInfo]:
        return {s.iteration.id: s.iteration for s in self.review.summaries}

    @property
    def decisions_now(self) -> list[DecisionInfo]:
        return [d for d in self.decisions if d.iteration_id == self.iteration.id]


def resolve(session, slug: str, number: int | None) -> tuple[PrototypeInfo, IterationInfo]:
    """The prototype called `slug` and its iteration `number` (the latest when None)."""
    prototype = prototype_by_slug(session, slug)
    if prototype is None:
        known = ", ".join(p.slug for p in prototypes(session)) or "—"
        raise UserError(N_("No prototype called '{slug}'. Known: {known}."), slug=slug, known=known)
    its = iterations(session, prototype.id)
    if not its:
        raise UserError(N_("This prototype has no iteration yet."))
    if number is None:
        return prototype, its[-1]
    chosen = next((it for it in its if it.number == number), None)
    if chosen is None:
        raise UserError(
            N_("Prototype '{slug}' has no iteration {number}."), slug=slug, number=number
        )
    return prototype, chosen


def gather(session, prototype: PrototypeInfo, iteration: IterationInfo, lang: str) -> ReportContent:
    bundle = load_bundle(session, prototype.id, iteration.id)
    card = build_scorecard(bundle, iteration.id, theme_counts(session, prototype.id))
    return ReportContent(
        lang=lang,
        prototype=prototype,
        iteration=iteration,
        review=bundle.review,
        card=card,
        decisions=tuple(decisions_of_prototype(session, prototype.id)),
        quotes=theme_quotes(session, prototype.id, iteration.id),
        generated=dt.date.today(),
    )


# --------------------------------------------------------------------------- formatting


def number(value: float | None, digits: int, lang: str, *, signed: bool = False) -> str:
    """A number with the language's decimal mark and a real minus sign; "—" for none."""
    if value is None:
        return "—"
    text = f"{abs(value):.{digits}f}"
    sign = MINUS if value < 0 and float(text) != 0 else ("+" if signed and float(text) else "")
    text = sign + text
    return text.replace(".", ",") if lang == "bg" else text


def percent(p: float | None, lang: str) -> str:
    return "—" if p is None else number(100 * p, 0, lang) + "%"


def interval(low: float | None, high: float | None, digits: int, lang: str, scale=1.0) -> str:
    if low is None or high is None:
        return "—"
    return f"{number(low * scale, digits, lang)}–{number(high * scale, digits, lang)}"


VERDICTS = {
    "better": N_("better"),
    "worse": N_("worse"),
    "no_change": N_("no detectable change"),
    "insufficient_data": N_("not enough data"),
}


def verdict(comparison: Comparison | None, lang: str) -> str:
    if comparison is None:
        return "—"
    return translate(VERDICTS[comparison.verdict], lang)
