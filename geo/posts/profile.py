"""A post's profile as the map page shows it: display tables and figures built from geo.posts.queries.

Pure functions of DataFrames (no Streamlit, no database), labelled in the page's language. Text from data
(component and workshop names) stays plain text: the page draws these tables with st.table, which
escapes it and wraps long cells instead of scrolling sideways.
"""

from __future__ import annotations

import pandas as pd

from geo import reference
from geo.i18n import fmt_date, fmt_month, fmt_number, fmt_percent, t
from geo.i18n.names import names_column
from geo.posts.queries import CrossingsChange
from geo.upgrades.workflow import overall_status

MISSING = "—"  # an empty cell


def facts_table(identity: dict, lang: str) -> pd.DataFrame:
    """Field / value rows: country, type, crossing, neighbour, road, coordinates."""
    neighbour = identity.get("neighbour_iso3")
    facts = {
        t("panel.country", lang): reference.country_name(identity["country_iso3"], lang),
        t("panel.type", lang): t(f"post_type.{identity['type']}", lang),
        t("panel.crossing", lang): identity.get("crossing_code") or MISSING,
        t("panel.neighbour", lang): reference.country_name(neighbour, lang) if neighbour else MISSING,
        t("panel.road", lang): identity.get("road") or MISSING,
        t("panel.coords", lang): f"{fmt_number(identity['lat'], lang, 4)}, {fmt_number(identity['lon'], lang, 4)}",
    }
    return pd.DataFrame({t("panel.field", lang): list(facts), t("panel.value", lang): list(facts.values())})


def components_table(components: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per component in three columns that fit a side panel: name; status with progress
    ("Instalación · 60 %"); its date (completed on, else its target). All text."""
    name = names_column(components, lang, "component_type", "component_code").astype(str)
    status = [t(f"status.{s}", lang) + ("" if pd.isna(p) else " · " + fmt_percent(float(p), lang))
              for s, p in zip(components["status"], components["progress"], strict=True)]
    dates = [t("panel.dates.done", lang, date=_date(done, lang)) if _date(done, lang) != MISSING
             else t("panel.dates.target", lang, date=_date(target, lang))
             for target, done in zip(components["target_date"], components["completion_date"], strict=True)]
    return pd.DataFrame({t("panel.component", lang): name.tolist(), t("filter.status", lang): status,
                         t("panel.dates.title", lang): dates})


def workshops_table(workshops: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("panel.workshop", lang): workshops["title"].astype(str),
        t("panel.date", lang): workshops["start_date"].map(lambda d: _date(d, lang)),
        t("panel.venue", lang): workshops["venue_name"].fillna(MISSING).astype(str),
    }).reset_index(drop=True)


def status_line(components: pd.DataFrame, lang: str) -> str:
    """The post's infrastructure in one line, at the top of its profile: its overall status (THE rule,
    geo.upgrades.workflow.overall_status, as the map colours it) and how many of its components are operational."""
    statuses = components["status"].tolist() if len(components) else []
    if not statuses:
        return t("status.none", lang)
    return t("panel.status.line", lang, status=t(f"status.{overall_status(statuses)}", lang),
             n=fmt_number(statuses.count("operational"), lang), total=fmt_number(len(statuses), lang))


def crossings_figures(change: CrossingsChange, lang: str) -> dict[str, str | None]:
    """The profile's headline: persons over the last 12 months, the change against the 12 before (None
    when not comparable) and the period in words."""
    pct = change.change_pct
    delta = None if pct is None else ("+" if pct >= 0 else "") + fmt_percent(pct, lang, 1)
    period = (t("panel.period", lang, start=fmt_month(change.first_month, lang), end=fmt_month(change.last_month, lang))
              if change.first_month else "")
    return {"value": fmt_number(change.last, lang), "delta": delta, "period": period,
            "previous": None if change.previous is None else fmt_number(change.previous, lang)}


def _date(value: object, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else fmt_date(pd.Timestamp(value).date(), lang)
