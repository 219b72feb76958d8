"""The write step of an import for kinds with a form: each checked row through its kind's one write path.

A kind's save_row (geo.kinds) calls the same function the edit forms use: a partial file is merged with
the stored rows and changes only the columns it names, the merged row obeys the form's rules, versions rise
and the audit log records each change with one diff. A rule a row breaks is reported at its row and
column(s), and the import's transaction is rolled back. Kinds without a form write in bulk (their
RecordKind's bulk_writer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from geo.access.editing import NotFound, ValidationFailed

ReportRow = Callable[..., None]  # (position in the frame, column(s) as written in the file, i18n key, **params)
Counts = tuple[int, int, int]


def save_rows(frame: pd.DataFrame, save: Callable[[Mapping[str, Any]], Any], report_row: ReportRow,
              columns_of: Mapping[str, tuple[str, ...]] | None = None) -> Counts:
    """Save each row (save returns what geo.access.editing.Saved says), counting outcomes; a refused row is
    reported at its row and at the column(s) the broken rule is about (`columns_of`: "field:key" or field)."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    columns_of = columns_of or {}
    for position, record in enumerate(frame.to_dict("records")):
        try:
            counts[save(record).outcome] += 1
        except ValidationFailed as refused:
            for name, key in refused.problems.items():
                columns = columns_of.get(f"{name}:{key}") or columns_of.get(name) or (name,)
                report_row(position, columns, key, **refused.params.get(name, {}))
        except NotFound:
            report_row(position, (), "data.err.not_found")
    return counts["added"], counts["updated"], counts["unchanged"]
