"""Language of an open answer: "bg", "en" or "other".

Answers to a Sofia questionnaire are mostly Bulgarian, some English, and often very short ("ok",
"добре", "Не работи"). General-purpose detectors guess badly on such texts (STACK-NOTES: Macedonian,
Russian, Turkish), so the decision is made in three cheap steps:

1. **Script.** Letters are counted by script. No letters at all (empty, digits, emoji-only,
   punctuation) or mostly letters of another script (Greek, Arabic, CJK, ...) → "other". Otherwise
   the dominant of Cyrillic and Latin decides the branch (ties go to Cyrillic: the audience writes
   Bulgarian).
2. **Cyrillic → "bg"**, unless the text contains letters or spellings that Bulgarian does not use:
   ы э ё, word-final ь or ь not before о (Russian/Belarusian), і ї є ґ ў (Ukrainian/Belarusian),
   ј љ њ ћ ђ ѓ ќ џ ѕ (Serbian/Macedonian). Only then lingua, restricted to the Cyrillic languages of
   the region, decides between Bulgarian and the others; anything but Bulgarian → "other".
   Consequence, by design: Russian or Macedonian written without such letters ("Спасибо большое",
   "Здраво, како си") is counted as Bulgarian. For a Sofia audience a false "other" loses a real
   Bulgarian answer, while a rare Russian answer analysed as Bulgarian costs little.
3. **Latin → "en"**, unless lingua, restricted to English and nine common European languages, is
   confident it is another language (top ≥ 0.40 and English ≤ 0.10), as for "Das Formular
   funktioniert nicht" or "merci beaucoup". Texts made only of very common short English answers
   ("ok", "fine", "nice") or holding a word only English uses ("the", "is", "not", "very") skip
   lingua, which is the slow part (~0.1–0.3 ms a text). Bulgarian written in Latin letters
   ("mnogo dobre") usually lands in "other": neither the Bulgarian nor the English lemmatiser would
   handle it.

Why not lingua restricted to Bulgarian and English alone (STACK-NOTES)? It is right on short answers
but can only answer "bg" or "en": for it any Cyrillic is Bulgarian and any Latin is English, which
the script already says. The wider per-script candidate lists above let "other" exist.

Lingua detectors are built lazily, once per process, and shared (they are thread-safe). Bulk
detection deduplicates texts and only the rare ambiguous ones reach lingua, so 100,000 short answers
take a fraction of a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

LanguageCode = Literal["bg", "en", "other"]
LANGUAGES: tuple[str, ...] = ("bg", "en", "other")

# Runs rather than single characters: fewer matches, about three times faster.
_CYRILLIC = re.compile(r"[\u0400-\u052f]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_NOT_BULGARIAN_CYRILLIC = re.compile(r"[ыэёіїєґўјљњћђѓќџѕ]|ь(?!о)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[a-z]+)?")

# Short English answers that lingua, given ten Latin-script languages, would attribute elsewhere.
_COMMON_ENGLISH = frozenset(
    {
        *("ok", "okay", "k", "yes", "yeah", "yep", "no", "nope", "fine", "good", "bad", "nice"),
        *("great", "super", "cool", "perfect", "thanks", "thank", "thx", "lol", "wow", "awesome"),
        *("easy", "hard", "slow", "fast", "bug", "error", "sorry", "please", "help", "none"),
        *("nothing", "na"),
    }
)

# Words only English uses among the ten Latin-script candidates: one of them in a Latin-script text
# settles it as English without asking lingua ("was", "in", "an", "also", "die" are German too).
_ENGLISH_MARKERS = frozenset(
    {
        *("the", "is", "it", "it's", "and", "to", "of", "you", "not", "this", "that", "with"),
        *("for", "my", "i", "i'm", "me", "be", "are", "have", "has", "had", "did", "does", "do"),
        *("can't", "don't", "doesn't", "didn't", "won't", "isn't", "wasn't", "cannot", "very"),
        *("every", "too", "but", "there", "they", "we", "when", "what", "how", "would", "could"),
        *("should", "will", "just", "page", "form", "works", "work", "working", "again", "after"),
        *("before", "because", "your", "our", "were", "been", "get", "got", "which", "all", "at"),
    }
)
_LATIN_CONFIDENT = 0.40
_ENGLISH_AT_MOST = 0.10


@lru_cache(maxsize=1)
def _latin_detector():  # -> lingua.LanguageDetector
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH,
        Language.GERMAN,
        Language.FRENCH,
        Language.SPANISH,
        Language.ITALIAN,
        Language.PORTUGUESE,
        Language.DUTCH,
        Language.TURKISH,
        Language.ROMANIAN,
        Language.POLISH,
    ).build()


@lru_cache(maxsize=1)
def _cyrillic_detector():  # -> lingua.LanguageDetector
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.BULGARIAN,
        Language.RUSSIAN,
        Language.UKRAINIAN,
        Language.BELARUSIAN,
        Language.SERBIAN,
        Language.MACEDONIAN,
    ).build()


def _script_decision(text: str) -> str:
    """ "bg", "en", "other", or "?cyr" / "?lat" when lingua has to look at the text."""
    letters = sum(map(len, _WORD.findall(text)))
    if letters == 0:
        return "other"
    cyr = sum(map(len, _CYRILLIC.findall(text)))
    lat = sum(map(len, _LATIN.findall(text)))
    if cyr + lat == 0 or letters - cyr - lat > cyr + lat:
        return "other"
    if cyr >= lat:
        return "?cyr" if _NOT_BULGARIAN_CYRILLIC.search(text) else "bg"
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    if all(w in _COMMON_ENGLISH for w in words) or any(w in _ENGLISH_MARKERS for w in words):
        return "en"
    return "?lat"


def _from_cyrillic_confidences(values) -> str:
    from lingua import Language

    top = max(values, key=lambda c: c.value)
    return "bg" if top.language == Language.BULGARIAN else "other"


def _from_latin_confidences(values) -> str:
    from lingua import Language

    english = 0.0
    top_other = 0.0
    for c in values:
        if c.language == Language.ENGLISH:
            english = c.value
        else:
            top_other = max(top_other, c.value)
    if top_other >= _LATIN_CONFIDENT and english <= _ENGLISH_AT_MOST:
        return "other"
    return "en"


def detect_language(text: str) -> str:
    """Return "bg", "en" or "other" for one text (see the module docstring for the rules)."""
    if not isinstance(text, str):
        raise TypeError(f"detect_language expects str, not {type(text).__name__}")
    decision = _script_decision(text)
    if decision == "?cyr":
        return _from_cyrillic_confidences(
            _cyrillic_detector().compute_language_confidence_values(text)
        )
    if decision == "?lat":
        return _from_latin_confidences(_latin_detector().compute_language_confidence_values(text))
    return decision


def detect_languages(texts: Sequence[str]) -> list[str]:
    """Detect many texts at once (deduplicated), then lingua in parallel where needed."""
    unique: dict[str, str] = {}
    ask_cyr: list[str] = []
    ask_lat: list[str] = []
    for text in texts:
        if text in unique:
            continue
        if not isinstance(text, str):
            raise TypeError(f"detect_languages expects str items, not {type(text).__name__}")
        decision = _script_decision(text)
        unique[text] = decision
        if decision == "?cyr":
            ask_cyr.append(text)
        elif decision == "?lat":
            ask_lat.append(text)
    if ask_cyr:
        found = _cyrillic_detector().compute_language_confidence_values_in_parallel(ask_cyr)
        for text, values in zip(ask_cyr, found, strict=True):
            unique[text] = _from_cyrillic_confidences(values)
    if ask_lat:
        found = _latin_detector().compute_language_confidence_values_in_parallel(ask_lat)
        for text, values in zip(ask_lat, found, strict=True):
            unique[text] = _from_latin_confidences(values)
    return [unique[text] for text in texts]
