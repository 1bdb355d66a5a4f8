"""Which reader a questionnaire file needs: XLSForm (.xlsx, .xls) or LimeSurvey (.lss, .lsa)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from i18n import N_, UserError
from surveys.definition import QuestionnaireDefinition
from surveys.limesurvey import ImportedResponse, read_limesurvey
from surveys.xlsform import read_xlsform

XLSFORM_SUFFIXES = (".xlsx", ".xlsm", ".xls")
LIMESURVEY_SUFFIXES = (".lss", ".lsa")
FORM_SUFFIXES = XLSFORM_SUFFIXES + LIMESURVEY_SUFFIXES


@dataclass(frozen=True)
class FormFile:
    """A questionnaire read from a file, with the responses an .lsa archive carries."""

    definition: QuestionnaireDefinition
    kind: str  # "xlsform" or "limesurvey"
    responses: tuple[ImportedResponse, ...] = ()
    source_id: str = ""


def read_form_file(data: bytes, filename: str) -> FormFile:
    """The questionnaire of an XLSForm or LimeSurvey file; raises UserError / ImportProblems."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in XLSFORM_SUFFIXES:
        return FormFile(read_xlsform(data, filename), "xlsform")
    if suffix in LIMESURVEY_SUFFIXES:
        imported = read_limesurvey(data, filename)
        return FormFile(imported.definition, "limesurvey", imported.responses, imported.survey_id)
    raise UserError(
        N_(
            "{filename}: Opit imports questionnaires from XLSForm workbooks (.xlsx, .xls) and "
            "LimeSurvey files (.lss, .lsa)."
        ),
        filename=filename,
    )
