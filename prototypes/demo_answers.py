"""What the demo's respondents write in the two open questions, in Bulgarian and English.

Each answer carries a weight per iteration, so themes appear, grow and fade over the three weeks.
"""

#: Open answers: (language, question, text, weight in iterations 1, 2, 3)
OPEN_ANSWERS = (
    ("bg", "improve", "Не разбрах каква декларация трябва да ми даде хазяинът.", (1.0, 0.6, 0.1)),
    (
        "bg",
        "improve",
        "Трябва образец на декларацията от собственика, намерих го чак в друг сайт.",
        (0.8, 0.5, 0.1),
    ),
    ("bg", "improve", "Нямам КЕП и не можах да продължа.", (1.0, 0.3, 0.2)),
    (
        "bg",
        "improve",
        "Входът с е-идентичност поиска да сканирам лицето си три пъти.",
        (0.0, 0.8, 0.3),
    ),
    ("bg", "improve", "Полето за адреса не прие номера на блока.", (0.9, 0.3, 0.1)),
    (
        "bg",
        "improve",
        "Подсказките за улицата показваха една и съща улица два пъти.",
        (0.0, 0.7, 0.3),
    ),
    (
        "bg",
        "improve",
        "Не беше ясно трябва ли да платя, или удостоверението е по желание.",
        (0.6, 0.5, 0.4),
    ),
    ("bg", "improve", "Google Pay не работи на айфона ми.", (0.0, 0.0, 0.8)),
    ("bg", "improve", "Искам да получа SMS, когато адресът ми е сменен.", (0.4, 0.5, 0.5)),
    ("bg", "improve", "Да ми кажат отначало какви документи ще трябват.", (0.8, 0.5, 0.2)),
    ("bg", "improve", "Бутонът „Напред“ не се виждаше на телефона.", (0.7, 0.3, 0.1)),
    ("bg", "improve", "Защо трябва пак да ходя до МВР за лична карта?", (0.5, 0.5, 0.5)),
    ("bg", "improve", "Твърде много текст, не прочетох инструкциите.", (0.5, 0.4, 0.3)),
    ("bg", "improve", "Нищо, всичко беше наред.", (0.1, 0.3, 0.6)),
    ("bg", "improve", "Общината сама да уведоми НАП и личния лекар.", (0.4, 0.4, 0.4)),
    (
        "bg",
        "liked",
        "Можах да го направя от вкъщи, без опашка в районната администрация.",
        (0.8, 0.9, 1.0),
    ),
    ("bg", "liked", "Бързо и лесно, отне ми около 10 минути.", (0.3, 0.6, 0.9)),
    ("bg", "liked", "Харесаха ми подсказките за улицата.", (0.0, 0.7, 0.8)),
    ("bg", "liked", "Входът с е-идентичност е много по-лесен от КЕП.", (0.0, 0.7, 0.9)),
    ("bg", "liked", "Шаблонът на декларацията ми спести ходене до нотариус.", (0.0, 0.1, 0.9)),
    ("bg", "liked", "Обобщението преди подаване ми даде увереност.", (0.0, 0.0, 0.8)),
    ("bg", "liked", "Ясно потвърждение с входящ номер.", (0.2, 0.4, 0.8)),
    ("bg", "liked", "Нищо особено, беше объркващо.", (0.6, 0.3, 0.1)),
    ("bg", "liked", "Удобно е, че работи и на телефона.", (0.4, 0.6, 0.8)),
    ("bg", "liked", "Напомнянето за личната карта е полезно.", (0.0, 0.2, 0.8)),
    ("en", "improve", "I couldn't tell what document my landlord had to sign.", (1.0, 0.6, 0.1)),
    ("en", "improve", "I don't have a qualified e-signature, so I got stuck.", (1.0, 0.3, 0.2)),
    ("en", "improve", "The address field rejected my block number.", (0.9, 0.3, 0.1)),
    ("en", "improve", "The Google Pay button is missing on my iPhone.", (0.0, 0.0, 0.8)),
    ("en", "improve", "Please explain whether the certificate fee is optional.", (0.6, 0.5, 0.4)),
    ("en", "improve", "An English version of the confirmation would help.", (0.5, 0.5, 0.5)),
    (
        "en",
        "liked",
        "I could do it from home instead of queuing at the district office.",
        (0.8, 0.9, 1.0),
    ),
    ("en", "liked", "Quick and clear, about ten minutes.", (0.3, 0.6, 0.9)),
    ("en", "liked", "The e-identity login was much easier than the e-signature.", (0.0, 0.7, 0.9)),
    ("en", "liked", "The declaration template saved me a trip to the notary.", (0.0, 0.1, 0.9)),
)

#: Openers that make repeated answers read like different people wrote them.
OPENERS = {
    "bg": ("", "", "", "Честно казано, ", "Като цяло ", "Мисля, че ", "Според мен "),
    "en": ("", "", "", "Honestly, ", "Overall, ", "I think "),
}
