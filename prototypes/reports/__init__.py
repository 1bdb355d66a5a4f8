"""Reports of the weekly review: an Excel workbook for the team and a PDF for the municipal board.

    with database.read() as session:
        prototype, iteration = resolve(session, "online-address-change", None)
        data = build_report(session, prototype.id, iteration.id, "pdf", "bg")

`build_report` reads through the session and returns the file's bytes; `report_filename` names it.
"""

from __future__ import annotations

from i18n import N_, UserError
from prototypes.reports.content import ReportContent, gather, resolve
from prototypes.repository import IterationInfo, PrototypeInfo, iteration, prototypes

__all__ = ["FORMATS", "ReportContent", "build_report", "render", "report_filename", "resolve"]

#: file suffix → MIME type
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(content: ReportContent, fmt: str) -> bytes:
    """The report in `fmt` ("xlsx" or "pdf") from gathered content."""
    if fmt == "xlsx":
        from prototypes.reports.xlsx import workbook_bytes

        return workbook_bytes(content)
    if fmt == "pdf":
        from prototypes.reports.pdf import pdf_bytes

        return pdf_bytes(content)
    raise UserError(N_("A report is an .xlsx or a .pdf file, not '{fmt}'."), fmt=fmt)


def build_report(session, prototype_id: int, iteration_id: int, fmt: str, lang: str) -> bytes:
    """Read the review of one iteration and write it as an .xlsx or .pdf file's bytes."""
    if fmt not in FORMATS:
        raise UserError(N_("A report is an .xlsx or a .pdf file, not '{fmt}'."), fmt=fmt)
    chosen = iteration(session, iteration_id)
    prototype = next((p for p in prototypes(session) if p.id == prototype_id), None)
    if chosen is None or prototype is None or chosen.prototype_id != prototype_id:
        raise UserError(N_("Choose an iteration."))
    return render(gather(session, prototype, chosen, lang), fmt)


def report_filename(prototype: PrototypeInfo, it: IterationInfo, fmt: str) -> str:
    return f"opit-{prototype.slug}-{it.number:02d}-{it.week_label}.{fmt}"
