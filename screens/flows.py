"""Flows page: KPIs, time series, breakdowns, Sankey and arcs for a period, month-by-month animation,
side-by-side comparison and CSV download. Filters live in the URL; queries are in geo.flows.queries."""

from __future__ import annotations

import streamlit as st

import ui
from geo import datasets, disclosure, periods, reference
from geo.charts import chart_config
from geo.flows import charts
from geo.flows import maps as flow_maps
from geo.flows import queries as flows
from geo.flows.maps import FLOW_PADDING_PX, flow_bounds, flow_deck
from geo.i18n import MISSING, fmt_compact, fmt_month, fmt_percent, t
from geo.models import DIRECTIONS, POST_TYPES
from geo.periods import Period
from geo.sample import sample_seed
from geo.scope import DEFAULT_SCOPE, SCOPES, figure_caption, scope_countries
from views import legends, map_fit, map_keys

PLAY_SECONDS = 1.5

ui.guard()
lang = ui.lang()
engine = ui.engine()


@ui.cached
def data_as_of(countries: tuple[str, ...], language: str) -> str:
    """The caption's 'Data as of …' (geo.datasets), cached on the data version like every read."""
    return datasets.as_of_text(ui.engine(), "flows", language, countries)


@ui.cached
def query(name: str, *args):
    """A geo.flows.queries query, cached on its arguments (the filters) and the data version."""
    return getattr(flows, name)(ui.engine(), *args)


st.title(t("flows.title", lang))
ui.sample_notice(sample_seed(engine))
bounds = query("month_range")
if bounds is None:
    st.info(t("flows.no_data", lang))
    st.stop()
months = periods.months_between(*bounds)
nat_options = query("nationalities")
country_codes = reference.countries()["iso3"].tolist()


def url_period(first: str, last: str, default: tuple) -> tuple:
    start, end = ui.query_month(first, months, None), ui.query_month(last, months, None)
    return (start, end) if start and end and start <= end else default


# Widgets take their first value from the URL, which the page keeps up to date below.
default_period = periods.default_period(months)
period_default = url_period("from", "to", (default_period.first, default_period.last))
grain_default = ui.query_choice("grain", flows.GRAINS, "week")
top_default = ui.query_int("top", 8, minimum=3, maximum=15)  # "²" passes str.isdigit() but not int()

with st.sidebar:
    period_box = st.container()
    with st.expander(t("flows.play.title", lang), expanded=bool(st.session_state.get("play"))):
        playing = st.toggle(t("flows.play.toggle", lang), key="play")
        mode = st.radio(t("flows.play.mode", lang), flows.ANIMATION_MODES, horizontal=True, key="play_mode",
                        format_func=lambda m: t(f"flows.play.{m}", lang))
        window = st.slider(t("flows.play.window_size", lang), 1, 12, 3, key="play_window",
                           disabled=mode != "window")
    with period_box:
        if playing:  # the period follows the animation (a disabled slider of its own shows it)
            if "play_months" not in st.session_state:
                selected = periods.months_between(*period_default)
                st.session_state.play_months = selected if len(selected) > 1 else months
                st.session_state.play_frame = 0
            frame_period = flows.animation_period(
                st.session_state.play_months, st.session_state.play_frame, mode, window)
            start, end = st.select_slider(t("flows.filter.period", lang), months, value=frame_period,
                                          format_func=lambda m: fmt_month(m, lang), disabled=True)
        else:
            st.session_state.pop("play_months", None)
            start, end = st.select_slider(t("flows.filter.period", lang), months, value=period_default,
                                          key="period", format_func=lambda m: fmt_month(m, lang))
    scope = st.segmented_control(t("scope.choose", lang), SCOPES, key="scope",
                                 default=ui.query_choice("scope", SCOPES, DEFAULT_SCOPE),
                                 format_func=lambda v: t(f"scope.option.{v}", lang)) or DEFAULT_SCOPE
    chosen = {}
    for key, label, options, fmt in (
        ("country", "filter.country", country_codes, lambda c: reference.country_name(c, lang)),
        ("type", "filter.post_type", list(POST_TYPES), lambda v: t(f"post_type.{v}", lang)),
        ("dir", "flows.filter.direction", list(DIRECTIONS), lambda v: t(f"direction.{v}", lang)),
        ("nat", "flows.filter.nationality", nat_options, lambda c: charts.country_label(c, lang)),
    ):
        chosen[key] = st.multiselect(t(label, lang), options, ui.query_list(key, options), key=key,
                                     format_func=fmt, placeholder=t("filter.all", lang))
    top_n = st.slider(t("flows.filter.top", lang), 3, 15, top_default, key="top")
    comparing = st.toggle(t("flows.compare.toggle", lang), "cmp_from" in st.query_params, key="compare")
    if comparing:
        cmp_default = url_period("cmp_from", "cmp_to", flows.default_comparison(start, end, months))
        cmp_start, cmp_end = st.select_slider(t("flows.compare.period", lang), months, value=cmp_default,
                                              key="cmp_period", format_func=lambda m: fmt_month(m, lang))

st.session_state["_full_run"] = True


@st.fragment(run_every=PLAY_SECONDS if playing else None)
def animation_clock() -> None:
    """Each tick (a fragment-only run) moves the animation one month on and redraws the page."""
    if st.session_state.pop("_full_run", False):
        return  # called by the page run itself, not by the clock
    if st.session_state.get("play") and st.session_state.play_frame < len(st.session_state.play_months) - 1:
        st.session_state.play_frame += 1
        st.rerun(scope="app")


animation_clock()

counted = scope_countries(scope, tuple(chosen["country"]))
filters = flows.FlowFilters(start, end, counted, *(tuple(chosen[k]) for k in ("type", "dir", "nat")))
ui.set_query_value("scope", scope if scope != DEFAULT_SCOPE else None)
for key, values in chosen.items():
    ui.set_query_list(key, values)
url_months = {"from": start, "to": end, "cmp_from": comparing and cmp_start, "cmp_to": comparing and cmp_end}
for key, value in url_months.items():
    ui.set_query_value(key, periods.month_param(value) if value else None)
ui.set_query_value("top", str(top_n) if top_n != 8 else None)

st.caption(" ".join([t("flows.caption", lang),
                     figure_caption(scope, tuple(chosen["country"]), Period(start, end), lang),
                     data_as_of(counted or reference.CA4, lang)]))
if playing:
    st.caption(t("flows.play.frame", lang, start=fmt_month(start, lang), end=fmt_month(end, lang)))
now = query("summary", filters)
if now.routes.empty:
    st.info(t("flows.empty", lang))
    st.stop()
before_period = periods.previous_period(start, end)
# Exact minors only for staff, and only on request (geo.disclosure); everyone else sees published figures.
exact = disclosure.can_see_exact(ui.current_actor()) and st.sidebar.toggle(t("disclosure.toggle", lang),
                                                                            key="flows_exact")


def key_figures(period_filters: flows.FlowFilters, routes) -> dict[str, int | None]:
    """The period's totals and its unaccompanied minors (published, or exact for staff who asked)."""
    return {**flows.totals_of(routes), "minors": query("minors", period_filters, exact)}


before = {**query("totals", filters.with_period(*before_period)),
          "minors": query("minors", filters.with_period(*before_period), exact)}
minors_hidden = not exact and not flows.minors_publishable(filters)


def minors_text(value: int | None) -> str:
    return MISSING if minors_hidden else disclosure.text(value, lang, exact)


def kpi_row(values: dict[str, int | None], previous: dict[str, int | None] | None = None, per_row: int = 5) -> None:
    """The key figures; with `previous`, their change against the previous period."""
    compared = t("flows.kpi.help", lang, start=fmt_month(before_period[0], lang), end=fmt_month(before_period[1], lang))
    table = flows.kpi_table(values, previous or values)
    places = [place for _ in range(0, len(table), per_row) for place in st.columns(per_row)]
    minors_help = " ".join([t("flows.kpi.minors.help", lang, change=compared if previous else ""),
                            t("disclosure.detail", lang) if minors_hidden else disclosure.caption(lang, exact)])
    for column, row in zip(places, table.itertuples(), strict=False):
        help_text = {"net": t("flows.kpi.net.help", lang), "minors": minors_help}
        value = minors_text(row.value) if row.key == "minors" else fmt_compact(row.value, lang)
        column.metric(t(f"flows.kpi.{row.key}", lang), value,
                      delta=(charts.fmt_change(row.change_pct, lang)
                             if previous and not (row.key == "minors" and minors_hidden) else None),
                      help=help_text.get(row.key, compared if previous else None))


kpi_row(key_figures(filters, now.routes), before)
if exact:
    st.warning(disclosure.caption(lang, exact))
grain = st.segmented_control(t("flows.filter.grain", lang), flows.GRAINS, default=grain_default, key="grain",
                             format_func=lambda g: t(f"flows.grain.{g}", lang)) or "week"
ui.set_query_value("grain", grain if grain != "week" else None)
if not comparing:  # when comparing, each period's series is drawn below on a shared scale
    st.plotly_chart(charts.series_figure(query("series", filters, grain), grain, lang),
                    width="stretch", config=chart_config(lang))


def breakdown_charts(data: flows.PeriodSummary, scales: dict | None = None, stacked: bool = False,
                     parts: tuple[str, ...] = ("top", "profile")) -> None:
    """Nationality and posts ("top"), sex, age and direction ("profile"): the same charts for the page's
    tabs and, one under the other, for each compared period (with shared scales)."""
    scales = scales or {}
    if "top" in parts:
        places = [st.container() for _ in range(2)] if stacked else st.columns(2)
        top = flows.top_with_other(flows.breakdown(data, "nationality"), "nationality", top_n, charts.OTHER)
        places[0].plotly_chart(charts.nationality_figure(top, lang, scales.get("nationality")), width="stretch",
                               config=chart_config(lang))
        places[1].plotly_chart(charts.posts_figure(flows.breakdown(data, "post"), lang, x_max=scales.get("post")),
                               width="stretch", config=chart_config(lang))
    if "profile" in parts:
        places = [st.container() for _ in range(3)] if stacked else st.columns(3)
        for place, dim, figure in zip(places, ("sex", "age_band", "direction"),
                                      (charts.sex_figure, charts.age_figure, charts.direction_figure), strict=True):
            place.plotly_chart(figure(flows.breakdown(data, dim), lang, scales.get(dim)), width="stretch",
                               config=chart_config(lang))


def routes() -> None:
    """Country to country (Sankey) and the flow map, side by side."""
    sankey_column, map_column = st.columns(2)
    with sankey_column:
        routes_now = flows.country_routes(now)
        st.plotly_chart(charts.sankey_figure(routes_now, lang), width="stretch", config=chart_config(lang))
        legends.colour_legend(t("flows.sankey.key.title", lang), charts.sankey_legend_items(lang))
        st.caption(t("flows.sankey.caption", lang))
        unrecorded = charts.unrecorded_share(routes_now)
        if unrecorded:
            st.caption(t("flows.sankey.unrecorded_note", lang, pct=fmt_percent(unrecorded, lang)))
    with map_column:
        st.markdown(f"**{t('flows.map.title', lang)}**")
        view, _ = map_fit.fitted_view("flow_map_width", 420, flow_bounds(lang), FLOW_PADDING_PX)
        routes_by_post = flows.post_routes(now)
        st.pydeck_chart(flow_deck(routes_by_post, lang, view), height=420, key="flow_map")
        map_keys.show(
            map_keys.scale_for(view, lang),
            map_keys.lines(flow_maps.arc_key(routes_by_post, lang), flow_maps.direction_key(lang),
                           t("map.key.arcs", lang, period=Period(start, end).words(lang))),
            map_keys.sizes(flow_maps.post_size_key(routes_by_post, lang), t("flows.map.key.posts", lang), fill=1.0),
            compact=True)
        shown, share = flow_maps.arcs_shown(routes_by_post, lang)
        st.caption(t("flows.map.caption", lang) + " "
                   + t("flows.map.arcs_shown", lang, n=shown, pct=fmt_percent(share, lang)))


def comparison() -> None:
    """Each period's key figures, series and breakdowns, period beside period on shared scales."""
    st.subheader(t("flows.compare.title", lang))
    st.caption(t("flows.compare.caption", lang))
    periods = [(start, end), (cmp_start, cmp_end)]
    data = [query("summary", filters.with_period(*p)) for p in periods]
    series = [query("series", filters.with_period(*p), grain) for p in periods]
    scales = flows.shared_scales(data, top_n, charts.OTHER)
    y_max = max((int(f["count"].max()) for f in series if len(f)), default=0)
    for column, (first, last), summary, line in zip(st.columns(2), periods, data, series, strict=True):
        with column:
            st.markdown(f"**{fmt_month(first, lang)} – {fmt_month(last, lang)}**")
            if summary.routes.empty:
                st.info(t("flows.empty", lang))
                continue
            kpi_row(key_figures(filters.with_period(first, last), summary.routes), per_row=3)
            st.plotly_chart(charts.series_figure(line, grain, lang, y_max), width="stretch", config=chart_config(lang))
            breakdown_charts(summary, scales, stacked=True)


# Lazy tabs: only the open one runs and is sent. In a browser each plotly chart is drawn anew on every
# change (most of a change's time on a 2-core machine, measured with `python -m bench e2e`), so a filter
# change draws the series and the open tab's charts, not all seven charts and the flow map at once.
if comparing:
    tab_compare, tab_routes = st.tabs([t("flows.compare.title", lang), t("flows.tab.routes", lang)],
                                      key="flows_tab_cmp", on_change="rerun")
    with tab_compare:
        if tab_compare.open:
            comparison()
else:
    tab_top, tab_profile, tab_routes = st.tabs(
        [t("flows.tab.breakdowns", lang), t("flows.tab.profile", lang), t("flows.tab.routes", lang)],
        key="flows_tab", on_change="rerun",
    )
    with tab_top:
        if tab_top.open:
            breakdown_charts(now, parts=("top",))
    with tab_profile:
        if tab_profile.open:
            breakdown_charts(now, parts=("profile",))
with tab_routes:
    if tab_routes.open:
        routes()

st.download_button(
    t("flows.download", lang), data=lambda: flows.export_csv(engine, filters, exact),
    file_name=f"flows_{periods.month_param(start)}_{periods.month_param(end)}.csv", mime="text/csv",
    help=t("flows.download.help", lang), icon=":material/download:", on_click="ignore",
)
