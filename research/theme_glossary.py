"""A small Bulgarian–English glossary that lets answers in both languages share a theme.

Lexical vectors cannot see that "плащането не мина" and "the payment failed" say the same thing.
Each row below is one concept of the address-registration journey and of e-services in general:
Bulgarian words and English words, as people write them. At first use every word goes through
`research.tokens.tokenize`, so the rows list word forms and the lemmatiser decides the lemmas (for
Bulgarian it gives different lemmas for "плащане", "плащането" and "платя"; all of them map here).

`concepts(tokens, lang)` returns the concept tokens ("≈плащане") of a list of lemmas; `ThemeModel`
adds them to a document's tokens. They link the languages in the TF-IDF/LSA space and are never
shown in labels (`is_concept`).
"""

from __future__ import annotations

from functools import lru_cache

from research.tokens import tokenize

PREFIX = "≈"

# bg word forms | en word forms; the first Bulgarian word names the concept.
ROWS = """
плащане плащането плащания плащам платя платих плати платена | payment payments pay paid paying
такса таксата такси таксите | fee fees charge charged
карта картата карти | card cards
формуляр формулярът формуляра формуляри бланка бланката | form forms
заявление заявлението заявления | application applications request
намеря намерих намирам намира намери открия открих | find found finding locate
вход входът влизане вляза влязох влизам | login log-in sign-in logging
подпис подписа подписът подписване | signature sign signing
самоличност самоличността идентификация идентификацията идентичност | identity identification id
адрес адреса адресът адреси | address addresses
регистрация регистрацията | registration register registered
постоянен постоянния постоянна | permanent
настоящ настоящия | current present
грешка грешката грешки | error errors mistake
сайт сайта сайтът страница страницата портал портала | site website page portal
документ документа документи документите | document documents paperwork
файл файла файлът файлове | file files pdf
качване кача качих качвам | upload uploaded uploading attach
потвърждение потвърждението потвърди потвърдиха | confirmation confirm confirmed
удостоверение удостоверението | certificate
имейл имейла поща пощата | email e-mail mail
гише гишето опашка опашката | counter desk queue line
собственик собственика собственикът хазяин хазяинът | owner landlord
декларация декларацията съгласие съгласието | declaration consent
наем наем под наем | rent rented tenant
бавно бавен бавна забива блокира | slow slowly freezes hangs
трудно труден трудна сложно сложен | hard difficult complicated
удобно удобен удобна лесен лесна | convenient easy simple
объркващо объркващ неясно неясен | confusing unclear confused
телефон телефона телефонът мобилен | phone mobile smartphone
чакам чаках чакане изчакване | wait waited waiting
отхвърлена отхвърлиха отхвърли отказ отказаха | declined rejected refused
помощ помогне помогна | help support assistance
община общината районна района район | municipality district council
електронен електронна електронния онлайн | electronic online digital
"""


def is_concept(token: str) -> bool:
    """True for a glossary concept token (kept out of labels and top terms)."""
    return token.startswith(PREFIX)


@lru_cache(maxsize=1)
def _maps() -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {"bg": {}, "en": {}}
    for row in ROWS.strip().splitlines():
        bg_words, en_words = (part.split() for part in row.split("|"))
        concept = PREFIX + bg_words[0]
        for lang, words in (("bg", bg_words), ("en", en_words)):
            for word in words:
                for lemma in tokenize(word, lang):
                    maps[lang].setdefault(lemma, concept)
    return maps


def concepts(tokens: list[str], lang: str) -> list[str]:
    """Concept tokens for the lemmas `tokens` of a text in `lang` (none for other languages)."""
    if lang not in ("bg", "en"):
        return []
    maps = _maps()
    own, other = maps[lang], maps["en" if lang == "bg" else "bg"]  # "pdf" inside a Bulgarian answer
    out = []
    for token in tokens:
        concept = own.get(token) or other.get(token)
        if concept is not None:
            out.append(concept)
    return out
