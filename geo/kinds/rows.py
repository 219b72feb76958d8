"""Helpers for a kind's save_row: what a parsed row of a (possibly partial) file gives its write path."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from geo.kinds.context import Context


def plain(value: Any) -> Any:
    """A parsed cell as a plain Python value (NaN, NaT -> None; numpy scalars -> Python)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def given(record: Mapping[str, Any], names: Iterable[str], present: set[str]) -> dict[str, Any]:
    """The values a row gives: only the columns the file has (a partial file updates what it names)."""
    return {n: plain(record.get(n)) for n in names if n in present}


def project_of(record: Mapping[str, Any], ctx: Context, present: set[str]) -> dict[str, Any]:
    """{"project_id": ...} from the row's project code, when the file has that column."""
    if "project_code" not in present:
        return {}
    code = record.get("project_code")
    return {"project_id": ctx.projects.get(code) if code else None}
