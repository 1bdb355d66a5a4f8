"""The weekly review page in Streamlit's AppTest: the scorecard, its clear states, the language."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from prototypes.repository import TaskInput, add_iteration, iterations, prototype_by_slug
from tests.accounts import sign_in

TIMEOUT = 60


def _page(role: str = "researcher") -> AppTest:
    at = AppTest.from_string(
        "from ui.pages import review\nreview.render()\n", default_timeout=TIMEOUT
    )
    return sign_in(at, role)


def test_scorecard_of_the_latest_iteration(app_database):
    at = _page().run()
    assert not at.exception
    metrics = {m.label: m for m in at.metric}
    assert {"Отговори", "Интервюта", "Среден SUS", "Изпълнени задачи", "Оценка по SUS"} <= set(
        metrics
    )
    assert metrics["Оценка по SUS"].value == "B−"
    sentiment = at.dataframe[1].value
    assert sentiment.iloc[:, 0].tolist() == [
        "Отрицателни отговори",
        "Неутрални отговори",
        "Положителни отговори",
    ]
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    for heading in ("Задачи", "Къде по пътя са проблемите", "Движение на темите", "Кой участва"):
        assert "#### " + heading in headings
    tasks = at.dataframe[0].value
    assert tasks.shape[0] == 5 and tasks.iloc[0, 0].startswith("T1 · ")
    assert [w.value for w in at.warning] == [
        "Липсват тази седмица: гражданин, който ползва помощни технологии."
    ]
    assert "Този прототип още няма теми." in [i.value for i in at.info]
    assert len(at.get("download_button")) == 2
    assert len(at.get("vega_lite_chart")) == 3  # heatmap, trend, per-task lines


def test_the_first_iteration_has_nothing_to_compare(app_database):
    with app_database.read() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        first = iterations(session, prototype.id)[0]
    at = _page()
    at.session_state["app.iteration_id"] = first.id
    at.run()
    assert not at.exception
    assert any("първата итерация" in c.value for c in at.caption)
    assert all(not m.delta for m in at.metric)


def test_an_iteration_without_data_says_so(app_database):
    with app_database.write() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        new = add_iteration(
            session, prototype.id, dt.date(2026, 11, 16), [TaskInput("T1", "Намерете услугата")]
        )
    at = _page()
    at.session_state["app.iteration_id"] = new
    at.run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any(i.startswith("За тази итерация още няма отговори и интервюта.") for i in infos)
    assert "В тази итерация още няма резултати от задачи." in infos
    assert "В тази итерация още никой не е интервюиран." in infos
    assert next(m for m in at.metric if m.label == "Среден SUS").value == "—"


def test_reviewers_see_the_review_in_english(app_database):
    at = _page("reviewer")
    at.session_state["app.language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Weekly review"
    assert any(m.value.startswith("- The SUS score rose") for m in at.markdown)
    assert [w.value for w in at.warning] == [
        "Missing this week: a citizen who uses assistive technology."
    ]


def test_one_participant_failing_with_zero_times_and_a_half_answered_sus(app_database):
    from prototypes.demo import demo_questionnaire
    from prototypes.repository import tasks
    from research.repository import TaskResultInput, add_participant, log_session
    from storage.schema import Answer, Question, Response
    from surveys.repository import create_questionnaire

    with app_database.write() as session:
        prototype = prototype_by_slug(session, "online-address-change")
        new = add_iteration(
            session,
            prototype.id,
            dt.date(2026, 11, 16),
            [TaskInput("T1", "Намерете услугата"), TaskInput("T2", "Попълнете картата")],
        )
        t1, t2 = tasks(session, new)
        person = add_participant(
            session, "citizen", {"age_band": "65+"}, consent_on=dt.date.today()
        )
        log_session(
            session,
            new,
            person.id,
            [TaskResultInput(t1.id, "success", 0.0), TaskResultInput(t2.id, "fail", None)],
        )
        form = create_questionnaire(session, "edge-week", demo_questionnaire(), iteration_id=new)
        response = Response(questionnaire_id=form.id, submission_id="edge-0001")
        session.add(response)
        session.flush()
        sus = session.scalar(
            select(Question.id).where(Question.questionnaire_id == form.id, Question.name == "sus")
        )
        session.add(Answer(response_id=response.id, question_id=sus, value=[4, None] * 5))
    at = _page()
    at.session_state["app.iteration_id"] = new
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Отговори с пропуснати твърдения от SUS, които не са оценени: 1." in captions
    assert (
        "Успешни опити без отчетено време (или с нулево), които не участват във времената: 1."
        in (captions)
    )
    tasks_table = at.dataframe[0].value
    assert tasks_table.iloc[0, 1] == "1/1 · 100%" and tasks_table.iloc[1, 1] == "0/1 · 0%"
    assert next(m for m in at.metric if m.label == "Среден SUS").value == "—"
