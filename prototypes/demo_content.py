"""The words of the demo project: Sofia's change of address registration, tested over three weeks.

Each observation and open answer carries three weights, one per iteration, so that problems fixed in
a later iteration fade and new ones appear, as they did in the team's notes.
"""

from __future__ import annotations

import datetime as dt

from prototypes.repository import StepInput, TaskInput

LIFE_EVENT = {
    "slug": "moving-home",
    "name_bg": "Преместване в нов дом",
    "name_en": "Moving home",
    "description_bg": (
        "Всичко, което човек прави, когато сменя жилището си в София: адресна регистрация, "
        "лична карта, уведомяване на други институции."
    ),
    "description_en": (
        "Everything a person does when they move to a new home in Sofia: address registration, "
        "ID card, telling other institutions."
    ),
}

STEPS = (
    StepInput(
        "find-info",
        "Намиране на информация за услугата",
        "Find information about the service",
        "online",
        "Столична община — портал за е-услуги",
        "",
        "безплатно",
        "10 мин",
    ),
    StepInput(
        "prepare-documents",
        "Подготовка на документите",
        "Prepare the documents",
        "online",
        "Гражданинът и собственикът на жилището",
        "Документ за собственост или декларация-съгласие от собственика (чл. 92 ЗГР)",
        "безплатно",
        "1–3 дни",
    ),
    StepInput(
        "apply",
        "Подаване на адресна карта",
        "Submit the address form",
        "online",
        "Районна администрация — звено ГРАО",
        "Адресна карта за настоящ адрес, лична карта",
        "безплатно",
        "15 мин",
    ),
    StepInput(
        "identify",
        "Електронна идентификация",
        "Identify electronically",
        "online",
        "Министерство на електронното управление; доставчик на КЕП",
        "КЕП или е-идентичност",
        "безплатно",
        "5 мин",
    ),
    StepInput(
        "pay",
        "Плащане на такса за удостоверение",
        "Pay the certificate fee",
        "online",
        "Столична община — виртуален ПОС",
        "Банкова карта",
        "2,56 € (бърза услуга 5,11 €)",
        "3 мин",
    ),
    StepInput(
        "confirmation",
        "Получаване на потвърждение",
        "Receive the confirmation",
        "online",
        "Районна администрация — звено ГРАО",
        "",
        "",
        "до 1 работен ден",
    ),
    StepInput(
        "update-registers",
        "Подмяна на лична карта и други регистри",
        "Update the ID card and other registers",
        "counter",
        "МВР — Български документи за самоличност",
        "Заявление за лична карта при промяна на постоянен адрес",
        "9,20 €",
        "30 дни срок",
    ),
)

PROTOTYPE = {
    "slug": "online-address-change",
    "name_bg": "Онлайн промяна на адресна регистрация",
    "name_en": "Online address registration change",
    "link": "https://www.figma.com/proto/opit-demo/address-change",
}

TASKS = (
    TaskInput(
        "T1",
        "Намерете услугата за промяна на настоящ адрес",
        "Find the service for changing your current address",
        "find-info",
        "Току-що сте се преместили в Младост. Намерете на сайта на общината как да смените "
        "настоящия си адрес.",
        "You have just moved to Mladost. Find on the municipality's site how to change your "
        "current address.",
        "Отваря страницата на услугата без помощ.",
        60,
    ),
    TaskInput(
        "T2",
        "Попълнете адресната карта с новия адрес",
        "Fill in the address form with your new address",
        "apply",
        "Попълнете адресната карта с адреса, който ви дадохме на листчето.",
        "Fill in the address form with the address on the card we gave you.",
        "Всички задължителни полета са попълнени и адресът е приет.",
        180,
    ),
    TaskInput(
        "T3",
        "Приложете декларацията-съгласие от собственика",
        "Attach the owner's consent declaration",
        "prepare-documents",
        "Живеете под наем. Приложете съгласието на собственика на жилището.",
        "You rent your flat. Attach the owner's consent.",
        "Прикачен е документ от правилния вид.",
        120,
    ),
    TaskInput(
        "T4",
        "Подпишете и подайте заявлението",
        "Sign and submit the application",
        "identify",
        "Подайте заявлението, като се идентифицирате по начин, който ви е удобен.",
        "Submit the application, identifying yourself in a way that suits you.",
        "Заявлението е подадено и има входящ номер.",
        120,
    ),
    TaskInput(
        "T5",
        "Разберете какво следва след подаването",
        "Find out what happens after submitting",
        "confirmation",
        "Разберете кога ще е готово и трябва ли да правите още нещо.",
        "Find out when it will be done and whether you must do anything else.",
        "Казва срока и че личната карта се подменя до 30 дни при смяна на постоянен адрес.",
        60,
    ),
)

#: (Monday of the ISO week, change log, hypothesis, task keys, per-task success chance, time factor)
ITERATIONS = (
    (
        dt.date(2026, 10, 26),
        "Първа версия: заявление в четири стъпки, вход само с КЕП, декларацията на собственика се "
        "качва като сканиран PDF.",
        "Хората ще подадат заявление онлайн за под 10 минути, ако формата следва адресната карта "
        "от гишето.",
        ("T1", "T2", "T3", "T4"),
        {"T1": 0.7, "T2": 0.6, "T3": 0.35, "T4": 0.5},
        1.8,
    ),
    (
        dt.date(2026, 11, 2),
        "Вход и с е-идентичност (мобилно приложение); подсказки за улицата от адресния регистър; "
        "по-ясен текст за декларацията; нова задача T5 за потвърждението.",
        "С е-идентичност повече хора ще стигнат до подаване; подсказките ще намалят грешките в "
        "адреса.",
        ("T1", "T2", "T3", "T4", "T5"),
        {"T1": 0.8, "T2": 0.75, "T3": 0.55, "T4": 0.75, "T5": 0.6},
        1.4,
    ),
    (
        dt.date(2026, 11, 9),
        "Шаблон на декларацията за изтегляне и подпис от собственика с КЕП; обобщение преди "
        "подаване; плащане с Apple Pay и Google Pay; напомняне за личната карта в потвърждението.",
        "Шаблонът ще вдигне успеха на T3 над 75%; обобщението ще намали върнатите заявления.",
        ("T1", "T2", "T3", "T4", "T5"),
        {"T1": 0.9, "T2": 0.85, "T3": 0.8, "T4": 0.8, "T5": 0.85},
        1.1,
    ),
)

#: Mean and spread of the SUS score the demo's respondents give, per iteration.
SUS_TARGETS = ((58.0, 15.0), (66.0, 14.0), (74.0, 12.0))
RESPONSES_PER_ITERATION = (42, 47, 53)
SESSIONS_PER_ITERATION = (6, 7, 8)

#: (step key, kind, severity, text, weight in iterations 1, 2, 3)
OBSERVATIONS = (
    (
        "find-info",
        "pain_point",
        3,
        "Търси услугата в „Административни услуги“, а тя е под "
        "„Е-услуги“; пита дали може по телефона.",
        (1.0, 0.5, 0.2),
    ),
    (
        "find-info",
        "pain_point",
        2,
        "Не разбира разликата между постоянен и настоящ адрес.",
        (0.8, 0.7, 0.4),
    ),
    (
        "find-info",
        "positive",
        None,
        "Намира услугата веднага чрез търсачката на сайта.",
        (0.3, 0.6, 0.9),
    ),
    (
        "find-info",
        "quote",
        None,
        "„Очаквах да пише „смяна на адрес“, а не „адресна регистрация“.“",
        (0.6, 0.5, 0.3),
    ),
    (
        "prepare-documents",
        "pain_point",
        4,
        "Не знае каква декларация трябва да подпише собственикът; търси образец и не го намира.",
        (1.0, 0.6, 0.1),
    ),
    (
        "prepare-documents",
        "pain_point",
        3,
        "Не разбира защо декларацията иска нотариална заверка, "
        "щом собственикът може да подпише с КЕП.",
        (0.7, 0.6, 0.2),
    ),
    (
        "prepare-documents",
        "idea",
        None,
        "Предлага бутон „Покани собственика“, за да подпише онлайн.",
        (0.6, 0.5, 0.2),
    ),
    (
        "prepare-documents",
        "positive",
        None,
        "Изтегля шаблона на декларацията и веднага разбира какво да попълни.",
        (0.0, 0.2, 0.9),
    ),
    (
        "apply",
        "pain_point",
        3,
        "Полето за адрес не приема блок и вход; излиза грешка „невалиден адрес“.",
        (0.9, 0.3, 0.1),
    ),
    (
        "apply",
        "pain_point",
        2,
        "Подсказките от адресния регистър показват улицата два пъти с различно изписване.",
        (0.0, 0.8, 0.3),
    ),
    (
        "apply",
        "positive",
        None,
        "Подсказките при въвеждане на улицата спестяват време.",
        (0.0, 0.7, 0.8),
    ),
    (
        "apply",
        "quote",
        None,
        "„Защо пак ме питат за личните ми данни, като вече съм влязъл с КЕП?“",
        (0.8, 0.6, 0.2),
    ),
    (
        "apply",
        "pain_point",
        2,
        "Бутонът „Напред“ е под видимата част на телефона; мисли, че формата е свършила.",
        (0.7, 0.3, 0.1),
    ),
    (
        "identify",
        "pain_point",
        4,
        "Няма КЕП и не може да продължи; не знае за е-идентичност.",
        (1.0, 0.3, 0.2),
    ),
    (
        "identify",
        "pain_point",
        3,
        "Приложението за е-идентичност иска повторно сканиране на лицето; губи около три минути.",
        (0.0, 0.8, 0.4),
    ),
    ("identify", "positive", None, "Входът с е-идентичност минава за под минута.", (0.0, 0.5, 0.9)),
    (
        "identify",
        "quote",
        None,
        "„С КЕП от компютъра — да, от телефона — нямам идея как.“",
        (0.8, 0.5, 0.3),
    ),
    (
        "pay",
        "pain_point",
        2,
        "Не е ясно дали удостоверението е задължително, или може да откаже плащането.",
        (0.6, 0.5, 0.4),
    ),
    (
        "pay",
        "pain_point",
        3,
        "Бутонът за Google Pay не се показва в Safari на iPhone.",
        (0.0, 0.0, 0.8),
    ),
    (
        "pay",
        "positive",
        None,
        "Плащането с карта минава без пренасочване към друг сайт.",
        (0.2, 0.4, 0.7),
    ),
    (
        "confirmation",
        "pain_point",
        3,
        "Не разбира, че при смяна на постоянния адрес трябва да "
        "подмени личната си карта до 30 дни.",
        (0.8, 0.8, 0.3),
    ),
    (
        "confirmation",
        "positive",
        None,
        "Потвърждението с входящ номер и напомнянето за личната карта са ясни.",
        (0.0, 0.2, 0.9),
    ),
    ("confirmation", "idea", None, "Иска потвърждението да дойде и като SMS.", (0.4, 0.5, 0.5)),
    (
        "update-registers",
        "pain_point",
        2,
        "Очаква общината сама да уведоми НАП и личния лекар за новия адрес.",
        (0.6, 0.6, 0.5),
    ),
    (
        "update-registers",
        "idea",
        None,
        "Предлага списък „Какво още да сменя“ с връзки към МВР, НАП и КАТ.",
        (0.5, 0.6, 0.3),
    ),
    (
        "update-registers",
        "quote",
        None,
        "„Ако пак трябва да ходя до МВР за личната карта, какво спестих?“",
        (0.5, 0.5, 0.4),
    ),
)

DISTRICTS = (
    "Лозенец",
    "Младост",
    "Люлин",
    "Красно село",
    "Оборище",
    "Надежда",
    "Витоша",
    "Студентски",
    "Изгрев",
    "Слатина",
)
AGE_BANDS = ("18–29", "30–44", "45–64", "65+")
CONFIDENCE = ("ниска", "средна", "висока")
