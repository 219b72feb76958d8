"""Workshops page: which posts and border segments the training reached, and where the next one should go."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo import datasets
from geo.charts import chart_config
from geo.i18n import fmt_number, fmt_percent, t
from geo.models import POST_TYPES
from geo.overview import figures as ov
from geo.periods import Period, month_param, parse_month
from geo.sample import sample_seed
from geo.scope import figure_caption
from geo.workshops import charts as workshop_charts
from geo.workshops import coverage, tables
from geo.workshops import maps as workshop_maps
from views import legends, map_fit, map_keys, workshop_edit
from views.tables import MAIN_WIDTH_PX
from views.tables import table as show_table

ui.guard()
lang = ui.lang()
engine = ui.engine()


@ui.cached
def load_report(url: str, start: dt.date, end: dt.date, reach_km: float,
                types: tuple[str, ...]) -> coverage.CoverageReport:
    return coverage.coverage_report(ui.engine(), start, end, reach_km, types)


st.title(t("ws.title", lang))
ui.sample_notice(sample_seed(engine))
st.caption(datasets.as_of_text(engine, "workshops", lang))  # where the figures come from, and how fresh

default = ov.default_period(engine)  # THE default period, as on the overview, the flows page and the slides
linked = [parse_month(st.query_params.get(k)) for k in ("from", "to")]  # ?from=2025-11&to=2026-10
if all(linked) and linked[0] <= linked[1]:
    default = Period(linked[0], linked[1])
period_default = (default.start, default.end)

with st.sidebar:
    period = st.date_input(t("ws.period", lang), value=period_default, format="DD/MM/YYYY", key="ws_period")
    # Keyed (a change is never lost) and kept in the URL (?reach=40&type=land,air), like every page's filters.
    reach_km = st.slider(t("ws.reach", lang), min_value=5, max_value=150, step=5, key="ws_reach",
                         value=ui.query_int("reach", int(coverage.DEFAULT_REACH_KM), 5, 150) // 5 * 5)
    types = st.multiselect(t("filter.post_type", lang), list(POST_TYPES), key="ws_types",
                           default=ui.query_list("type", POST_TYPES),
                           format_func=lambda v: t(f"post_type.{v}", lang), placeholder=t("filter.all", lang))
    st.markdown(f"**{t('map.layers', lang)}**")
    show_reach = st.toggle(t("ws.layer.reach", lang), value=True)
    show_suggested = st.toggle(t("ws.layer.suggested", lang), value=True)
    show_labels = st.toggle(t("ws.layer.labels", lang), value=True)

ui.set_query_value("reach", str(reach_km) if reach_km != int(coverage.DEFAULT_REACH_KM) else None)
ui.set_query_list("type", types)
start, end = (period if isinstance(period, tuple | list) and len(period) == 2 else period_default)
ui.set_query_value("from", month_param(start))
ui.set_query_value("to", month_param(end))
report = load_report(str(engine.url), start, end, float(reach_km), tuple(types))
posts = report.posts

with st.expander(t("ws.definitions", lang)):
    st.markdown(t("ws.definitions.text", lang, km=reach_km))

total = len(posts)
covered = int(posts["covered"].sum())
reached = int(posts["reached"].sum())
people = int(report.workshops["participants"].sum())
women = int(report.workshops["women"].sum())
k1, k2, k3, k4 = st.columns(4)
k1.metric(t("ws.kpi.workshops", lang), fmt_number(len(report.workshops), lang))
k2.metric(t("ws.kpi.participants", lang), fmt_number(people, lang),
          help=t("ws.kpi.women", lang, pct=fmt_percent(100 * women / people if people else None, lang)))
k3.metric(t("ws.kpi.covered", lang), f"{covered} / {total}",
          help=t("ws.kpi.covered_help", lang, pct=fmt_percent(100 * covered / total if total else None, lang)))
k4.metric(t("ws.kpi.reached", lang, km=reach_km), f"{reached} / {total}")
st.caption(figure_caption("programme", (), Period(start, end), lang))

tab_map, tab_people, tab_next, tab_table, tab_edit = st.tabs(
    [t(f"ws.tab.{name}", lang) for name in ("map", "people", "next", "table", "edit")],
    key="ws_tab", on_change="rerun",  # lazy: only the open tab runs
)

# ------------------------------------------------------------------ map and uncovered posts
with tab_map:
    if tab_map.open:
        # The map and every table at full width, one under the other: beside the map, the uncovered posts
        # showed one of their five columns; side by side, the coverage tables cut theirs at 1280 px.
        view, canvas = map_fit.fitted_view("ws_map_width", 560)
        st.pydeck_chart(
            workshop_maps.workshop_deck(report, lang, show_reach=show_reach, show_suggested=show_suggested,
                                        show_labels=show_labels, view=view, canvas=canvas),
            height=560, key="ws_map",
        )
        legends.colour_legend("", workshop_maps.legend_items(lang))
        map_keys.show(map_keys.scale_for(view, lang),
                      map_keys.strokes(workshop_maps.segment_key(lang), t("ws.map.key.segments", lang)),
                      map_keys.period(Period(start, end).words(lang), lang))
        st.caption(t("ws.map.caption", lang, km=reach_km))

        st.subheader(t("ws.uncovered.title", lang))
        uncovered = tables.uncovered_table(report, lang)
        if uncovered.empty:
            st.success(t("ws.uncovered.none", lang))
        else:
            show_table(uncovered, hide_index=True, width="stretch", height=min(36 * len(uncovered) + 38, 400),
                         column_config={t("ws.col.nearest_km", lang): st.column_config.NumberColumn(format="%.1f")})
            st.caption(t("ws.uncovered.count", lang, n=len(uncovered), total=total))

        # ------------------------------------------------------------------ coverage tables
        st.subheader(t("ws.coverage.title", lang))
        # Narrow bars with their figure (36.8 %), so a table's last column still fits at 1280 px.
        percent_bars = {t(key, lang): st.column_config.ProgressColumn(format="%.1f %%", min_value=0, max_value=100,
                                                                       width=120)
                        for key in tables.PERCENT_KEYS}
        st.markdown(f"**{t('ws.coverage.by_country', lang)}**")
        show_table(tables.by_country_table(report, lang), hide_index=True, width="stretch",
                     column_config=percent_bars)
        st.markdown(f"**{t('ws.coverage.by_agency', lang)}**")
        show_table(tables.by_agency_table(report, lang), hide_index=True, width="stretch",
                     column_config=percent_bars)
        st.caption(t("ws.coverage.agency_definition", lang))

        st.markdown(f"**{t('ws.coverage.by_segment', lang)}**")
        show_table(tables.by_segment_table(report, lang), hide_index=True, width="stretch",
                     column_config={**percent_bars, t("ws.col.segment", lang): st.column_config.TextColumn(width=190),
                                    # printf-style: 249.3 in any browser (a browser locale would not decide)
                                    t("ws.col.line_km", lang): st.column_config.NumberColumn(format="%.1f"),
                                    t("ws.col.uncovered", lang): st.column_config.TextColumn(width="large")})
        st.caption(t("ws.coverage.segment_definition", lang, km=reach_km))

# ------------------------------------------------------------------ participants over time and the pair matrix
with tab_people:
    if tab_people.open:
        st.subheader(t("ws.participants.title", lang))
        p1, p2 = st.columns(2)
        with p1:
            st.plotly_chart(workshop_charts.participants_chart(report.participants, lang, "agency", start, end),
                            width="stretch", config=chart_config(lang))
        with p2:
            st.plotly_chart(workshop_charts.participants_chart(report.participants, lang, "sex", start, end),
                            width="stretch", config=chart_config(lang))

        st.subheader(t("ws.matrix.title", lang))
        # The table's share: in two fifths of the page at 1280 px the pairs' table cut its last columns.
        m1, m2 = st.columns([5, 6])
        with m1:
            st.plotly_chart(workshop_charts.pair_matrix_chart(report.pairs, lang), width="stretch",
                            config=chart_config(lang))
        with m2:
            show_table(tables.pairs_table(report, lang), hide_index=True, width="stretch",
                       available_px=(MAIN_WIDTH_PX - 16) * 6 / 11)

# ------------------------------------------------------------------ where next
with tab_next:
    if tab_next.open:
        st.subheader(t("ws.next.title", lang))
        st.caption(t("ws.next.definition", lang))
        if report.where_next.empty:
            st.success(t("ws.next.none", lang))
        else:
            # st.table wraps the long reasons; every value is plain text (no HTML, no markdown from data).
            st.table(ui.plain_table(tables.where_next_table(report, lang)))

# ------------------------------------------------------------------ the workshops table
with tab_table:
    if tab_table.open:
        st.subheader(t("ws.table.title", lang))
        shown = tables.workshops_table(report, lang)
        show_table(shown, hide_index=True, width="stretch",
                     column_config={t(key, lang): st.column_config.DateColumn(format=tables.DATE_FORMAT)
                                    for key in tables.DATE_KEYS})
        st.download_button(t("common.download_csv", lang), shown.to_csv(index=False).encode("utf-8"),
                           file_name=f"workshops_{start}_{end}.csv", mime="text/csv")

# ------------------------------------------------------------------ add or correct (editors)
with tab_edit:
    if tab_edit.open:
        workshop_edit.workshop_forms(engine, lang)
