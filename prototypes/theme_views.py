"""What the themes page shows, from the iteration's feedback and its theme board: pure functions.

- `Filters` and `board_view`: the themes as cards (biggest first) with the feedback that passes
  the filters (source, language, sentiment, journey step, a search in the text or the theme's
  name), each card with quotes, its share of negative feedback and its movement since last week.
- `step_counts`: pieces of interview feedback per theme and journey step, for the heatmap.
- `export_table`: the themes with their feedback as rows of a spreadsheet (`surveys.exports`
  writes it, neutralising formula-like cells).

Quotes are chosen among feedback that may be quoted (`FeedbackItem.quotable`): placed by a
researcher first, then closest to the theme's centre; the export leaves out the text of an
observation whose participant did not consent to quotes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from i18n import N_, translate
from prototypes.repository_feedback import FeedbackItem
from prototypes.repository_theme_board import ThemeBoard, ThemeInfo
from prototypes.review_parts import MOVEMENT_NAMES, ThemeMove
from surveys.exports import ExportTable

QUOTES = 3
QUOTE_CHARS = 300
SOURCE_NAMES = {"answer": N_("questionnaire"), "observation": N_("interview")}
SENTIMENT_NAMES = {
    "negative": N_("negative"),
    "neutral": N_("neutral"),
    "positive": N_("positive"),
}
STANCE_NAMES = {"positive": N_("praise"), "concern": N_("problem or request"), "": ""}
NO_CONSENT = N_("(observation: no consent to quote)")


@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    step_key: str | None = None
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.sources or self.languages or self.sentiments or self.step_key or self.search
        )

    def admits(self, item: FeedbackItem) -> bool:
        return (
            (not self.sources or item.source in self.sources)
            and (not self.languages or item.language in self.languages)
            and (not self.sentiments or item.sentiment in self.sentiments)
            and (self.step_key is None or item.step_key == self.step_key)
        )


@dataclass(frozen=True)
class ThemeCard:
    theme: ThemeInfo
    #: the theme's feedback that passes the filters, quotes' order
    items: tuple[FeedbackItem, ...]
    #: all the theme's feedback this iteration
    total: int
    quotes: tuple[str, ...]
    negative_share: float | None
    languages: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    move: ThemeMove | None = None


@dataclass(frozen=True)
class BoardView:
    cards: tuple[ThemeCard, ...]
    #: feedback in no theme (no content word, or new since the last analysis), filtered
    unplaced: tuple[FeedbackItem, ...]
    #: pieces of feedback shown / in the iteration
    shown: int
    total: int
    #: themes of last week with no feedback this week
    gone: tuple[ThemeMove, ...] = ()


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _ordered(items: Sequence[FeedbackItem], board: ThemeBoard) -> list[FeedbackItem]:
    def rank(item: FeedbackItem) -> tuple:
        placed = board.placements[item.key]
        return (not placed.manual, -(placed.similarity or 0.0), item.source, item.source_id)

    return sorted(items, key=rank)


def _matches(text: str, needle: str) -> bool:
    return needle in text.casefold()


def board_view(
    items: Sequence[FeedbackItem], board: ThemeBoard, filters: Filters = Filters()
) -> BoardView:
    """Cards of the iteration's themes, biggest first, with the feedback the filters let through.

    A search matches the feedback's text, or a theme's name or terms (then all its feedback that
    passes the other filters is shown).
    """
    needle = filters.search.strip().casefold()
    by_theme: dict[int, list[FeedbackItem]] = {}
    unplaced: list[FeedbackItem] = []
    for item in items:
        placed = board.placements.get(item.key)
        if placed is None or placed.theme_id not in board.themes:
            unplaced.append(item)
        else:
            by_theme.setdefault(placed.theme_id, []).append(item)
    cards = []
    for theme_id, members in by_theme.items():
        theme = board.themes[theme_id]
        named = bool(needle) and (
            _matches(theme.label, needle) or any(needle in t.casefold() for t in theme.terms)
        )
        shown = [
            i
            for i in members
            if filters.admits(i) and (not needle or named or _matches(i.text, needle))
        ]
        if filters.active and not shown:
            continue
        ordered = _ordered(shown, board)
        quotes = tuple(dict.fromkeys(quote(i.text) for i in ordered if i.quotable))[:QUOTES]
        negative = sum(1 for i in shown if i.sentiment == "negative")
        cards.append(
            ThemeCard(
                theme,
                tuple(ordered),
                len(members),
                quotes,
                negative / len(shown) if shown else None,
                dict(Counter(i.language for i in shown)),
                dict(Counter(i.source for i in shown)),
                board.moves.get(theme.key),
            )
        )
    cards.sort(key=lambda c: (-len(c.items), -c.total, c.theme.label, c.theme.id))
    loose = [i for i in unplaced if filters.admits(i) and (not needle or _matches(i.text, needle))]
    gone = tuple(m for m in board.moves.values() if m.status == "gone")
    shown_count = sum(len(c.items) for c in cards) + len(loose)
    return BoardView(tuple(cards), tuple(loose), shown_count, len(items), gone)


def step_counts(cards: Sequence[ThemeCard]) -> dict[tuple[int, str], int]:
    """(theme id, journey step key) → pieces of interview feedback at that step."""
    counts: Counter[tuple[int, str]] = Counter()
    for card in cards:
        for item in card.items:
            if item.step_key:
                counts[(card.theme.id, item.step_key)] += 1
    return dict(counts)


def export_table(
    view: BoardView, lang: str, step_names: Mapping[str, str] | None = None
) -> ExportTable:
    """One row a piece of feedback, with its theme; the unplaced last. Headers in `lang`."""
    names = step_names or {}

    def t(message: str) -> str:
        return translate(message, lang)

    headers = (
        t(N_("Theme")),
        t(N_("Theme key")),
        t(N_("Kind of theme")),
        t(N_("Movement")),
        t(N_("Pieces of feedback in the theme")),
        t(N_("Source")),
        t(N_("Question")),
        t(N_("Journey step")),
        t(N_("Language")),
        t(N_("Sentiment")),
        t(N_("Polarity")),
        t(N_("Text")),
    )

    def row(card: ThemeCard | None, item: FeedbackItem) -> tuple:
        text = item.text if item.quotable else t(NO_CONSENT)
        move = card.move if card else None
        return (
            card.theme.label if card else t(N_("(in no theme)")),
            card.theme.key if card else "",
            t(STANCE_NAMES.get(card.theme.stance, "")) if card and card.theme.stance else "",
            t(MOVEMENT_NAMES[move.status]) if move else "",
            card.total if card else None,
            t(SOURCE_NAMES[item.source]),
            item.question,
            names.get(item.step_key or "", item.step_key or ""),
            item.language,
            t(SENTIMENT_NAMES.get(item.sentiment, item.sentiment)),
            round(item.polarity, 3),
            text,
        )

    rows = [row(card, item) for card in view.cards for item in card.items]
    rows += [row(None, item) for item in view.unplaced]
    return ExportTable(headers, tuple(rows))
