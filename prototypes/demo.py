"""The demo project: three weekly iterations of the online address-change prototype, seeded.

`load_demo(database)` writes it in one transaction; the same seed gives the same data every time.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from i18n import N_, UserError
from prototypes import demo_answers
from prototypes import demo_content as content
from prototypes.repository import (
    add_iteration,
    add_life_event,
    add_prototype,
    journey_steps,
    prototype_by_slug,
    prototypes,
    tasks,
)
from research.repository import ObservationInput, TaskResultInput, add_participant, log_session
from storage.db import Database
from surveys.answers import clean_answers
from surveys.definition import Question, QuestionnaireDefinition, QuestionType
from surveys.repository import create_questionnaire, submit_response

DEMO_SEED = 20261026
TASK_BY_KEY = {task.key: task for task in content.TASKS}


@dataclass(frozen=True)
class DemoSummary:
    prototype_slug: str
    iterations: int
    sessions: int
    observations: int
    responses: int
    open_questionnaire_slug: str
    open_questionnaire_token: str


def demo_questionnaire() -> QuestionnaireDefinition:
    """SUS, one SEQ and two open questions, in Bulgarian and English."""
    return QuestionnaireDefinition(
        title={
            "bg": "Как мина смяната на адреса онлайн?",
            "en": "How did changing your address online go?",
        },
        description={
            "bg": "Пет минути, анонимно. Отговорите ви помагат да подобрим услугата всяка седмица.",
            "en": "Five minutes, anonymous. Your answers help us improve the service every week.",
        },
        questions=(
            Question(
                "sus",
                QuestionType.SUS,
                {
                    "bg": "Доколко сте съгласни със следните твърдения за услугата?",
                    "en": "How much do you agree with these statements about the service?",
                },
                required=True,
            ),
            Question(
                "seq_overall",
                QuestionType.SEQ,
                {
                    "bg": "Като цяло, колко лесно или трудно беше да смените адреса си онлайн?",
                    "en": "Overall, how easy or difficult was it to change your address online?",
                },
                required=True,
            ),
            Question(
                "liked",
                QuestionType.LONG_TEXT,
                {"bg": "Какво ви хареса?", "en": "What did you like?"},
                hints={
                    "bg": "Не пишете лични данни (ЕГН, телефон, адрес).",
                    "en": "Please leave out personal data (ID number, phone, address).",
                },
            ),
            Question(
                "improve",
                QuestionType.LONG_TEXT,
                {"bg": "Какво бихте променили?", "en": "What would you change?"},
                hints={
                    "bg": "Не пишете лични данни (ЕГН, телефон, адрес).",
                    "en": "Please leave out personal data (ID number, phone, address).",
                },
            ),
        ),
    )


def _weighted_sample(rng: random.Random, items: Sequence, weights: Sequence[float], k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis)."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _clamp(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


def _sus_items(rng: random.Random, latent: float) -> list[int]:
    level = 1 + 4 * latent / 100
    items = []
    for k in range(10):
        positive = _clamp(rng.gauss(level, 0.7), 1, 5)
        items.append(positive if k % 2 == 0 else 6 - positive)
    return items


def _open_answer(rng: random.Random, lang: str, question: str, index: int) -> str:
    pool = [a for a in demo_answers.OPEN_ANSWERS if a[0] == lang and a[1] == question]
    (chosen,) = _weighted_sample(rng, pool, [a[3][index] for a in pool], 1)
    opener = rng.choice(demo_answers.OPENERS[lang])
    text = chosen[2]
    return opener + (text[0].lower() + text[1:] if opener else text)


def _task_result(rng: random.Random, task, chance: float, factor: float) -> TaskResultInput:
    target = task.target_seconds or 120
    if rng.random() < chance:
        outcome = "success"
        seconds = target * factor * rng.lognormvariate(0, 0.35)
        seq = _clamp(rng.gauss(5.8 - (factor - 1) * 1.5, 0.8), 1, 7)
        errors = rng.choice((0, 0, 0, 1))
    else:
        outcome = rng.choices(("partial", "fail", "abandoned"), (0.4, 0.4, 0.2))[0]
        seconds = target * factor * 1.6 * rng.lognormvariate(0, 0.4)
        seq = _clamp(rng.gauss(3.0, 1.0), 1, 7)
        errors = rng.choice((1, 2, 2, 3, 4))
    return TaskResultInput(task.id, outcome, round(seconds, 1), seq, errors)


def _segment(rng: random.Random, kind: str, iteration: int, n: int) -> dict[str, str]:
    return {
        "age_band": rng.choice(content.AGE_BANDS),
        "district": rng.choice(content.DISTRICTS),
        "digital_confidence": rng.choice(content.CONFIDENCE),
        "assistive_technology": "екранен четец" if (iteration, n) == (1, 2) else "няма",
        "first_language": "английски" if n == 1 else "български",
        "role": "служител на гише ГРАО" if kind == "staff" else "",
    }


def _load_iteration(
    session, rng, index, spec, prototype_id, steps
) -> tuple[int, int, int, str, str]:
    monday, change_log, hypothesis, keys, chances, factor = spec
    iteration_id = add_iteration(
        session, prototype_id, monday, [TASK_BY_KEY[k] for k in keys], change_log, hypothesis
    )
    script = tasks(session, iteration_id)
    task_by_step = {t.journey_step_id: t.id for t in script}
    observation_count = 0
    sessions = content.SESSIONS_PER_ITERATION[index]
    for n in range(sessions):
        kind = "staff" if n == sessions - 1 else "citizen"
        participant = add_participant(
            session,
            kind,
            _segment(rng, kind, index, n),
            consent_on=monday,
            retention_days=365,
            quotes=rng.random() < 0.8,
        )
        results = [_task_result(rng, t, chances[t.key], factor) for t in script]
        picked = _weighted_sample(
            rng, content.OBSERVATIONS, [o[4][index] for o in content.OBSERVATIONS], 5 + n % 2
        )
        observations = [
            ObservationInput(
                kind=kind_,
                text=text,
                journey_step_id=steps[step],
                task_id=task_by_step.get(steps[step]),
                severity=severity,
            )
            for step, kind_, severity, text, _ in picked
        ]
        observation_count += len(observations)
        held_at = dt.datetime.combine(
            monday + dt.timedelta(days=n % 5), dt.time(10 + 2 * (n // 5), 0), tzinfo=dt.UTC
        )
        log_session(session, iteration_id, participant.id, results, observations, held_at=held_at)

    week = f"{monday.isocalendar().year}-w{monday.isocalendar().week:02d}"
    is_current = index == len(content.ITERATIONS) - 1
    token = base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).decode().rstrip("=")
    questionnaire = create_questionnaire(
        session,
        f"address-change-{week}",
        demo_questionnaire(),
        iteration_id=iteration_id,
        status="open" if is_current else "closed",
        token=token,
    )
    mean, spread = content.SUS_TARGETS[index]
    responses = content.RESPONSES_PER_ITERATION[index]
    for r in range(responses):
        lang = "en" if rng.random() < 0.2 else "bg"
        latent = min(100.0, max(0.0, rng.gauss(mean, spread)))
        raw: dict[str, object] = {
            "sus": _sus_items(rng, latent),
            "seq_overall": _clamp(1 + 6 * latent / 100 + rng.gauss(0, 0.8), 1, 7),
        }
        if rng.random() < 0.55:
            raw["liked"] = _open_answer(rng, lang, "liked", index)
        if rng.random() < 0.7:
            raw["improve"] = _open_answer(rng, lang, "improve", index)
        submitted_at = dt.datetime.combine(monday, dt.time(8, 0), tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randrange(0, 5 * 24 * 60)
        )
        submit_response(
            session,
            questionnaire,
            f"demo-{week}-{r:03d}",
            clean_answers(questionnaire.definition, raw),
            language=lang,
            source="demo",
            check_open=False,
            submitted_at=submitted_at,
        )
    return sessions, observation_count, responses, questionnaire.slug, questionnaire.token


def load_demo(database: Database, seed: int = DEMO_SEED) -> DemoSummary:
    """Write the demo project; refuses when it is there already."""
    rng = random.Random(seed)
    with database.write() as session:
        if prototype_by_slug(session, content.PROTOTYPE["slug"]) is not None:
            raise UserError(N_("The demo project is loaded already."))
        event_id = add_life_event(session, **content.LIFE_EVENT, steps=content.STEPS)
        steps = {s.key: s.id for s in journey_steps(session, event_id)}
        prototype_id = add_prototype(
            session, **content.PROTOTYPE, life_event_id=event_id, step_keys=list(steps)
        )
        totals = [0, 0, 0]
        slug = token = ""
        for index, spec in enumerate(content.ITERATIONS):
            sessions, observations, responses, slug, token = _load_iteration(
                session, rng, index, spec, prototype_id, steps
            )
            totals[0] += sessions
            totals[1] += observations
            totals[2] += responses
    return DemoSummary(content.PROTOTYPE["slug"], len(content.ITERATIONS), *totals, slug, token)


def is_empty(database: Database) -> bool:
    """True when no prototype exists yet (the demo loads into an empty project only)."""
    with database.read() as session:
        return not prototypes(session)
