"""Infrastructure page: how far the upgrades of the posts have come, and the coordinators' edits."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import browser_bridge
import ui
from geo import cartography, datasets, maps, reference
from geo.charts import chart_config
from geo.flows.queries import recent_period
from geo.i18n import fmt_count, fmt_date, fmt_number, fmt_percent, t
from geo.i18n.names import names_column
from geo.periods import today
from geo.posts.queries import PostFilters, posts_frame
from geo.sample import sample_seed
from geo.upgrades import charts as infra_charts
from geo.upgrades import exchange, tables, workflow
from geo.upgrades import maps as infra_maps
from geo.upgrades import records as up
from views import infra_edit, legends, map_fit, map_keys
from views.tables import table as show_table

ui.guard()
lang = ui.lang()
engine = ui.engine()
URL = str(engine.url)


# Cached reads, keyed on the database and the filters; cleared after every save on this page.
@ui.cached
def load_components(url: str, countries: tuple[str, ...], as_of: dt.date, comps: tuple[str, ...]) -> pd.DataFrame:
    return up.components_frame(ui.engine(), countries, as_of, comps)


@ui.cached
def load_summary(url: str, countries: tuple[str, ...], as_of: dt.date, comps: tuple[str, ...]) -> dict:
    return up.programme_summary(ui.engine(), countries, as_of, comps)


@ui.cached
def load_posts(url: str, countries: tuple[str, ...]) -> pd.DataFrame:
    return posts_frame(ui.engine(), PostFilters(countries))


@ui.cached
def load_exchange(url: str, countries: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return exchange.info_exchange(ui.engine(), countries)


@ui.cached
def load_budget(url: str, by: str, countries: tuple[str, ...], comps: tuple[str, ...]) -> pd.DataFrame:
    return up.budget_execution(ui.engine(), by, countries, comps)



@ui.cached
def marks_period(url: str, language: str) -> str:
    """The window the posts' marks are sized by (geo.flows.queries.recent_period) in words, per data version."""
    recent = recent_period(ui.engine())
    return recent.words(language) if recent else "—"


def line_key() -> list[tuple[str, str, float]]:
    """The exchange lines and hubs as the maps draw them (geo.upgrades.maps.legend_items), in words."""
    return [(t(key, lang), css, infra_maps.LEGEND_WIDTHS[style]) for key, css, style in infra_maps.legend_items()]


def country_label(iso3: str) -> str:
    return reference.country_name(iso3, lang)


st.title(t("infra.title", lang))
ui.sample_notice(sample_seed(engine))
st.caption(datasets.as_of_text(engine, "upgrades", lang))  # where the figures come from, and how fresh
st.caption(t("infra.scope_note", lang))

catalogue = up.catalogue(engine)
type_names = dict(zip(catalogue["code"], names_column(catalogue, lang, "component_type"), strict=True))
with st.sidebar:
    chosen_countries = st.multiselect(
        t("filter.country", lang), list(reference.CA4), default=ui.query_list("country", reference.CA4),
        format_func=country_label, placeholder=t("filter.all", lang), key="infra_countries",
    )
    chosen_types = st.multiselect(
        t("infra.filter.components", lang), list(type_names), default=ui.query_list("component", list(type_names)),
        format_func=lambda c: type_names[c], placeholder=t("filter.all", lang), key="infra_types",
    )
    as_of = st.date_input(t("infra.as_of", lang), value=today(), format="DD/MM/YYYY",
                          help=t("infra.as_of.help", lang), key="infra_as_of")
ui.set_query_list("country", chosen_countries)
ui.set_query_list("component", chosen_types)
countries = tuple(chosen_countries)
comps = tuple(chosen_types)
as_of = as_of if isinstance(as_of, dt.date) else today()

components = load_components(URL, countries, as_of, comps)
summary = load_summary(URL, countries, as_of, comps)
exchange_posts, crossings = load_exchange(URL, countries)
hubs = exchange.national_hubs()
ca4_crossings = tables.ca4_crossings(crossings)
programme_posts = tables.programme_posts(exchange_posts)

# ------------------------------------------------------------------ headline figures
figures = tables.headline_figures(summary, programme_posts, ca4_crossings, lang)
columns = [column for _ in range(2) for column in st.columns(3)]  # six across cut "170 / 377" on a laptop
for column, (key, value) in zip(columns, figures, strict=True):
    column.metric(t(f"infra.kpi.{key}", lang), value, help=t(f"infra.kpi.{key}.help", lang))

tab_map, tab_matrix, tab_time, tab_budget, tab_exchange, tab_changes, tab_edit = st.tabs([
    t("infra.tab.map", lang), t("infra.tab.matrix", lang), t("infra.tab.timeline", lang),
    t("infra.tab.budget", lang), t("infra.tab.exchange", lang), t("infra.tab.changes", lang),
    t("infra.tab.edit", lang),
], key="infra_tab", on_change="rerun")  # lazy: only the open tab runs (and pays for its charts)

# ------------------------------------------------------------------ map: operational share or overall status
with tab_map:
    if tab_map.open:
        # What a programme reports (the share of each post's components that are operational, as the headline
        # figure counts them) by default; the overall status (its least advanced component) on request.
        colour_by = st.segmented_control(
            t("infra.map.colour_by", lang), ["share", "status"], default="share", key="infra_colour_by",
            format_func=lambda v: t(f"infra.map.by.{v}", lang)) or "share"
        a, b = st.columns(2)
        show_lines = a.toggle(t("infra.map.lines", lang), value=True, key="infra_lines")
        show_labels = b.toggle(t("map.layer.post_labels", lang), value=False, key="infra_labels")
        posts = load_posts(URL, countries)
        shares = (workflow.operational_share(zip(components["post_code"], components["status"], strict=True))
                  if colour_by == "share" else None)
        view, canvas = map_fit.fitted_view("infra_map_width", 560)
        layers = maps.base_layers(lang, view, canvas, posts)
        if show_lines:
            layers += infra_maps.exchange_layers(exchange_posts, crossings, hubs, lang, with_hub_labels=False)
        layers += maps.post_layers(posts, lang, labels=show_labels, shares=shares, view=view, canvas=canvas)
        st.pydeck_chart(maps.make_deck(layers, lang, view=view,
                                       tooltip=maps.post_tooltip(lang, shares=shares is not None)),
                        height=560, key="infra_status_map")
        if shares is None:
            st.caption(t("infra.map.caption", lang))
            legends.status_legend(lang)
        else:
            done, total = workflow.share_totals(shares)
            st.caption(t("infra.map.caption_share", lang, operational=fmt_number(done, lang),
                         total=fmt_number(total, lang), pct=fmt_percent(100 * done / total if total else None, lang)))
            legends.colour_legend(t("map.legend.share", lang), maps.share_legend_items(lang))
        keys = [map_keys.scale_for(view, lang), map_keys.sizes(
            cartography.size_key(posts.loc[posts["country_iso3"].isin(reference.CA4), "recent_flow"], lang),
            t("map.key.size", lang, period=marks_period(URL, lang)))]
        if show_lines:
            keys.append(map_keys.strokes(line_key(), t("map.key.lines", lang)))
        map_keys.show(*keys)
        if shares is None:
            show_table(tables.status_counts_table(posts, lang), hide_index=True)
        else:
            programme = posts.loc[posts["country_iso3"].isin(reference.CA4), "code"].tolist()
            show_table(tables.share_counts_table(shares, programme, lang), hide_index=True)

# ------------------------------------------------------------------ post × component matrix
with tab_matrix:
    if tab_matrix.open:
        matrix_countries = list(countries or reference.CA4)
        matrix_country = st.selectbox(t("infra.matrix.country", lang), matrix_countries, format_func=country_label,
                                      key="infra_matrix_country", placeholder=t("widget.choose_one", lang))
        part = components[components["country_iso3"] == matrix_country]
        if part.empty:
            st.info(t("infra.matrix.empty", lang))
        else:
            st.plotly_chart(infra_charts.status_matrix(
                part, lang, t("infra.matrix.title", lang, country=country_label(matrix_country))), width="stretch",
                config=chart_config(lang))

# ------------------------------------------------------------------ timeline and overdue items
with tab_time:
    if tab_time.open:
        a, b = st.columns([2, 1])
        gantt_country = a.selectbox(t("infra.gantt.country", lang), list(countries or reference.CA4),
                                    format_func=country_label, key="infra_gantt_country",
                                    placeholder=t("widget.choose_one", lang))
        only_overdue = b.toggle(t("infra.gantt.only_overdue", lang), value=False, key="infra_only_overdue")
        part = components[components["country_iso3"] == gantt_country]
        if only_overdue:
            part = part[part["overdue"]]
        if part.empty:
            st.info(t("infra.gantt.empty", lang))
        else:
            width = browser_bridge.container_width("infra_gantt_width")  # a phone's: names above the bars
            st.plotly_chart(infra_charts.gantt(part, lang, as_of, width), width="stretch", config=chart_config(lang))
        st.caption(t("infra.gantt.note", lang))
        st.subheader(t("infra.overdue.title", lang))
        late_table = tables.overdue_table(components, type_names, lang)
        if late_table.empty:
            st.success(t("infra.overdue.none", lang))
        else:
            show_table(late_table, hide_index=True, width="stretch")
            st.download_button(t("common.download_csv", lang), late_table.to_csv(index=False).encode("utf-8"),
                               file_name=f"overdue_{as_of}.csv", mime="text/csv", key="infra_overdue_csv")

# ------------------------------------------------------------------ budget execution
with tab_budget:
    if tab_budget.open:
        by = st.segmented_control(t("infra.budget.by", lang), list(up.BUDGET_DIMENSIONS), default="country",
                                  format_func=lambda d: t(f"infra.budget.by.{d}", lang),
                                  key="infra_budget_by") or "country"
        budget = load_budget(URL, by, countries, comps)
        names = tables.budget_group_names(budget, by, type_names, lang)
        st.plotly_chart(infra_charts.budget_bars(
            budget, names, lang, t("infra.budget.title", lang, by=t(f"infra.budget.by.{by}", lang).lower())),
            width="stretch", config=chart_config(lang))
        show_table(tables.budget_table(budget, names, by, lang), hide_index=True, width="stretch")

# ------------------------------------------------------------------ information exchange
with tab_exchange:
    if tab_exchange.open:
        st.markdown(t("infra.exchange.intro", lang))
        exchange_view, exchange_canvas = map_fit.fitted_view("infra_exchange_width", 520)  # Petén to S. Nicaragua
        exchange_layers = maps.base_layers(lang, exchange_view, exchange_canvas) + infra_maps.exchange_layers(
            exchange_posts, crossings, hubs, lang, pickable=True, with_posts=True)
        st.pydeck_chart(infra_maps.exchange_deck(exchange_layers, lang, exchange_view), height=520,
                        key="infra_exchange_map")
        map_keys.show(map_keys.scale_for(exchange_view, lang), map_keys.strokes(line_key(), t("map.key.lines", lang)))
        st.caption(t("infra.exchange.legend.post", lang))
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('infra.exchange.crossings', lang)}**")
            show_table(tables.crossings_table(ca4_crossings, lang), hide_index=True, width="stretch")
        with right:
            st.markdown(f"**{t('infra.exchange.posts', lang)}**")
            show_table(tables.national_links_table(programme_posts, lang), hide_index=True, width="stretch")

# ------------------------------------------------------------------ what changed since <date>
with tab_changes:
    if tab_changes.open:
        since = st.date_input(t("infra.changes.since", lang), value=as_of - dt.timedelta(days=30), format="DD/MM/YYYY",
                              key="infra_since")
        since = since if isinstance(since, dt.date) else as_of - dt.timedelta(days=30)
        changes = up.changes_since(engine, since)
        if changes.empty:
            st.info(t("infra.changes.none", lang, date=fmt_date(since, lang)))
        else:
            post_names = load_posts(URL, ()).set_index("code")["name"].to_dict()
            st.caption(fmt_count(len(changes), "infra.changes.since", lang, date=fmt_date(since, lang)))
            listing = tables.changes_table(changes, post_names, type_names, lang)
            show_table(listing, hide_index=True, width="stretch")
            st.download_button(t("common.download_csv", lang), listing.to_csv(index=False).encode("utf-8"),
                               file_name=f"changes_since_{since}.csv", mime="text/csv", key="infra_changes_csv")

# ------------------------------------------------------------------ edits (coordinators)
with tab_edit:
    if tab_edit.open:
        infra_edit.edit_forms(engine, lang, as_of, type_names, catalogue)
