"""How a table's columns are shown (pure; views/tables.py hands it to st.dataframe): numbers right-aligned in the
region's style (1,234 and 1,234.5, the catalogue's grouping), and text that is a formatted figure ('20,000',
'531 días', '45 %', '<5') right-aligned too, so figures line up by their last digit, never left as words."""

from __future__ import annotations

import re

import pandas as pd

# A figure written as text: an optional sign or '<', digits with comma grouping, an optional decimal part, and at
# most one short unit after it ('%', 'días', 'km', 'p. p.'). A date (04/12/2026) or '24 / 46' is not one.
NUMERIC_TEXT = re.compile(r"^[<>≤≥+\-−]?\d{1,3}(,\d{3})*(\.\d+)?( ?%| [^\d\s/]{1,6}\.?( [^\d\s/]{1,3}\.)?)?$"
                          r"|^\d{1,3}(,\d{3})* / \d{1,3}(,\d{3})*$")  # or a count of a count, '24 / 46'
MAX_DECIMALS = 2


def decimals_needed(values: pd.Series) -> int:
    """The fewest decimals (up to MAX_DECIMALS) that show every value of a float column as it is."""
    finite = values.dropna().astype(float)
    for places in range(MAX_DECIMALS + 1):
        if ((finite - finite.round(places)).abs() < 1e-9).all():
            return places
    return MAX_DECIMALS


def column_styles(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per column: ("number", printf format with grouping) for a numeric column, ("right", "") for text that is
    every row a figure; other columns are left out (text, dates: the default)."""
    styles: dict[str, tuple[str, str]] = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_integer_dtype(column):
            styles[str(name)] = ("number", "%,d")
        elif pd.api.types.is_float_dtype(column):
            places = decimals_needed(column)
            styles[str(name)] = ("number", f"%,.{places}f" if places else "%,d")
        elif pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            text = column.dropna().astype(str).str.strip()
            text = text[(text != "") & (text != "—")]
            if len(text) and text.map(lambda v: bool(NUMERIC_TEXT.match(v))).all():
                styles[str(name)] = ("right", "")
    return styles
