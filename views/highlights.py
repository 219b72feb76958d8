"""The monthly highlights block shared by the overview and the first slide: UI only (geo.overview.highlights
finds them, geo.overview.highlight_text words them). Names from data are escaped before Markdown renders."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo.i18n import t
from geo.overview import highlight_text as words
from geo.overview import highlights as hl


@ui.cached
def _region_wide(month: dt.date) -> hl.RegionWide:
    """What every scope's highlights of a month share (mirror gaps, "where next"), per data version: a room
    asking for several countries computes it once (issue 23)."""
    return hl.region_wide(ui.engine(), month)


@ui.cached
def _load(last: dt.date, countries: tuple[str, ...]) -> hl.Highlights | None:
    engine = ui.engine()
    scope = hl.Scope(countries)
    month = hl.month_for_period(engine, last, scope)
    return hl.find_highlights(engine, month, scope, _region_wide(month)) if month else None


def load(last: dt.date, countries: tuple[str, ...]) -> hl.Highlights | None:
    """The highlights of the period's last complete month (cached; a flows import refreshes them)."""
    return _load(last, countries)


def lines(result: hl.Highlights, lang: str) -> list[str]:
    """One Markdown line per shown highlight: the sentence (escaped) and the link to the view proving it."""
    see = t("hl.see", lang)
    return [f"{i}. {words.md_escape(words.sentence(item, lang))} [{see}]({words.href(item, lang)})"
            for i, item in enumerate(result.shown(), 1)]


def show(result: hl.Highlights | None, lang: str, heading: bool = True) -> None:
    if result is None:
        return
    if heading:
        st.subheader(words.title(result, lang))
    shown = lines(result, lang)
    for line in shown:
        st.markdown(line)
    if not shown:
        st.markdown(words.md_escape(t("hl.nothing", lang, month=words.fmt_month(result.month, lang))))
    st.caption(t("hl.rule", lang))
