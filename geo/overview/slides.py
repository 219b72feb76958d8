"""Presentation mode (?present=1): the slide sequence, its navigation rule and projector-sized figures.

Slides: the month's highlights → overview KPIs → map → flows → infrastructure → coverage → sources and method.
Each slide's title states its message with its figure (slide_titles: the overview cards' own figures). Everything
is drawn offline (pydeck with no basemap, plotly bundled with Streamlit). Sizes are set for a 1920×1080 projector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from geo import map_text, maps, placement, reference
from geo.charts import DIRECTION_COLOURS, FONT_FAMILY, clear_layout
from geo.i18n import fmt_month_short, fmt_percent, plotly_separators, t
from geo.models import COMPONENT_STATUSES
from geo.upgrades.workflow import STATUS_COLOURS

if TYPE_CHECKING:
    from geo.overview.figures import OverviewFigures
    from geo.overview.highlights import Highlights
    from geo.workshops.coverage import CoverageReport

SLIDES = ("highlights", "kpis", "map", "flows", "infrastructure", "coverage", "method")
AUTO_CHOICES = (0, 15, 30, 60)  # seconds per slide; 0: manual
FONT_SIZE = 24  # chart text at 1920x1080, read from the back of a room
INK = "#0B1F33"

# Static CSS (no data inside): no sidebar, header or menus; large type, high contrast, read from the back of a
# room at 1920x1080; the controls are a bar at the screen's foot, shown only while the pointer is on it or one of
# them was reached with the Tab key (a mouse click's focus does not keep it shown: :focus-visible); no app buttons
# on the slide itself, and the arrow keys work either way.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], #MainMenu, footer
  { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container
  { padding: 1.2rem 2.5rem 1rem 2.5rem !important; max-width: 100% !important; }
[data-testid="stApp"] { background: #FFFFFF; color: #000000; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.8rem; color: #000; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *
  { font-size: 1.35rem !important; color: #1A1A1A !important; opacity: 1 !important; }
h1 { font-size: 3.3rem !important; color: #0B1F33 !important; padding: 0 !important; }
h2, h3 { font-size: 2.4rem !important; color: #0B1F33 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.7rem !important; color: #000 !important; font-weight: 600; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *
  { white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricValue"] p, [data-testid="stMetricValue"]
  { font-size: 4.6rem !important; line-height: 1.15 !important; color: #0B1F33 !important; font-weight: 800; }
[data-testid="stMetricDelta"] p, [data-testid="stMetricDelta"] { font-size: 1.7rem !important; }
.st-key-present_lines ol { padding-left: 3.6rem !important; }
.st-key-present_lines li, .st-key-present_lines li p
  { font-size: 2.6rem !important; line-height: 1.25 !important; margin: 0 0 1.1rem 0 !important; }
.st-key-present_footnote [data-testid="stCaptionContainer"],
.st-key-present_footnote [data-testid="stCaptionContainer"] *,
.st-key-present_footer [data-testid="stCaptionContainer"], .st-key-present_footer [data-testid="stCaptionContainer"] *,
.st-key-present_footer [data-testid="stAlert"] p
  { font-size: 1.05rem !important; color: #333333 !important; }
.st-key-present_footer [data-testid="stAlert"] { padding: 0.2rem 0.6rem !important; }
.st-key-present_controls { position: fixed !important; left: 0; right: 0; bottom: 0; z-index: 999990;
  padding: 0.6rem 2.5rem !important; background: rgba(255, 255, 255, 0.97); border-top: 1px solid #C9D1DA;
  opacity: 0; transition: opacity 0.2s; }
.st-key-present_controls:hover, .st-key-present_controls:has(:focus-visible) { opacity: 1; }
@media (hover: none) { .st-key-present_controls { opacity: 1; } }  /* a touch screen has no pointer to hover */
@media (max-width: 700px) {  /* a phone: the room's sizes would fit three words a line */
  h1 { font-size: 2.1rem !important; }
  h2, h3 { font-size: 1.5rem !important; }
  .st-key-present_lines li, .st-key-present_lines li p { font-size: 1.35rem !important; }
  .st-key-present_lines ol { padding-left: 2rem !important; }
  [data-testid="stMetricValue"] p, [data-testid="stMetricValue"] { font-size: 2.6rem !important; }
  [data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"] p { font-size: 1.15rem !important; }
  /* The key figures two a row, each as high as its text (a room's 250 px tiles stacked eight screens high) */
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.1rem; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { font-size: 0.95rem !important; }
  .st-key-present_kpis [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important;
    align-content: flex-start !important; height: auto !important; }
  .st-key-present_kpis [data-testid="stLayoutWrapper"] { height: auto !important; }
  .st-key-present_kpis [data-testid="stColumn"] { flex: 1 1 calc(50% - 0.25rem) !important;
    width: calc(50% - 0.25rem) !important; min-width: 0 !important; height: auto !important; }
  .st-key-present_kpis [data-testid="stColumn"] > *, .st-key-present_kpis [data-testid="stElementContainer"],
  .st-key-present_kpis [data-testid="stMetric"] { height: auto !important; min-height: 0 !important;
    flex: 0 0 auto !important; }
  .st-key-present_kpis [data-testid="stMetric"] > div { padding: 0.45rem 0.6rem !important; }
  .st-key-present_kpis [data-testid="stMetricValue"] p, .st-key-present_kpis [data-testid="stMetricValue"]
    { font-size: 1.9rem !important; }
  .st-key-present_kpis [data-testid="stMetricLabel"] p, .st-key-present_kpis [data-testid="stMetricDelta"] p
    { font-size: 0.95rem !important; line-height: 1.2 !important; }
  .st-key-present_kpis [data-testid="stMetricDelta"], .st-key-present_kpis [data-testid="stMetricDelta"] p
    { font-size: 0.95rem !important; line-height: 1.25 !important; white-space: normal !important;
      overflow: visible !important; text-overflow: clip !important; }
  /* The controls in one row at the foot, without the auto-advance and the keys (a phone has no arrow keys) */
  .st-key-present_controls { padding: 0.4rem 0.8rem !important; }
  .st-key-present_controls [data-testid="stHorizontalBlock"] { flex-wrap: nowrap !important; gap: 0.4rem !important; }
  .st-key-present_controls [data-testid="stColumn"] { min-width: 0 !important; flex: 1 1 0 !important;
    width: auto !important; }
  .st-key-present_controls [data-testid="stColumn"]:nth-child(3),
  .st-key-present_controls [data-testid="stColumn"]:nth-child(5) { display: none !important; }
  .st-key-present_controls [data-testid="stBaseButton-secondary"],
  .st-key-present_controls [data-testid="stBaseButton-primary"]
    { min-height: 2.6rem; padding: 0.2rem 0.4rem !important; }
  .st-key-present_controls [data-testid="stBaseButton-secondary"] p,
  .st-key-present_controls [data-testid="stBaseButton-primary"] p { font-size: 1rem !important; }
  .st-key-present_controls kbd { display: none !important; }  /* the arrow keys' hints: no keys on a phone */
}
[data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"] { min-height: 3rem; }
[data-testid="stBaseButton-secondary"] p, [data-testid="stBaseButton-primary"] p { font-size: 1.4rem !important; }
[data-testid="stBaseButton-primary"] p { color: #FFFFFF !important; }
</style>
"""


# Type on the slides' maps, legible from the back of a room at 1920×1080 (the desk maps use 12-13 px).
PROJECTOR_POST_LABELS = placement.LabelStyle(size_px=19.0)
PROJECTOR_COUNTRY_LABELS = placement.LabelStyle(size_px=21.0, char_em=0.82)
# The map's canvas on a 1920×1080 slide, in CSS pixels: the map slide's [4, 1] column and the coverage
# slide's [3, 2] column (the page's padding taken off), at the heights screens/present.py gives the decks.
MAP_SLIDE_CANVAS = (1440.0, 720.0)
COVERAGE_SLIDE_CANVAS = (1040.0, 600.0)
LABEL_INK = [11, 31, 51]
UNCOVERED_INK = [120, 40, 0]


def projector_labels(layers: list, lang: str) -> list:
    """The region's layers with the country names at projector size. A layer of its own (another id): the
    region's layers are sent from a cache keyed by id (geo.maps.RegionDeck), so resizing "country-labels"
    in place had no effect on screen."""
    out = [layer for layer in layers if getattr(layer, "id", None) != "country-labels"]
    names = maps.country_label_points(lang)
    out.append(map_text.text_layer("projector-country-labels", names, size_px=PROJECTOR_COUNTRY_LABELS.size_px,
                               colour=[80, 80, 80], weight=700, halo_px=3.0))
    return out


def projector_view(canvas: tuple[float, float]) -> dict:
    """The CA4 region whole in the slide's map canvas."""
    return placement.fit_view(maps.CA4_BOUNDS, *canvas, padding_px=24)


def placed_labels(candidates: pd.DataFrame, view: dict, canvas: tuple[float, float], lang: str,
                  marks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Labels at projector size, none overlapping another, a country name or a mark (geo.placement.place_labels
    with boxes measured at the slide's type sizes): two sides of one crossing no longer print on top of each
    other ("EGGuasaule"); the lower-priority one is left to the tooltip."""
    zoom = float(view["zoom"])
    obstacles = [placement.label_boxes(maps.country_label_points(lang), zoom, PROJECTOR_COUNTRY_LABELS)]
    if marks is not None and len(marks):
        obstacles.append(maps.mark_boxes(marks, zoom))
    return placement.place_labels(candidates, view, canvas=canvas,
                                  obstacles=pd.concat(obstacles, ignore_index=True), style=PROJECTOR_POST_LABELS)


def label_layer(labels: pd.DataFrame, layer_id: str, colour: list[int]) -> pdk.Layer:
    return map_text.text_layer(layer_id, labels, size_px=PROJECTOR_POST_LABELS.size_px, colour=colour, placed=True,
                           halo_px=3.0)


def map_slide_deck(map_posts: pd.DataFrame, lang: str, canvas: tuple[float, float] = MAP_SLIDE_CANVAS) -> pdk.Deck:
    """The map slide: the region, the posts and their names placed at projector size."""
    view = projector_view(canvas)
    frame = maps.posts_map_frame(map_posts, lang)
    if "programme" not in frame:
        frame = frame.assign(programme=frame["country_iso3"].isin(reference.CA4))
    labels = placed_labels(maps.label_candidates(frame, lang=lang), view, canvas, lang, frame[frame["programme"]])
    layers = (projector_labels(maps.base_layers(lang), lang) + maps.post_layers(map_posts, lang, labels=False)
              + [label_layer(labels, "post-labels", LABEL_INK)])
    return maps.make_deck(layers, lang, view=view)


def coverage_slide_deck(report: CoverageReport, lang: str,
                        canvas: tuple[float, float] = COVERAGE_SLIDE_CANVAS) -> pdk.Deck:
    """The coverage slide: segments, venues and posts, the uncovered land posts named at projector size
    (one name per crossing at most, busiest first, none on top of another)."""
    from geo.workshops import maps as workshop_maps

    view = projector_view(canvas)
    posts = report.posts
    uncovered = posts[~posts["covered"] & (posts["type"] == "land")]
    candidates = pd.DataFrame({
        "label": uncovered["name"], "lon": uncovered["lon"], "lat": uncovered["lat"],
        "priority": uncovered.get("flow", 0.0), "radius": 10.0,
    })
    labels = placed_labels(candidates, view, canvas, lang)
    layers = (projector_labels(maps.base_layers(lang), lang)
              + workshop_maps.workshop_layers(report, lang, show_labels=False)
              + [label_layer(labels, "ws-uncovered-labels", UNCOVERED_INK)])
    return maps.make_deck(layers, lang, view=view, tooltip=workshop_maps.tooltip())


def crossings_title(count: int, previous: int | None, when: str, lang: str, count_text: str) -> str:
    """'Los cruces subieron 5.5 % en noviembre de 2026' / 'Crossings fell 2.0 % in ...': the change through
    geo.overview.figures.relative_change (the cards' rule), its size as the cards write a percentage; with
    nothing to compare, the count ('32.56 M cruces en ...')."""
    from geo.overview.figures import relative_change

    change = relative_change(count, previous)
    if change is None:
        return t("present.title.crossings.total", lang, count=count_text, when=when)
    rounded = round(change, 1)
    way = "up" if rounded > 0 else "down" if rounded < 0 else "flat"
    return t(f"present.title.crossings.{way}", lang, pct=fmt_percent(abs(rounded), lang, 1), when=when)


TITLE_KINDS = ("flow_total",)  # the highlight the first slide's title states (not listed again under it)


def slide_titles(fig: OverviewFigures, highlights: Highlights | None, lang: str) -> dict[str, str]:
    """Each slide's title: its message in words with its figure, the figure as the overview's card shows it
    (geo.overview.figures.kpi_cards: one truth); the highlights slide's from the month's total among the
    highlights (geo.overview.highlights), the method slide's a plain heading."""
    from geo.i18n import fmt_compact, fmt_number
    from geo.overview import highlight_text as words
    from geo.overview.figures import kpi_cards

    cards = {card.key: card for card in kpi_cards(fig, lang)}
    total = next((h for h in highlights.items if h.kind in TITLE_KINDS), None) if highlights is not None else None
    if total is not None:
        month = words.fmt_month(highlights.month, lang)
        first = crossings_title(total.figures["count"], total.comparison.get("previous"), month, lang,
                                fmt_number(total.figures["count"], lang))
    elif highlights is not None:
        first = words.title(highlights, lang)
    else:
        first = t("present.slide.highlights", lang)
    return {
        "highlights": first,
        "kpis": t("present.title.kpis", lang, trained=cards["trained"].value, workshops=cards["workshops"].value),
        "map": t("present.title.map", lang, posts=cards["posts"].value),
        "flows": crossings_title(fig.flows["total"], fig.flows_previous["total"], fig.period.words(lang), lang,
                                 fmt_compact(fig.flows["total"], lang)),
        "infrastructure": t("present.title.infrastructure", lang, pct=cards["operational"].value),
        "coverage": t("present.title.coverage", lang, pct=cards["covered"].value),
        "method": t("present.slide.method", lang),
    }


def slide_index(raw: str | None) -> int:
    """The slide from ?slide= (1-based in the URL); anything invalid opens the first slide."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return 0
    return value - 1 if 1 <= value <= len(SLIDES) else 0


def step(index: int, delta: int) -> int:
    """Next/previous slide, wrapping around (an auto-advancing show loops)."""
    return (index + delta) % len(SLIDES)


# The slides with a map, and the map element they share. A browser creating a WebGL map (context, shaders) takes
# 2-3 s with software rendering, updating one ~0.2 s: so the presentation keeps ONE map element at the same
# place on every slide, shown on a map slide and kept drawn out of sight on the others, holding the map the
# show reaches next. Moving to a map slide then shows a map that is already drawn.
MAP_SLIDES = ("map", "coverage")

# Added to CSS on a slide without a map: the stage leaves the page's flow and the screen, still laid out and
# drawn (display:none would give the map no size, so nothing would be prepared).
OFFSTAGE_CSS = """
<style>
.st-key-present_stage { position: absolute !important; left: -40000px !important; top: 0 !important;
  width: 1400px !important; }
</style>
"""


def stage_map(index: int) -> str:
    """The map the stage holds on slide `index`: its own on a map slide, else the next map slide's (in the
    show's loop), so it is ready when the presenter gets there."""
    for ahead in range(len(SLIDES)):
        slide = SLIDES[(index + ahead) % len(SLIDES)]
        if slide in MAP_SLIDES:
            return slide
    raise ValueError("no map slide")


def auto_seconds(raw: str | None) -> int:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return 0
    return value if value in AUTO_CHOICES else 0


def short_month(month, lang: str) -> str:
    """'nov 2025' / 'Nov 2025': short enough to stay horizontal on a projector axis."""
    return fmt_month_short(month, lang)


def _big(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(
        height=height, font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": INK}, plot_bgcolor="white",
        paper_bgcolor="white",
        separators=plotly_separators(lang), margin={"l": 20, "r": 20, "t": 70, "b": 20},
        title={"font": {"size": FONT_SIZE + 6}},
    )
    # geo.charts' layout rule: the legend at the figure's foot, inside it (under the plot at paper y -0.24 it
    # was cut off at the slide's bottom), the title and the axes' big labels making their own room.
    clear_layout(fig, traceorder="normal", font={"size": FONT_SIZE})
    fig.update_xaxes(gridcolor="#DDDDDD", linecolor=INK, tickfont={"size": FONT_SIZE - 2})
    fig.update_yaxes(gridcolor="#DDDDDD", linecolor=INK, tickfont={"size": FONT_SIZE - 2})
    return fig


def flows_figure(monthly: pd.DataFrame, lang: str, height: int = 640) -> go.Figure:
    """Entries and exits per month (monthly: month, direction, count), projector-sized."""
    fig = go.Figure()
    for direction in ("entry", "exit"):
        part = monthly[monthly["direction"] == direction]
        fig.add_bar(x=[short_month(m, lang) for m in part["month"]], y=part["count"],
                    name=t(f"direction.{direction}", lang), marker_color=DIRECTION_COLOURS[direction])
    _big(fig, lang, height)
    fig.update_yaxes(tickformat=",d")
    fig.update_layout(barmode="stack", title_text=t("present.flows.chart", lang),
                      xaxis_title=t("present.axis.month", lang), yaxis_title=t("present.axis.crossings", lang))
    return fig


def infrastructure_figure(components: pd.DataFrame, lang: str, height: int = 600) -> go.Figure:
    """Components by status, one horizontal stacked bar per CA4 country (components: country_iso3, status)."""
    counts = components.groupby(["country_iso3", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=[c for c in reference.CA4 if c in counts.index],
                            columns=list(COMPONENT_STATUSES), fill_value=0)
    names = [reference.country_name(c, lang) for c in counts.index]
    fig = go.Figure()
    for status in COMPONENT_STATUSES:
        fig.add_bar(y=names, x=counts[status], orientation="h", name=t(f"status.{status}", lang),
                    marker_color="rgb({},{},{})".format(*STATUS_COLOURS[status]))
    _big(fig, lang, height)
    fig.update_layout(barmode="stack", title_text=t("present.infra.chart", lang),
                      xaxis_title=t("present.axis.components", lang))
    fig.update_yaxes(autorange="reversed")
    return fig


def coverage_figure(by_country: pd.DataFrame, lang: str, height: int = 600) -> go.Figure:
    """Share of programme posts covered by training, per country (coverage.coverage_by_country)."""
    frame = by_country.set_index("country_iso3").reindex([c for c in reference.CA4 if c in
                                                          set(by_country["country_iso3"])])
    names = [reference.country_name(c, lang) for c in frame.index]
    fig = go.Figure(go.Bar(
        x=names, y=frame["covered_pct"], marker_color="#0072B2",
        text=[f"{int(c)} / {int(p)}" for c, p in zip(frame["covered"], frame["posts"], strict=True)],
        textposition="outside", textfont={"size": FONT_SIZE}, name=t("present.coverage.series", lang),
    ))
    _big(fig, lang, height)
    fig.update_layout(title_text=t("present.coverage.chart", lang), yaxis_title=t("present.axis.percent", lang),
                      yaxis={"range": [0, 110]}, showlegend=False)
    return fig
