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


# How wide a table's columns are drawn (st.dataframe's grid, Streamlit's 14-px "Source Sans"), measured in Chromium
# (2026-12, the data page's freshness table): about 5.8 px a character and 17 px of padding a cell; the estimates
# err wide. The main column of a page is 820 px wide at 1280x800 with the sidebar open (wider screens: wider).
CHAR_PX = 6.3
CELL_PADDING_PX = 18.0
MAIN_WIDTH_PX = 820.0
MIN_TEXT_PX = 110.0  # a long text column is never narrowed below this (it shows its start and an ellipsis)


def natural_widths(frame: pd.DataFrame) -> dict[str, float]:
    """Per column, the width in pixels its header and its longest value take, as the grid sizes it."""
    widths = {}
    for name in frame.columns:
        values = frame[name].dropna().astype(str)
        longest = max([len(str(name)), *values.str.len().tolist()])
        widths[str(name)] = longest * CHAR_PX + CELL_PADDING_PX
    return widths


def fitted_widths(frame: pd.DataFrame, available_px: float = MAIN_WIDTH_PX) -> dict[str, int]:
    """THE rule of a table wider than its space: every column stays in view (none cut at the edge, 'Estado' on the
    data page at 1280 px). When the columns' natural widths exceed `available_px`, the widest columns are narrowed,
    the widest first and all to one width (their text ends in an ellipsis; the grid shows it whole on hover), never
    below their header nor MIN_TEXT_PX; the others keep their natural width. Returns the narrowed columns' widths
    ({} when the table fits as it is, or when even narrowed it cannot: then the first column is pinned instead)."""
    natural = natural_widths(frame)
    if sum(natural.values()) <= available_px:
        return {}
    floors = {name: max(len(name) * CHAR_PX + CELL_PADDING_PX, MIN_TEXT_PX) for name in natural}
    ordered = sorted(natural, key=natural.get, reverse=True)
    # Lower a common cap on the widest columns until the table fits: cap c gives sum(min(natural, max(c, floor))).
    def total(cap: float) -> float:
        return sum(min(width, max(cap, floors[name])) for name, width in natural.items())

    low, high = 0.0, natural[ordered[0]]
    if total(low) > available_px:
        return {}
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if total(middle) <= available_px else (low, middle)
    return {name: int(max(low, floors[name])) for name, width in natural.items() if width > max(low, floors[name])}
