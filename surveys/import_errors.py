"""The problems an import finds in a file, each with where it is, reported together.

A `Problem` is one thing the person can fix, with its place in the file: the sheet, row and column
of an XLSForm (worded like pyxform's "[row : 4] On the 'choices' sheet, ..."), the element and line
of a LimeSurvey file, or the row and column of a response table. `ImportProblems` carries all the
problems of one file, so the person fixes them in one pass instead of one upload per mistake.

Messages are English message ids marked with `N_` and rendered in the person's language. Never put a
respondent's answer into a problem: names of sheets, columns, questions and choices only.
"""

from __future__ import annotations

from collections.abc import Iterable

from i18n import N_, UserError, translate

#: At most this many problems are listed; the rest are counted.
MAX_LISTED = 30


class Problem(UserError):
    """One fixable mistake at one place in a file."""

    def __init__(
        self,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        element: str | None = None,
        line: int | None = None,
        **params: object,
    ) -> None:
        super().__init__(message, **params)
        self.sheet = sheet
        self.row = row
        self.column = column
        self.element = element
        self.line = line

    @property
    def where(self) -> dict[str, object]:
        """The place, as the names given (for tests and logs)."""
        places = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "element": self.element,
            "line": self.line,
        }
        return {key: value for key, value in places.items() if value is not None}

    def render(self, lang: str | None = None) -> str:
        problem = translate(self.message, lang, **self.params)
        template = _location_template(self)
        if template is None:
            return problem
        return translate(template, lang, problem=problem, **self.where)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Problem({self.message!r}, {self.where!r}, {self.params!r})"


def _location_template(problem: Problem) -> str | None:
    sheet, row, column = problem.sheet, problem.row, problem.column
    if sheet is not None:
        if row is not None and column is not None:
            return N_("[row : {row}] On the '{sheet}' sheet, column '{column}': {problem}")
        if row is not None:
            return N_("[row : {row}] On the '{sheet}' sheet: {problem}")
        if column is not None:
            return N_("On the '{sheet}' sheet, column '{column}': {problem}")
        return N_("On the '{sheet}' sheet: {problem}")
    if problem.element is not None:
        if problem.line is not None:
            return N_("[line : {line}] In <{element}>: {problem}")
        return N_("In <{element}>: {problem}")
    if row is not None and column is not None:
        return N_("[row : {row}] Column '{column}': {problem}")
    if row is not None:
        return N_("[row : {row}] {problem}")
    if column is not None:
        return N_("Column '{column}': {problem}")
    return None


class ImportProblems(UserError):
    """Every problem found in one file; `problems` lists them in file order."""

    def __init__(self, filename: str, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("ImportProblems needs at least one problem")
        super().__init__(
            N_("{filename} cannot be imported as it is; fix these {count} problem(s):"),
            filename=filename,
            count=len(self.problems),
        )

    def render(self, lang: str | None = None) -> str:
        lines = [super().render(lang)]
        lines += [f"- {problem.render(lang)}" for problem in self.problems[:MAX_LISTED]]
        hidden = len(self.problems) - MAX_LISTED
        if hidden > 0:
            lines.append(translate(N_("… and {count} more."), lang, count=hidden))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


class ProblemList:
    """Collects problems while a reader walks a file; `raise_if_any` ends the walk."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.items: list[Problem] = []

    def add(self, message: str, **where_and_params: object) -> None:
        self.items.append(Problem(message, **where_and_params))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportProblems(self.filename, self.items)
