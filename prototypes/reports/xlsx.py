"""The review as an Excel workbook: summary, metrics, tasks, journey, themes with quotes, decisions.

Numbers are written as numbers with number formats, so they can be charted and summed; the metrics
and tasks sheets carry openpyxl line charts. Every text cell that begins with = + - @ a tab or a
carriage return is written with a leading apostrophe (:func:`safe`), so no cell is ever read as a
formula (CSV/formula injection, OWASP).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from i18n import N_
from prototypes.reports.content import (
    NO_THEME_FEEDBACK,
    NO_THEMES,
    ReportContent,
    interval,
    number,
    percent,
)
from prototypes.repository_decisions import STATUS_NAMES
from prototypes.review_parts import MOVEMENT_NAMES, SEVERITIES, SEVERITY_NAMES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="0B5CAB")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def safe(value: object) -> object:
    """A cell value that a spreadsheet will never run: risky text gets a leading apostrophe.

    Control characters that XML cannot carry are dropped (openpyxl refuses them).
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _row(ws: Worksheet, values: Iterable[object]) -> int:
    ws.append([safe(v) for v in values])
    return ws.max_row


def _header(ws: Worksheet, names: Sequence[str], widths: Sequence[int]) -> None:
    row = _row(ws, names)
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=row, column=col)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    if row == 1:
        ws.freeze_panes = "A2"


def _formats(ws: Worksheet, first_row: int, formats: dict[int, str]) -> None:
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.column in formats and isinstance(cell.value, int | float):
                cell.number_format = formats[cell.column]
            elif isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = WRAP


def _summary(ws: Worksheet, c: ReportContent) -> None:
    t, lang, card = c.t, c.lang, c.card
    ws.title = t(N_("Summary"))[:31]
    ws.append([safe(t(N_("Weekly review")) + " — " + c.prototype.name(lang))])
    ws["A1"].font = TITLE_FONT
    previous = card.previous
    _row(ws, [c.iteration_label(c.iteration)])
    if previous is not None:
        _row(
            ws, [t(N_("compared with {previous}"), previous=c.iteration_label(previous.iteration))]
        )
    _row(ws, [t(N_("Generated on {date}"), date=c.generated.isoformat())])
    _row(ws, [])
    _header(
        ws,
        [t(N_("Metric")), t(N_("This iteration")), t(N_("95% interval")), t(N_("Previous"))],
        [34, 18, 18, 18],
    )
    now = card.current
    before = previous
    rows = [
        (t(N_("Responses")), now.responses, "", before.responses if before else ""),
        (t(N_("Interviews")), now.sessions, "", before.sessions if before else ""),
        (
            t(N_("SUS mean")),
            number(now.sus.mean, 1, lang),
            interval(now.sus.low, now.sus.high, 1, lang),
            number(before.sus.mean, 1, lang) if before else "",
        ),
        (
            t(N_("SUS grade")),
            now.grade.grade if now.grade else "—",
            "",
            (before.grade.grade if before.grade else "—") if before else "",
        ),
        (
            t(N_("Task completion")),
            percent(now.completion.p, lang),
            interval(now.completion.low, now.completion.high, 0, lang, 100),
            percent(before.completion.p, lang) if before else "",
        ),
        (
            t(N_("SEQ mean (questionnaire)")),
            number(now.seq.mean, 1, lang),
            interval(now.seq.low, now.seq.high, 1, lang),
            number(before.seq.mean, 1, lang) if before else "",
        ),
    ]
    for label, share in (
        (N_("Negative answers"), "negative"),
        (N_("Positive answers"), "positive"),
    ):
        p_now = getattr(card.sentiment, share)
        p_before = getattr(card.sentiment_previous, share) if card.sentiment_previous else None
        rows.append(
            (
                t(label),
                percent(p_now.p, lang),
                interval(p_now.low, p_now.high, 0, lang, 100),
                percent(p_before.p, lang) if p_before else "",
            )
        )
    for values in rows:
        _row(ws, values)
    _row(ws, [])
    _row(ws, [t(N_("Against the previous iteration"))])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    from prototypes.comparison_text import plain_language

    for comparison in card.comparisons:
        _row(ws, [plain_language(comparison, lang)])
    if card.current.sus_incomplete:
        note = N_("{count} responses left SUS items unanswered and were not scored.")
        _row(ws, [t(note, count=card.current.sus_incomplete)])
    for segment in card.segments.missing:
        _row(ws, [t(N_("Missing this week: {segment}."), segment=t(segment.label))])


def _metrics(ws: Worksheet, c: ReportContent) -> None:
    t = c.t
    _header(
        ws,
        [
            t(N_("Iteration")),
            t(N_("Week")),
            t(N_("Responses")),
            t(N_("Interviews")),
            t(N_("SUS mean")),
            t(N_("Lower bound")),
            t(N_("Upper bound")),
            t(N_("SUS not scored")),
            t(N_("SUS grade")),
            t(N_("Task completion (%)")),
            t(N_("Lower bound")),
            t(N_("Upper bound")),
            t(N_("Attempts")),
            t(N_("SEQ mean (questionnaire)")),
        ],
        [10, 11, 11, 11, 10, 10, 10, 10, 9, 12, 10, 10, 10, 12],
    )
    for s in c.review.summaries:
        p = s.completion
        _row(
            ws,
            [
                s.iteration.number,
                s.iteration.week_label,
                s.responses,
                s.sessions,
                s.sus.mean,
                s.sus.low,
                s.sus.high,
                s.sus_incomplete,
                s.grade.grade if s.grade else None,
                None if p.p is None else 100 * p.p,
                None if p.low is None else 100 * p.low,
                None if p.high is None else 100 * p.high,
                p.n,
                s.seq.mean,
            ],
        )
    _formats(ws, 2, {5: "0.0", 6: "0.0", 7: "0.0", 10: "0", 11: "0", 12: "0", 14: "0.0"})
    last = ws.max_row
    if last >= 2:
        chart = LineChart()
        chart.title = t(N_("Trend"))
        chart.y_axis.title = "0–100"
        chart.x_axis.title = t(N_("Week"))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        for col in (5, 10):
            chart.add_data(
                Reference(ws, min_col=col, min_row=1, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
        chart.height, chart.width = 8, 18
        ws.add_chart(chart, f"B{last + 3}")


def _tasks(ws: Worksheet, c: ReportContent) -> None:
    t, lang = c.t, c.lang
    _header(
        ws,
        [
            t(N_("Iteration")),
            t(N_("Week")),
            t(N_("Task")),
            t(N_("Title")),
            t(N_("Attempts")),
            t(N_("Successes")),
            t(N_("Completion (%)")),
            t(N_("Lower bound")),
            t(N_("Upper bound")),
            t(N_("Time on task (s)")),
            t(N_("Lower bound")),
            t(N_("Upper bound")),
            t(N_("Successes without a time")),
            t(N_("SEQ mean")),
        ],
        [10, 11, 8, 44, 10, 10, 12, 10, 10, 12, 10, 10, 12, 10],
    )
    keys: list[str] = []
    for s in c.review.summaries:
        for task in s.tasks:
            keys += [task.key] if task.key not in keys else []
            p, time = task.completion, task.time
            _row(
                ws,
                [
                    s.iteration.number,
                    s.iteration.week_label,
                    task.key,
                    task.title.get(lang) or task.title.get("bg"),
                    p.n,
                    p.successes,
                    None if p.p is None else 100 * p.p,
                    None if p.low is None else 100 * p.low,
                    None if p.high is None else 100 * p.high,
                    time.geometric_mean,
                    time.low,
                    time.high,
                    task.untimed,
                    task.seq.mean,
                ],
            )
    _formats(ws, 2, {7: "0", 8: "0", 9: "0", 10: "0", 11: "0", 12: "0", 14: "0.0"})
    if not keys:
        return
    # Completion per task and week side by side, for the chart.
    top = ws.max_row + 3
    _row_at(ws, top, [t(N_("Week")), *keys])
    for offset, s in enumerate(c.review.summaries, start=1):
        values: list[object] = [s.iteration.week_label]
        for key in keys:
            task = s.task(key)
            p = task.completion.p if task is not None else None
            values.append(None if p is None else round(100 * p, 1))
        _row_at(ws, top + offset, values)
    bottom = top + len(c.review.summaries)
    chart = LineChart()
    chart.title = t(N_("Task completion (%)"))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    data = Reference(ws, min_col=2, max_col=1 + len(keys), min_row=top, max_row=bottom)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"D{bottom + 2}")


def _row_at(ws: Worksheet, row: int, values: Sequence[object]) -> None:
    for col, value in enumerate(values, start=1):
        ws.cell(row=row, column=col, value=safe(value))


def _journey(ws: Worksheet, c: ReportContent) -> None:
    t, lang = c.t, c.lang
    names = [f"{s} · {t(SEVERITY_NAMES[s])}" for s in SEVERITIES]
    _header(
        ws, [t(N_("Journey step")), *names, t(N_("Previous iteration"))], [44, 14, 14, 14, 14, 16]
    )
    steps: dict[str, list] = {}
    for cell in c.card.heatmap:
        row = steps.setdefault(cell.step_name(lang), [0, 0, 0, 0, 0])
        row[cell.severity - 1] = cell.count
        row[4] += cell.previous or 0
    for name, counts in steps.items():
        _row(ws, [name, *counts])
    if steps:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = t(N_("Pain points by journey step"))
        last = ws.max_row
        chart.add_data(
            Reference(ws, min_col=2, max_col=5, min_row=1, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.height, chart.width = 9, 18
        ws.add_chart(chart, f"B{last + 3}")


def _themes(ws: Worksheet, c: ReportContent) -> None:
    t = c.t
    _header(
        ws,
        [
            t(N_("Theme")),
            t(N_("Movement")),
            t(N_("This iteration")),
            t(N_("Previous iteration")),
            t(N_("Share this iteration (%)")),
            t(N_("Quotes")),
        ],
        [36, 12, 14, 14, 14, 90],
    )
    if not c.card.themes:
        _row(ws, [t(NO_THEMES if not c.card.themes_found else NO_THEME_FEEDBACK)])
        return
    for move in c.card.themes:
        quotes = c.quotes.get(move.key, [])
        _row(
            ws,
            [
                move.label,
                t(MOVEMENT_NAMES[move.status]),
                move.current,
                move.previous,
                None if move.share is None else 100 * move.share,
                "\n".join(f"„{q}“" if c.lang == "bg" else f"“{q}”" for q in quotes),
            ],
        )
    _formats(ws, 2, {5: "0.0"})
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].alignment = WRAP


def _decisions(ws: Worksheet, c: ReportContent) -> None:
    t = c.t
    _header(
        ws,
        [
            t(N_("Iteration")),
            t(N_("Week")),
            t(N_("Decision")),
            t(N_("Rationale")),
            t(N_("Owner")),
            t(N_("Status")),
            t(N_("Themes")),
            t(N_("Observations cited")),
        ],
        [10, 11, 48, 60, 20, 14, 24, 12],
    )
    its = c.iterations
    labels = {m.key: m.label for m in c.card.themes}
    for d in c.decisions:
        it = its.get(d.iteration_id)
        _row(
            ws,
            [
                it.number if it else None,
                it.week_label if it else "",
                d.title,
                d.rationale,
                d.owner,
                t(STATUS_NAMES.get(d.status, d.status)),
                ", ".join(labels.get(k, k) for k in d.theme_keys),
                len(d.observation_ids),
            ],
        )
    if not c.decisions:
        _row(ws, ["", "", t(N_("No decision recorded yet."))])
    _formats(ws, 2, {})


def workbook_bytes(content: ReportContent) -> bytes:
    """The workbook, as the bytes of an .xlsx file."""
    wb = Workbook()
    _summary(wb.active, content)
    for title, write in (
        (N_("Metrics"), _metrics),
        (N_("Tasks"), _tasks),
        (N_("Journey"), _journey),
        (N_("Themes"), _themes),
        (N_("Decisions"), _decisions),
    ):
        write(wb.create_sheet(content.t(title)[:31]), content)
    wb.properties.title = content.t(N_("Weekly review")) + " — " + content.prototype.slug
    wb.properties.creator = "Opit"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
