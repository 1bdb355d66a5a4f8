"""What a researcher has typed so far during a session, as plain JSON-able data. Pure.

A draft is a dict saved on every change (by `research.repository_drafts`), so a closed browser
loses nothing:

    {"participant_id": 3, "notes": "…",
     "tasks": {"12": {"outcome": "partial", "seconds": 95.0, "seq": 4, "errors": 1, "note": "…",
                      "timer_started": "2026-11-23T10:02:11+00:00", "timer_elapsed": 30.5}},
     "observations": [{"uid": "o1", "id": null, "kind": "quote", "text": "…", "step_id": 4,
                       "task_id": 12, "severity": null, "tags": ["КЕП"]}],
     "next_uid": 2}

Each change is a function from the old dict to a new one; the timer keeps server timestamps.
`draft_inputs` turns a draft into the inputs of `log_session` / `update_session`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from i18n import N_, UserError
from research.interviews import (
    MAX_NOTE_LENGTH,
    OBSERVATION_KINDS,
    OUTCOMES,
    ObservationInput,
    TaskResultInput,
    check_observation,
    check_result,
)

TASK_FIELDS = ("outcome", "seconds", "seq", "errors", "note")
OBSERVATION_FIELDS = ("kind", "text", "step_id", "task_id", "severity", "tags")


def new_draft(participant_id: int | None, task_ids: Iterable[int]) -> dict:
    return {
        "participant_id": participant_id,
        "notes": "",
        "tasks": {str(t): _empty_task() for t in task_ids},
        "observations": [],
        "next_uid": 1,
    }


def _empty_task() -> dict:
    return {
        "outcome": None,
        "seconds": None,
        "seq": None,
        "errors": 0,
        "note": "",
        "timer_started": None,
        "timer_elapsed": 0.0,
    }


def _task(data: dict, task_id: int) -> dict:
    return data.setdefault("tasks", {}).setdefault(str(task_id), _empty_task())


def set_task(data: dict, task_id: int, **fields: object) -> dict:
    """The draft with some fields of one task's result changed; values are checked."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ValueError(f"unknown task fields {sorted(unknown)}")
    new = copy.deepcopy(data)
    task = _task(new, task_id)
    task.update(fields)
    if "seconds" in fields:
        task["timer_elapsed"] = float(fields["seconds"] or 0.0)
        task["timer_started"] = None
    check_result(
        TaskResultInput(
            task_id,
            task["outcome"] or OUTCOMES[0],
            task["seconds"],
            task["seq"],
            int(task["errors"] or 0),
            task["note"] or "",
        )
    )
    return new


def start_timer(data: dict, task_id: int, now: dt.datetime) -> dict:
    """Start (or resume) the task's timer; a running timer keeps running."""
    new = copy.deepcopy(data)
    task = _task(new, task_id)
    if task["timer_started"] is None:
        task["timer_started"] = now.isoformat()
        task["timer_elapsed"] = float(task["seconds"] or task["timer_elapsed"] or 0.0)
    return new


def stop_timer(data: dict, task_id: int, now: dt.datetime) -> dict:
    """Stop the task's timer; the time on task becomes what it measured."""
    new = copy.deepcopy(data)
    task = _task(new, task_id)
    if task["timer_started"] is not None:
        task["timer_elapsed"] = timer_seconds(task, now)
        task["timer_started"] = None
        task["seconds"] = round(task["timer_elapsed"], 1)
    return new


def timer_seconds(task: Mapping, now: dt.datetime) -> float:
    """Seconds measured so far, counting a running timer up to `now`."""
    elapsed = float(task.get("timer_elapsed") or 0.0)
    started = task.get("timer_started")
    if started:
        elapsed += max(0.0, (now - dt.datetime.fromisoformat(started)).total_seconds())
    return min(elapsed, 6 * 3600.0)


def running_timers(data: Mapping) -> list[int]:
    return [int(t) for t, task in data.get("tasks", {}).items() if task.get("timer_started")]


def set_notes(data: dict, text: str) -> dict:
    if len(text) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)
    new = copy.deepcopy(data)
    new["notes"] = text
    return new


def add_observation(data: dict, **fields: object) -> dict:
    """The draft with a new observation at the end (fields as in OBSERVATION_FIELDS)."""
    new = copy.deepcopy(data)
    uid = f"o{new.get('next_uid', 1)}"
    new["next_uid"] = new.get("next_uid", 1) + 1
    item = {"uid": uid, "id": None, "kind": "pain_point", "text": "", "step_id": None}
    item |= {"task_id": None, "severity": None, "tags": []}
    item |= _observation_fields(fields)
    new.setdefault("observations", []).append(item)
    return new


def update_observation(data: dict, uid: str, **fields: object) -> dict:
    new = copy.deepcopy(data)
    for item in new.get("observations", []):
        if item["uid"] == uid:
            item.update(_observation_fields(fields))
            return new
    return new  # removed meanwhile (another tab): nothing to change


def remove_observation(data: dict, uid: str) -> dict:
    new = copy.deepcopy(data)
    new["observations"] = [o for o in new.get("observations", []) if o["uid"] != uid]
    return new


def set_pending(data: dict, **fields: object) -> dict:
    """The observation being written in the entry fields (kept so a reload loses nothing)."""
    new = copy.deepcopy(data)
    pending = new.setdefault("pending", {})
    pending.update(_observation_fields(fields))
    return new


def commit_pending(data: dict) -> dict:
    """The draft with the pending observation added; its kind, step and task stay for the next."""
    pending = dict(data.get("pending") or {})
    item = ObservationInput(
        kind=str(pending.get("kind") or "pain_point"),
        text=str(pending.get("text") or ""),
        severity=pending.get("severity"),
        tags=tuple(pending.get("tags") or ()),
    )
    check_observation(item)
    new = add_observation(data, **pending)
    new["pending"] = {
        k: v for k, v in pending.items() if k in ("kind", "step_id", "task_id", "severity")
    }
    return new


def _observation_fields(fields: Mapping[str, object]) -> dict:
    unknown = set(fields) - set(OBSERVATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown observation fields {sorted(unknown)}")
    cleaned = dict(fields)
    if "kind" in cleaned and cleaned["kind"] not in OBSERVATION_KINDS:
        raise UserError(N_("Choose what kind of observation this is."))
    if "text" in cleaned and len(str(cleaned["text"])) > MAX_NOTE_LENGTH:
        raise UserError(N_("Keep each note under {limit} characters."), limit=MAX_NOTE_LENGTH)
    if "tags" in cleaned:
        cleaned["tags"] = [str(t) for t in cleaned["tags"] or []]
    return cleaned


def draft_from_session(detail) -> dict:
    """A draft holding a logged session (a `SessionDetail`), to edit it."""
    data = {
        "participant_id": detail.participant_id,
        "notes": detail.notes,
        "tasks": {},
        "observations": [],
        "next_uid": 1,
    }
    for r in detail.results:
        data["tasks"][str(r.task_id)] = _empty_task() | {
            "outcome": r.outcome,
            "seconds": r.seconds,
            "seq": r.seq,
            "errors": r.errors,
            "note": r.note,
            "timer_elapsed": float(r.seconds or 0.0),
        }
    for o in detail.observations:
        data = add_observation(
            data,
            kind=o.kind,
            text=o.text,
            step_id=o.journey_step_id,
            task_id=o.task_id,
            severity=o.severity,
            tags=list(o.tags),
        )
        data["observations"][-1]["id"] = o.id
    return data


def text_fields(data: Mapping) -> list[tuple[str, str]]:
    """(where, text) of every non-empty free text: "notes", "task:<id>", "obs:<uid>"."""
    found = [("notes", data.get("notes") or "")]
    found += [(f"task:{t}", task.get("note") or "") for t, task in data.get("tasks", {}).items()]
    found += [(f"obs:{o['uid']}", o.get("text") or "") for o in data.get("observations", [])]
    return [(where, text) for where, text in found if text.strip()]


def draft_inputs(
    data: Mapping,
    task_labels: Mapping[int, str],
    keep: Mapping[str, Sequence[int]] | None = None,
) -> tuple[list[TaskResultInput], list[ObservationInput], str, tuple[int, ...]]:
    """(results, observations, notes, notes_keep) for saving; `keep` as in `text_fields` keys.

    A task with nothing typed is left out (not attempted); a task with something typed but no
    outcome is a `UserError` naming the task.
    """
    keep = keep or {}
    results = []
    for task_id, task in data.get("tasks", {}).items():
        typed = task.get("seconds") is not None or task.get("seq") is not None
        typed = typed or bool(task.get("errors")) or bool((task.get("note") or "").strip())
        typed = typed or bool(task.get("timer_started")) or bool(task.get("timer_elapsed"))
        if not task.get("outcome"):
            if typed:
                raise UserError(
                    N_("Task “{task}”: choose an outcome, or clear what you typed for it."),
                    task=task_labels.get(int(task_id), task_id),
                )
            continue
        if task.get("timer_started"):
            raise UserError(
                N_("Task “{task}”: stop its timer before saving."),
                task=task_labels.get(int(task_id), task_id),
            )
        results.append(
            TaskResultInput(
                task_id=int(task_id),
                outcome=task["outcome"],
                seconds=task.get("seconds"),
                seq=task.get("seq"),
                errors=int(task.get("errors") or 0),
                note=task.get("note") or "",
                note_keep=tuple(keep.get(f"task:{task_id}", ())),
            )
        )
    observations = [
        ObservationInput(
            kind=o["kind"],
            text=o.get("text") or "",
            journey_step_id=o.get("step_id"),
            task_id=o.get("task_id"),
            severity=o.get("severity"),
            tags=tuple(o.get("tags") or ()),
            keep=tuple(keep.get(f"obs:{o['uid']}", ())),
            id=o.get("id"),
        )
        for o in data.get("observations", [])
        if (o.get("text") or "").strip()
    ]
    return results, observations, data.get("notes") or "", tuple(keep.get("notes", ()))
