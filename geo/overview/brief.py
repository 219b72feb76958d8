"""A one-page brief of a view, as PDF or PNG, drawn on the server with matplotlib (no browser, no network).

The page holds: title and view name, the filters, a map drawn from data/reference geometry with its legend,
the KPIs, "Data as of <date>", the data-source line and the sample-data notice when sample figures show.
Every text arrives already translated (the caller builds a BriefSpec in the chosen language).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

# matplotlib.figure.Figure, not pyplot: no GUI backend, no global state; savefig renders with Agg / PDF.
import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke

from geo import periods, reference
from geo.i18n import fmt_date, t
from geo.i18n.names import display_name, names_column
from geo.programme import returns as rt
from geo.upgrades.workflow import OVERALL_ORDER, STATUS_COLOURS

PAGE_SIZE = (11.69, 8.27)  # A4 landscape, inches
PNG_DPI = 150
NAVY = "#13263A"
SEA = "#D6E9F5"
CA4_FILL = "#FAF8F0"
OTHER_FILL = "#E4E4DE"
BORDER = "#783C3C"
MARKERS = {"land": "o", "air": "^", "sea": "D"}


@dataclass
class LegendEntry:
    label: str
    colour: str
    kind: str = "patch"  # patch | marker
    marker: str = "o"


@dataclass
class BriefSpec:
    lang: str
    title: str
    view: str
    filters: str
    kpis: list[tuple[str, str, str]]  # label, value, detail
    as_of: str
    source: str
    draw_map: Callable[[object], None]
    legend: list[LegendEntry] = field(default_factory=list)
    legend_title: str = ""
    notice: str | None = None
    highlights: list[str] = field(default_factory=list)  # sentences, already worded (geo.overview.highlights)
    highlights_title: str = ""


def _rgb(colour: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*colour)


def render(spec: BriefSpec, fmt: str = "pdf") -> bytes:
    """The brief as PDF or PNG bytes."""
    if fmt not in ("pdf", "png"):
        raise ValueError(f"brief format {fmt!r}: expected pdf or png")
    fig = Figure(figsize=PAGE_SIZE)
    fig.patch.set_facecolor("white")
    # Header band.
    fig.text(0.03, 0.955, spec.title, fontsize=20, fontweight="bold", color=NAVY, va="top")
    fig.text(0.03, 0.905, spec.view, fontsize=13, color="#333333", va="top")
    fig.text(0.03, 0.872, "\n".join(textwrap.wrap(spec.filters, 88)), fontsize=9.5, color="#444444", va="top")
    fig.text(0.97, 0.955, spec.as_of, fontsize=11, color=NAVY, ha="right", va="top", fontweight="bold")
    if spec.notice:
        fig.text(0.97, 0.915, "\n".join(textwrap.wrap(spec.notice, 70)), fontsize=8.5, color="#8A4B00",
                 ha="right", va="top", bbox={"boxstyle": "round,pad=0.4", "fc": "#FFF3D6", "ec": "#E69F00"})
    top = _highlights_band(fig, spec) if spec.highlights else 0.81  # the band pushes map and KPIs down
    # Map (left) with its legend below.
    ax = fig.add_axes((0.03, 0.17, 0.56 if not spec.highlights else 0.41, top - 0.17))
    spec.draw_map(ax)
    ax.set_xlabel("")  # geopandas labels the axes with the CRS name, in English
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#999999")
    if spec.legend:
        handles = [
            Patch(facecolor=e.colour, edgecolor="#666666", label=e.label) if e.kind == "patch" else
            Line2D([0], [0], marker=e.marker, color="none", markerfacecolor=e.colour, markeredgecolor="#333333",
                   markersize=8, label=e.label)
            for e in spec.legend
        ]
        # Anchored to the map's own box (its height follows the frame's aspect), just below it.
        ax.legend(handles=handles, title=spec.legend_title, loc="upper left", bbox_to_anchor=(0.0, -0.01),
                  ncol=4, fontsize=8.5, title_fontsize=9, frameon=False, alignment="left")
    # KPIs (right): two columns, label / value / detail stacked.
    # Under the highlights the map is smaller, so the KPIs take three columns instead of two.
    columns, left, width = (3, 0.45, 0.172) if spec.highlights else (2, 0.62, 0.18)
    label_chars, detail_chars = (34, 33) if spec.highlights else (34, 36)
    rows = max(-(-len(spec.kpis) // columns), 1)
    step = min(0.165, (top - 0.10) / rows)
    detail_lines = 5 if step >= 0.15 else 3
    for i, (label, value, detail) in enumerate(spec.kpis):
        x = left + width * (i % columns)
        y = top - step * (i // columns)
        fig.text(x, y, "\n".join(textwrap.wrap(label, label_chars)[:2]), fontsize=9, color="#444444", va="top")
        fig.text(x, y - 0.032, value, fontsize=17 if len(value) <= 12 else 11.5, fontweight="bold", color=NAVY,
                 va="top")
        fig.text(x, y - 0.075, "\n".join(textwrap.wrap(detail, detail_chars)[:detail_lines]), fontsize=7.3,
                 color="#333333", va="top", linespacing=1.15)
    # Footer: the data source line.
    fig.text(0.03, 0.012, "\n".join(textwrap.wrap(spec.source, 210)), fontsize=7.5, color="#555555", va="bottom")
    buffer = io.BytesIO()
    if fmt == "pdf":
        fig.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Title": spec.title})
    else:
        fig.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def _highlights_band(fig: Figure, spec: BriefSpec) -> float:
    """The month's highlights, numbered, in a band under the header; returns the top left for the rest."""
    lines: list[str] = []
    for number, sentence in enumerate(spec.highlights, 1):
        # '$' would start matplotlib's mathtext: names from data are drawn as typed.
        wrapped = textwrap.wrap(sentence.replace("$", r"\$"), 190)
        lines += [f"{number}. {wrapped[0]}", *(f"    {rest}" for rest in wrapped[1:])]
    fig.text(0.03, 0.815, spec.highlights_title, fontsize=10.5, fontweight="bold", color=NAVY, va="top")
    fig.text(0.03, 0.787, "\n".join(lines), fontsize=7.6, color="#1A1A1A", va="top", linespacing=1.3)
    # 7.6 pt × 1.3 line spacing on an 8.27 in (595 pt) page: about 0.0166 of the height a line.
    return 0.787 - 0.0166 * len(lines) - 0.035


# ------------------------------------------------------------------------------------------ maps
def _labels(ax, frame: gpd.GeoDataFrame, lang: str, bounds: tuple[float, float, float, float],
            at: dict[str, tuple[float, float]]) -> None:
    """Country names on land, inside the frame (upper case, like the app's maps)."""
    minx, miny, maxx, maxy = bounds
    points = frame.geometry.representative_point()
    for iso3, name, point in zip(frame["iso3"], names_column(frame, lang, "country", "iso3"), points, strict=True):
        lon, lat = at.get(iso3, (point.x, point.y))
        if minx < lon < maxx and miny < lat < maxy:
            ax.text(lon, lat, name.upper(), fontsize=7.5, color="#333333", ha="center", va="center",
                    fontweight="bold", zorder=4, path_effects=[withStroke(linewidth=2.5, foreground="white")])


def draw_region(ax, posts: pd.DataFrame | None = None, lang: str = "es", *,
                bounds: tuple[float, float, float, float] | None = None,
                country_labels: pd.DataFrame | None = None) -> None:
    """The regional frame (sea, countries, CA4 highlighted, border lines) and posts coloured by status.

    With `bounds` (a view's, geo.placement.view_bounds) the frame is that view's, stretched like the map's own
    Web Mercator canvas, and `country_labels` (iso3, label, lon, lat: geo.cartography.country_labels_in_view)
    name the countries; posts with a `size_pt` column are drawn at that size (the map's proportional marks)."""
    countries = reference.countries(display=True)
    minx, miny, maxx, maxy = bounds or (-92.9, 10.5, -82.6, 18.2)
    ax.set_facecolor(SEA)
    countries.plot(ax=ax, color=[CA4_FILL if c else OTHER_FILL for c in countries["is_ca4"]],
                   edgecolor="#A0A096", linewidth=0.4)
    reference.borders(display=True).plot(ax=ax, color=BORDER, linewidth=1.0)
    if posts is not None and len(posts):
        for post_type, marker in MARKERS.items():
            part = posts[posts["type"] == post_type]
            if part.empty:
                continue
            ax.scatter(part["lon"], part["lat"], marker=marker, zorder=5, linewidths=0.5,
                       s=part["size_pt"] ** 2 * 0.6 if "size_pt" in part else 34,
                       c=[_rgb(STATUS_COLOURS.get(s, STATUS_COLOURS["none"])) for s in part["status"]],
                       edgecolors="#222222")
    if country_labels is not None:
        for row in country_labels.itertuples(index=False):
            ax.text(row.lon, row.lat, row.label, fontsize=8, color="#333333", ha="center", va="center",
                    fontweight="bold", zorder=4, path_effects=[withStroke(linewidth=2.5, foreground="white")])
    else:
        _labels(ax, countries, lang, (minx, miny, maxx, maxy),
                {"MEX": (-91.6, 17.7), "BLZ": (-88.75, 17.4), "CRI": (-84.0, 10.75), "GTM": (-90.3, 15.9),
                 "HND": (-86.9, 14.9), "NIC": (-85.1, 12.6), "SLV": (-89.0, 13.45)})
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    # A view's frame has the canvas's shape already; the brief's keeps shapes right at about 14°.
    ax.set_aspect("auto" if bounds else 1 / 0.97)


def draw_wide(ax, wide: gpd.GeoDataFrame, colours: list[str], lang: str = "es") -> None:
    """The wide frame (Mexico to the Dominican Republic) filled with the given colours."""
    ax.set_facecolor(SEA)
    wide.plot(ax=ax, color=colours, edgecolor="#6E6E6E", linewidth=0.4)
    small = {"SLV", "BLZ", "JAM", "PRI", "HTI", "BHS"}  # too small for a label at this scale
    _labels(ax, wide[~wide["iso3"].isin(small)], lang, (-108.0, 6.0, -66.0, 30.0),
            {"MEX": (-102.0, 23.5), "USA": (-99.0, 29.0), "CRI": (-84.2, 9.6), "PAN": (-80.2, 8.3),
             "DOM": (-70.5, 19.0), "COL": (-73.5, 7.2), "VEN": (-67.5, 7.2), "CUB": (-79.0, 21.9)})
    ax.set_xlim(-108.0, -66.0)
    ax.set_ylim(6.0, 30.0)
    ax.set_aspect(1 / 0.96)


def status_legend(lang: str, statuses: list[str]) -> list[LegendEntry]:
    entries = [LegendEntry(t(f"status.{s}", lang), _rgb(STATUS_COLOURS[s]), "marker", "o")
               for s in OVERALL_ORDER if s in statuses]
    entries += [LegendEntry(t(f"post_type.{k}", lang), "#FFFFFF", "marker", m) for k, m in MARKERS.items()]
    return entries


# ----------------------------------------------------------------------------------------- briefs
def overview_brief(fig_data, lang: str, seed: int | None, highlights=None) -> BriefSpec:
    """The overview as a brief (fig_data: geo.overview.figures.OverviewFigures; highlights: the month's
    geo.overview.highlights.Highlights, shown in a band under the header when given)."""
    from geo.overview import highlight_text
    from geo.overview.figures import filters_text, kpi_cards

    cards = kpi_cards(fig_data, lang)
    posts = fig_data.map_posts
    return BriefSpec(
        lang=lang, title=t("app.title", lang), view=t("brief.view.overview", lang),
        filters=filters_text(fig_data, lang) + " · " + t("brief.generated", lang, date=fmt_date(periods.today(), lang)),
        kpis=[(k.label, k.value, f"{k.detail} ({k.period})") for k in cards],
        as_of=t("common.data_as_of", lang, date=fmt_date(fig_data.as_of, lang)),
        source=t("brief.source", lang),
        draw_map=lambda ax: draw_region(ax, posts, lang),
        legend=status_legend(lang, sorted(set(posts["status"]))), legend_title=t("map.legend.status", lang),
        notice=t("app.sample_notice", lang, seed=seed) if seed is not None else None,
        highlights=highlight_text.sentences(highlights, lang) if highlights is not None else [],
        highlights_title=highlight_text.title(highlights, lang) if highlights is not None else "",
    )


def projects_brief(portfolio: pd.DataFrame, codes: tuple[str, ...], returns: pd.DataFrame, period_label: str,
                   as_of: dt.date | None, lang: str, seed: int | None) -> BriefSpec:
    """The projects-and-returns view as a brief: the benefiting states map, the portfolio, returns (<5 rule)."""
    from geo.programme import projects as pj

    chosen = portfolio if not codes else portfolio[portfolio["code"].isin(codes)]
    wide = pj.benefit_frame(portfolio, codes)
    colours = [_rgb(tuple(pj.benefit_colour(n)[:3])) for n in wide["projects"]]
    kpis = [
        (row.code, pj.budget_text(row.budget, row.currency, bool(row.budget_is_floor), lang),
         f"{display_name('project', row.code, lang, row._asdict(), 'title')}"
         f" · {pj.period_text(row.start_date, row.end_date, lang)}"
         f" · {t(f'proj.status.{row.status}', lang)} · "
         + t("proj.brief.countries", lang, n=len(row.countries)))
        for row in chosen.itertuples()
    ]
    totals = rt.public_category_totals(returns, lang)
    kpis.append((t("ov.kpi.returns", lang), totals["total"],
                 " · ".join(f"{t(f'returns.category.{c}', lang)} {totals[c]}" for c in rt.RETURN_CATEGORIES)
                 + f" ({period_label})"))
    legend = [LegendEntry(t("proj.legend.one", lang), _rgb(pj.BENEFIT_FILL)),
              LegendEntry(t("proj.legend.both", lang), _rgb(pj.BENEFIT_BOTH_FILL)),
              LegendEntry(t("proj.legend.none", lang), _rgb(pj.OTHER_FILL))]
    names = ", ".join(chosen["code"])
    return BriefSpec(
        lang=lang, title=t("app.title", lang), view=t("brief.view.projects", lang),
        filters=t("proj.brief.filters", lang, projects=names, period=period_label)
        + " · " + t("brief.generated", lang, date=fmt_date(periods.today(), lang)),
        kpis=kpis, as_of=t("common.data_as_of", lang, date=fmt_date(as_of, lang)),
        source=t("brief.source.projects", lang), draw_map=lambda ax: draw_wide(ax, wide, colours, lang),
        legend=legend, legend_title=t("proj.legend.title", lang),
        notice=t("app.sample_notice", lang, seed=seed) if seed is not None else None,
    )


def file_name(view: str, lang: str, fmt: str) -> str:
    return f"ca4-brief-{view}-{lang}-{periods.today().isoformat()}.{fmt}"
