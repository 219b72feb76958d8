"""Legends and metric cards shared by the pages: colour swatches (with the symbols the marks carry), the status
legend of the post maps, a metric whose label wraps. Labels, colours and symbols come from the catalogs and
constants, never from data."""

from __future__ import annotations

import streamlit as st

from geo.i18n import t


def status_legend(language: str) -> None:
    """The infrastructure-status legend of the post maps (its text comes from the i18n module only)."""
    from geo.maps import legend_items

    colour_legend(t("map.legend.status", language), legend_items(language))
    st.caption(t("map.legend.shape", language))


def colour_legend(title: str, items: list[tuple[str, ...]]) -> None:
    """A row of colour swatches: (label, css colour) or (label, css colour, symbol the marks carry). Labels,
    colours and symbols come from i18n and constants, never from data."""
    def swatch(colour: str, symbol: str) -> str:
        # The map cuts a symbol out of the mark (the land shows through): the same light symbol here, with a
        # dark edge on a light swatch.
        edge = "" if _dark(colour) else "text-shadow:0 0 1px #3c2800,0 0 1px #3c2800;"
        return (f"<span style='display:inline-block;width:14px;height:14px;background:{colour};border:1px solid #777;"
                f"margin-right:4px;vertical-align:middle;text-align:center;font:700 11px/14px sans-serif;"
                f"color:#faf8f0;{edge}'>{symbol}</span>")

    legend = " ".join(
        f"<span style='display:inline-block;margin-right:12px'>{swatch(item[1], item[2] if len(item) > 2 else '')}"
        f"{item[0]}</span>" for item in items
    )
    st.markdown(f"**{title}**<br/>{legend}" if title else legend, unsafe_allow_html=True)


def _dark(css: str) -> bool:
    """True for a swatch colour dark enough to carry a white symbol (relative luminance under 0.25)."""
    from geo.colour_vision import parse_css

    r, g, b = (c / 255 for c in parse_css(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.25


def wrapping_metric(label: str, value: str, **kwargs) -> None:
    """st.metric whose label wraps on a narrow screen instead of being cut (labels come from i18n)."""
    st.markdown(f"**{label}**")
    st.metric(label, value, label_visibility="collapsed", **kwargs)
