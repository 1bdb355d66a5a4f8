"""What personal data looks like in Bulgarian and English free text: patterns and validators.

Each finder takes the text and returns candidates ``(start, end, kind)``; research.redaction
chooses among overlapping candidates and replaces them. Numbers are read as *runs*: digit groups
joined by single separators (space, dash, dot, slash, brackets): "+359 (0) 888 123-456" is one
run of five groups. Phones and cards are whole groups of a run, ЕГН and ЛНЧ a 10-digit group (or,
for an ЕГН, "750102 0018").

A candidate never depends on the text it would be replaced with: context words are not read inside
placeholders, a keyword glued to a "]" counts as glued to a word, and a placeholder between an ID
card's context word and its number breaks the link, so redacting redacted text finds nothing new.
"""

from __future__ import annotations

import re
from enum import StrEnum

from stdnum import iban, luhn
from stdnum.bg import egn, pnf


class Kind(StrEnum):
    """A kind of personal data; the value is stable and safe to store."""

    EGN = "egn"
    LNCH = "lnch"
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    CARD = "card"
    ID_CARD = "id_card"
    ADDRESS = "address"


PLACEHOLDERS: dict[Kind, str] = {
    Kind.EGN: "[ЕГН]",
    Kind.LNCH: "[ЛНЧ]",
    Kind.PHONE: "[ТЕЛЕФОН]",
    Kind.EMAIL: "[ИМЕЙЛ]",
    Kind.IBAN: "[IBAN]",
    Kind.CARD: "[КАРТА]",
    Kind.ID_CARD: "[ЛИЧНА КАРТА]",
    Kind.ADDRESS: "[АДРЕС]",
}

# Most specific first: on the same span the lower rank wins.
RANK: dict[Kind, int] = {
    Kind.IBAN: 0,
    Kind.CARD: 1,
    Kind.EGN: 2,
    Kind.LNCH: 3,
    Kind.ID_CARD: 4,
    Kind.PHONE: 5,
    Kind.EMAIL: 6,
    Kind.ADDRESS: 7,
}

Candidate = tuple[int, int, Kind]

SP = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space
UP = "A-ZА-ЯЁЍ"
LOW = "a-zа-яёѝ"

# ---------------------------------------------------------------- numbers: runs of digit groups

HAS_DIGIT = re.compile(r"[0-9]")
# Only runs of at least 7 characters can hold a number worth reading (ID cards "AA1234567" and up).
RUN = re.compile(
    rf"[0-9](?=[0-9 \u00a0\u202f\-–./()]{{6}})[0-9]*(?:(?:{SP}?[-–./()]{SP}?|{SP}{{1,2}})[0-9]+)*"
)
GROUP = re.compile(r"[0-9]+")
SEPARATORS = str.maketrans("", "", " \u00a0\u202f-–./()")  # deletes them
CARD_SEP = re.compile(rf"{SP}{{0,2}}[-–]?{SP}{{0,2}}")
DATE_LIKE = re.compile(
    r"[0-9]{1,2}[./-][0-9]{1,2}[./-](?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}-[0-9]{1,2}"
)
MOBILE_NSN = re.compile(r"(?:8[7-9]|9[89])[0-9]{7}")
LANDLINE_NSN = re.compile(r"(?!8[7-9]|9[89])[2-9][0-9]{7}")  # not a mobile prefix

EGN_CONTEXT = re.compile(
    r"(?<![\w\[\]])(?:егн|egn|ucn|единен\s+граждански|personal\s+number)", re.I
)
LNCH_CONTEXT = re.compile(
    r"(?<![\w\[\]])(?:лнч|lnch|lnc|чужден\w*|foreigner\w*|residen\w*|пребиваване)", re.I
)
CONTEXT_WINDOW = 40


Group = tuple[int, int, str]  # start, end, digits


def _phone_nsn_ok(digits: str) -> bool:
    """Whether the digits are a Bulgarian number: +359/00359/359 or trunk 0, then a valid NSN."""
    if digits.startswith("359"):
        nsn = digits[3:]
    elif digits.startswith("00359"):
        nsn = digits[5:]
    elif digits[0] == "0" and digits[1] != "0":  # also the odd "+0888 …"
        nsn = digits[1:]
        return bool(MOBILE_NSN.fullmatch(nsn) or LANDLINE_NSN.fullmatch(nsn))
    else:
        return False
    if nsn.startswith("0"):  # "+359 (0) 888 …" or the common "+359 0888 …"
        nsn = nsn[1:]
    return bool(MOBILE_NSN.fullmatch(nsn) or LANDLINE_NSN.fullmatch(nsn))


def _phones(text: str, groups: list[Group]) -> list[Candidate]:
    """From each group that can open a phone number, the longest whole-group number that is one."""
    found: list[Candidate] = []
    for i, (start, _, first) in enumerate(groups):
        if not (first[0] == "0" or first.startswith("359")):
            continue
        if start and text[start - 1] in "+(":
            start -= 1
        digits, best = "", 0
        for _, end, group in groups[i : i + 8]:
            digits += group
            if len(digits) > 14:
                break
            if len(digits) >= 9 and _phone_nsn_ok(digits):
                best = end
        if not best or DATE_LIKE.search(text, start, best):
            continue
        span = text[start:best]
        if span.count("(") > span.count(")") and text[best : best + 1] == ")":
            best += 1
        found.append((start, best, Kind.PHONE))
    return found


def _cards(text: str, groups: list[Group]) -> list[Candidate]:
    """From each group that can open a card number, the longest Luhn-valid 13–19 digits."""
    found: list[Candidate] = []
    for i, (start, _, first) in enumerate(groups):
        if first[0] not in "23456":
            continue
        digits, best, previous_end = "", 0, start
        for group_start, end, group in groups[i:]:
            if not CARD_SEP.fullmatch(text, previous_end, group_start):
                break
            digits += group
            previous_end = end
            if len(digits) > 19:
                break
            if len(digits) >= 13 and luhn.is_valid(digits):
                best = end
        if best:
            found.append((start, best, Kind.CARD))
    return found


def _classify_ten(text: str, start: int, digits: str) -> Kind | None:
    """ЕГН, ЛНЧ or phone for a 10-digit group that passes a checksum, by the words just before it.

    Whether it is redacted depends on the checksums alone; the context only names the kind."""
    valid_egn, valid_pnf = egn.is_valid(digits), pnf.is_valid(digits)
    if not (valid_egn or valid_pnf):
        return None
    window = (max(0, start - CONTEXT_WINDOW), start)  # searched in place, so lookbehinds see
    says_lnch = LNCH_CONTEXT.search(text, *window) is not None
    if valid_egn and (not valid_pnf or not says_lnch or EGN_CONTEXT.search(text, *window)):
        return Kind.EGN
    if digits[0] == "0" and MOBILE_NSN.fullmatch(digits[1:]) and not says_lnch:
        return Kind.PHONE  # a mobile number that happens to pass the ЛНЧ checksum
    return Kind.LNCH


def find_numbers(text: str) -> tuple[list[Candidate], list[Candidate]]:
    """ЕГН, ЛНЧ, phones, payment cards and ID card numbers, read from the runs of digits: those
    that passed a checksum or stand after a context word, and the weaker phones and cards."""
    found: list[Candidate] = []
    weak: list[Candidate] = []
    for run in RUN.finditer(text):
        run_start, run_end = run.span()
        run_text = run.group()
        digits = run_text.translate(SEPARATORS)
        if len(digits) < 9:  # dates, case numbers: at most an ID card's "AA1234567"
            if len(run_text) == 7 and len(digits) == 7:
                found.extend(_id_cards(text, run_start, 7))
            continue
        if len(digits) == len(run_text):
            groups = [(run_start, run_end, digits)]
        else:
            groups = [(m.start(), m.end(), m.group()) for m in GROUP.finditer(text, *run.span())]
        for i, (start, end, group) in enumerate(groups):
            if len(group) == 10:
                kind = _classify_ten(text, start, group)
                if kind is not None:
                    found.append((start, end, kind))
            elif len(group) == 6 and i + 1 < len(groups) and len(groups[i + 1][2]) == 4:
                # an ЕГН written as birth date and the rest: "750102 0018"
                if egn.is_valid(group + groups[i + 1][2]) and text[end] in " -":
                    found.append((start, groups[i + 1][1], Kind.EGN))
            elif len(group) in (7, 9):
                found.extend(_id_cards(text, start, len(group)))
        weak.extend(_phones(text, groups))
        if len(digits) >= 13:
            weak.extend(_cards(text, groups))
    return found, weak


# ---------------------------------------------------------------- IBAN, e-mail, ID card numbers

IBAN_RUN = re.compile(  # a Latin letter first, so the engine skips other characters fast
    rf"[A-Za-z](?<![A-Za-z].)[A-Za-z][0-9]{{2}}(?:{SP}?[A-Za-z0-9]{{4}}){{2,7}}"
    rf"(?:{SP}?[A-Za-z0-9]{{1,4}})?"
)
EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")

ID_CONTEXT = re.compile(
    r"(?<![\w\[\]])(?:лична(?:та)?(?:\s+ми)?\s+карта|л\.\s?к\.|лк|"
    r"(?:id|identity)(?:\s+|-)card|id\s+(?:no\b|number)|паспорт\w*|passport\w*|"
    r"документ\w*\s+за\s+самоличност)(?!\w)",
    re.I,
)
# Up to six words or numbers between the context word and the number, within one sentence; a
# placeholder ("[") in between breaks it, so redacted text never gains a new ID card number.
ID_GAP_WORD = r"(?<!\w)(?:[0-9]+(?:[./:-][0-9]+)*|[^\W\d_]{1,4}\.|[^\W\d_]+)(?!\w)"
ID_NUMBER = re.compile(
    rf"(?:[^\w\[\].!?]*?{ID_GAP_WORD}){{0,6}}?[^\w\[\].!?]*?"
    rf"(?<!\w)([{UP}{LOW}]{{2}}{SP}?[0-9]{{7}}|[0-9]{{9}})(?![\w\[]|[-./][0-9\[])"
)
ID_LETTERS = re.compile(rf"(?<!\w)[{UP}{LOW}]{{2}}{SP}?$")
ID_WINDOW = 120


def _longest_iban(text: str, ends: list[int], compact: str, mistyped: bool) -> int | None:
    """Where the longest IBAN starting the run ends (before no digit): a valid one, or with
    `mistyped` one whose country, length and structure are right but check digits are not."""
    for length in range(len(compact), 14, -1):
        end = ends[length - 1]
        if text[end : end + 1].isdigit():
            continue
        number = compact[:length]
        if mistyped:  # the check digits that would make its mod 97 right
            number = number[:2] + iban.calc_check_digits(number) + number[4:]
        if iban.is_valid(number, check_country=not mistyped):
            return end
    return None


def find_ibans(text: str) -> tuple[list[Candidate], list[tuple[int, int, int]]]:
    """IBANs of any country, spaced in fours or not, checked by stdnum (mod 97 and the format);
    and mistyped ones, right but for the check digits: (start, account part's start, end). "AA00
    4000 0000 0000 0002", of no country's structure, is no IBAN: the card number in it is read."""
    found: list[Candidate] = []
    shapes: list[tuple[int, int, int]] = []
    match = IBAN_RUN.search(text)
    while match:
        ends = [i + 1 for i in range(match.start(), match.end()) if text[i].isalnum()]
        compact = "".join(text[i - 1] for i in ends)
        end = _longest_iban(text, ends, compact, mistyped=False)
        if end is not None:
            found.append((match.start(), end, Kind.IBAN))
        else:
            if (shape_end := _longest_iban(text, ends, compact, mistyped=True)) is not None:
                shapes.append((match.start(), ends[4] - 1, shape_end))
            end = match.start() + 1
        match = IBAN_RUN.search(text, end)  # the next may start inside this match's tail
    return found, shapes


def _id_cards(text: str, number_start: int, size: int) -> list[Candidate]:
    """A 9-digit number, or 2 letters and 7 digits, that a context word just before points to."""
    if size == 7:
        letters = ID_LETTERS.search(text, max(0, number_start - 3), number_start)
        if not letters:
            return []
        number_start = letters.start()
    for context in ID_CONTEXT.finditer(text, max(0, number_start - ID_WINDOW), number_start):
        number = ID_NUMBER.match(text, context.end())
        if number and number.start(1) == number_start:
            return [(number_start, number.end(1), Kind.ID_CARD)]
    return []


def find_emails(text: str) -> list[Candidate]:
    """E-mail addresses, read outwards from each "@"."""
    found: list[Candidate] = []
    at = text.find("@")
    while at >= 0:
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
            start -= 1
        domain = EMAIL_DOMAIN.match(text, at + 1)
        if start < at and domain:
            found.append((start, domain.end(), Kind.EMAIL))
        at = text.find("@", at + 1)
    return found


# ---------------------------------------------------------------- street addresses

QUOTED = r"[„“\"«”][^„“”\"«»\n\[\]]{1,50}[“”\"»]"  # no placeholder inside
# A street's name: up to five words, the first not "и"; lowercase words too ("Черни връх", or
# "ул. граф игнатиев 15" typed on a phone), but not the little words of a sentence that goes on
# ("ул. Шипка е на 5 минути"), so the number must follow the name.
STOP = (
    "е|са|съм|сме|сте|беше|бяха|има|няма|имаше|до|от|в|във|за|с|със|по|при|към|на|след|преди|"
    "около|между|близо|срещу|като|където|който|която|което|които|не|се|ли|да|ще|че|но|а|или|"
    "много|само|вече|още|там|тук|сега|вчера|днес|утре|номер|"
    "the|a|an|of|at|in|on|to|and|is|are|was|were|there|has|have|had|with|for|from|by|near|about"
)
CAP_WORD = rf"(?:[{UP}][\w’'.-]*+|[0-9]{{1,2}}-?(?:ти|ви|ри|ми|th|st|nd|rd)(?!\w))"
LOW_WORD = rf"(?!(?:{STOP})(?![\w.]))[{LOW}][\w’'-]*+\.?"
NAME_WORDS = rf"(?:{CAP_WORD}|{LOW_WORD})(?:{SP}+(?:{CAP_WORD}|{LOW_WORD}|и(?!\w))){{0,4}}"
NAME = rf"(?:{QUOTED}|{NAME_WORDS})"
# English forms take Latin names, and not a sentence's first words: "I live on Vitosha Blvd 42".
EN_WORD = r"[A-Z][A-Za-z’'.-]*"
EN_NAME = (
    r"(?!(?:I|The|Then|My|Our|We|You|He|She|It|They|On|At|In|To|From|Near|Live|Address|Please|"
    r"Send|And|But|Or|Now|Call|Contact|Write|Go|Moved|Lives?)(?!\w))"
    rf"{EN_WORD}(?:{SP}+(?:{EN_WORD}|(?:of|the|de|and)(?!\w))){{0,3}}"
)
UNITS = (
    rf"(?:{SP}*(?:лв|лев|евр|eur|usd|bgn|мин|сек|час|ден|дни|год|души|пъти|стаи|кв\.|км|km|min|"
    rf"sec|hour|day|year|people|times|[гчм]\.?(?!\w))|{SP}*[€$%])"
)
NUM = (
    rf"(?:(?:№|No\.?|Nr\.?|номер){SP}*)?[0-9]{{1,3}}(?![0-9])(?:[{UP}{LOW}](?![\w\[]))?"
    rf"(?:{SP}?[-/]{SP}?[0-9]{{1,3}}(?![0-9]))?(?![.,:][0-9\[]|{UNITS})"
)


def _keyword(alternatives: str) -> str:
    """A case-insensitive keyword not glued to a preceding word; without a dot, a whole word."""
    return rf"(?<![\w.\]])(?i:{alternatives})(?:(?<=\.)|(?![\w\[]))"


STREET_KW = _keyword(
    rf"улица|ул\.?|булевард|бул\.?|площад|пл\.?|ж\.?{SP}?к\.?|жк|квартал|кв\.?|"
    r"ulitsa|ul\.?|str\.|bul\.|sq\."
)
DISTRICT_KW = _keyword(rf"квартал|кв\.?|ж\.?{SP}?к\.?|жк")
BLOCK_KW = _keyword(r"блок|бл\.?|bl\.?|block")
TAIL_KW = _keyword(
    r"блок|бл\.?|bl\.?|block|вход|вх\.?|entrance|entr?\.|етаж|ет\.?|floor|fl\.|"
    r"апартамент|апарт\.|ап\.?|apt\.?|app?\."
)
TAIL = (
    rf"{SP}*,?{SP}*{TAIL_KW}{SP}*(?:№{SP}*)?"
    rf"(?:[0-9]{{1,4}}[{UP}{LOW}]?|[{UP}{LOW}])(?![\w\[/-]|[.,][0-9\[])"
)
EN_SUFFIX = (
    r"(?:Str\.?|Street|St\.|Blvd\.?|Boulevard|Ave\.?|Avenue|Road|Rd\.|Sq\.|Square)"
    r"(?:(?<=\.)|(?![\w\[]))"
)
DISTRICT = rf"{DISTRICT_KW}{SP}*(?:{QUOTED}|{NAME_WORDS})"

ADDRESS_LOCAL = re.compile(
    # [кв. Лозенец, ] ул. „Граф Игнатиев“ 15[, бл. 5, вх. Б, ет. 3, ап. 7][, ж.к. Изток],
    # or ж.к. Младост, бл. 50, вх. Б
    rf"(?:{DISTRICT}{SP}*,{SP}*)?{STREET_KW}{SP}*{NAME}"
    rf"(?:{SP}*{NUM}(?:{TAIL}){{0,4}}|(?:{TAIL}){{1,4}})"
    rf"(?:{SP}*,{SP}*{DISTRICT}(?!{SP}*{NUM}))?"
    # бл. 512, вх. Б, ет. 3
    rf"|{BLOCK_KW}{SP}*(?:№{SP}*)?[0-9]{{1,4}}[{UP}{LOW}]?(?![\w\[/-])(?:{TAIL}){{1,4}}"
)
ADDRESS_ENGLISH = re.compile(
    # 15 Graf Ignatiev Str.
    rf"(?<![\w.,/\]-])[0-9]{{1,3}}[A-Za-z]?{SP}+(?:{QUOTED}|{EN_NAME}){SP}+{EN_SUFFIX}"
    rf"(?:{TAIL}){{0,4}}"
    # Vitosha Blvd 42
    rf"|(?<![\w.\]])(?:{QUOTED}|{EN_NAME}){SP}+{EN_SUFFIX}{SP}*{NUM}(?:{TAIL}){{0,4}}"
)
# Where a local address can start: the first two letters of a keyword, at the start of a word (a
# character class first lets the regex engine skip ahead fast). English ones need a capitalised
# suffix, so a substring test spares most texts the English pattern.
LOCAL_START = re.compile(r"[УуБбПпЖжКкUuSsBb][лЛуУвВ.кКlLtTuUqQ \u00a0](?<![\w\]]..)")
ENGLISH_HINTS = ("Str", "St.", "Blvd", "Boulevard", "Ave", "Road", "Rd.", "Sq")
ENGLISH_SUFFIX = re.compile(EN_SUFFIX)


def find_addresses(text: str) -> list[Candidate]:
    """Street addresses: a keyword (ул., бул., ж.к., бл. …), a name and a number; English forms."""
    found: list[Candidate] = []
    end = 0
    for hit in LOCAL_START.finditer(text):
        if hit.start() >= end and (match := ADDRESS_LOCAL.match(text, hit.start())):
            found.append((match.start(), match.end(), Kind.ADDRESS))
            end = match.end()
    if any(hint in text for hint in ENGLISH_HINTS):
        for hit in ENGLISH_SUFFIX.finditer(text):  # search only around each suffix; then match
            window = (max(0, hit.start() - 80), min(len(text), hit.end() + 60))  # in full text
            for start in sorted({m.start() for m in ADDRESS_ENGLISH.finditer(text, *window)}):
                if match := ADDRESS_ENGLISH.match(text, start):
                    found.append((start, match.end(), Kind.ADDRESS))
    return found


def find_all(text: str) -> list[Candidate]:
    """Every candidate in the text, overlapping ones included."""
    if not HAS_DIGIT.search(text):
        return find_emails(text)
    found, weak = find_numbers(text)
    ibans, shapes = find_ibans(text)
    found += ibans + find_emails(text) + find_addresses(text)
    for start, account, end in shapes:
        # A mistyped IBAN hides no phone or card: drop those wholly inside it, unless something
        # reaches in from outside or passed a checksum (redacting that would change the shape),
        # and keep a card number that is its whole account part ("EE00 4000 0000 0000 0002"):
        # as likely a card after other text.
        touching = [c for c in weak if c[0] < end and c[1] > start]
        if all(start <= c[0] and c[1] <= end for c in touching) and not any(
            c[0] < end and c[1] > start for c in found
        ):
            whole_card = (account, end, Kind.CARD)
            weak = [c for c in weak if c not in touching or c == whole_card]
    return found + weak
