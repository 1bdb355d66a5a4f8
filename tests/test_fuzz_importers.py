"""Hostile files through every importer: an import or a UserError, never a crash or a half-write.

The small, fixed-seed version of benchmarks/fuzz_importers.py (which runs 12,000 cases): mutated
seed files through each importer as the app calls it, in a worker process with a per-case timeout,
the writing importers inside one `database.write()` whose refusal must leave the database as it
was; property-based cases from hypothesis; and checks that the harness notices each kind of failure.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import fuzz_importers  # noqa: E402
from fuzz_importers import Importers, Runner, build_workspace, fuzz, make_case  # noqa: E402

from i18n import N_, UserError  # noqa: E402

SEED = 20261122
FAST = ("xlsform", "limesurvey", "responses", "transcript", "codebook", "journey")
PROPERTY = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("fuzz"), shared=None)


def _explain(report) -> str:
    return "\n".join(
        f"{target}: {len(results)} × {results[0].status} {results[0].detail[:150]} at {where} "
        f"(case {results[0].case.index}, {results[0].case.mutation})"
        for (target, _kind, where), results in report.groups()
    )


def test_the_seed_files_import(workspace):
    importers = Importers(workspace)
    for target, seeds in workspace.seeds.items():
        for filename, data in seeds:
            if filename == "labels.csv":  # SUS statement columns are not mapped back by label
                with pytest.raises(UserError):
                    importers.run(target, data, filename)
                continue
            importers.run(target, data, filename)


def test_mutated_files_give_an_import_or_a_user_error(workspace):
    report = fuzz(workspace, 120, seed=SEED, timeout=15, targets=FAST)
    assert len(report.results) == 120
    assert not report.failures, _explain(report)
    statuses = {r.status for r in report.results}
    assert statuses == {"ok", "user-error"}  # both happen: the mutations reach the importers


def test_mutated_backups_are_refused_cleanly(workspace):
    report = fuzz(workspace, 8, seed=SEED, timeout=30, targets=("backup",))
    assert not report.failures, _explain(report)


def test_cases_are_the_same_for_the_same_seed(workspace):
    one = [make_case(workspace, i, SEED, FAST) for i in range(12)]
    two = [make_case(workspace, i, SEED, FAST) for i in range(12)]
    assert [(c.target, c.filename, c.data, c.mutation) for c in one] == [
        (c.target, c.filename, c.data, c.mutation) for c in two
    ]
    assert len({c.data for c in one}) > 10


# ---- the harness must be able to fail --------------------------------------------------------


def _crashes(self, data, filename):
    raise ValueError("not a UserError")


def _hangs(self, data, filename):
    time.sleep(30)


def _writes_then_refuses(self, data, filename):
    from storage.schema import LifeEvent

    database = self.database()

    def store(session):
        with database.write() as other:  # an importer that commits part of its work on its own
            other.add(LifeEvent(slug="half-written", name_bg="Половин", name_en="Half"))
        raise UserError(N_("There is no backup file at {path}."), path="x")

    self.stored(store)


def _unreadable_message(self, data, filename):
    raise UserError(N_("The file is {size} MB; the largest accepted is {limit} MB."), size="1")


@pytest.mark.parametrize(
    ("method", "status"),
    [
        (_crashes, "crash"),
        (_hangs, "hang"),
        (_writes_then_refuses, "partial-write"),
        (_unreadable_message, "bad-message"),
    ],
)
def test_the_harness_reports_each_kind_of_failure(workspace, monkeypatch, method, status):
    monkeypatch.setattr(fuzz_importers.Importers, "journey", method)  # the worker forks after this
    runner = Runner(workspace, timeout=2)
    try:
        result = runner.run(make_case(workspace, 5, SEED, ("journey",)))
    finally:
        runner.stop(kill=True)
    assert result.status == status, result.detail


# ---- property-based ----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=40,
)


@PROPERTY
@given(JSON_VALUES, st.sampled_from(["life_event", "prototypes", "format", "version", None]))
def test_any_json_document_is_read_or_refused(value, slot):
    from prototypes.exchange import loads

    document = {"format": "opit-life-event", "version": 1, "life_event": {}, "prototypes": []}
    document = value if slot is None else {**document, slot: value}
    try:
        loads(json.dumps(document, allow_nan=True).encode(), 1_000_000)
    except UserError as err:
        assert err.render("bg") and err.render("en")


CELLS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@PROPERTY
@given(st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_table_of_texts_is_read_or_refused(rows):
    import csv
    import io

    from surveys.response_files import read_response_table

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    try:
        read_response_table(buffer.getvalue().encode("utf-8"), "answers.csv")
    except UserError as err:
        assert err.render("bg") and err.render("en")


XLSFORM_TYPES = st.sampled_from(
    ["text", "integer", "decimal", "date", "note", "select_one yn", "select_multiple yn",
     "begin_group", "end_group", "calculate", "geopoint", "range", "select_one missing", ""]
)  # fmt: skip


@PROPERTY
@given(
    st.lists(
        st.tuples(XLSFORM_TYPES, st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), CELLS,
                  st.sampled_from(["", "yes", "no", "${q1} = 'yes'", "${nope} > 3", "((("])),
        min_size=1, max_size=8,
    )
)  # fmt: skip
def test_any_xlsform_table_is_read_or_refused(rows):
    from surveys.xlsform import check_with_pyxform, interpret
    from surveys.xlsform_tables import tables_from_lists

    survey = [["type", "name", "label", "relevant"]] + [list(r) for r in rows]
    choices = [["list_name", "name", "label"], ["yn", "yes", "Да"], ["yn", "no", "Не"]]
    tables = tables_from_lists(survey=survey, choices=choices)
    try:
        check_with_pyxform(tables)
        interpret(tables)
    except UserError as err:
        assert err.render("bg") and err.render("en")


@PROPERTY
@given(st.text(max_size=300), st.sampled_from(["a.vtt", "a.srt", "a.txt"]))
def test_any_text_is_a_transcript_or_refused(text, filename):
    from research.transcripts import read_transcript

    try:
        read_transcript(
            ("WEBVTT\n\n" if filename == "a.vtt" else "").encode()
            + text.encode("utf-8", "surrogatepass"),
            filename,
        )
    except UserError as err:
        assert err.render("bg") and err.render("en")
