"""research.redaction: what is redacted, what is left alone, undo, positions, idempotence."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import iban, luhn
from stdnum.bg import egn, pnf

from research.redaction import (
    PLACEHOLDERS,
    Finding,
    Kind,
    Redaction,
    apply_redaction,
    redact,
    redact_text,
)
from research.redaction_patterns import find_ibans


def with_check(body: str, module) -> str:
    return body + module.calc_check_digit(body)


EGN_1975 = "7501020018"
EGN_2002 = with_check("024115123", egn)  # born 15.01.2002: month + 40
EGN_1885 = with_check("852112123", egn)  # born 12.01.1885: month + 20
EGN_AND_LNCH = "7501010004"  # passes both checksums: the context decides
LNCH = "7111042925"
MOBILE_AND_LNCH = "0888123404"  # a mobile number that also passes the ЛНЧ checksum


def only(text: str) -> Finding:
    """The single finding in ``text``."""
    findings = redact(text).findings
    assert len(findings) == 1, findings
    return findings[0]


def assert_redacted(text: str, value: str, kind: Kind) -> None:
    result = redact(text)
    start = text.index(value)
    assert any(
        f.kind is kind and f.start <= start and f.end >= start + len(value) for f in result.findings
    ), result.findings
    assert value not in result.text
    assert PLACEHOLDERS[kind] in result.text


# ---------------------------------------------------------------- each kind, Bulgarian and English

# (sentence with {} for the value, value, kind)
FOUND = [
    # ЕГН
    ("Моето ЕГН е {}, моля не го показвайте.", "7501020018", Kind.EGN),
    ("My EGN is {}.", "8032056031", Kind.EGN),
    ("Роден съм през 1975 г., ЕГН {}, живея в София.", "7501020018", Kind.EGN),
    ("Детето е родено 2002 г., ЕГН {}.", EGN_2002, Kind.EGN),
    ("Прадядо ми ({}) е в регистъра.", EGN_1885, Kind.EGN),
    ("ЕГН:{};", EGN_1975, Kind.EGN),
    ("ЕГН {} (с интервал)", "750102 0018", Kind.EGN),
    # ЛНЧ
    ("Моят ЛНЧ е {} и формулярът не го приема.", LNCH, Kind.LNCH),
    ("Foreigner's number (LNCh): {}.", LNCH, Kind.LNCH),
    # phones
    ("Обадете ми се на {}, ако има проблем.", "0888 123 456", Kind.PHONE),
    ("Тел.: {}", "0888123456", Kind.PHONE),
    ("Звънях на {} три пъти.", "088 812 3456", Kind.PHONE),
    ("Call me on {} after 6 pm.", "+359 888 123 456", Kind.PHONE),
    ("Номер: {}.", "+359888123456", Kind.PHONE),
    ("Номер {}.", "00359 88 812 3456", Kind.PHONE),
    ("Мобилен: {}.", "+359 (0) 888 123-456", Kind.PHONE),
    ("Моб. {}", "0899.123.456", Kind.PHONE),
    ("В офиса: {}.", "02 981 2345", Kind.PHONE),
    ("Sofia office {}.", "(02) 981 23 45", Kind.PHONE),
    ("Тел. {}", "02/981 23 45", Kind.PHONE),
    ("Landline {}.", "+359 2 981 2345", Kind.PHONE),
    ("Пловдив: {}.", "032 123 456", Kind.PHONE),
    ("Варна {}", "052/612 345", Kind.PHONE),
    ("Гореща линия {}.", "0700 12 345", Kind.PHONE),
    # e-mail
    ("Пишете ми на {}, ако имате въпроси.", "ivan.petrov@abv.bg", Kind.EMAIL),
    ("Send it to {} please.", "Maria_Ivanova+opit@uni-sofia.bg", Kind.EMAIL),
    ("Имейл: {}", "петя@поща.бг", Kind.EMAIL),
    # IBAN
    ("Върнете таксата по сметка {}.", "BG80 BNBG 9661 1020 3456 78", Kind.IBAN),
    ("IBAN: {}", "BG80BNBG96611020345678", Kind.IBAN),
    ("Refund to {}, thanks.", "DE89 3704 0044 0532 0130 00", Kind.IBAN),
    ("UK account {}.", "GB82WEST12345698765432", Kind.IBAN),
    ("сметка {}", "bg80bnbg96611020345678", Kind.IBAN),
    # payment cards
    ("Платих с карта {} и таксата беше удържана два пъти.", "4111 1111 1111 1111", Kind.CARD),
    ("Card number: {}", "5500-0000-0000-0004", Kind.CARD),
    ("Въведох {} и плащането беше отказано.", "4242424242424242", Kind.CARD),
    ("Amex {} was declined.", "3782 822463 10005", Kind.CARD),
    # ID card numbers, after a context word
    ("Лична карта № {}, издадена от МВР София.", "645123456", Kind.ID_CARD),
    ("Номерът на личната ми карта е {}.", "645123456", Kind.ID_CARD),
    ("л.к. {}", "645123456", Kind.ID_CARD),
    ("Л. к. {}", "AA1234567", Kind.ID_CARD),
    ("ЛК № {} е с изтекъл срок.", "AB 1234567", Kind.ID_CARD),
    ("Показах паспорт {} на гишето.", "382145678", Kind.ID_CARD),
    ("My ID card number is {}.", "AA7654321", Kind.ID_CARD),
    ("I showed my passport no. {} at the counter.", "381234567", Kind.ID_CARD),
    # addresses
    ("Живея на {} от 2019 г.", "ул. „Граф Игнатиев“ 15", Kind.ADDRESS),
    ("Адрес: {}, София", "бул. Витоша № 42, ет. 3, ап. 7", Kind.ADDRESS),
    ("Новият ми адрес е {}.", "ж.к. Люлин 5, бл. 512, вх. Б", Kind.ADDRESS),
    ("Пишете на {}, 1407 София.", "кв. Лозенец, ул. Черни връх 33", Kind.ADDRESS),
    ("Живея в {} от 10 години.", "бл. 512, вх. Б, ет. 3", Kind.ADDRESS),
    ("Адрес: {}", "ж.к. Младост, бл. 50, вх. Б, ет. 10", Kind.ADDRESS),
    ("На {} е офисът ми.", "ул. 6-ти септември 12А", Kind.ADDRESS),
    ("Пратете писмото на {}.", "бул. „Цариградско шосе“ 115, вх. В", Kind.ADDRESS),
    ("Живея на {}.", "ул. Св. Св. Кирил и Методий 24", Kind.ADDRESS),
    ("адрес {}", "ул. граф игнатиев 15", Kind.ADDRESS),
    ("{}", "улица «Шипка» 6", Kind.ADDRESS),
    ("I live at {}, Sofia.", "15 Graf Ignatiev Str.", Kind.ADDRESS),
    ("My new address is {}.", "Vitosha Blvd 42, fl. 3", Kind.ADDRESS),
    ("Please write to {}.", "ul. Shipka 6", Kind.ADDRESS),
]


@pytest.mark.parametrize(("sentence", "value", "kind"), FOUND)
def test_finds_each_kind(sentence: str, value: str, kind: Kind) -> None:
    assert_redacted(sentence.format(value), value, kind)


@pytest.mark.parametrize(("sentence", "value", "kind"), FOUND)
def test_redacts_exactly_the_value(sentence: str, value: str, kind: Kind) -> None:
    assert redact_text(sentence.format(value)) == sentence.format(PLACEHOLDERS[kind])


def test_placeholders_are_typed_and_bulgarian() -> None:
    assert PLACEHOLDERS == {
        Kind.EGN: "[ЕГН]",
        Kind.LNCH: "[ЛНЧ]",
        Kind.PHONE: "[ТЕЛЕФОН]",
        Kind.EMAIL: "[ИМЕЙЛ]",
        Kind.IBAN: "[IBAN]",
        Kind.CARD: "[КАРТА]",
        Kind.ID_CARD: "[ЛИЧНА КАРТА]",
        Kind.ADDRESS: "[АДРЕС]",
    }
    text = "ЕГН 7501020018, тел. 0888 123 456, ivan@abv.bg"
    assert redact_text(text) == "ЕГН [ЕГН], тел. [ТЕЛЕФОН], [ИМЕЙЛ]"


# ------------------------------------------------------------------ checksums and context decide


@pytest.mark.parametrize(
    "text",
    [
        "ЕГН 7501020019 е грешно въведено.",  # wrong check digit
        "ЕГН 7513020018",  # month 13: no such birth date
        "ЛНЧ 7111042922",  # wrong check digit
        "Номер на поръчка 1234567800.",  # neither ЕГН nor ЛНЧ nor a phone
        "IBAN BG81 BNBG 9661 1020 3456 78",  # wrong check digits
        "IBAN BG80BNBG96611020345679",
        "Карта 4111 1111 1111 1112",  # fails Luhn
        "Card 1234 5678 9012 3456",
        "Лична карта – изгубена, номерът беше 64512345.",  # 8 digits
        "Телефон 0888 123 45",  # too short
        "Телефон 0888 123 4567",  # too long
        "Номер 0012 345 678",
    ],
)
def test_checksum_invalid_numbers_are_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_a_ten_digit_number_that_fails_the_checksums_may_still_be_a_phone() -> None:
    assert not egn.is_valid("0888123456") and not pnf.is_valid("0888123456")
    assert only("Обадете се на 0888123456.").kind is Kind.PHONE


def test_a_number_valid_as_egn_and_lnch_is_an_egn_unless_the_text_says_lnch() -> None:
    assert egn.is_valid(EGN_AND_LNCH) and pnf.is_valid(EGN_AND_LNCH)
    assert only(f"Номер {EGN_AND_LNCH}").kind is Kind.EGN
    assert only(f"ЕГН {EGN_AND_LNCH}").kind is Kind.EGN
    assert only(f"Моят ЛНЧ е {EGN_AND_LNCH}").kind is Kind.LNCH
    assert only(f"ЕГН/ЛНЧ: {EGN_AND_LNCH}").kind is Kind.EGN


def test_a_mobile_number_passing_the_lnch_checksum_is_a_phone_unless_the_text_says_lnch() -> None:
    assert pnf.is_valid(MOBILE_AND_LNCH)
    assert only(f"Тел. {MOBILE_AND_LNCH}").kind is Kind.PHONE
    assert only(f"ЛНЧ {MOBILE_AND_LNCH}").kind is Kind.LNCH


@pytest.mark.parametrize(
    "text",
    [
        "Номерът 645123456 не ми е познат.",
        "Картата за градски транспорт 645123456 не помогна.",
        "AA1234567 е кодът на стоката.",
        "Личната карта ми изтече. Поръчка 645123456 е готова.",  # another sentence
        "Лична карта: да, документите бяха наред и всичко мина добре, поръчка 645123456.",
    ],
)
def test_id_card_numbers_need_a_context_word_close_before(text: str) -> None:
    assert redact_text(text) == text


def test_id_card_context_reaches_over_a_date() -> None:
    text = "Лична карта, издадена на 12.03.2026, номер 645123456."
    assert redact_text(text) == "Лична карта, издадена на 12.03.2026, номер [ЛИЧНА КАРТА]."


# ------------------------------------------------------------------ must not redact

UNCHANGED = [
    "Срещата беше на 12.03.2026 в 10:30 ч.",
    "Датата в системата е 2026-03-12, а в писмото 12/03/2026.",
    "Платих 25 лв. и още 12,50 €, общо около 100 EUR.",
    "Таксата е 1 250 лв., а за бърза услуга BGN 45.90.",
    "Пощенският код е 1000, моят е 1407 София.",
    "Входящ номер: вх. № 94-00-1234/12.03.2026.",
    "заявление № 2026-0042 още е в обработка",
    "рег. № СО-2026-001234, изх. № 70-00-12/05.03.2026",
    "Работно време от 08:30 до 17:30, обедна почивка 12.30 ч.",
    "Тествахме през седмица 2026-W11, през 2025 г. и 2024 г.",
    "Около 75% от полетата бяха ясни, 12,5 % не бяха.",
    "Задачата отне 3 мин 20 сек, втората 2:45 мин.",
    "SUS 72,5; SEQ 6 от 7; NPS 8.",
    "Опашката на ул. Сердика беше огромна.",
    "На бул. Витоша има 3 нови офиса.",
    "Минах по ул. Шипка 2 пъти, но не намерих входа.",
    "Апартаментът е 65 кв. м, на 3-ти етаж.",
    "Формулярът искаше ЕГН и лична карта, но не обясни защо.",
    "I waited 45 minutes at counter 3 on 12 March 2026.",
    "On Vitosha Blvd there are 3 offices.",
    "Iteration 4, task 2: success rate 83%, median time 95 seconds.",
    "Версия 2.3.1 от 01.02.2026 г. оправи качването.",
    "",
    "   ",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_dates_amounts_codes_and_times_alone(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.findings == ()


# ------------------------------------------------------------------ overlaps


def test_an_email_with_a_phone_in_it_is_one_email() -> None:
    assert only("Пишете на ivan.0888123456@abv.bg").kind is Kind.EMAIL


def test_an_iban_is_not_read_as_the_numbers_inside_it() -> None:
    text = "IBAN BG80 BNBG 9661 1020 3456 78 и DE89370400440532013000."
    assert [f.kind for f in redact(text).findings] == [Kind.IBAN, Kind.IBAN]


def test_a_mistyped_iban_is_not_read_as_a_card_or_phone() -> None:
    text = "Сметка DE31 9263 2619 0307 3461 62."
    assert not iban.is_valid("DE31926326190307346162")
    assert luhn.is_valid("26190307346162")  # a card number by chance inside its account part
    assert redact_text(text) == text


def test_a_card_number_that_is_a_mistyped_ibans_whole_account_part_is_read() -> None:
    # Hypothesis found it: an Estonian IBAN's structure with wrong check digits, or "EE00" and a
    # card number; redacting the card keeps whichever it is from being read
    assert not iban.is_valid("EE004000000000000002")
    assert redact_text("EE00 4000000000000002") == "EE00 [КАРТА]"
    assert redact_text("EE00 4000 0000 0000 0002") == "EE00 [КАРТА]"


def test_letters_and_digits_of_no_iban_structure_hide_no_card() -> None:
    # Hypothesis found "AA00 4000000000000002" left whole: "AA" is no IBAN country
    assert redact_text("AA00 4000000000000002") == "AA00 [КАРТА]"
    assert redact_text("BE00 4000 0000 0000 0002") == "BE00 [КАРТА]"  # too long for Belgium


def test_two_phones_in_a_row_stay_two_phones() -> None:
    text = "0888 719 536 0887 405 259"
    assert luhn.is_valid("5360887405259")  # a card number hides across the two
    assert redact_text(text) == "[ТЕЛЕФОН] [ТЕЛЕФОН]"


def test_no_part_of_a_dropped_candidate_stays_readable() -> None:
    # A phone (0888 123 456) and a card number (456 7885 7759 8773) share the group "456": keeping
    # either alone would leave part of the other readable, so both go as one finding.
    text = "тел. 0888 123 456 7885 7759 8773"
    assert luhn.is_valid("456788577598773")
    result = redact(text)
    assert result.text == "тел. [КАРТА]"
    assert [(f.start, f.end) for f in result.findings] == [(5, len(text))]


# ------------------------------------------------------------------ positions, undo, safety

TEXT = "Тел. 0888 123 456, ЕГН 7501020018, пишете на ivan@abv.bg или на ул. Шипка 6."


def test_findings_point_into_the_original_text_in_order() -> None:
    result = redact(TEXT)
    assert [f.kind for f in result.findings] == [Kind.PHONE, Kind.EGN, Kind.EMAIL, Kind.ADDRESS]
    assert [f.original for f in result.findings] == [
        "0888 123 456",
        "7501020018",
        "ivan@abv.bg",
        "ул. Шипка 6",
    ]
    for f in result.findings:
        assert TEXT[f.start : f.end] == f.original
        assert f.placeholder == PLACEHOLDERS[f.kind]
    assert result.source == TEXT
    assert result.text == "Тел. [ТЕЛЕФОН], ЕГН [ЕГН], пишете на [ИМЕЙЛ] или на [АДРЕС]."


def test_placeholder_spans_point_into_the_redacted_text() -> None:
    result = redact(TEXT)
    spans = result.placeholder_spans()
    assert [result.text[s:e] for s, e in spans] == [f.placeholder for f in result.findings]


def test_without_undoes_a_false_positive() -> None:
    result = redact(TEXT)
    undone = result.without([2])
    assert undone.text == "Тел. [ТЕЛЕФОН], ЕГН [ЕГН], пишете на ivan@abv.bg или на [АДРЕС]."
    assert [f.kind for f in undone.findings] == [Kind.PHONE, Kind.EGN, Kind.ADDRESS]
    assert undone.without(range(3)).text == TEXT
    assert result.without([]) == result


def test_apply_redaction_keeps_the_chosen_findings() -> None:
    findings = redact(TEXT).findings
    assert apply_redaction(TEXT, findings) == redact_text(TEXT)
    assert apply_redaction(TEXT, findings, keep=[0, 3]) == (
        "Тел. 0888 123 456, ЕГН [ЕГН], пишете на [ИМЕЙЛ] или на ул. Шипка 6."
    )
    assert apply_redaction(TEXT, list(reversed(findings)), keep=[0]) == (
        "Тел. [ТЕЛЕФОН], ЕГН [ЕГН], пишете на [ИМЕЙЛ] или на ул. Шипка 6."
    )


def test_bad_undo_requests_fail_without_quoting_personal_data() -> None:
    result = redact(TEXT)
    with pytest.raises(IndexError) as error:
        result.without([4])
    assert "0888" not in str(error.value)
    with pytest.raises(ValueError) as error:
        apply_redaction("другият текст е съвсем различен от първия", result.findings)
    assert all(f.original not in str(error.value) for f in result.findings)
    overlapping = [result.findings[0], result.findings[0]]
    with pytest.raises(ValueError, match="overlaps"):
        apply_redaction(TEXT, overlapping)


def test_repr_never_shows_the_original_values() -> None:
    result = redact(TEXT)
    shown = repr(result) + repr(result.findings) + str(result.findings[0])
    for f in result.findings:
        assert f.original not in shown


def test_redaction_is_immutable_and_rejects_non_text() -> None:
    result = redact(TEXT)
    assert isinstance(result, Redaction)
    with pytest.raises(AttributeError):
        result.text = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        redact(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        redact(b"0888123456")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [TEXT] + [s.format(v) for s, v, _ in FOUND] + UNCHANGED)
def test_redacting_redacted_text_changes_nothing(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once


def test_is_deterministic() -> None:
    assert {redact(TEXT) for _ in range(5)} == {redact(TEXT)}


# ------------------------------------------------------------------ properties

ALPHABET = '0123456789 0123456789 +-./()@,:;№„“"abcxyzABGDEХЕЛКулбжкв.\n\u00a0'
noise = st.text(alphabet=ALPHABET, max_size=40)


@st.composite
def valid_egns(draw) -> str:
    year = draw(st.integers(1800, 2099))
    month = draw(st.integers(1, 12)) + (20 if year < 1900 else 40 if year >= 2000 else 0)
    body = (
        f"{year % 100:02d}{month:02d}{draw(st.integers(1, 28)):02d}{draw(st.integers(0, 999)):03d}"
    )
    return with_check(body, egn)


@st.composite
def valid_ibans(draw) -> str:
    bban = draw(st.from_regex(r"[A-Z]{4}[0-9]{6}[A-Z0-9]{8}", fullmatch=True))
    number = "BG" + iban.calc_check_digits("BG00" + bban) + bban
    return iban.format(number) if draw(st.booleans()) else number


@st.composite
def valid_cards(draw) -> str:
    body = draw(st.sampled_from(["4", "51", "55", "2221"]))
    body += draw(st.from_regex(r"[0-9]{15}", fullmatch=True))[: 15 - len(body)]
    number = body + luhn.calc_check_digit(body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_is_handled(text: str) -> None:
    result = redact(text)
    assert apply_redaction(text, result.findings) == result.text
    assert result.without(range(len(result.findings))).text == text
    assert redact_text(result.text) == result.text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(noise, st.one_of(valid_egns(), valid_ibans(), valid_cards())), max_size=4),
    noise,
)
def test_no_valid_egn_iban_or_card_survives(parts: list[tuple[str, str]], tail: str) -> None:
    text, starts = "", []
    for before, value in parts:
        text += f"{before} "
        starts.append(len(text))
        text += f"{value} "
    text += tail
    result = redact(text)
    for (_, value), start in zip(parts, starts, strict=True):
        is_card = len(value.replace(" ", "").replace("-", "")) == 16
        if not (is_card and ends_a_mistyped_iban(text, start, start + len(value))):
            assert value not in result.text
    assert redact_text(result.text) == result.text
    for f in result.findings:
        assert text[f.start : f.end] == f.original


def ends_a_mistyped_iban(text: str, start: int, end: int) -> bool:
    """The one place a valid card number stays, by design: the end of a mistyped IBAN (the right
    country, length and structure, wrong check digits) whose account part starts before it, as
    "2619 0307 3461 62" in "DE31 9263 2619 0307 3461 62", or "DE00 00 4000 0000 0000 0002"."""
    return any(account < start and e == end for _, account, e in find_ibans(text)[1])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_noisy_numbers_are_idempotent(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once
