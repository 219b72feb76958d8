"""The programme's projects: the portfolio, benefiting member states (a choropleth on the wide frame),
components, and the upgrades and workshops linked to each project.

The projects are real records (geo.programme.catalogue); the upgrades and workshops linked to them are sample data.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pydeck as pdk
from sqlalchemy import Engine, func, select

from geo import reference
from geo.i18n import MISSING, fmt_money, fmt_number, t
from geo.i18n.names import names_column
from geo.map_text import text_layer
from geo.maps import PAN_ONLY, SEA
from geo.models import PostComponent, Project, ProjectComponent, ProjectCountry, Workshop
from geo.programme.catalogue import PROJECTS

# The wide frame: Mexico to the Dominican Republic and Panama.
WIDE_VIEW = {"longitude": -85.5, "latitude": 16.0, "zoom": 3.75, "pitch": 0, "bearing": 0}
WIDE_BOUNDS = (-118.5, 5.0, -59.8, 33.0)
BENEFIT_FILL = (86, 180, 233)  # Okabe-Ito sky blue: benefiting from one project
BENEFIT_BOTH_FILL = (0, 68, 120)  # benefiting from more than one of the shown projects
OTHER_FILL = (228, 228, 222)
_FLOORS = {p.code: p.budget_is_floor for p in PROJECTS}


def portfolio(engine: Engine) -> pd.DataFrame:
    """One row per project: the record, its benefiting countries (iso3 list), component, upgrade and
    workshop counts, and whether its budget is a stated floor."""
    upgrades = (select(PostComponent.project_id, func.count().label("upgrades"))
                .group_by(PostComponent.project_id).subquery())
    workshops = (select(Workshop.project_id, func.count().label("workshops"))
                 .group_by(Workshop.project_id).subquery())
    components = (select(ProjectComponent.project_id, func.count().label("components"))
                  .group_by(ProjectComponent.project_id).subquery())
    query = (
        select(Project.id, Project.code, Project.title_en, Project.title_es, Project.start_date, Project.end_date,
               Project.status, Project.project_type, Project.donor, Project.budget, Project.currency,
               Project.scope, Project.is_sample,
               func.coalesce(components.c.components, 0).label("components"),
               func.coalesce(upgrades.c.upgrades, 0).label("upgrades"),
               func.coalesce(workshops.c.workshops, 0).label("workshops"))
        .outerjoin(components, components.c.project_id == Project.id)
        .outerjoin(upgrades, upgrades.c.project_id == Project.id)
        .outerjoin(workshops, workshops.c.project_id == Project.id)
        .order_by(Project.start_date.is_(None), Project.start_date, Project.code)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
        links = pd.read_sql(select(ProjectCountry.project_id, ProjectCountry.iso3)
                            .order_by(ProjectCountry.project_id, ProjectCountry.iso3), conn)
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date.where(frame[column].notna(), None)
    frame["budget"] = frame["budget"].astype(float)
    for column in ("components", "upgrades", "workshops"):
        frame[column] = frame[column].astype("int64")
    by_project = links.groupby("project_id")["iso3"].agg(list)
    frame["countries"] = frame["id"].map(by_project).map(lambda v: v if isinstance(v, list) else [])
    frame["budget_is_floor"] = frame["code"].map(_FLOORS).fillna(False).astype(bool)
    return frame


def components(engine: Engine, codes: tuple[str, ...] = ()) -> pd.DataFrame:
    """project_code, component_code ("Q36-805.2": its place in the project's list, what a catalog's
    translation is keyed by), name_en, name_es of each project's components."""
    query = (select(Project.code.label("project_code"), ProjectComponent.name_en, ProjectComponent.name_es)
             .join(Project, Project.id == ProjectComponent.project_id)
             .order_by(Project.code, ProjectComponent.id))
    if codes:
        query = query.where(Project.code.in_(codes))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    position = frame.groupby("project_code").cumcount() + 1
    frame.insert(1, "component_code", frame["project_code"] + "." + position.astype(str))
    return frame


def component_names(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Project components' names in the language (geo.i18n.names' rule)."""
    return names_column(frame, lang, "project_component", "component_code")


def budget_text(budget: float | None, currency: str, is_floor: bool, lang: str) -> str:
    """'USD 81,500' / 'más de EUR 1,000,000' (a floor is said as such, never as an exact amount)."""
    if budget is None or budget != budget:
        return MISSING
    amount = fmt_money(budget, lang, currency)
    return t("proj.budget_over", lang, amount=amount) if is_floor else amount


def period_text(start, end, lang: str) -> str:
    if start is None and end is None:
        return t("proj.period_unknown", lang)
    first = str(start.year) if start is not None else "…"
    last = str(end.year) if end is not None else "…"
    return first if first == last else f"{first}–{last}"


def portfolio_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The portfolio with translated headers and values, ready to display or put in a brief."""
    return pd.DataFrame({
        t("proj.col.code", lang): frame["code"],
        t("proj.col.title", lang): names_column(frame, lang, "project", "code", field="title"),
        t("proj.col.period", lang): [period_text(s, e, lang) for s, e in zip(frame["start_date"], frame["end_date"],
                                                                               strict=True)],
        t("proj.col.status", lang): frame["status"].map(lambda s: t(f"proj.status.{s}", lang)),
        t("proj.col.type", lang): frame["project_type"].fillna(MISSING),
        t("proj.col.donor", lang): [donor_name(d, lang) for d in frame["donor"]],
        t("proj.col.budget", lang): [budget_text(b, c, f, lang) for b, c, f in
                                     zip(frame["budget"], frame["currency"], frame["budget_is_floor"], strict=True)],
        t("proj.col.scope", lang): [t(f"proj.scope.{s}", lang) if isinstance(s, str) and s else MISSING
                                    for s in frame["scope"]],
        t("proj.col.countries", lang): frame["countries"].map(
            lambda cs: ", ".join(sorted(reference.country_name(c, lang) for c in cs))),
        t("proj.col.upgrades", lang): frame["upgrades"].map(lambda n: fmt_number(n, lang)),
        t("proj.col.workshops", lang): frame["workshops"].map(lambda n: fmt_number(n, lang)),
    })


def donor_name(donor: str | None, lang: str) -> str:
    if not isinstance(donor, str) or not donor:
        return t("proj.donor_unstated", lang)
    return t("proj.donor.eu", lang) if donor == "European Union" else donor


# ---------------------------------------------------------------------------------------- choropleth
def benefit_frame(frame: pd.DataFrame, codes: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """The wide frame's countries with `projects` (how many of the chosen projects benefit each) and
    `codes` (their codes, comma separated). All projects when `codes` is empty."""
    chosen = frame if not codes else frame[frame["code"].isin(codes)]
    members: dict[str, list[str]] = {}
    for code, countries in zip(chosen["code"], chosen["countries"], strict=True):
        for iso3 in countries:
            members.setdefault(iso3, []).append(code)
    wide = reference.countries_wide()
    wide["projects"] = wide["iso3"].map(lambda c: len(members.get(c, []))).astype("int64")
    wide["codes"] = wide["iso3"].map(lambda c: ", ".join(sorted(members.get(c, []))))
    return wide


def benefit_colour(projects: int) -> list[int]:
    if projects <= 0:
        return [*OTHER_FILL, 255]
    return [*(BENEFIT_BOTH_FILL if projects > 1 else BENEFIT_FILL), 220]


FIT_PADDING_PX = 60.0  # room for "REPÚBLICA DOMINICANA", centred on a country at the frame's eastern edge


def fit_bounds() -> tuple[float, float, float, float]:
    """What the projects map must show, as its caption promises: Mexico to the Dominican Republic (and Panama)."""
    frame = reference.countries_wide()
    shown = frame[frame["iso3"].isin(["MEX", "DOM", "PAN", *reference.CA4])]
    minx, miny, maxx, maxy = shown.total_bounds
    return float(minx), float(miny), float(maxx), float(maxy)


def choropleth_deck(wide: gpd.GeoDataFrame, lang: str, view: dict | None = None) -> pdk.Deck:
    """Benefiting member states on the wide frame, drawn offline (no basemap), at `view` (the page's, fitted to
    fit_bounds: views.map_fit). Tooltip by placeholders."""
    data = wide.copy()
    data["name"] = names_column(data, lang, "country", "iso3")
    data["colour"] = data["projects"].map(benefit_colour)
    data["projects_label"] = data["codes"].where(data["codes"] != "", t("proj.map.none", lang))
    geojson = json.loads(data[["iso3", "name", "colour", "projects_label", "geometry"]].to_json())
    minx, miny, maxx, maxy = WIDE_BOUNDS
    minx, miny, maxx, maxy = minx - 60, miny - 40, maxx + 60, maxy + 40  # sea under any fitted view, a phone's too
    sea = pdk.Layer(
        "PolygonLayer", id="sea", get_polygon="polygon", get_fill_color=SEA, stroked=False, pickable=False,
        data=[{"polygon": [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]]}],
    )
    countries = pdk.Layer(
        "GeoJsonLayer", data=geojson, id="benefiting", stroked=True, filled=True,
        get_fill_color="properties.colour", get_line_color=[110, 110, 110], line_width_min_pixels=0.6,
        pickable=True, auto_highlight=True,
    )
    labels = label_points(data[~data["iso3"].isin(_UNLABELLED)])
    text = text_layer("labels", labels, size_px=12, colour=[20, 20, 20])
    tooltip = {
        "html": f"<b>{{name}}</b><br/>{t('proj.map.tooltip', lang)}: {{projects_label}}",
        "style": {"backgroundColor": "#13263A", "color": "white", "fontSize": "13px"},
    }
    return pdk.Deck(layers=[sea, countries, text], initial_view_state=pdk.ViewState(**(view or WIDE_VIEW)),
                    tooltip=tooltip, map_provider=None, views=[pdk.View(type="MapView", controller=PAN_ONLY)])


# Too small to label at this zoom (their tooltip names them).
_UNLABELLED = {"SLV", "BLZ", "JAM", "PRI", "HTI", "BHS"}
# Label positions on land for small or clipped shapes at this zoom (lon, lat).
_LABEL_AT = {"MEX": (-102.0, 23.5), "USA": (-100.0, 31.5), "CRI": (-84.2, 10.0), "PAN": (-80.4, 8.5),
             "SLV": (-88.9, 13.75), "BLZ": (-88.7, 17.2), "DOM": (-70.6, 18.9), "COL": (-73.5, 7.0),
             "VEN": (-66.0, 7.5)}


def label_points(data: pd.DataFrame) -> pd.DataFrame:
    """Country labels: name upper-case, on a representative point (nudged where the frame clips)."""
    points = gpd.GeoSeries(data.geometry).representative_point()
    frame = pd.DataFrame({"iso3": data["iso3"], "label": data["name"].str.upper(), "lon": points.x,
                          "lat": points.y})
    for iso3, (lon, lat) in _LABEL_AT.items():
        frame.loc[frame["iso3"] == iso3, ["lon", "lat"]] = (lon, lat)
    return frame.reset_index(drop=True)


def project_facts(row: pd.Series, lang: str) -> dict[str, str]:
    """Field -> value for one project's card."""
    return {
        t("proj.col.code", lang): row["code"],
        t("proj.col.period", lang): period_text(row["start_date"], row["end_date"], lang),
        t("proj.col.status", lang): t(f"proj.status.{row['status']}", lang),
        t("proj.col.type", lang): row["project_type"] or MISSING,
        t("proj.col.donor", lang): donor_name(row["donor"], lang),
        t("proj.col.budget", lang): budget_text(row["budget"], row["currency"], bool(row["budget_is_floor"]), lang),
        t("proj.col.scope", lang): t(f"proj.scope.{row['scope']}", lang) if row["scope"] else MISSING,
    }
