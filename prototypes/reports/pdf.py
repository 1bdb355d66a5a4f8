"""The review as a one- or two-page PDF for the municipal board, in Bulgarian or English.

fpdf2 with an embedded Unicode TrueType font (:mod:`prototypes.reports.fonts`) and the trend chart
rendered offline to PNG by vl-convert from the same Altair spec the page shows.
"""

from __future__ import annotations

import io
from functools import cache

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from i18n import N_
from prototypes.comparison_text import plain_language
from prototypes.reports.charts import trend_chart
from prototypes.reports.content import (
    NO_THEME_FEEDBACK,
    NO_THEMES,
    ReportContent,
    interval,
    number,
    percent,
    verdict,
)
from prototypes.reports.fonts import ReportFont, report_font
from prototypes.repository_decisions import STATUS_NAMES
from prototypes.review_parts import MOVEMENT_NAMES, MOVEMENTS

BLUE = (11, 92, 171)
GREY = (90, 90, 90)
BODY = 9


@cache
def _register_chart_font(folder: str) -> None:
    import vl_convert

    vl_convert.register_font_directory(folder)


def chart_png(content: ReportContent, font: ReportFont) -> bytes | None:
    """The trend chart as a PNG (None when there is nothing to draw)."""
    chart = trend_chart(content.review, content.lang, width=620)
    if chart is None:
        return None
    import vl_convert

    _register_chart_font(str(font.folder))
    spec = chart.configure(font=font.family).configure_view(stroke=None).to_dict()
    return vl_convert.vegalite_to_png(vl_spec=spec, scale=2)


class _Board(FPDF):
    footer_text = ""
    body_font = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.body_font, size=7)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(pdf.body_font, "B", 11)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(pdf.body_font, size=BODY)


def _para(pdf: FPDF, text: str, bullet: bool = False) -> None:
    pdf.set_font(pdf.body_font, size=BODY)
    if bullet:
        pdf.set_x(pdf.l_margin + 3)
        pdf.multi_cell(0, 4.4, "• " + text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    else:
        pdf.multi_cell(0, 4.4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _table(pdf: FPDF, rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font(pdf.body_font, size=BODY - 0.5)
    with pdf.table(
        col_widths=widths,
        line_height=4.6,
        text_align="LEFT",
        headings_style=_headings(pdf),
        borders_layout="HORIZONTAL_LINES",
        padding=0.8,
    ) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(1)


def _headings(pdf: FPDF):
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=BLUE)


def _figures(pdf: FPDF, c: ReportContent) -> None:
    t, lang, card = c.t, c.lang, c.card
    now, before = card.current, card.previous
    by_metric = {x.metric: x for x in card.comparisons}
    headings = [N_("Metric"), N_("This iteration"), N_("95% interval"), N_("Previous")]
    rows = [[t(h) for h in (*headings, N_("Verdict"))]]
    rows.append(
        [t(N_("Responses")), str(now.responses), "", str(before.responses) if before else "—", ""]
    )
    rows.append(
        [t(N_("Interviews")), str(now.sessions), "", str(before.sessions) if before else "—", ""]
    )
    grade = f" ({now.grade.grade})" if now.grade else ""
    rows.append(
        [
            t(N_("SUS mean")),
            number(now.sus.mean, 1, lang) + grade,
            interval(now.sus.low, now.sus.high, 1, lang),
            number(before.sus.mean, 1, lang) if before else "—",
            verdict(by_metric.get("sus"), lang),
        ]
    )
    rows.append(
        [
            t(N_("Task completion")),
            percent(now.completion.p, lang),
            interval(now.completion.low, now.completion.high, 0, lang, 100),
            percent(before.completion.p, lang) if before else "—",
            verdict(by_metric.get("completion"), lang),
        ]
    )
    if now.seq.n or (before and before.seq.n):
        rows.append(
            [
                t(N_("SEQ mean (questionnaire)")),
                number(now.seq.mean, 1, lang),
                interval(now.seq.low, now.seq.high, 1, lang),
                number(before.seq.mean, 1, lang) if before else "—",
                verdict(by_metric.get("seq"), lang),
            ]
        )
    if card.sentiment.n:
        for label, share in (
            (N_("Negative answers"), "negative"),
            (N_("Positive answers"), "positive"),
        ):
            p = getattr(card.sentiment, share)
            p_before = getattr(card.sentiment_previous, share) if card.sentiment_previous else None
            rows.append(
                [
                    t(label),
                    percent(p.p, lang),
                    interval(p.low, p.high, 0, lang, 100),
                    percent(p_before.p, lang) if p_before and p_before.n else "—",
                    "",
                ]
            )
    _table(pdf, rows, (50, 30, 30, 26, 44))


def _tasks(pdf: FPDF, c: ReportContent) -> None:
    t, lang = c.t, c.lang
    headings = (N_("Task"), N_("Completion"), N_("Previous"), N_("Time on task (s)"))
    rows = [[t(h) for h in (*headings, N_("Verdict"))]]
    if not c.card.current.tasks:
        _para(pdf, t(N_("No task results in this iteration yet.")))
        return
    for task in c.card.tasks:
        now, before = task.current, task.previous
        title = (task.title.get(lang) or task.title.get("bg") or task.key)[:70]
        completion = "—"
        if now is not None and now.completion.n:
            completion = (
                f"{now.completion.successes}/{now.completion.n} · "
                f"{interval(now.completion.low, now.completion.high, 0, lang, 100)}%"
            )
        previous = "—"
        if before is not None and before.completion.n:
            previous = f"{before.completion.successes}/{before.completion.n}"
        time = number(now.time.geometric_mean, 0, lang) if now is not None else "—"
        if now is None:
            state = t(N_("dropped this week"))
        elif before is None:
            state = t(N_("new this week"))
        else:
            state = verdict(task.completion, lang)
        rows.append([f"{task.key} · {title}", completion, previous, time, state])
    if len(rows) > 1:
        _table(pdf, rows, (74, 34, 20, 24, 28))


def _problems(pdf: FPDF, c: ReportContent) -> None:
    steps: dict[str, list[int]] = {}
    for cell in c.card.heatmap:
        steps.setdefault(cell.step_name(c.lang), [0, 0, 0, 0])[cell.severity - 1] += cell.count
    ranked = sorted(
        ((name, counts) for name, counts in steps.items() if sum(counts)),
        key=lambda item: (-(item[1][3] * 8 + item[1][2] * 4 + item[1][1] * 2 + item[1][0]),),
    )
    if not ranked:
        _para(pdf, c.t(N_("No pain points were noted in this iteration.")))
        return
    for name, counts in ranked[:5]:
        _para(
            pdf,
            c.t(
                N_("{step}: {total} pain points ({blockers} blockers, {major} major)"),
                step=name,
                total=sum(counts),
                blockers=counts[3],
                major=counts[2],
            ),
            bullet=True,
        )


def _themes(pdf: FPDF, c: ReportContent) -> None:
    card = c.card
    if not card.themes:
        _para(pdf, c.t(NO_THEMES if not card.themes_found else NO_THEME_FEEDBACK))
        return
    for status in MOVEMENTS:
        labels = [m.label for m in card.themes if m.status == status]
        if labels and status != "recurring":
            _para(pdf, f"{c.t(MOVEMENT_NAMES[status]).capitalize()}: {', '.join(labels[:8])}", True)
    recurring = [m.label for m in card.themes if m.status == "recurring"]
    if recurring:
        _para(
            pdf,
            f"{c.t(MOVEMENT_NAMES['recurring']).capitalize()}: {', '.join(recurring[:8])}",
            True,
        )


def _people(pdf: FPDF, c: ReportContent) -> None:
    segments = c.card.segments
    _para(
        pdf,
        c.t(
            N_("{total} participants: {citizens} citizens, {staff} staff."),
            total=segments.participants,
            citizens=segments.kinds.get("citizen", 0),
            staff=segments.kinds.get("staff", 0),
        ),
    )
    if segments.missing:
        missing = "; ".join(c.t(s.label) for s in segments.missing)
        _para(pdf, c.t(N_("Missing this week: {segment}."), segment=missing))


def _decisions(pdf: FPDF, c: ReportContent) -> None:
    decisions = c.decisions_now
    if not decisions:
        _para(pdf, c.t(N_("No decision recorded yet.")))
        return
    for d in decisions:
        owner = f" — {d.owner}" if d.owner else ""
        _para(pdf, f"{d.title}{owner} ({c.t(STATUS_NAMES.get(d.status, d.status))})", True)


def pdf_bytes(content: ReportContent) -> bytes:
    """The board report as the bytes of a PDF file."""
    font = report_font()
    t, card = content.t, content.card
    pdf = _Board(orientation="P", unit="mm", format="A4")
    pdf.body_font = font.family
    pdf.add_font(font.family, "", str(font.regular))
    pdf.add_font(font.family, "B", str(font.bold))
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_lang(content.lang)
    title = t(N_("Weekly review")) + " — " + content.prototype.name(content.lang)
    pdf.set_title(title)
    pdf.set_author("Opit")
    pdf.footer_text = f"Opit · {content.prototype.slug} · {content.generated.isoformat()}"
    pdf.add_page()
    pdf.set_font(font.family, "B", 15)
    pdf.multi_cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(font.family, size=BODY)
    pdf.set_text_color(*GREY)
    line = content.iteration_label(content.iteration)
    if card.previous is not None:
        previous = content.iteration_label(card.previous.iteration)
        line += " · " + t(N_("compared with {previous}"), previous=previous)
    _para(pdf, line)
    pdf.set_text_color(0, 0, 0)
    if card.current.empty:
        _para(pdf, t(N_("No responses or interviews for this iteration yet.")))
    _heading(pdf, t(N_("Key figures")))
    _figures(pdf, content)
    if card.comparisons:
        _heading(pdf, t(N_("Against the previous iteration")))
        for comparison in card.comparisons:
            _para(pdf, plain_language(comparison, content.lang), bullet=True)
    png = chart_png(content, font)
    if png is not None:
        _heading(pdf, t(N_("Trend")))
        pdf.image(io.BytesIO(png), w=150, x=30)
    _heading(pdf, t(N_("Tasks")))
    _tasks(pdf, content)
    _heading(pdf, t(N_("Where the problems are")))
    _problems(pdf, content)
    _heading(pdf, t(N_("Theme movement")))
    _themes(pdf, content)
    _heading(pdf, t(N_("Who took part")))
    _people(pdf, content)
    _heading(pdf, t(N_("Decisions")))
    _decisions(pdf, content)
    return bytes(pdf.output())
