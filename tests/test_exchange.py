"""A life event as one JSON file: the round trip is exact; a bad file is refused, saying where."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest
from PIL import Image
from sqlalchemy import func, select

import cli
from i18n import UserError
from prototypes.exchange import ExchangeProblems, dumps, loads, to_dict
from prototypes.images import check_image
from prototypes.repository import (
    StepInput,
    TaskInput,
    add_iteration,
    add_life_event,
    add_prototype,
    journey_steps,
)
from prototypes.repository_exchange import read_document, write_document
from prototypes.repository_iterations import add_screenshot
from prototypes.repository_journeys import delete_life_event, life_event_by_slug, set_step_archived
from storage.schema import LifeEvent, Prototype

LIMIT = 5_000_000
AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _build(database) -> None:
    with database.write() as session:
        event = add_life_event(
            session,
            "birth",
            "Раждане на дете",
            "Birth of a child",
            "Акт за раждане и ЕГН",
            "Birth certificate",
            steps=(
                StepInput("register", "Регистрация", "Register", "counter", "ГРАО", "Съобщение"),
                StepInput(
                    "name", "Име", "Name", "online", "Община", fee="0 €", typical_time="1 ден"
                ),
                StepInput("address", "Адрес", "Address", "post"),
            ),
        )
        set_step_archived(session, journey_steps(session, event)[2].id, True)
        proto = add_prototype(
            session, "birth-online", event, "Онлайн", "Online", "https://x.test/p", ["register"]
        )
        first = add_iteration(
            session,
            proto,
            dt.date(2026, 1, 5),
            [
                TaskInput("T1", "Регистрирайте", "Register", "register", "С", "S", "Успех", 90),
                TaskInput("T2", "Без стъпка", "No step"),
            ],
            "Първа",
            "Хипотеза",
        )
        add_iteration(session, proto, dt.date(2026, 1, 12), [TaskInput("T1", "Пак", "Again")])
        add_screenshot(session, proto, check_image(_png(), "screen.png", LIMIT), first)


def test_round_trip_reproduces_the_life_event_exactly(database):
    _build(database)
    with database.read() as session:
        exported = to_dict(read_document(session, "birth"), AT)
    text = json.dumps(exported, ensure_ascii=False)
    with database.write() as session:
        session.execute(Prototype.__table__.delete())
        delete_life_event(session, life_event_by_slug(session, "birth").id)
    with database.write() as session:
        summary = write_document(session, loads(text.encode(), LIMIT))
    assert (summary.steps, summary.prototypes, summary.iterations, summary.tasks) == (3, 1, 2, 3)
    assert summary.screenshots == 1 and summary.renamed == ()
    with database.read() as session:
        again = to_dict(read_document(session, "birth"), AT)
    assert again == exported
    step = exported["life_event"]["steps"][2]
    assert step["archived"] is True and step["channel"] == "post"
    task = exported["prototypes"][0]["iterations"][0]["tasks"][0]
    assert task == {
        "key": "T1",
        "step": "register",
        "title": {"bg": "Регистрирайте", "en": "Register"},
        "scenario": {"bg": "С", "en": "S"},
        "success_criteria": "Успех",
        "target_seconds": 90,
    }
    assert exported["prototypes"][0]["screenshots"][0]["iteration"] == 1


def test_the_demo_round_trips_beside_itself(demo_database):
    with demo_database.read() as session:
        original = to_dict(read_document(session, "moving-home"), AT)
    with demo_database.write() as session:
        summary = write_document(session, loads(json.dumps(original), LIMIT), "moving-home-copy")
    assert summary.renamed == (("online-address-change", "online-address-change-2"),)
    with demo_database.read() as session:
        copied = to_dict(read_document(session, "moving-home-copy"), AT)
    copied["life_event"]["slug"] = "moving-home"
    copied["prototypes"][0]["slug"] = "online-address-change"
    assert copied == original
    assert len(original["life_event"]["steps"]) == 7
    assert [len(it["tasks"]) for it in original["prototypes"][0]["iterations"]] == [4, 5, 5]
    assert "observations" not in json.dumps(original)  # no interviews, no personal data


def test_importing_a_slug_the_project_has_is_refused(demo_database):
    with demo_database.read() as session:
        text = dumps(read_document(session, "moving-home"))
    with pytest.raises(UserError, match="already"), demo_database.write() as session:
        write_document(session, loads(text, LIMIT))


def _valid(database) -> dict:
    _build(database)
    with database.read() as session:
        return to_dict(read_document(session, "birth"), AT)


def _problems(raw: object) -> list[str]:
    with pytest.raises(ExchangeProblems) as refused:
        loads(json.dumps(raw) if not isinstance(raw, bytes) else raw, LIMIT)
    return [p.render("en") for p in refused.value.problems]


def test_every_problem_is_named_by_its_json_path(database):
    raw = _valid(database)
    bad = copy.deepcopy(raw)
    bad["life_event"]["steps"][1]["channel"] = "fax"
    bad["life_event"]["steps"][2]["key"] = "register"
    bad["life_event"]["steps"][0]["colour"] = "red"
    del bad["life_event"]["name"]
    proto = bad["prototypes"][0]
    proto["status"] = "gone"
    proto["link"] = "javascript:alert(1)"
    proto["iterations"][1]["week"] = "2026-W02"  # the same week as iteration 1
    proto["iterations"][0]["tasks"][0]["step"] = "nowhere"
    proto["iterations"][0]["tasks"][1]["target_seconds"] = "fast"
    proto["screenshots"][0]["data"] = "not base64!"
    problems = _problems(bad)
    expected = [
        "$.life_event.name: This field is missing.",
        "$.life_event.steps[0].colour: Unknown field; check its spelling.",
        "$.life_event.steps[1].channel: Expected one of: online, counter, phone, post.",
        "$.life_event.steps[2].key: 'register' appears twice.",
        "$.prototypes[0].link: A link must start with https:// or http://.",
        "$.prototypes[0].iterations[0].tasks[0].step: The journey has no step 'nowhere'.",
        "$.prototypes[0].iterations[0].tasks[1].target_seconds: "
        "Expected a whole number from 1 to 14400.",
        "$.prototypes[0].iterations[1].week: Each iteration needs a later week",
        "$.prototypes[0].screenshots[0].data: Expected the image as base64 text.",
        "$.prototypes[0].status: Expected one of: draft, active, paused, retired.",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert len(problems) == len(expected)


def test_a_screenshot_that_is_not_an_image_is_refused(database):
    raw = _valid(database)
    import base64

    raw["prototypes"][0]["screenshots"][0]["data"] = base64.b64encode(b"<svg/>").decode()
    assert _problems(raw) == [
        "$.prototypes[0].screenshots[0].data: This is not a PNG, JPEG, GIF or WebP image."
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "$: This is not JSON: Expecting property name"),
        (b"\xff\xfe\x00", "$: The file is not UTF-8 text."),
        (b"[" * 100_000, "$: The file nests too deeply"),
        ([], "$: Expected an object {…}."),
        ({"format": "other", "version": 1, "life_event": {}}, '$.format: Expected "opit-life-'),
        (
            {"format": "opit-life-event", "version": 2, "life_event": {}},
            "$.version: Version 2 is not supported",
        ),
    ],
)
def test_files_that_are_not_life_events(raw, message):
    problems = _problems(raw)
    assert problems[0].startswith(message), problems


def test_problems_render_in_bulgarian_and_are_capped(database):
    raw = _valid(database)
    raw["life_event"]["steps"] = [{"key": f"K{i}", "name": {"bg": "Х"}} for i in range(40)]
    with pytest.raises(ExchangeProblems) as refused:
        loads(json.dumps(raw), LIMIT)
    text = refused.value.render("bg")
    assert text.splitlines()[0] == "Файлът не е валиден файл на житейско събитие."
    assert "$.life_event.steps[0].key: „K0“ не е валидно" in text
    assert text.splitlines()[-1].strip().startswith("… и още")


def test_cli_exports_and_imports(demo_database, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OPIT_LANGUAGE", "en")
    path = tmp_path / "moving-home.json"
    url = demo_database.url
    assert cli.main(["--database", url, "export-journey", "moving-home", "-o", str(path)]) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "opit-life-event" and data["version"] == 1
    assert cli.main(["--database", url, "import-journey", str(path)]) == 2
    assert "already" in capsys.readouterr().err
    assert cli.main(["--database", url, "import-journey", str(path), "--slug", "copy"]) == 0
    assert "imported as 'online-address-change-2'" in capsys.readouterr().out
    data["life_event"]["steps"][0]["channel"] = "carrier pigeon"
    path.write_text(json.dumps(data), encoding="utf-8")
    with demo_database.read() as session:
        before = session.scalar(select(func.count(LifeEvent.id)))
    assert cli.main(["--database", url, "import-journey", str(path), "--slug", "bad"]) == 2
    err = capsys.readouterr().err
    assert "$.life_event.steps[0].channel" in err
    with demo_database.read() as session:
        assert session.scalar(select(func.count(LifeEvent.id))) == before  # nothing stored
    assert cli.main(["--database", url, "import-journey", str(tmp_path / "missing.json")]) == 2
    assert cli.main(["--database", url, "export-journey", "no-such-event"]) == 2


def test_cli_refuses_a_file_over_the_upload_limit(demo_database, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPIT_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("OPIT_LANGUAGE", "en")
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 1_200_000)
    assert cli.main(["--database", demo_database.url, "import-journey", str(path)]) == 2
    assert "largest accepted is 1 MB" in capsys.readouterr().err


def test_cli_starter_set(database, capsys):
    assert cli.main(["--database", database.url, "starter"]) == 0
    assert "Added 6 life events" in capsys.readouterr().out
    assert cli.main(["--database", database.url, "starter"]) == 0
    assert "Skipped" in capsys.readouterr().out
