"""Bulgarian sentiment: a domain lexicon on simplemma lemmas with negation, boosters and contrast.

The lexicon (research/lexicons/bg_sentiment.tsv, provenance in PROVENANCE.md) gives lemmas a weight
from -3 to +3. A text is read clause by clause, the way VADER reads English:

- **Negation** ("не", "няма", "нито", "никак", "без", "нищо", "никой", "никакъв", "никога", ...)
  reverses the sentiment words within the next three words of its clause; clitics ("е", "ми", "се",
  "съм", "да", ...) do not count towards the three. A reversed positive keeps 0.8 of its weight
  ("не е лесно" → negative), a reversed negative 0.6 ("не беше трудно" → mildly positive).
  Bulgarian negative concord ("никак не е ясно", "нищо не работи") is one negation, not two.
  A complement or relative clause ("да", "че", "какво", "който", ...) ends the reach of a negation:
  "не съм очаквал да е толкова просто" is not a complaint; but "няма (от) какво да се оплача"
  keeps it.
- **Wanted things** (kind "want": "работи", "отговор", "потвърждение", "мога", ...) score nothing
  alone and -0.8 × weight when negated ("не работи", "нямаше потвърждение").
- **Boosters** multiply the next sentiment word ("много" 1.3, "изключително" 1.5, "малко" 0.6, ...);
  a few also carry a weight of their own when no sentiment word follows ("прекалено много стъпки"
  is a complaint, "Всичко е супер" praise). "най-" adds 30 %, "по-" 10 %.
- **Contrast**: with "но", "обаче", "ама", "ала" the words before the last one count half and the
  words after it one and a half ("Малко бавно, но иначе добре" → positive). A "въпреки" clause
  counts half.
- **Emphasis**: each "!" (up to four) adds 0.292 in the direction of the sum; a word in capitals
  inside a text that is not all capitals adds 0.5 to its own weight. Emoji and emoticons add their
  weights (`EMOJI`).

The sum s becomes a polarity in [-1, 1] as s / sqrt(s² + 8) (VADER uses 15 for its ±4 scale).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from research.tokens import lemma

LEXICON_PATH = Path(__file__).resolve().parent / "lexicons" / "bg_sentiment.tsv"
ALPHA = 8.0
NEGATED_POSITIVE = -0.8
NEGATED_NEGATIVE = -0.6
NEGATION_WINDOW = 3
EXCLAMATION = 0.292
CAPS = 0.5

NEGATORS = frozenset(
    {
        *("не", "няма", "нямаше", "нямам", "нямах", "нямаме", "нямат", "нямало", "нито"),
        *("никак", "без", "нищо", "никой", "никоя", "никое", "никои", "никакъв", "никаква"),
        *("никакво", "никакви", "никога", "никъде", "нийде"),
    }
)
CLITICS = frozenset(
    {
        *("ми", "ме", "ти", "те", "му", "го", "й", "ѝ", "я", "ни", "ви", "им", "ги", "се", "си"),
        *("е", "са", "съм", "сме", "сте", "беше", "бе", "бях", "бяха", "било", "бил", "била"),
        *("били", "ще", "да", "би", "бих", "бихме", "бъде", "бъдат", "вече", "още", "точно"),
        *("баш", "пак", "и"),
    }
)
# word -> (multiplier of the next sentiment word, weight of its own if none follows in the clause)
BOOSTERS: dict[str, tuple[float, float]] = {
    "много": (1.3, 0.0),
    "изключително": (1.5, 0.0),
    "извънредно": (1.5, 0.0),
    "крайно": (1.5, 0.0),
    "страшно": (1.4, 0.0),
    "адски": (1.5, 0.0),
    "безкрайно": (1.5, 0.0),
    "невероятно": (1.5, 1.5),
    "супер": (1.4, 2.0),
    "доста": (1.2, 0.0),
    "твърде": (1.3, -1.0),
    "прекалено": (1.3, -1.2),
    "толкова": (1.2, 0.0),
    "изцяло": (1.2, 0.0),
    "напълно": (1.3, 0.0),
    "абсолютно": (1.4, 0.0),
    "съвсем": (1.3, 0.0),
    "наистина": (1.2, 0.0),
    "истински": (1.2, 0.0),
    "тотално": (1.4, 0.0),
    "пълен": (1.3, 0.0),
    "пълна": (1.3, 0.0),
    "пълно": (1.3, 0.0),
    "изобщо": (1.3, 0.0),
    "хич": (1.3, 0.0),
    "никак": (1.3, 0.0),
    "малко": (0.6, 0.0),
    "леко": (0.6, 0.0),
    "донякъде": (0.6, 0.0),
    "горе-долу": (0.5, 0.0),
    "сравнително": (0.8, 0.0),
    "относително": (0.8, 0.0),
    "частично": (0.6, 0.0),
    "почти": (0.7, 0.0),
}
CONTRAST = frozenset({"но", "обаче", "ама", "ала"})
# A negated main verb does not reverse its complement clause: "не съм очаквал да е толкова просто",
# "не разбирам защо трябва ...". These words end the reach of a negation.
SCOPE_END = frozenset(
    {
        *("да", "че", "какво", "каква", "какъв", "какви", "дали", "защо", "как", "къде", "кога"),
        *("който", "която", "което", "които", "кой", "коя", "кое", "ако", "докато"),
    }
)
# ... except after existential "няма": "няма (от) какво да се оплача" = nothing to complain about.
EXISTENTIAL = frozenset({"няма", "нямаше", "нямам", "нямах", "нямаме", "нямат", "нямало"})
EXISTENTIAL_BRIDGE = frozenset({"да", "от", "какво", "кой", "кого", "къде", "кога", "как"})
CONCESSIVE = frozenset({"въпреки"})

# Shared with the scorer of other languages. Skin-tone modifiers and variation selectors are removed
# before lookup.
EMOJI: dict[str, float] = {
    **dict.fromkeys("🙂😊😀😃😄😁😆😍🥰😘🤩😎👍👌👏🙌🙏💪🎉🥳✅💯⭐🌟☺❤💚💙💖😉", 1.8),
    **dict.fromkeys("🙁☹😞😟😕😒🙄😔😢😭😩😫😖😣😤😠😡🤬👎💩❌🤦🤯😱😬", -1.8),
}
EMOTICONS: dict[str, float] = {
    ":)": 1.5,
    ":-)": 1.5,
    ":d": 1.8,
    ":-d": 1.8,
    "=)": 1.5,
    ";)": 1.2,
    ";-)": 1.2,
    "<3": 1.8,
    ":(": -1.5,
    ":-(": -1.5,
    ":'(": -1.8,
    ":/": -0.8,
    ":-/": -0.8,
    "x(": -1.5,
}

_TOKEN = re.compile(
    r"(?P<emo>:-?\)|:-?d\b|=\)|;-?\)|<3|:-?\(|:'\(|:-?/(?!/)|x\()"
    r"|(?P<word>[^\W\d_]+(?:-[^\W\d_]+)*)"
    r"|(?P<punct>[.,;:!?…()\"]+)",
    re.IGNORECASE,
)
_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")
_SYMBOLS = re.compile("[\u2600-\U0010ffff]")  # where emoji can be: most texts have none
_SPLIT_LEMMA = re.compile(r"-\(.*$")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[float, str]]:
    """term → (weight, kind); each term indexed as written and under its simplemma lemma."""
    explicit: dict[str, tuple[float, str]] = {}
    for number, line in enumerate(LEXICON_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{LEXICON_PATH.name}:{number}: expected term<TAB>weight[<TAB>kind]")
        kind = parts[2].strip() if len(parts) > 2 else ""
        if kind not in ("", "want"):
            raise ValueError(f"{LEXICON_PATH.name}:{number}: unknown kind {kind!r}")
        explicit[parts[0].strip().lower()] = (float(parts[1]), kind)
    index = {}
    for term, entry in explicit.items():
        index.setdefault(_lemma(term), entry)
    index.update(explicit)  # a term as written wins over another term's lemma
    return index


def _lemma(word: str) -> str:
    return _SPLIT_LEMMA.sub("", lemma(word, "bg"))


@lru_cache(maxsize=100_000)
def lookup(word: str) -> tuple[float, str, float] | None:
    """(weight, kind, multiplier) of a lower-case word, or None when it carries no sentiment."""
    lex = lexicon()
    multiplier = 1.0
    for prefix, factor in (("най-", 1.3), ("по-", 1.1)):
        if word.startswith(prefix) and word not in lex:
            word, multiplier = word[len(prefix) :], factor
            break
    entry = lex.get(word) or lex.get(_lemma(word)) or _adjective_entry(word, lex)
    if entry is None and word.startswith("не") and len(word) > 5:
        # morphological negation: "неприятен", "неработещ" when only the positive form is listed
        rest = lex.get(word[2:]) or lex.get(_lemma(word[2:]))
        if rest is not None and rest[1] == "" and rest[0] > 0:
            entry = (rest[0] * NEGATED_POSITIVE, "")
    if entry is None:
        return None
    return entry[0], entry[1], multiplier


_ADJECTIVE_ENDINGS = ("ият", "ия", "ата", "ото", "ите", "а", "о", "и")


def _adjective_entry(word: str, lex: dict[str, tuple[float, str]]) -> tuple[float, str] | None:
    """An inflected adjective the lemmatiser took for another word ("бърза" → "бързам", not
    "бърз"): try the masculine form, also with the fleeting "е" ("лесна" → "лесен")."""
    for ending in _ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            for base in (stem, stem[:-1] + "е" + stem[-1]):
                if base in lex and lex[base][1] == "":
                    return lex[base]
            return None
    return None


def emoji_sum(text: str) -> float:
    """Sum of the weights of the emoji in `text`."""
    return sum((EMOJI.get(ch, 0.0) for ch in _SYMBOLS.findall(_MODIFIERS.sub("", text))), 0.0)


# What a word does in `raw_score`, decided once per word (`_role`).
_CONTRAST, _CONCESSIVE, _BOOSTER, _NEGATOR, _SCOPE_END, _CLITIC, _SENTIMENT, _OTHER = range(8)


@lru_cache(maxsize=100_000)
def _role(word: str) -> tuple[int, bool, object]:
    """(role, whether it bridges an existential "няма", data) of a lower-case word. The roles are
    tried in the order `raw_score` needs; a bridge only matters for the last four."""
    bridge = word in EXISTENTIAL_BRIDGE
    if word in CONTRAST:
        return _CONTRAST, bridge, None
    if word in CONCESSIVE:
        return _CONCESSIVE, bridge, None
    if word in BOOSTERS:
        return _BOOSTER, bridge, (*BOOSTERS[word], word in NEGATORS)
    if word in NEGATORS:
        return _NEGATOR, bridge, word in EXISTENTIAL
    if word in SCOPE_END:
        return _SCOPE_END, bridge, None
    if word in CLITICS:
        return _CLITIC, bridge, None
    found = lookup(word)
    return (_OTHER, bridge, None) if found is None else (_SENTIMENT, bridge, found)


def raw_score(text: str) -> float:
    """The unnormalised sum of sentiment in a Bulgarian text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    shouting_text = text.upper() == text
    values: list[float] = []
    contrast_at = -1
    negation_left = 0
    boost = 1.0
    pending_own = 0.0
    concessive = False
    existential = False

    def flush_boosters() -> None:
        nonlocal boost, pending_own
        if pending_own:
            values.append(pending_own * (0.5 if concessive else 1.0))
        boost, pending_own = 1.0, 0.0

    for emoticon, token, punct in _TOKEN.findall(text):
        if emoticon:
            values.append(EMOTICONS.get(emoticon.lower(), 0.0))
            continue
        if punct:
            flush_boosters()
            negation_left = 0
            concessive = False
            continue
        role, bridge, data = _role(token.lower())
        if role == _CONTRAST:
            flush_boosters()
            negation_left = 0
            concessive = False
            contrast_at = len(values)
            continue
        if role == _CONCESSIVE:
            concessive = True
            continue
        if role == _BOOSTER:
            factor, own, negates = data
            boost *= factor
            pending_own = own or pending_own
            if negates:
                negation_left = NEGATION_WINDOW
            continue
        if role == _NEGATOR:
            negation_left = NEGATION_WINDOW
            existential = data
            continue
        if existential and negation_left and bridge:
            continue
        if role == _SCOPE_END:
            flush_boosters()
            negation_left = 0
            continue
        if role == _CLITIC:
            continue
        if role == _OTHER:
            flush_boosters()
            negation_left = max(0, negation_left - 1)
            continue
        weight, entry_kind, multiplier = data
        value = weight * boost * multiplier
        negated = negation_left > 0
        if entry_kind == "want":
            value = -0.8 * weight if negated else 0.0
        elif negated:
            value *= NEGATED_POSITIVE if value > 0 else NEGATED_NEGATIVE
        if value and not shouting_text and len(token) > 1 and token.isupper():
            value += math.copysign(CAPS, value)
        values.append(value * (0.5 if concessive else 1.0))
        boost, pending_own = 1.0, 0.0
        negation_left = max(0, negation_left - 1)
    flush_boosters()

    if contrast_at >= 0:
        values = [v * 0.5 for v in values[:contrast_at]] + [v * 1.5 for v in values[contrast_at:]]
    total = sum(values) + emoji_sum(text)
    if total:
        total += math.copysign(min(text.count("!"), 4) * EXCLAMATION, total)
    return total


def normalize_score(total: float, alpha: float = ALPHA) -> float:
    """Map an unbounded sum to [-1, 1] the way VADER does."""
    return max(-1.0, min(1.0, total / math.sqrt(total * total + alpha))) if total else 0.0


def polarity(text: str) -> float:
    """Polarity of a Bulgarian text in [-1, 1]."""
    return normalize_score(raw_score(text))
