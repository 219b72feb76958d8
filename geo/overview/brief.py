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
from pyproj import Geod

from geo import cartography, periods, reference
from geo.i18n import fmt_date, fmt_number, t
from geo.i18n.names import display_name, names_column
from geo.placement import view_bounds
from geo.programme import returns as rt
from geo.upgrades.workflow import OVERALL_ORDER, SHARE_CLASSES, SHARE_COLOURS, STATUS_COLOURS, post_shares

PAGE_SIZE = (11.69, 8.27)  # A4 landscape, inches
PNG_DPI = 150
NAVY = "#13263A"
SEA = "#D6E9F5"
CA4_FILL = "#FAF8F0"
OTHER_FILL = "#E4E4DE"
BORDER = "#783C3C"
MARKERS = {"land": "o", "air": "^", "sea": "D"}
# The brief's map is drawn as the app's map would show it in a canvas of the map's size at this many CSS pixels an
# inch: the same fitting, country names, post names (geo.maps.post_labels) and scale bar (geo.cartography).
CANVAS_PX_PER_IN = 100.0
_GEOD = Geod(ellps="WGS84")
_HA = {"start": "left", "middle": "center", "end": "right"}
_VA = {"top": "top", "center": "center", "bottom": "bottom"}


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
    legend: list[LegendEntry] = field(default_factory=list)  # what the colours mean
    legend_title: str = ""
    shape_legend: list[LegendEntry] = field(default_factory=list)  # what the shapes mean, apart from the colours
    shape_legend_title: str = ""
    map_caption: str = ""  # what the map colours, in words
    notice: str | None = None
    highlights: list[str] = field(default_factory=list)  # sentences, already worded (geo.overview.highlights)
    highlights_title: str = ""


def _rgb(colour: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*colour)


def render(spec: BriefSpec, fmt: str = "pdf") -> bytes:
    """The brief as PDF or PNG bytes."""
    if fmt not in ("pdf", "png"):
        raise ValueError(f"brief format {fmt!r}: expected pdf or png")
    fig = figure(spec)
    buffer = io.BytesIO()
    if fmt == "pdf":
        fig.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Title": spec.title})
    else:
        fig.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def figure(spec: BriefSpec) -> Figure:
    """The brief's page as a matplotlib figure (what render saves; its texts and artists can be read)."""
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
    # The keys under the map, anchored to its box: the colours, then the shapes in their own key (a shape never
    # stands in a list of colours); what the map colours in words under them.
    box = ax.get_position()
    wide = box.width > 0.5  # the map without the highlights' band; beside them it is narrower
    if spec.legend:
        colours = ax.legend(handles=_handles(spec.legend), title=spec.legend_title, loc="upper left",
                            bbox_to_anchor=(0.0, -0.01), ncol=3 if wide else 2, fontsize=8, title_fontsize=8.5,
                            frameon=False,
                            alignment="left")
        ax.add_artist(colours)
    if spec.shape_legend:
        ax.legend(handles=_handles(spec.shape_legend), title=spec.shape_legend_title, loc="upper right",
                  bbox_to_anchor=(1.0, -0.01), ncol=1, fontsize=8, title_fontsize=8.5, frameon=False,
                  alignment="left")
    if spec.map_caption:  # under the keys; beside a narrow map's keys, under the figures
        fig.text(box.x0 if wide else 0.45, 0.062, "\n".join(textwrap.wrap(spec.map_caption, 85 if wide else 110)),
                 fontsize=7.2, color="#333333", va="bottom")
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
    return fig


def _handles(entries: list[LegendEntry]) -> list:
    return [Patch(facecolor=e.colour, edgecolor="#666666", label=e.label) if e.kind == "patch" else
            Line2D([0], [0], marker=e.marker, color="none", markerfacecolor=e.colour, markeredgecolor="#333333",
                   markersize=8, label=e.label)
            for e in entries]


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


def _mark_colours(posts: pd.DataFrame) -> list[str]:
    """Each mark's colour: the map's own (geo.maps.posts_map_frame's `colour`) when given, else its status's."""
    if "colour" in posts:
        return [_rgb(tuple(int(v) for v in colour[:3])) for colour in posts["colour"]]
    return [_rgb(STATUS_COLOURS.get(s, STATUS_COLOURS["none"])) for s in posts["status"]]


def draw_view(ax, posts: pd.DataFrame, lang: str, bounds: tuple[float, float, float, float], *,
              shares: dict[str, tuple[int, int]] | None = None, labels: bool = True) -> None:
    """`bounds` fitted to the axes as the app's map fits a canvas of their size (geo.cartography.fitted_view),
    the posts as the map draws them (coloured by `shares` when given: the programme's share of operational
    components), the busiest posts named as the map names them (geo.maps.post_labels: no overlaps, none over a
    mark or a country's name) and the view's scale bar."""
    from geo import maps  # geo.maps draws pydeck layers; only the brief's map needs it

    fig = ax.get_figure()
    box = ax.get_position()
    width_in, height_in = box.width * fig.get_figwidth(), box.height * fig.get_figheight()
    canvas = (width_in * CANVAS_PX_PER_IN, height_in * CANVAS_PX_PER_IN)
    view = cartography.fitted_view(bounds, canvas)
    shown = view_bounds(view, canvas)
    pt_per_px = 72 / CANVAS_PX_PER_IN
    frame = maps.posts_map_frame(posts, lang, shares)
    draw_region(ax, frame.assign(size_pt=frame["size"] * pt_per_px), lang, bounds=shown,
                country_labels=maps.country_labels(lang, view, canvas))
    if labels and len(frame):
        draw_post_names(ax, frame, view, canvas, lang)
    draw_scale_bar(ax, view, shown, canvas, lang)


def draw_post_names(ax, frame: pd.DataFrame, view: dict, canvas: tuple[float, float], lang: str,
                    selected: str | None = None) -> None:
    """The posts' names the map shows at `view` in `canvas` (geo.maps.post_labels: the busiest first, no
    overlaps), at the same offsets from their marks, in points (`frame`: geo.maps.posts_map_frame)."""
    from geo import maps

    pt_per_px = ax.get_position().width * ax.get_figure().get_figwidth() * 72 / canvas[0]
    for row in maps.post_labels(frame, view, lang=lang, selected=selected, canvas=canvas).itertuples(index=False):
        ax.annotate(row.label.replace("$", r"\$"), (row.lon, row.lat), xytext=(row.dx * pt_per_px, -row.dy * pt_per_px),
                    textcoords="offset points", ha=_HA[row.anchor], va=_VA[row.baseline], zorder=6,
                    fontsize=13 * pt_per_px * 0.85, color="#14202F", annotation_clip=True, gid="post-name",
                    path_effects=[withStroke(linewidth=2.2, foreground="white")])


def draw_scale_bar(ax, view: dict, bounds: tuple[float, float, float, float], canvas: tuple[float, float],
                   lang: str) -> None:
    """The scale bar of the view (geo.cartography.scale_bar), drawn geodesically at the bar's own latitude in
    the lower left corner."""
    minx, miny, maxx, maxy = bounds
    bar = cartography.scale_bar(view, lang, max_px=min(160.0, canvas[0] * 0.3))
    lon0 = minx + (maxx - minx) * 0.04
    lat0 = miny + (maxy - miny) * 0.04
    lon1, _, _ = _GEOD.fwd(lon0, lat0, 90.0, bar.metres)
    halo = [withStroke(linewidth=3, foreground="white")]
    ax.plot([lon0, lon1], [lat0, lat0], color="#1A1A1A", linewidth=2.2, solid_capstyle="butt", zorder=7,
            path_effects=halo, gid="scale-bar")
    tick = (maxy - miny) * 0.008
    for lon in (lon0, lon1):
        ax.plot([lon, lon], [lat0 - tick, lat0 + tick], color="#1A1A1A", linewidth=1.2, zorder=7)
    ax.text((lon0 + lon1) / 2, lat0 + tick * 1.6, bar.label, ha="center", va="bottom", fontsize=8, zorder=7,
            color="#1A1A1A", path_effects=halo, gid="scale-bar-label")


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
                       c=_mark_colours(part), edgecolors="#222222", gid="posts")
    if country_labels is not None:
        for row in country_labels.itertuples(index=False):
            # The word space doubled for deck.gl's bold capitals ("COSTA  RICA") reads as a gap in print.
            ax.text(row.lon, row.lat, " ".join(row.label.split()), fontsize=8, color="#333333", ha="center",
                    va="center", fontweight="bold", zorder=4,
                    path_effects=[withStroke(linewidth=2.5, foreground="white")])
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


def share_legend(lang: str) -> list[LegendEntry]:
    """The colours of posts coloured by the programme's share of operational components, every class (the map
    page's key, geo.maps.share_legend_items), "Sin componentes" included."""
    return [LegendEntry(t(f"share.{key}", lang), _rgb(SHARE_COLOURS[key])) for key in SHARE_CLASSES]


def shape_legend(lang: str) -> list[LegendEntry]:
    """The posts' shapes (the map's: circle land, triangle air, diamond sea), uncoloured."""
    return [LegendEntry(t(f"post_type.{k}", lang), "#FFFFFF", "marker", m) for k, m in MARKERS.items()]


def status_legend(lang: str, statuses: list[str]) -> list[LegendEntry]:
    entries = [LegendEntry(t(f"status.{s}", lang), _rgb(STATUS_COLOURS[s]), "marker", "o")
               for s in OVERALL_ORDER if s in statuses]
    entries += [LegendEntry(t(f"post_type.{k}", lang), "#FFFFFF", "marker", m) for k, m in MARKERS.items()]
    return entries


# ----------------------------------------------------------------------------------------- briefs
def overview_brief(fig_data, lang: str, seed: int | None, highlights=None) -> BriefSpec:
    """The overview as a brief (fig_data: geo.overview.figures.OverviewFigures; highlights: the month's
    geo.overview.highlights.Highlights, shown in a band under the header when given)."""
    from geo import maps
    from geo.overview import highlight_text
    from geo.overview.figures import filters_text, kpi_cards

    cards = kpi_cards(fig_data, lang)
    posts = fig_data.map_posts
    shares = post_shares(posts)  # THE programme's status of a post, as the infrastructure map colours it
    period = fig_data.period.label(lang)
    done, total = sum(d for d, _ in shares.values()), sum(n for _, n in shares.values())
    return BriefSpec(
        lang=lang, title=t("app.title", lang), view=t("brief.view.overview", lang),
        # The period once, in this line; a figure's detail names its own only when it is another (a date).
        filters=filters_text(fig_data, lang) + " · " + t("brief.generated", lang, date=fmt_date(periods.today(), lang)),
        kpis=[(k.label, k.value, k.detail if k.period == period else f"{k.detail} ({k.period})") for k in cards],
        as_of=t("common.data_as_of", lang, date=fmt_date(fig_data.as_of, lang)),
        source=t("brief.source", lang),
        draw_map=lambda ax: draw_view(ax, posts, lang, maps.CA4_BOUNDS, shares=shares),
        legend=share_legend(lang), legend_title=t("map.legend.share", lang),
        shape_legend=shape_legend(lang), shape_legend_title=t("filter.post_type", lang),
        map_caption=t("ov.map.caption_share", lang, operational=fmt_number(done, lang), total=fmt_number(total, lang)),
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
    kpis = _portfolio_figures(chosen, lang) + [
        (row.code, pj.budget_text(row.budget, row.currency, bool(row.budget_is_floor), lang),
         f"{display_name('project', row.code, lang, row._asdict(), 'title')}"
         f" · {pj.period_text(row.start_date, row.end_date, lang)}"
         f" · {t(f'proj.status.{row.status}', lang)} · {t('proj.col.donor', lang)}: {pj.donor_name(row.donor, lang)}")
        for row in chosen.itertuples()
    ]
    totals = rt.public_category_totals(returns, lang)
    # The returns' period is the one in the filters line: not said again here.
    kpis.append((t("ov.kpi.returns", lang), totals["total"],
                 " · ".join(f"{t(f'returns.category.{c}', lang)} {totals[c]}" for c in rt.RETURN_CATEGORIES)))
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


def _portfolio_figures(chosen: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """What a programme officer reads first about the projects shown (geo.programme.projects.portfolio): how many
    and in which state, the budget (summed per currency, a stated floor said as such), the member states they
    cover, and the upgrades and workshops linked to them, each project's share named."""
    from geo.programme import projects as pj

    states = chosen["status"].value_counts()
    budgets = []
    sums = chosen[chosen["budget"].notna()].groupby("currency")["budget"].sum().sort_values(ascending=False)
    for currency, amount in sums.items():
        floor = bool(chosen.loc[chosen["currency"] == currency, "budget_is_floor"].any())
        budgets.append(pj.budget_text(float(amount), str(currency), floor, lang))
    covered = sorted({c for countries in chosen["countries"] for c in countries},
                     key=lambda c: (c not in reference.CA4, reference.country_name(c, lang)))

    def per_project(column: str) -> str:
        return " · ".join(f"{code} {fmt_number(int(n), lang)}" for code, n in zip(chosen["code"], chosen[column],
                                                                                  strict=True))

    return [
        (t("proj.filter", lang), fmt_number(len(chosen), lang),
         " · ".join(f"{t(f'proj.status.{s}', lang)} {fmt_number(int(n), lang)}" for s, n in states.items())),
        # The largest currency's sum as the figure, the others beside its detail (one line of value only).
        (t("proj.brief.budget", lang), budgets[0] if budgets else "—",
         " · ".join([*(f"+ {b}" for b in budgets[1:]), t("proj.brief.budget.detail", lang,
                                                            n=fmt_number(len(chosen), lang))])),
        (t("proj.col.countries", lang), fmt_number(len(covered), lang),
         ", ".join(reference.country_name(c, lang) for c in covered)),
        (t("proj.col.upgrades", lang), fmt_number(int(chosen["upgrades"].sum()), lang), per_project("upgrades")),
        (t("proj.col.workshops", lang), fmt_number(int(chosen["workshops"].sum()), lang), per_project("workshops")),
    ]


def file_name(view: str, lang: str, fmt: str) -> str:
    return f"ca4-brief-{view}-{lang}-{periods.today().isoformat()}.{fmt}"
