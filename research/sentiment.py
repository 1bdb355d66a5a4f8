"""Sentiment of open answers in Bulgarian and English, offline: `score`, `score_many`.

`score(text)` returns a named tuple `Sentiment(polarity, label, language)`:

- **polarity** in [-1, 1];
- **label**: "negative" if polarity <= -0.05, "positive" if polarity >= 0.05, else "neutral"
  (`NEUTRAL_BELOW`, VADER's own convention for its compound score);
- **language**: "bg", "en" or "other", detected by `research.language` unless given.

Bulgarian: a lexicon scorer written for public e-services (`research.sentiment_bg`, lexicon and
provenance in `research/lexicons/`). English: VADER (PyPI `vaderSentiment`, MIT; lexicon and rules
ship in the wheel) with a small domain supplement (`research/lexicons/en_domain.tsv`) and a rule for
negated "works"/"loads"/"opens", blended with TextBlob's PatternAnalyzer polarity:
``polarity = W_VADER · vader + (1 − W_VADER) · textblob``. W_VADER = 0.6 was chosen on the VADER
Amazon review snippets (the grid 0, 0.05, …, 1 peaks at 0.55–0.6 there) and is *evaluated* on the
VADER tweets (benchmarks/sentiment_benchmark.py). Caveat: VADER's authors also published the tweets
set, and VADER reached r ≈ 0.88 on it in their paper; Opit adds little there (0.872 → 0.875), more
on the other three sets. Other languages: emoji and emoticons only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from research import sentiment_bg
from research.language import detect_language, detect_languages

NEUTRAL_BELOW = 0.05
W_VADER = 0.6
EN_DOMAIN_PATH = Path(__file__).resolve().parent / "lexicons" / "en_domain.tsv"
LABELS = ("negative", "neutral", "positive")


class Sentiment(NamedTuple):
    """Polarity in [-1, 1], its label and the language the text was scored as."""

    polarity: float
    label: str
    language: str


def label_of(polarity: float) -> str:
    """ "negative", "neutral" or "positive" for a polarity (neutral when |p| < NEUTRAL_BELOW)."""
    if polarity >= NEUTRAL_BELOW:
        return "positive"
    if polarity <= -NEUTRAL_BELOW:
        return "negative"
    return "neutral"


# --- English -------------------------------------------------------------------------------------

# A failure reported with a negated "it works" verb, which VADER's lexicon does not score.
_EN_NEGATED_FUNCTION = re.compile(
    r"\b(?:not|never|no longer|cannot|can't|cant|won't|wont|didn't|didnt|doesn't|doesnt|don't|"
    r"dont|isn't|isnt|wasn't|wasnt|couldn't|couldnt|unable to)\s+(?:\w+\s+)?"
    r"(?:work|works|working|worked|load|loads|loading|loaded|open|opens|opening|accept|accepts|"
    r"accepted|submit|submitted|upload|uploaded|log ?in|sign ?in|pay|find|found|receive|received|"
    r"get through|respond|responding|responds|answer|answered)\b",
    re.IGNORECASE,
)
_EN_NEGATED_FUNCTION_WEIGHT = -1.5  # on VADER's ±4 scale
_VADER_ALPHA = 15.0


@lru_cache(maxsize=1)
def _vader():  # -> vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as error:  # translate once, with the fix
        raise RuntimeError(
            "English sentiment needs the vaderSentiment package (MIT, lexicon inside the wheel): "
            "run `.venv/bin/pip install vaderSentiment`"
        ) from error

    analyzer = SentimentIntensityAnalyzer()
    for number, line in enumerate(EN_DOMAIN_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{EN_DOMAIN_PATH.name}:{number}: expected term<TAB>weight")
        analyzer.lexicon[parts[0].strip().lower()] = float(parts[1])
    return analyzer


@lru_cache(maxsize=1)
def _textblob_sentiment():  # -> textblob.en.sentiment: text -> (polarity, subjectivity)
    # What TextBlob's PatternAnalyzer.analyze calls. Called directly, because analyze() builds a
    # new namedtuple class on every call: a quarter of the English scoring time.
    from textblob.en import sentiment

    return sentiment


def vader_polarity(text: str) -> float:
    """VADER's compound score with Opit's domain supplement and negated-function rule."""
    compound = _vader().polarity_scores(text)["compound"]
    hits = len(_EN_NEGATED_FUNCTION.findall(text))
    if not hits:
        return compound
    # Back to VADER's raw sum, add the rule, normalise again.
    c = max(-0.9999, min(0.9999, compound))
    raw = c * math.sqrt(_VADER_ALPHA / (1.0 - c * c))
    raw += hits * _EN_NEGATED_FUNCTION_WEIGHT
    return raw / math.sqrt(raw * raw + _VADER_ALPHA)


# TextBlob scores a text only through a token in its lexicon, an emoticon or "(!)". Most answers
# have none (60% of the English ones in the 10k benchmark) and skip its tokenizer, its slow part.
# Its tokens are runs of these characters when they are lexicon words ("n't" is split off first),
# and `textblob_may_score` is exact on every test text (tests/test_sentiment_textblob_cues.py).
_TEXTBLOB_RUN = re.compile(r"[a-z0-9*-]+")


@lru_cache(maxsize=1)
def _textblob_cues() -> tuple[frozenset[str], re.Pattern[str]]:
    """(TextBlob's one-word lexicon entries, a pattern finding any of its emoticons)."""
    from textblob._text import EMOTICONS

    words = frozenset(w for w in _textblob_sentiment() if " " not in w)  # lazy: loads it
    # TextBlob joins an emoticon's characters across spaces ("= D"), and "( ! )" into "(!)".
    faces = {e.lower() for group in EMOTICONS.values() for e in group} | {"(!)"}
    spaced = (r"\s*".join(map(re.escape, face)) for face in sorted(faces))
    return words, re.compile("|".join(spaced))


def textblob_may_score(text: str) -> bool:
    """False when TextBlob's polarity of `text` is certainly 0: no lexicon word, emoticon, "(!)"."""
    lowered = text.replace("n't", " n't").lower()
    words, faces = _textblob_cues()
    if faces.search(lowered):
        return True
    return any(run.strip("*-") in words for run in _TEXTBLOB_RUN.findall(lowered))


def textblob_polarity(text: str) -> float:
    """TextBlob's PatternAnalyzer polarity (works offline: its lexicon ships with TextBlob)."""
    if not textblob_may_score(text):
        return 0.0
    return float(_textblob_sentiment()(text)[0])


def english_polarity(text: str) -> float:
    """Opit's English polarity: W_VADER · VADER(+domain) + (1 − W_VADER) · TextBlob."""
    value = W_VADER * vader_polarity(text) + (1.0 - W_VADER) * textblob_polarity(text)
    return max(-1.0, min(1.0, value))


# --- any language ---------------------------------------------------------------------------------

_EMOTICON = re.compile(r"(?<!\w)(?::-?\)|:-?d\b|=\)|;-?\)|<3|:-?\(|:'\(|:-?/(?!/)|x\()", re.I)


def other_polarity(text: str) -> float:
    """Polarity from emoji and emoticons only (texts in languages Opit does not analyse)."""
    total = sentiment_bg.emoji_sum(text)
    total += sum(sentiment_bg.EMOTICONS.get(m.lower(), 0.0) for m in _EMOTICON.findall(text))
    return sentiment_bg.normalize_score(total)


_SCORERS = {
    "bg": sentiment_bg.polarity,
    "en": english_polarity,
}


def _score_known(text: str, lang: str) -> Sentiment:
    polarity = _SCORERS.get(lang, other_polarity)(text)
    polarity = round(polarity, 4)
    return Sentiment(polarity, label_of(polarity), lang if lang in ("bg", "en") else "other")


def score(text: str, lang: str | None = None) -> Sentiment:
    """Sentiment of one text; `lang` ("bg", "en", other) is detected when None.

    >>> score("Не е лесно").label
    'negative'
    """
    if not isinstance(text, str):
        raise TypeError(f"score expects str, not {type(text).__name__}")
    return _score_known(text, detect_language(text) if lang is None else lang)


def score_many(texts: Sequence[str], langs: Sequence[str] | None = None) -> list[Sentiment]:
    """Sentiment of many texts (languages detected in bulk when None); each distinct text once."""
    if langs is None:
        langs = detect_languages(texts)
    elif len(langs) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
    done: dict[tuple[str, str], Sentiment] = {}
    out: list[Sentiment] = []
    for text, lang in zip(texts, langs, strict=True):
        key = (text, lang)
        result = done.get(key)
        if result is None:
            if not isinstance(text, str):
                raise TypeError(f"score_many expects str items, not {type(text).__name__}")
            result = done[key] = _score_known(text, lang)
        out.append(result)
    return out
