"""Presentation mode (app.py runs this page alone when the URL has ?present=1): full-screen slides."""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

import ui
from geo import disclosure, reference
from geo.charts import chart_config
from geo.i18n import fmt_compact, fmt_date, fmt_number, fmt_percent, t
from geo.overview import figures as ov
from geo.overview import highlight_text as words
from geo.overview import slides as pr
from geo.periods import Period
from geo.sample import sample_seed
from geo.upgrades import records as up
from geo.upgrades import workflow
from geo.workshops import coverage
from geo.workshops import maps as workshop_maps
from views import highlights as highlights_view
from views import legends

ui.guard()
lang = ui.lang()
engine = ui.engine()
URL = str(engine.url)


@ui.cached
def load_figures(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...]) -> ov.OverviewFigures:
    return ov.overview_figures(ui.engine(), Period(first, last), countries)


@ui.cached
def load_coverage(url: str, start: dt.date, end: dt.date) -> coverage.CoverageReport:
    return coverage.coverage_report(ui.engine(), start, end)


@ui.cached
def load_months(url: str) -> tuple[list[dt.date], Period]:
    return ov.available_months(ui.engine()), ov.default_period(ui.engine())


@ui.cached
def load_monthly(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...]):
    """The flows slide's months (an aggregate over every flow row: seconds at millions of rows)."""
    return ov.flow_monthly_totals(ui.engine(), Period(first, last), countries)


@ui.cached
def load_components(url: str):
    return up.components_frame(ui.engine())


# The slides' maps, built once per filters and language: placing the names at projector size (none on top
# of another) is most of a map slide's run, and a slide shown again in the loop needs the same map.
@ui.cached
def map_deck(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...], lang: str):
    return pr.map_slide_deck(load_figures(url, first, last, countries).map_posts, lang)


@ui.cached
def coverage_deck(url: str, start: dt.date, end: dt.date, lang: str):
    return pr.coverage_slide_deck(load_coverage(url, start, end), lang)


def go_to(index: int) -> None:
    st.query_params["slide"] = str(index + 1)


seed = sample_seed(engine)
index = pr.slide_index(st.query_params.get("slide"))
slide = pr.SLIDES[index]
# The page's style first, at the same place on every slide (so the stage below keeps its place too).
st.html(pr.CSS + ("" if slide in pr.MAP_SLIDES else pr.OFFSTAGE_CSS))
# The overview's filters travel in the link (?from=&to=&country=); otherwise the last 12 months, all CA4.
months, default = load_months(URL)
first, last = ui.query_month("from", months, default.first), ui.query_month("to", months, default.last)
period = Period(first, last) if first <= last else default
chosen = tuple(ui.query_list("country", reference.CA4))
figures = load_figures(URL, period.first, period.last, chosen)
highlights = highlights_view.load(period.last, chosen)  # the month's highlights (cached, as the overview's)

# The title states the slide's message with its figure, the overview cards' own (pr.slide_titles).
head, counter = st.columns([3, 1], vertical_alignment="bottom")
head.title(pr.slide_titles(figures, highlights, lang)[slide])
counter.markdown(f"**{t('present.counter', lang, n=index + 1, total=len(pr.SLIDES))}**  \n"
                 f"{t('common.data_as_of', lang, date=fmt_date(figures.as_of, lang))}")
st.caption(ov.filters_text(figures, lang))

# The stage: the one map of the show, at the same place on every slide (geo.overview.slides.stage_map says
# which map it holds; out of sight on a slide without a map, OFFSTAGE_CSS).
staged = pr.stage_map(index)
with st.container(key="present_stage"):
    left, right = st.columns([4, 1] if staged == "map" else [3, 2])
    with left:
        map_title = st.empty()
        if staged == "map":  # names placed at projector size, none overlapping (slides.map_slide_deck)
            st.pydeck_chart(map_deck(URL, period.first, period.last, chosen, lang), height=720, key="present_map")
        else:
            st.pydeck_chart(coverage_deck(URL, period.start, period.end, lang), height=600, key="present_map")
    if slide == "map":
        with right:
            legends.status_legend(lang)
            st.metric(t("ov.kpi.posts", lang), fmt_number(figures.posts, lang))
            st.metric(t("ov.kpi.operational", lang), fmt_percent(figures.operational_pct, lang))
    elif slide == "coverage":
        map_title.markdown(f"**{t('present.coverage.map', lang)}**")
        with left:
            legends.colour_legend(t("present.legend", lang), workshop_maps.legend_items(lang))
        report = load_coverage(URL, period.start, period.end)
        by_country = report.by_country[report.by_country["country_iso3"].isin(figures.countries)]
        right.plotly_chart(pr.coverage_figure(by_country, lang, height=640), width="stretch",
                           key="present_coverage", theme=None, config=chart_config(lang, save=False))

if slide == "highlights":  # what changed in the period's last complete month (geo.overview.highlights)
    result = highlights
    if result is not None:
        st.subheader(words.title(result, lang))
        # A few short lines, posts by name, no links; the month's total is the slide's title (pr.slide_titles).
        lines = words.short_lines(result, lang, leave_out=pr.TITLE_KINDS)
        with st.container(key="present_lines"):
            st.markdown("\n".join(f"{i}. {words.md_escape(line)}" for i, line in enumerate(lines, 1))
                        or words.md_escape(t("hl.nothing", lang, month=words.fmt_month(result.month, lang))))
elif slide == "method":  # the last slide: where each figure comes from and how it is counted
    sources, rules = st.columns(2, gap="large")
    with sources:
        st.subheader(t("present.method.sources", lang))
        with st.container(key="present_method_sources"):
            st.markdown("\n".join(f"- **{words.md_escape(card.label)}**: {words.md_escape(card.source)}"
                                   for card in ov.kpi_cards(figures, lang)))
            st.caption(t("app.real_posts_notice", lang))
    with rules:
        st.subheader(t("present.method.rules", lang))
        with st.container(key="present_method_rules"):
            st.markdown("\n".join(f"- {words.md_escape(text)}" for text in (
                ov.trend_caption(figures, lang), t("hl.rule", lang), disclosure.caption(lang, exact=False))))
elif slide == "kpis":
    cards = ov.kpi_cards(figures, lang)
    with st.container(key="present_kpis"):
        for row in (cards[:4], cards[4:]):
            for column, card in zip(st.columns(4), row, strict=True):
                column.metric(card.label, card.value, card.delta, delta_color=card.delta_color,
                              delta_arrow=card.delta_arrow, border=True,
                              height=250)
    with st.container(key="present_footnote"):
        st.caption(ov.trend_caption(figures, lang))
elif slide == "flows":
    left, right = st.columns([3, 1])
    monthly = load_monthly(URL, period.first, period.last, figures.countries)
    left.plotly_chart(pr.flows_figure(monthly, lang, height=680), width="stretch", key="present_flows",
                      theme=None, config=chart_config(lang, save=False))
    right.metric(t("present.flows.total", lang), fmt_compact(figures.flows["total"], lang),  # as the KPI cards
                 ov.count_delta(figures.flows["total"], figures.flows_previous["total"], lang), delta_color="off")
    right.caption(t("present.flows.versus", lang, previous=period.previous().label(lang)))
elif slide == "infrastructure":
    left, right = st.columns([3, 1])
    components = load_components(URL)
    left.plotly_chart(pr.infrastructure_figure(components, lang, height=680), width="stretch",
                      key="present_infra", theme=None, config=chart_config(lang, save=False))
    # The posts as the infrastructure map colours them (geo.upgrades.workflow: the share of each post's
    # components that are operational), beside the components' figure.
    by_share = workflow.posts_by_share(workflow.operational_share(
        zip(components["post_code"], components["status"], strict=True)))
    right.metric(t("present.infra.posts_all", lang),
                 f"{fmt_number(by_share['all'], lang)} / {fmt_number(sum(by_share.values()), lang)}")
    right.caption(t("present.infra.posts_all.detail", lang, most=fmt_number(by_share["most"], lang)))
    operational = next(card for card in ov.kpi_cards(figures, lang) if card.key == "operational")  # the card's
    right.metric(operational.label, operational.value, operational.delta, delta_color=operational.delta_color,
                 delta_arrow=operational.delta_arrow)
    right.caption(t("ov.kpi.operational.detail", lang, n=fmt_number(figures.operational, lang),
                    total=fmt_number(figures.components, lang)))

# ------------------------------------------------------------------ the footer, and the controls
# A small footer: the sample notice (the sources and the method are the last slide). The controls are no slide's
# content: a bar at the screen's foot that shows while the pointer is on it or a control is reached with Tab
# (pr.CSS); the arrow keys step through the slides whether it shows or not.
with st.container(key="present_footer"):
    ui.sample_notice(seed)  # said on every slide with sample figures; the sources are the last slide's
with st.container(key="present_controls"):
    previous, following, auto_column, exit_column, keys_column = st.columns([1, 1, 2, 1, 3],
                                                                            vertical_alignment="center")
    previous.button(t("present.previous", lang), icon=":material/arrow_back:", shortcut="Left",
                    on_click=go_to, args=(pr.step(index, -1),), key="present_prev", width="stretch")
    following.button(t("present.next", lang), icon=":material/arrow_forward:", shortcut="Right", type="primary",
                     on_click=go_to, args=(pr.step(index, 1),), key="present_next", width="stretch")
    auto = auto_column.segmented_control(
        t("present.auto", lang), pr.AUTO_CHOICES, default=pr.auto_seconds(st.query_params.get("auto")),
        format_func=lambda n: t("present.auto.seconds", lang, n=n) if n else t("present.auto.off", lang),
        key="present_auto",
    ) or 0
    ui.set_query_value("auto", str(auto) if auto else None)
    exit_column.link_button(t("present.exit", lang), f"./?lang={lang}", icon=":material/close:", width="stretch")
    keys_column.caption(t("present.keys", lang))

# Auto-advance: a timer reruns this fragment; once the slide has shown for `auto` seconds, move on.
if st.session_state.get("present_shown") != index:
    st.session_state["present_shown"] = index
    st.session_state["present_since"] = time.monotonic()
if auto:
    @st.fragment(run_every=1.0)
    def advance() -> None:
        if time.monotonic() - st.session_state.get("present_since", time.monotonic()) >= auto:
            go_to(pr.step(index, 1))
            st.rerun(scope="app")

    advance()
