"""A map's keys drawn under it: the scale bar, what a mark's size means, the lines' and arcs' colours and widths,
the period its data cover. Every regional map of the app draws its keys here (ONE way to draw a scale bar:
scale_for). Every length, colour and word comes from geo.cartography, the catalogs and constants (numbers already
in the page's style), never from data, so the HTML carries nothing a record could inject."""

from __future__ import annotations

import streamlit as st

from geo import cartography
from geo.cartography import ScaleBar
from geo.i18n import t

_ITEM = "display:inline-flex;align-items:center;gap:6px;margin:2px 14px 2px 0;vertical-align:middle"


def _row(title: str, items: list[str]) -> str:
    return (f"<div style='margin:4px 0'><span style='{_ITEM};font-weight:600'>{title}</span>"
            + "".join(items) + "</div>")


def scale(bar: ScaleBar, title: str, note: str = "") -> str:
    """A scale bar of bar.length_px pixels with its round distance (and a note in small grey type)."""
    line = (f"<span style='display:inline-block;width:{bar.length_px:.0f}px;height:6px;border:2px solid #1a1a1a;"
            "border-top:none'></span>")
    small = f"<span style='{_ITEM};font-size:0.8em;color:#5f6368'>{note}</span>" if note else ""
    return _row(title, [f"<span style='{_ITEM}'>{line}<span>{bar.label}</span></span>", small])


def scale_for(view: dict, lang: str) -> str:
    """THE scale bar of a regional map at `view`: computed for the view's centre latitude and zoom
    (geo.cartography.scale_bar), and saying so: a drag north or south moves the centre (by ~3 % across the
    CA4) and the map cannot tell the page its new view."""
    return scale(cartography.scale_bar(view, lang), t("map.key.scale", lang), t("map.key.scale_note", lang))


def period(words: str, lang: str) -> str:
    """The period a map's data cover, in words ("septiembre–noviembre de 2026")."""
    return _row(t("map.key.period", lang), [f"<span style='{_ITEM}'>{words}</span>"])


def sizes(items: list[tuple[float, str]], title: str, shape: str = "circle", fill: float = 52 / 64) -> str:
    """Marks of the sizes the map draws (pixels), each with what it means; `fill`: the share of the size the
    drawn circle takes (an icon's circle fills 52 of its 64 pixels; a ScatterplotLayer's diameter, 1)."""
    def mark(size: float) -> str:
        inner = size * fill
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


def strokes(items: list[tuple[str, str, float]], title: str) -> str:
    """(label, css colour, line width in pixels) as the map draws each kind of line; a width of 0 is a dot."""
    def swatch(css: str, width: float) -> str:
        shape = ("width:10px;height:10px;border-radius:50%" if width <= 0
                 else f"width:34px;height:{max(width, 1):.1f}px")
        return f"<span style='display:inline-block;{shape};background:{css}'></span>"
    return _row(title, [f"<span style='{_ITEM}'>{swatch(css, w)}<span>{label}</span></span>"
                        for label, css, w in items])


def show(*rows: str, compact: bool = False) -> None:
    """The keys, one row each; `compact`: side by side in smaller type, wrapping (under a small map)."""
    if compact:
        rows = tuple(f"<div style='display:inline-block;margin-right:18px;vertical-align:top'>{r}</div>"
                     for r in rows)
        st.markdown(f"<div style='font-size:0.82rem;line-height:1.25'>{''.join(rows)}</div>", unsafe_allow_html=True)
        return
    st.markdown("".join(rows), unsafe_allow_html=True)
