"""Tables as the region reads them: every st.dataframe of the pages goes through `table` (geo.i18n.columns decides
which columns are figures: right-aligned, grouped 1,234.5, and how wide the columns of a table wider than its
space are drawn, so that none is cut at the edge)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from geo.i18n.columns import MAIN_WIDTH_PX, column_styles, fitted_widths, natural_widths


def column_config(frame: pd.DataFrame, given: dict[str, Any] | None = None,
                  available_px: float = MAIN_WIDTH_PX) -> dict[str, Any]:
    """Streamlit column settings for `frame`: figures right-aligned in the region's style; in a table wider than
    `available_px` the widest columns narrowed so that every column shows (geo.i18n.columns.fitted_widths), or,
    when that cannot be, the first column pinned while the rest scroll; `given` wins."""
    config: dict[str, Any] = {}
    for name, (kind, fmt) in column_styles(frame).items():
        config[name] = (st.column_config.NumberColumn(format=fmt) if kind == "number"
                        else st.column_config.TextColumn(alignment="right"))
    widths = fitted_widths(frame, available_px)
    for name, width in widths.items():
        config[name] = {**config.get(name, st.column_config.Column()), "width": width}
    if not widths and len(frame.columns) and sum(natural_widths(frame).values()) > available_px:
        first = str(frame.columns[0])
        config[first] = {**config.get(first, st.column_config.Column()), "pinned": True}
    config.update(given or {})
    return config


def table(data: pd.DataFrame, place: Any = st, *, available_px: float = MAIN_WIDTH_PX, **kwargs: Any) -> Any:
    """st.dataframe (or `place.dataframe`) with the region's column settings, no index, the full width;
    `available_px`: the width the table has at 1280x800 (a page's main column by default; a share of it in
    st.columns)."""
    frame = pd.DataFrame(data)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    config = column_config(frame, kwargs.pop("column_config", None), available_px)
    return place.dataframe(frame, column_config=config, **kwargs)
