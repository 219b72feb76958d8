"""Save this view as an image: the map page's current view as a PNG, drawn on the server by the brief's renderer
(geo.overview.brief.draw_region: matplotlib, no browser, no network), with the title, the lines that date it
(the data's date, the period in words), the status legend and size key, a scale bar, the posts' names placed as
the page places them, the flow arcs and workshop venues when the map shows them, and the source; every word in
the map's own font (geo.map_font: the Source Sans the app serves), not matplotlib's default."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from geo import cartography, maps
from geo.flows import maps as flow_maps
from geo.map_font import map_font
from geo.overview import brief
from geo.placement import view_bounds
from geo.workshops.maps import VENUE

DPI = 150
MAP_WIDTH_IN = 10.4
MAP_MAX_HEIGHT_IN = 7.6


@dataclass(frozen=True)
class ViewImage:
    """The words of an image, already in the page's language (the caller takes them from the catalogs)."""

    title: str
    lines: list[str]  # the data's date and period, the filters
    legend_title: str
    size_title: str
    source: str
    notice: str | None = None
    arcs_title: str = ""  # the arcs' key title (with its period), when the map shows arcs
    venue_label: str = ""  # the venues' key entry, when the map shows them


def map_size_in(canvas: tuple[float, float]) -> tuple[float, float]:
    """The map's size in inches: the canvas's shape, at most MAP_WIDTH_IN wide and MAP_MAX_HEIGHT_IN tall."""
    width, height = canvas
    scale = min(MAP_WIDTH_IN / width, MAP_MAX_HEIGHT_IN / height)
    return width * scale, height * scale


ARC_BEND = 0.22  # how far an arc's middle stands off its chord, as a share of its length (deck.gl's raised arc)


def arc_paths(arcs: pd.DataFrame, points: int = 24) -> list[np.ndarray]:
    """Each arc of geo.flows.maps.arc_frame as a curve of lon/lat points: a quadratic Bézier whose middle stands
    ARC_BEND of its length off the chord, to the side its tilt leans (entries and exits of a post apart)."""
    paths = []
    steps = np.linspace(0.0, 1.0, points)[:, None]
    for arc in arcs.itertuples(index=False):
        start, end = np.array([arc.from_lon, arc.from_lat]), np.array([arc.to_lon, arc.to_lat])
        chord = end - start
        normal = np.array([-chord[1], chord[0]]) * ARC_BEND * np.sign(arc.tilt or 1.0)
        middle = (start + end) / 2 + normal
        paths.append((1 - steps) ** 2 * start + 2 * (1 - steps) * steps * middle + steps ** 2 * end)
    return paths


def render(posts: pd.DataFrame, view: dict, canvas: tuple[float, float], lang: str, words: ViewImage, *,
           labels: bool = True, selected: str | None = None, routes: pd.DataFrame | None = None,
           venues: pd.DataFrame | None = None) -> bytes:
    """The PNG of `posts` (geo.posts.queries.posts_frame) as the map shows them at `view` in `canvas` pixels, with
    the arcs of `routes` (geo.flows.queries.recent_routes) and the venues of `venues` (workshops held: venue_lon,
    venue_lat) when the map shows them."""
    fig = figure(posts, view, canvas, lang, words, labels=labels, selected=selected, routes=routes, venues=venues)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def figure(posts: pd.DataFrame, view: dict, canvas: tuple[float, float], lang: str, words: ViewImage, *,
           labels: bool = True, selected: str | None = None, routes: pd.DataFrame | None = None,
           venues: pd.DataFrame | None = None) -> Figure:
    """The image's matplotlib figure, every text in the map's font (a text takes its font when it is made)."""
    with map_font():
        return _figure(posts, view, canvas, lang, words, labels, selected, routes, venues)


def _figure(posts: pd.DataFrame, view: dict, canvas: tuple[float, float], lang: str, words: ViewImage,
            labels: bool, selected: str | None, routes: pd.DataFrame | None, venues: pd.DataFrame | None) -> Figure:
    bounds = view_bounds(view, canvas)
    map_w, map_h = map_size_in(canvas)
    pt_per_px = map_w * 72 / canvas[0]
    # The keys under the map, the size key under the status legend (side by side they met on narrow views).
    header, footer = 1.3, 2.2
    fig = Figure(figsize=(max(map_w, 7.5) + 0.8, map_h + header + footer))
    fig.patch.set_facecolor("white")
    width_in, height_in = fig.get_size_inches()
    frame = maps.posts_map_frame(posts, lang)
    ax = fig.add_axes((0.4 / width_in, footer / height_in, map_w / width_in, map_h / height_in))
    brief.draw_region(ax, frame.assign(size_pt=frame["size"] * pt_per_px), lang, bounds=bounds,
                      country_labels=maps.country_labels(lang, view, canvas, frame))
    arcs = flow_maps.arc_frame(routes, lang) if routes is not None and len(routes) else None
    if arcs is not None:  # under the marks, as on the page
        for path, width, colour in zip(arc_paths(arcs), arcs["width"], arcs["colour"], strict=True):
            ax.plot(path[:, 0], path[:, 1], color=[c / 255 for c in colour], linewidth=width * pt_per_px,
                    solid_capstyle="round", zorder=3, gid="flow-arc")
    shown_venues = venues.dropna(subset=["venue_lon", "venue_lat"]) if venues is not None else None
    if shown_venues is not None and len(shown_venues):
        ax.scatter(shown_venues["venue_lon"], shown_venues["venue_lat"], s=(14 * pt_per_px) ** 2,
                   color=[c / 255 for c in VENUE], edgecolors="white", linewidths=2 * pt_per_px, zorder=3.5,
                   gid="workshop-venue")
    if labels and len(frame):
        brief.draw_post_names(ax, frame, view, canvas, lang, selected)
    ax.set_xlabel("")  # geopandas labels the axes with the CRS's names, in English
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_color("#999999")
    ax.set_xticks([])
    ax.set_yticks([])
    brief.draw_scale_bar(ax, view, bounds, canvas, lang)
    # Header: title, the lines that date it; footer: legend, size key, source.
    top = 1 - 0.25 / height_in
    fig.text(0.4 / width_in, top, words.title, fontsize=16, fontweight="bold", color=brief.NAVY, va="top")
    wrapped = [part for line in words.lines for part in textwrap.wrap(line, int((width_in - 0.8) * 13.5))]
    fig.text(0.4 / width_in, top - 0.38 / height_in, "\n".join(wrapped[:4]), fontsize=9.5, color="#333333",
             va="top", linespacing=1.3)
    handles = [Line2D([0], [0], marker=e.marker, color="none", markerfacecolor=e.colour, markeredgecolor="#333333",
                      markersize=7, label=e.label)
               for e in brief.status_legend(lang, sorted(set(frame.loc[frame["programme"], "status"])))]
    if shown_venues is not None and len(shown_venues):
        handles.append(Line2D([0], [0], marker="o", color="none", markerfacecolor=[c / 255 for c in VENUE],
                              markeredgecolor="white", markersize=7, label=words.venue_label))
    if arcs is not None:
        handles += [Line2D([0], [0], color=css, linewidth=2.5, label=f"{words.arcs_title}: {label}")
                    for label, css in flow_maps.direction_key(lang)]
    left, below = 0.4 / width_in, (footer - 0.08) / height_in
    rows = -(-len(handles) // 4)  # the status legend's rows: the size key goes under them
    fig.legend(handles=handles, title=words.legend_title, loc="upper left", bbox_to_anchor=(left, below),
               ncol=4, fontsize=7.5, title_fontsize=8, frameon=False, alignment="left")
    key = cartography.size_key(frame.loc[frame["programme"], "recent_flow"], lang)
    sizes = [Line2D([0], [0], marker="o", color="none", markerfacecolor="#BBBBBB", markeredgecolor="#333333",
                    markersize=size * pt_per_px * 0.8125, label=label) for size, label in key]
    if sizes:
        tallest = max(size for size, _ in key) * pt_per_px * 0.8125
        fig.legend(handles=sizes, title=words.size_title, ncol=len(sizes), fontsize=7.5, title_fontsize=8,
                   frameon=False, alignment="left", handleheight=tallest / 7.5, handlelength=tallest / 7.5,
                   borderaxespad=0, loc="upper left", bbox_to_anchor=(left, below - (0.3 + 0.19 * rows) / height_in))
    foot = [words.source] + ([words.notice] if words.notice else [])
    fig.text(0.4 / width_in, 0.12 / height_in, "\n".join(textwrap.fill(line, 150) for line in foot), fontsize=6.8,
             color="#555555", va="bottom")
    return fig

