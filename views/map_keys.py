"""A map's keys drawn under it: the scale bar, what a mark's size means, the arcs' colours and widths. Every
length, colour and word comes from geo.cartography, the catalogs and constants (numbers already in the page's
style), never from data, so the HTML carries nothing a record could inject."""

from __future__ import annotations

import streamlit as st

from geo.cartography import ScaleBar

_ITEM = "display:inline-flex;align-items:center;gap:6px;margin:2px 14px 2px 0;vertical-align:middle"


def _row(title: str, items: list[str]) -> str:
    return (f"<div style='margin:4px 0'><span style='{_ITEM};font-weight:600'>{title}</span>"
            + "".join(items) + "</div>")


def scale(bar: ScaleBar, title: str) -> str:
    """A scale bar of bar.length_px pixels with its round distance."""
    line = (f"<span style='display:inline-block;width:{bar.length_px:.0f}px;height:6px;border:2px solid #1a1a1a;"
            "border-top:none'></span>")
    return _row(title, [f"<span style='{_ITEM}'>{line}<span>{bar.label}</span></span>"])


def sizes(items: list[tuple[float, str]], title: str, shape: str = "circle") -> str:
    """Marks of the sizes the map draws (pixels), each with what it means."""
    def mark(size: float) -> str:
        inner = size * 52 / 64  # the map's circle fills 52 of its icon's 64 pixels
        return (f"<span style='display:inline-block;width:{inner:.1f}px;height:{inner:.1f}px;border-radius:50%;"
                "background:#b8b8b8;border:1px solid #444'></span>")
    return _row(title, [f"<span style='{_ITEM}'>{mark(size)}<span>{label}</span></span>" for size, label in items])


def lines(widths: list[tuple[float, str]], colours: list[tuple[str, str]], title: str) -> str:
    """Line widths (pixels) with what they mean, and line colours with what they mean."""
    width_items = [f"<span style='{_ITEM}'><span style='display:inline-block;width:34px;height:{w:.1f}px;"
                   f"background:#6b6b6b'></span><span>{label}</span></span>" for w, label in widths]
    colour_items = [f"<span style='{_ITEM}'><span style='display:inline-block;width:34px;height:5px;"
                    f"background:{css}'></span><span>{label}</span></span>" for label, css in colours]
    return _row(title, colour_items + width_items)


def show(*rows: str) -> None:
    """The keys, one row each."""
    st.markdown("".join(rows), unsafe_allow_html=True)
