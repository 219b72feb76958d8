"""The import report: each problem as data (file, row, column, an i18n key and its parameters), worded
only when shown, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geo.i18n import fmt_number, has, t

MAX_PROBLEMS = 1000  # a report lists this many problems, then says how many more there are


# ------------------------------------------------------------------------------------------ report
@dataclass
class Problem:
    """One problem: where (file, row as the person sees it, column as written in the file) and what."""

    file: str
    row: int | None
    column: str | None
    key: str  # an i18n key
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        if not has(self.key):  # a rule module's key not (yet) translated: show it rather than fail
            return self.key + (f" ({self.params})" if self.params else "")
        # A parameter may itself be a rule (anything with .text(lang)): worded in the same language.
        params = {k: v.text(lang) if callable(getattr(v, "text", None)) else v for k, v in self.params.items()}
        return t(self.key, lang, **params)

    def line(self, lang: str = "en") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(t("data.report.row", lang, row=self.row))
        if self.column:
            where.append(t("data.report.column", lang, column=self.column))
        return f"{', '.join(where)}: {self.message(lang)}"


@dataclass
class ImportReport:
    kind: str
    file: str
    format: str | None = None
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # problems found beyond MAX_PROBLEMS
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # Data worth a look in a file that was saved (a crossing whose two sides now disagree, as its kind says):
    # warnings, never problems; Problems without a row, worded the same way.
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    # What the reader chose and the person should know, shown with the outcome whatever it is (which sheet of
    # a workbook was read): Problems without a row, worded the same way.
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def problems_frame(self, lang: str = "en") -> pd.DataFrame:
        return pd.DataFrame(
            [(p.file, p.row, p.column, p.message(lang)) for p in self.problems],
            columns=[t("data.report.h_file", lang), t("data.report.h_row", lang),
                     t("data.report.h_column", lang), t("data.report.h_message", lang)],
        ).astype({t("data.report.h_row", lang): "Int64"})

    def problems_csv(self, lang: str = "en") -> bytes:
        frame = self.problems_frame(lang)
        if self.more_problems:
            frame.loc[len(frame)] = [self.file, None, None, t("data.report.more", lang, n=self.more_problems)]
        return frame.to_csv(index=False).encode("utf-8-sig")

    def summary(self, lang: str = "en") -> str:
        key = "data.report.summary_dry" if self.dry_run else "data.report.summary"
        counts = {name: fmt_number(getattr(self, name), lang) for name in ("rows", "added", "updated", "unchanged")}
        return t(key, lang, file=self.file, **counts)


class _Collector:
    """Collects problems for one file, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report

    def add(self, row: int | None, column: str | None, key: str, **params: Any) -> None:
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(Problem(self.report.file, row, column, key, params))
        else:
            self.report.more_problems += 1

    def note(self, key: str, **params: Any) -> None:
        """Something the reader decided that is not a problem (which sheet was read)."""
        self.report.notes.append(Problem(self.report.file, None, None, key, params))

    def __bool__(self) -> bool:
        return bool(self.report.problems)


@dataclass(frozen=True)
class ImportProgress:
    """How far an import has come, given to a progress callback as it advances (the CLI prints it on
    stderr, the import page shows a bar). Rows are counted as the person sees them (data rows)."""

    stage: str  # "reading" (rows read, checked and written chunk by chunk), "rollups", "saving", "done"
    rows_read: int
    rows_checked: int
    rows_written: int
    fraction: float  # 0..1 of the whole import, from the bytes of the file read so far
    elapsed: float  # seconds since the import started


Progress = Callable[[ImportProgress], None]


class Rejected(Exception):
    """Raised inside the transaction to roll it back when the file has problems."""
