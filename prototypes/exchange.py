"""A life event with its journey and prototypes as one JSON file, so one city team can share it.

The format is versioned (`"format": "opit-life-event"`, `"version": 1`). Reading checks the whole
file against the format and reports every problem at once, each naming its place in the file as a
JSON path (`$.life_event.steps[2].channel`). This module reads and writes plain data only; the
database side is `prototypes/repository_exchange.py`. Interviews, observations and questionnaire
answers are never part of the file: it carries no personal data.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from i18n import N_
from prototypes.exchange_check import parse
from prototypes.exchange_format import (
    FORMAT,
    VERSION,
    ExchangeProblems,
    JsonProblem,
    LifeEventDocument,
    PrototypeDoc,
)
from prototypes.naming import week_label

__all__ = ["ExchangeProblems", "LifeEventDocument", "dumps", "loads", "parse", "to_dict"]


def _bilingual(bg: str, en: str) -> dict[str, str]:
    return {"bg": bg, "en": en}


def to_dict(doc: LifeEventDocument, exported_at: dt.datetime | None = None) -> dict:
    """The file's content as plain JSON data."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": (exported_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "life_event": {
            "slug": doc.slug,
            "name": _bilingual(doc.name_bg, doc.name_en),
            "description": _bilingual(doc.description_bg, doc.description_en),
            "archived": doc.archived,
            "steps": [
                {
                    "key": s.key,
                    "name": _bilingual(s.name_bg, s.name_en),
                    "channel": s.channel,
                    "owner": s.owner,
                    "documents": s.documents,
                    "fee": s.fee,
                    "typical_time": s.typical_time,
                    "archived": s.archived,
                }
                for s in doc.steps
            ],
        },
        "prototypes": [_prototype_dict(p) for p in doc.prototypes],
    }


def _prototype_dict(p: PrototypeDoc) -> dict:
    return {
        "slug": p.slug,
        "name": _bilingual(p.name_bg, p.name_en),
        "link": p.link,
        "status": p.status,
        "steps": list(p.step_keys),
        "iterations": [
            {
                "number": it.number,
                "week": week_label(it.iso_year, it.iso_week),
                "change_log": it.change_log,
                "hypothesis": it.hypothesis,
                "tasks": [
                    {
                        "key": t.key,
                        "step": t.step_key,
                        "title": _bilingual(t.title_bg, t.title_en),
                        "scenario": _bilingual(t.scenario_bg, t.scenario_en),
                        "success_criteria": t.success_criteria,
                        "target_seconds": t.target_seconds,
                    }
                    for t in it.tasks
                ],
            }
            for it in p.iterations
        ],
        "screenshots": [
            {
                "filename": s.image.filename,
                "content_type": s.image.content_type,
                "iteration": s.iteration,
                "data": base64.b64encode(s.image.data).decode("ascii"),
            }
            for s in p.screenshots
        ],
    }


def dumps(doc: LifeEventDocument, exported_at: dt.datetime | None = None) -> str:
    return json.dumps(to_dict(doc, exported_at), ensure_ascii=False, indent=2) + "\n"


def loads(data: bytes | str, max_image_bytes: int) -> LifeEventDocument:
    """Reads a file's bytes; raises ExchangeProblems naming every problem and where it is."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as err:
        raise ExchangeProblems([JsonProblem("$", N_("The file is not UTF-8 text."))]) from err
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        problem = JsonProblem(
            "$",
            N_("This is not JSON: {reason} at line {line}, column {column}."),
            reason=err.msg,
            line=err.lineno,
            column=err.colno,
        )
        raise ExchangeProblems([problem]) from err
    except RecursionError as err:
        problem = JsonProblem("$", N_("The file nests too deeply to be a life-event file."))
        raise ExchangeProblems([problem]) from err
    return parse(raw, max_image_bytes)
