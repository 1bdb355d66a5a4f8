"""Corpora for benchmarks/themes_benchmark.py: templated Bulgarian answers, banking77, clinc150.

The Bulgarian answers are generated from the templates below (themes about changing the address
registration online); the English sets are read from ../shared/data (their licences are there).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED = 0


# --- Bulgarian short answers about changing the address registration online ---------------------

# theme → core phrasings; a generated answer is prefix + core + detail + ending.
BG_THEMES: dict[str, list[str]] = {
    "payment": [
        "плащането с карта не мина",
        "не можах да платя таксата онлайн",
        "картата ми беше отхвърлена при плащане",
        "грешка при плащането на таксата",
        "плащането през ePay не работи",
        "таксата се плати два пъти",
        "не разбрах колко е таксата и как се плаща",
        "след плащането страницата блокира",
    ],
    "form": [
        "не намерих формуляра за промяна на адреса",
        "къде е заявлението за адресна регистрация",
        "трудно се намира формулярът на сайта",
        "търсих бланката половин час",
        "формулярът е скрит в менюто",
        "не можах да открия къде се подава заявлението",
        "линкът към формуляра не води никъде",
    ],
    "login": [
        "не мога да вляза с електронен подпис",
        "влизането с КЕП не работи",
        "идентификацията с ПИК не минава",
        "Евротръст не потвърди самоличността ми",
        "електронната идентичност не се разпознава",
        "системата не приема моя електронен подпис",
        "вход с подпис дава грешка",
    ],
    "owner": [
        "собственикът трябва да даде съгласие",
        "декларацията от собственика е проблем",
        "хазяинът не иска да подпише декларацията",
        "нужно е нотариално заверено съгласие на собственика",
        "как да докажа, че живея под наем без съгласие на собственика",
        "собственикът живее в чужбина и не може да подпише",
    ],
    "confirmation": [
        "не получих потвърждение по имейл",
        "чакам удостоверението вече две седмици",
        "няма никакво потвърждение, че заявлението е прието",
        "не знам дали заявлението ми е обработено",
        "удостоверението за адрес не пристигна",
        "статусът на заявлението не се променя",
    ],
    "counter": [
        "пак трябваше да отида на гише",
        "накараха ме да ида до районната администрация",
        "на гишето казаха, че онлайн заявлението не важи",
        "опашката в района беше огромна",
        "все пак ходих лично до общината",
    ],
    "address_terms": [
        "не разбирам разликата между постоянен и настоящ адрес",
        "объркващо е кой адрес е постоянен и кой настоящ",
        "не беше ясно дали да сменя настоящия или постоянния адрес",
        "термините постоянен и настоящ адрес са неясни",
    ],
    "upload": [
        "не можах да кача документа",
        "файлът е твърде голям за качване",
        "качването на снимка на личната карта се проваля",
        "системата не приема PDF файл",
        "прикаченият документ изчезна след запис",
    ],
    "praise": [
        "много по-лесно отколкото на гише",
        "всичко стана за десет минути, браво",
        "удобна и бърза услуга",
        "благодаря, всичко мина гладко",
        "най-накрая нещо работи онлайн",
        "ясно и просто, супер",
    ],
}
BG_PREFIXES = [
    "",
    "",
    "",
    "Честно казано, ",
    "Като цяло ",
    "Ами ",
    "За съжаление ",
    "Според мен ",
    "Вчера ",
    "При промяната на адреса ",
]
BG_ENDINGS = ["", "", ".", ".", "!", "!!", " :(", "...", " и се отказах.", " Моля, оправете го."]
BG_DETAILS = ["", "", "", " на телефона", " от компютъра", " два пъти", " вчера вечерта"]
BG_SHORT = ["ок", "Добре", "няма", "-", "👍", "...", "не знам", "нищо", "ОК!", "🙂", "?", "да"]


def bulgarian_answers(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """`n` Bulgarian answers from the templates and their theme (or "short" for "ok", emoji)."""
    rng = random.Random(seed)
    names = sorted(BG_THEMES)
    texts, gold = [], []
    for _ in range(n):
        if rng.random() < 0.05:
            texts.append(rng.choice(BG_SHORT))
            gold.append("short")
            continue
        theme = rng.choice(names)
        core = rng.choice(BG_THEMES[theme])
        text = rng.choice(BG_PREFIXES) + core + rng.choice(BG_DETAILS) + rng.choice(BG_ENDINGS)
        text = text[0].upper() + text[1:] if rng.random() < 0.7 else text
        texts.append(text)
        gold.append(theme)
    return texts, gold


# --- data -----------------------------------------------------------------------------------------


def banking77(split: str = "test") -> tuple[list[str], list[str]]:
    with (DATA / "banking77" / f"{split}.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def clinc150(split: str = "test") -> tuple[list[str], list[str]]:
    items = json.loads((DATA / "clinc150" / "data_full.json").read_text(encoding="utf-8"))[split]
    return [text for text, _ in items], [intent for _, intent in items]


def english_pool() -> list[str]:
    texts = banking77("train")[0] + banking77("test")[0]
    for split in ("train", "val", "test"):
        texts += clinc150(split)[0]
    return texts


def mixed_corpus(n: int, seed: int = SEED) -> list[str]:
    """75% templated Bulgarian answers, 25% English queries (with replacement), shuffled."""
    rng = random.Random(seed)
    n_en = n // 4
    pool = english_pool()
    texts = bulgarian_answers(n - n_en, seed)[0] + [rng.choice(pool) for _ in range(n_en)]
    rng.shuffle(texts)
    return texts
