"""Overview (the home): headline figures with period and source, a headline map, the one-page brief."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import ui
from geo import cartography, maps, reference
from geo.flows.queries import recent_period
from geo.i18n import fmt_date, fmt_number, t
from geo.overview import brief
from geo.overview import figures as ov
from geo.periods import Period
from geo.sample import sample_seed
from geo.upgrades import workflow
from views import alerts as alerts_view
from views import highlights as highlights_view
from views import legends, map_fit, map_keys

ui.guard()
lang = ui.lang()
engine = ui.engine()
URL = str(engine.url)
KPI_HEIGHT_PX = 112  # every card one height, whatever its label's length or its trend
MAP_HEIGHT_PX = 4 * KPI_HEIGHT_PX + 3 * 8  # the map beside the figures: four rows of cards high
# Two cards a row on a phone too; a card's label wraps instead of being cut ("Puestos cubiertos por capacit…").
# Static CSS, no data inside.
KPI_CSS = """<style>
.st-key-ov_kpis [data-testid="stMetricLabel"], .st-key-ov_kpis [data-testid="stMetricLabel"] *
  { white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.st-key-ov_kpis [data-testid="stHorizontalBlock"] { flex-wrap: nowrap !important; }
.st-key-ov_kpis [data-testid="stColumn"] { min-width: 0 !important; }
.st-key-ov_kpis [data-testid="stMetricLabel"] p { font-size: 0.8rem; line-height: 1.2; }
.st-key-ov_kpis [data-testid="stMetric"] { padding: 0 !important; }
.st-key-ov_kpis [data-testid="stMetric"] > div { padding: 0.45rem 0.75rem !important; }
.st-key-ov_kpis [data-testid="stMetricValue"] { font-size: 1.85rem !important; line-height: 1.3 !important;
  padding-bottom: 0 !important; }
</style>"""


@ui.cached
def load_figures(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...]) -> ov.OverviewFigures:
    return ov.overview_figures(ui.engine(), Period(first, last), countries)


@ui.cached
def load_brief(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...], language: str,
               fmt: str) -> bytes:
    figures = load_figures(url, first, last, countries)
    highlights = highlights_view.load(last, countries)
    return brief.render(brief.overview_brief(figures, language, sample_seed(ui.engine()), highlights), fmt)


@ui.cached
def load_post_marks(url: str, first: dt.date, last: dt.date, countries: tuple[str, ...], language: str) -> list:
    """The headline map's post marks, per filter, language and data version (built anew on every view
    before: a tenth of the page's run at 2M rows, profiled for issue 23)."""
    posts = load_figures(url, first, last, countries).map_posts
    # Coloured by THE programme's status of a post, as the infrastructure map: its share of operational components.
    return maps.post_layers(posts, language, labels=False, shares=workflow.post_shares(posts))


@ui.cached
def marks_period(url: str):
    """The window the marks' sizes count (geo.flows.queries.recent_period), per data version."""
    return recent_period(ui.engine())


seed = sample_seed(engine)
months = ov.available_months(engine)
default = ov.default_period(engine)
with st.sidebar:
    first, last = ui.month_range(t("ov.period", lang), months, (default.first, default.last), lang, key="ov_period")
    chosen = st.multiselect(
        t("ov.countries", lang), list(reference.CA4), default=ui.query_list("country", reference.CA4),
        format_func=lambda c: reference.country_name(c, lang), placeholder=t("filter.all", lang), key="ov_countries",
    )
ui.set_query_list("country", chosen)
countries = tuple(chosen)
figures = load_figures(URL, first, last, countries)

# The first screen (1280x800): the title, what the figures cover, the sample notice once, the headline figures
# with their trends, and the map; the highlights, each figure's detail and source, and the brief follow.
# The title and what the figures cover beside the sample notice (said once on the page, not on each card).
title_column, notice_column = st.columns([3, 2], gap="medium", vertical_alignment="center")
title_column.title(t("ov.title", lang))
title_column.caption(f"**{t('common.data_as_of', lang, date=fmt_date(figures.as_of, lang))}** · "
                     + ov.filters_text(figures, lang))
with notice_column:
    ui.sample_notice(seed)

# The headline figures (two a row) beside the map: both above the fold at 1280x800; on a phone the figures
# come first and the map under them.
cards = ov.kpi_cards(figures, lang)
st.html(KPI_CSS)
figures_column, map_column = st.columns(2, gap="small")
with figures_column.container(key="ov_kpis"):
    for pair in (cards[i:i + 2] for i in range(0, len(cards), 2)):
        for column, card in zip(st.columns(2, gap="small"), pair, strict=True):
            column.metric(card.label, card.value, card.delta, delta_color=card.delta_color,
                          delta_arrow=card.delta_arrow, border=True, height=KPI_HEIGHT_PX)
with map_column:
    map_view, map_canvas = map_fit.fitted_view("overview_map_width", MAP_HEIGHT_PX)  # the column's real width
    # The country names for this view, clear of the posts' marks ("EL SALVADOR" was half under them).
    layers = (maps.base_layers(lang, map_view, map_canvas, figures.map_posts)
              + load_post_marks(URL, first, last, countries, lang))
    st.pydeck_chart(maps.make_deck(layers, lang, view=map_view, tooltip=maps.post_tooltip(lang, shares=True)),
                    height=MAP_HEIGHT_PX, key="overview_map")
    # Its scale and what a mark's size means (persons in the last 3 months with data), compact under it.
    recent = marks_period(URL)
    map_keys.show(map_keys.scale_for(map_view, lang), map_keys.sizes(
        cartography.size_key(figures.map_posts["recent_flow"], lang),
        t("map.key.size", lang, period=recent.words(lang) if recent else "—")), compact=True)
st.caption(ov.trend_caption(figures, lang))
legends.colour_legend(t("map.legend.share", lang), maps.share_legend_items(lang))
shares = workflow.post_shares(figures.map_posts)
st.caption(t("ov.map.caption_share", lang, operational=fmt_number(sum(d for d, _ in shares.values()), lang),
             total=fmt_number(sum(n for _, n in shares.values()), lang)) + " " + t("map.legend.shape", lang) + ". "
           + t("app.real_posts_notice", lang))

# What changed in the period's last complete month, each line linking to the view that proves it.
with st.container(border=True, key="highlights"):
    highlights_view.show(highlights_view.load(last, countries), lang)
    alerts_view.subscribe_box(lang, "highlights", None, key="overview_highlights")
alerts_view.new_alerts(lang, compact=True)  # a signed-in person's alerts since their last visit

# Each figure's detail, period and source, in one table (plain text; the cards keep only value and trend).
st.subheader(t("ov.details", lang))
st.caption(t("ov.intro", lang))
st.table(ui.plain_table(ov.kpi_table(cards, lang)), hide_index=True)

st.subheader(t("ov.brief", lang))
st.caption(t("ov.brief.help", lang))
pdf_column, png_column, present_column = st.columns(3)
pdf_column.download_button(
    t("ov.brief.pdf", lang), data=lambda: load_brief(URL, first, last, countries, lang, "pdf"),
    file_name=brief.file_name("overview", lang, "pdf"), mime="application/pdf", icon=":material/picture_as_pdf:",
)
png_column.download_button(
    t("ov.brief.png", lang), data=lambda: load_brief(URL, first, last, countries, lang, "png"),
    file_name=brief.file_name("overview", lang, "png"), mime="image/png", icon=":material/image:",
)
# The slides open on the same filters (period and countries travel in the link).
link = f"./?present=1&lang={lang}&from={first:%Y-%m}&to={last:%Y-%m}" + (f"&country={','.join(countries)}"
                                                                        if countries else "")
present_column.link_button(t("ov.present", lang), link, help=t("ov.present.help", lang), icon=":material/slideshow:")
