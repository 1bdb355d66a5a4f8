"""What benchmarks/redaction_benchmark.py redacts: sentence templates, checksum-valid identifiers
of every kind, distractors that must stay as they are, and clean answers (all generated, seeded).
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable

from stdnum import iban, luhn
from stdnum.bg import egn, pnf

from research.redaction import Kind

# ------------------------------------------------------------------ sentence templates, {x} = value

TEMPLATES: dict[Kind, tuple[str, str]] = {  # (Bulgarian lines, English lines)
    Kind.EGN: (
        """Моето ЕГН е {x}, моля не го показвайте никъде.
ЕГН: {x}
Служителката поиска ЕГН-то ми ({x}) два пъти на гишето.
На 12.03.2026 попълних ЕГН {x} и системата върна грешка.
Попълних {x} в полето за ЕГН, но не го прие от първия път.
Роден съм през 1975 г., ЕГН {x}, живея в София от 20 години.""",
        """My EGN is {x}, please keep it private.
The form rejected my personal number {x} twice.
Participant read out her EGN ({x}) while filling in the form.
EGN {x} – entered at 10:30, accepted after 3 attempts.""",
    ),
    Kind.LNCH: (
        """Моят ЛНЧ е {x} и формулярът не го приема.
ЛНЧ: {x}, разрешение за пребиваване от 2024 г.
Като чужденец въведох ЛНЧ {x}, а системата искаше ЕГН.
Участникът продиктува ЛНЧ-то си – {x}.""",
        """My LNCh is {x} but the portal only accepts an EGN.
As a foreigner I typed my ЛНЧ {x} and got an error.
Personal number of a foreigner (LNCh): {x}.""",
    ),
    Kind.PHONE: (
        """Обадете ми се на {x}, ако има проблем.
Телефон за връзка: {x}
Звънях на {x} три пъти и никой не вдигна.
Моля, пишете ми в Viber на {x} след 18:00 ч.
Дадох номера си {x} на служителя в район Лозенец.""",
        """Please call me on {x} if anything is missing.
Contact phone: {x}
I called {x} three times on 12.03.2026 and nobody answered.
You can reach me at {x} after 6 pm.""",
    ),
    Kind.EMAIL: (
        """Пишете ми на {x}, ако имате въпроси.
Имейл: {x}
Потвърждението дойде на {x} чак след 3 дни.
Изпратих заявлението от {x}, но отговор няма.""",
        """Send the confirmation to {x}, please.
My e-mail is {x}.
The receipt went to {x} instead of my work address.""",
    ),
    Kind.IBAN: (
        """Моля, върнете таксата по сметка {x}.
IBAN: {x}
Платих 25 лв. от сметка {x}, но плащането не се отрази.
Банковата ми сметка е {x} в ДСК.""",
        """Please refund the fee to {x}.
IBAN {x} – the transfer of 12,50 € failed.
My account number is {x}.""",
    ),
    Kind.CARD: (
        """Платих с карта {x} и таксата беше удържана два пъти.
Номер на картата: {x}
Въведох {x} и плащането беше отказано.
Картата ми {x} не беше приета на ПОС терминала.""",
        """I paid with card {x} and was charged twice.
Card number: {x}
The payment page rejected {x} after 2 minutes.""",
    ),
    Kind.ID_CARD: (
        """Лична карта № {x}, издадена от МВР София.
Номерът на личната ми карта е {x}.
л.к. {x}
ЛК № {x} е с изтекъл срок.
Показах паспорт {x}, защото личната карта беше изгубена.
Документ за самоличност: лична карта {x}.
Данни от личната карта: номер {x}, валидна до 2031 г.""",
        """ID card number {x}, issued in Sofia.
My identity card is {x}.
I showed my passport {x} at the counter.
Passport no. {x} expires next year.
ID card: {x} (copy attached).""",
    ),
    Kind.ADDRESS: (
        """Живея на {x} от 2019 г.
Адресът ми е {x}, София.
Искам да сменя адреса си на {x}.
Новият ми адрес: {x}
Пратиха писмото на {x}, а аз вече не живея там.""",
        """I live at {x}, Sofia.
My new address is {x}.
Please send the letter to {x}.""",
    ),
}

DISTRACTOR_TEMPLATES = (
    """Срещата беше на {x}, а заявлението още не е готово.
Участникът спомена „{x}“, докато търсеше бутона.
В протокола е записано: {x}.
Според служителя срокът е {x}.""",
    """The note says {x}.
Participant mentioned {x} while looking for the button.
According to the clerk the reference is {x}.""",
)

CLEAN = (
    """Процедурата беше объркваща и не разбрах кой документ трябва да подам първо.
Формулярът искаше ЕГН, но не беше ясно защо ми трябва и лична карта.
Опашката на ул. Сердика беше огромна, чаках почти час.
На бул. Витоша има табела, но не се вижда от спирката.
Служителката на гише 3 беше много любезна и ми помогна.
Платих 12,50 лв. с карта, но касовата бележка не излезе.
Обадих се на телефона на районната администрация, никой не вдигна.
Не намерих къде да кача снимка на личната карта.
Живея в Люлин от 10 години и за първи път сменям адреса си.
Сайтът не работеше от телефона ми, само от компютъра.
Бутонът „Напред“ е твърде малък и не се вижда на телефона.
Отне ми 3 мин 20 сек да намеря формата за промяна на адреса.
Щях да дам оценка 9 от 10, ако имаше онлайн плащане.
Получих SMS с код, но кодът изтече след 5 минути.
Трябваше да отида до 2-ри етаж, стая 214, а указанията бяха само на английски.
Заявление № 2026-0042 още е в обработка според сайта.
Входящият номер е вх. № 94-00-1234/12.03.2026.
Прочетох указанията през седмица 2026-W11, но не разбрах нищо.
Таксата е 5 лв., а за бърза услуга 10 лв.
Работното време е от 08:30 до 17:30, но в 17:00 вече не приемат.
Около 75% от полетата бяха ясни, останалите не.
Пощенският код на район Младост е 1784, а моят е 1407 София.
Картата за градски транспорт не помогна, трябваше лична карта.
Не знаех, че квартал Лозенец е в друг район.
Бих препоръчал услугата на приятел, но с подобрения.
На бул. Витоша има 3 нови офиса, но нито един не приема заявления.
Минах по ул. Шипка 2 пъти, но не намерих входа на сградата.
От ж.к. Люлин до центъра пътувах 40 минути с метрото.
Опашката на ул. Граф Игнатиев беше от 20 души.
В кв. Лозенец районната администрация е на 5 минути от метрото.
Бл. 5 е най-близо до спирката, пише на табелата.
Гише 4 на пл. Славейков работи до 16:00 ч.""",
    """The process was confusing and I did not know which document to submit first.
I waited almost an hour at counter 3 on 12 March 2026.
The form asked for my EGN but did not explain why.
The fee was 12,50 € and the card terminal did not work.
I could not find where to upload a photo of my ID card.
The Next button is too small on a phone screen.
It took me 3 min 20 sec to find the change of address form.
Application no. 2026-0042 is still being processed.
Opening hours are 08:30 to 17:30, but they stop at 17:00.
About 75% of the fields were clear.
The postcode for my district is 1407.
I would give it 9 out of 10 if online payment worked.
The SMS code expired after 5 minutes.
We tested iteration 4 in week 2026-W11 with 6 participants.
Task 2 had a success rate of 83% and a median time of 95 seconds.
I live in Mladost and the office is in the city centre.
The street near the office was closed for repairs.
I called the helpline twice but nobody answered.
My residence permit was renewed in 2025.
Version 2.3 of the prototype fixed the upload problem.
On Vitosha Blvd there are 3 offices, none of them open on Saturday.
The office on Graf Ignatiev Str. was closed for 2 weeks.
I walked 10 minutes from Serdika station to the office.""",
)


def options(text: str) -> list[str]:
    return text.split("|")


BG_STREETS = options(
    "Граф Игнатиев|Витоша|Шипка|Г. С. Раковски|Васил Левски|Христо Ботев|Александър Стамболийски|"
    "Черни връх|Цар Борис III|Патриарх Евтимий|Оборище|Позитано|Солунска|Алабин|Княз Борис I|"
    "Пиротска|Сердика|Цариградско шосе|България|Тодор Александров|Мария Луиза|Янко Сакъзов|"
    "6-ти септември|Гео Милев|Проф. Цветан Лазаров|Акад. Иван Гешов|Ген. Гурко|Московска|"
    "Неофит Рилски|Хан Аспарух|Братя Миладинови|Св. Св. Кирил и Методий|Кракра|Евлоги Георгиев"
)
DISTRICTS = options("Люлин|Младост|Надежда|Дружба|Красна поляна|Овча купел|Банишора|Изток|Лозенец")
LATIN_STREETS = options(
    "Graf Ignatiev|Vitosha|Shipka|Rakovski|Vasil Levski|Hristo Botev|Cherni Vrah|Tsar Boris III|"
    "Oborishte|Pirotska|Serdika|Solunska|Alabin|Maria Luiza|Tsarigradsko Shose|Bulgaria"
)


# ------------------------------------------------------------------ identifiers, all checksum-valid


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def gen_egn(rng: random.Random) -> str:
    born = dt.date(1850, 1, 1) + dt.timedelta(days=rng.randrange(176 * 365))
    month = born.month + (20 if born.year < 1900 else 40 if born.year >= 2000 else 0)
    body = f"{born.year % 100:02d}{month:02d}{born.day:02d}{digits(rng, 3)}"
    return body + egn.calc_check_digit(body)


def gen_lnch(rng: random.Random) -> str:
    body = digits(rng, 9)
    return body + pnf.calc_check_digit(body)


def gen_phone(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:  # mobile: 08[7-9]X XXX XXX
        n = rng.choice(("87", "88", "89", "98")) + digits(rng, 7)
        forms = (
            f"0{n[:3]} {n[3:6]} {n[6:]}", f"0{n}", f"0{n[:2]} {n[2:5]} {n[5:]}",
            f"+359 {n[:3]} {n[3:6]} {n[6:]}", f"+359{n}", f"00359 {n[:3]} {n[3:6]} {n[6:]}",
            f"+359 (0) {n[:3]} {n[3:6]} {n[6:]}", f"0{n[:3]}-{n[3:6]}-{n[6:]}",
            f"0{n[:3]}/{n[3:6]} {n[6:]}", f"0{n[:3]}.{n[3:6]}.{n[6:]}",
            f"0{n[:3]} {n[3:5]} {n[5:7]} {n[7:]}", f"(0{n[:3]}) {n[3:6]} {n[6:]}",
            f"+359 {n[:2]} {n[2:5]} {n[5:]}", f"0{n[:3]} {n[3:]}", f"+359-{n[:2]}-{n[2:5]}-{n[5:]}",
            f"+359 0{n[:3]} {n[3:]}",
        )  # fmt: skip
    elif kind < 0.8:  # Sofia: 02 XXX XXXX
        n = "2" + rng.choice("2346789") + digits(rng, 6)
        forms = (
            f"0{n[0]} {n[1:4]} {n[4:]}", f"(0{n[0]}) {n[1:4]} {n[4:6]} {n[6:]}",
            f"0{n[0]}/{n[1:4]} {n[4:6]} {n[6:]}", f"+359 {n[0]} {n[1:4]} {n[4:]}", f"0{n}",
            f"0{n[0]}-{n[1:4]}-{n[4:]}", f"+359 (2) {n[1:4]} {n[4:]}",
        )  # fmt: skip
    else:  # other area codes and national numbers: 8-digit NSN
        code = rng.choice(
            ("32", "52", "56", "42", "64", "66", "58", "82", "92", "44", "301", "700")
        )
        sub = rng.choice("2345678") + digits(rng, 7 - len(code))
        forms = (
            f"0{code} {sub[:3]} {sub[3:]}", f"0{code}/{sub}", f"+359 {code} {sub}",
            f"(0{code}) {sub}", f"0{code}-{sub}",
        )  # fmt: skip
    return rng.choice(forms)


GIVEN = options("ivan|maria|georgi|petya|dimitar|elena|nikolay|yana|stoyan|desislava|boris|kalina")
FAMILY = options("petrov|ivanova|georgiev|dimitrova|nikolov|stoyanova|todorov|angelova|kolev")
DOMAINS = options("abv.bg|gmail.com|mail.bg|dir.bg|yahoo.com|sofia.bg|outlook.com|uni-sofia.bg")


def gen_email(rng: random.Random) -> str:
    local = rng.choice(GIVEN) + rng.choice((".", "_", "", "-")) + rng.choice(FAMILY)
    if rng.random() < 0.4:
        local += str(rng.randint(1, 2005))
    if rng.random() < 0.1:
        local = local.capitalize()
    return f"{local}@{rng.choice(DOMAINS)}"


IBAN_FORMATS = {  # country: BBAN structure, letters "a", digits "n", alphanumerics "c"
    "BG": "aaaannnnnncccccccc",
    "DE": "nnnnnnnnnnnnnnnnnn",
    "GB": "aaaannnnnnnnnnnnnn",
    "RO": "aaaacccccccccccccccc",
    "GR": "nnnnnnncccccccccccccccc",
    "AT": "nnnnnnnnnnnnnnnn",
    "NL": "aaaannnnnnnnnn",
}
CHARS = {
    "a": string.ascii_uppercase,
    "n": string.digits,
    "c": string.ascii_uppercase + string.digits,
}


def gen_iban(rng: random.Random) -> str:
    country = "BG" if rng.random() < 0.6 else rng.choice(sorted(IBAN_FORMATS))
    bban = "".join(rng.choice(CHARS[c]) for c in IBAN_FORMATS[country])
    number = country + iban.calc_check_digits(country + "00" + bban) + bban
    assert iban.is_valid(number)
    return iban.format(number) if rng.random() < 0.6 else number


def gen_card(rng: random.Random) -> str:
    prefix = rng.choice(("4", "51", "52", "53", "54", "55", str(rng.randint(2221, 2720))))
    body = prefix + digits(rng, 15 - len(prefix))
    number = body + luhn.calc_check_digit(body)
    sep = rng.choice((" ", " ", "-", ""))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def gen_id_card(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice("123456789") + digits(rng, 8)
    letters = rng.choice("AB") + rng.choice(string.ascii_uppercase)
    return letters + rng.choice(("", "", " ")) + digits(rng, 7)


def gen_address(rng: random.Random) -> str:
    name, n = rng.choice(BG_STREETS), str(rng.randint(1, 180))
    kind = rng.choice(("ул.", "ул.", "бул.", "улица", "булевард"))
    extra = rng.choice(
        (
            "",
            "",
            f", ет. {rng.randint(1, 12)}",
            f", ет. {rng.randint(1, 9)}, ап. {rng.randint(1, 60)}",
        )
    )
    district = f"{rng.choice(DISTRICTS)}{rng.choice(('', ' ' + str(rng.randint(1, 4))))}"
    block = f"бл. {rng.randint(1, 550)}, вх. {rng.choice('АБВГ')}"
    latin = rng.choice(LATIN_STREETS)
    quarter, floor = rng.choice(DISTRICTS), rng.randint(1, 15)
    forms = (
        f"{kind} {name} {n}", f"{kind} „{name}“ {n}{extra}", f"бул. {name} № {n}{extra}",
        f"ж.к. {district}, {block}, ет. {floor}", f"кв. {quarter}, ул. {name} {n}",
        f"бл. {rng.randint(1, 550)}, вх. {rng.choice('АБВ')}, ап. {rng.randint(1, 90)}",
        f"ж.к. {quarter} {rng.randint(1, 4)}, {block}", f"ул. {name} {n}{rng.choice('АБ')}",
        f"{n} {latin} Str.", f"{latin} Blvd {n}", f"ul. {latin} {n}", f"{n} {latin} Street",
        f"ул.{name} {n}", f"{kind} {name.lower()} {n}", f"{n} {latin} St.", f"{latin} Str. {n}",
        f"бул. „{name}“ № {n}, вх. {rng.choice('АБВ')}, ет. {rng.randint(1, 9)}",
    )  # fmt: skip
    return rng.choice(forms)


GENERATORS: dict[Kind, Callable[[random.Random], str]] = {
    Kind.EGN: gen_egn,
    Kind.LNCH: gen_lnch,
    Kind.PHONE: gen_phone,
    Kind.EMAIL: gen_email,
    Kind.IBAN: gen_iban,
    Kind.CARD: gen_card,
    Kind.ID_CARD: gen_id_card,
    Kind.ADDRESS: gen_address,
}


# ---------------------------------------------------------------- distractors, to stay as they are


def gen_invalid_ten(rng: random.Random) -> str:
    while True:
        number = rng.choice("123456789") + digits(rng, 9)
        if not (egn.is_valid(number) or pnf.is_valid(number)):
            return number


def gen_invalid_card(rng: random.Random) -> str:
    number = "4" + digits(rng, 15)
    while luhn.is_valid(number):
        number = "4" + digits(rng, 15)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def gen_invalid_iban(rng: random.Random) -> str:
    number = gen_iban(rng).replace(" ", "")
    bad = f"{(int(number[2:4]) + rng.randint(1, 96) - 2) % 97 + 2:02d}"
    return iban.format(number[:2] + bad + number[4:])


DISTRACTOR_FORMS = {  # "|" between the forms; the fields come from distractor_fields()
    "dates": "{d}|{d2}|{d} г.|от {d} до {d2}",
    "amounts": "{n} лв.|{n},{c:02d} €|{n} EUR|1 {n:03d} лв.|BGN {n}.{c:02d}|€ {c},50",
    "postcodes": "{code}|{code} София|ПК {code}|София {code}|гр. София {code}",
    "case numbers": "вх. № {c}-00-{n}/{d}|заявление № {y}-{n:04d}|рег. № СО-{y}-{big:06d}|"
    "изх. № {c}-{m:02d}-{s}/{d}|case {y}-{n:04d}|преписка {y}/{big}",
    "times": "{h:02d}:{m:02d}|{h}:{m:02d} ч.|от {h:02d}:30 до {h2}:00|{h}.{m10}0 ч.|"
    "{d} в {h}:{m:02d}",
    "ISO weeks, years, %": "{y}-W{w:02d}|седмица {w}|{year} г.|{p}%|{c},{s} %",
    "task times, scores": "{s} мин {m} сек|{s}:{m:02d} мин|SUS {p},5|SEQ {s} от 7|NPS {c}",
}


def distractor_fields(r: random.Random) -> dict[str, object]:
    start = dt.date(2024, 1, 1) + dt.timedelta(days=r.randrange(900))
    formats = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m")
    return {
        "d": start.strftime(r.choice(formats)),
        "d2": (start + dt.timedelta(days=r.randrange(60))).strftime(r.choice(formats)),
        "n": r.randint(1, 999),
        "c": r.randint(0, 99),
        "big": r.randint(1, 999999),
        "code": r.randint(1000, 9999),
        "y": r.randint(2024, 2026),
        "year": r.randint(1950, 2026),
        "h": r.randint(7, 19),
        "h2": r.randint(12, 19),
        "m": r.randint(0, 59),
        "m10": r.randint(0, 5),
        "w": r.randint(1, 52),
        "p": r.randint(1, 100),
        "s": r.randint(1, 9),
    }


def distractor(name: str, rng: random.Random) -> str:
    invalid = {"invalid 10-digit": gen_invalid_ten, "invalid card": gen_invalid_card}
    if name in invalid:
        return invalid[name](rng)
    if name == "invalid IBAN":
        return gen_invalid_iban(rng)
    return rng.choice(options(DISTRACTOR_FORMS[name])).format(**distractor_fields(rng))


DISTRACTORS = [*DISTRACTOR_FORMS, "invalid 10-digit", "invalid card", "invalid IBAN"]
