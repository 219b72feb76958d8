"""Tables as the region reads them: every st.dataframe of the pages goes through `table` (geo.i18n.columns decides
which columns are figures: right-aligned, grouped 1,234.5)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from geo.i18n.columns import column_styles


def column_config(frame: pd.DataFrame, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """Streamlit column settings for `frame`: figures right-aligned in the region's style; `given` wins."""
    config: dict[str, Any] = {}
    for name, (kind, fmt) in column_styles(frame).items():
        config[name] = (st.column_config.NumberColumn(format=fmt) if kind == "number"
                        else st.column_config.TextColumn(alignment="right"))
    config.update(given or {})
    return config


def table(data: pd.DataFrame, place: Any = st, **kwargs: Any) -> Any:
    """st.dataframe (or `place.dataframe`) with the region's column settings, no index, the full width."""
    frame = pd.DataFrame(data)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    return place.dataframe(frame, column_config=column_config(frame, kwargs.pop("column_config", None)), **kwargs)
