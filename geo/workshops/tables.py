"""The tables of the workshops page, as a reader sees them: translated headers, values in the locale.

Built from a CoverageReport (geo.workshops.coverage), so the page only draws them and they can be tested without
Streamlit. Every value is plain text or a number: nothing here is HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from geo import reference
from geo.i18n import MISSING, fmt_date, fmt_number, fmt_value, fmt_yes_no, has, t
from geo.map_text import post_display_names
from geo.models import WORKSHOP_SCOPES
from geo.workshops.coverage import CoverageReport, next_reason

# Columns drawn as progress bars (the page gives them a ProgressColumn).
# Dates stay dates (so a column sorts by time); the page shows them day first: DATE_FORMAT for st.column_config.
DATE_FORMAT = "DD/MM/YYYY"
DATE_KEYS = ("ws.col.start", "ws.col.end")
PERCENT_KEYS = ("ws.col.covered_pct", "ws.col.reached_pct", "ws.col.line_reached_pct")


def _country(iso3: str, lang: str) -> str:
    return reference.country_name(iso3, lang)


def pair_name(pair: str, lang: str) -> str:
    """'GTM-SLV' → 'Guatemala – El Salvador'."""
    return " – ".join(_country(c, lang) for c in pair.split("-"))


def _segment(pair: object, lang: str) -> str:
    """A border segment as people read it (country names), or the dash when there is none."""
    return pair_name(pair, lang) if isinstance(pair, str) and pair else MISSING


def _yes_no(flag: object, lang: str) -> str:
    return fmt_yes_no(flag, lang)


def field_label(name: str, lang: str) -> str:
    return t(f"ws.field.{name}", lang) if has(f"ws.field.{name}") else name


def problem_lines(problems: Mapping[str, str], lang: str,
                  params: Mapping[str, Mapping[str, object]] | None = None) -> list[str]:
    """'Field: message' for every broken rule of a refused save (`params`: a key's placeholders, by field)."""
    params = params or {}

    def worded(values: Mapping[str, object]) -> dict[str, object]:  # a country named in the reader's language
        return {k: v.text(lang) if callable(getattr(v, "text", None)) else v for k, v in values.items()}

    return [f"{field_label(name, lang)}: {t(key, lang, **worded(params.get(name, {}))) if has(key) else key}"
            for name, key in problems.items()]


def uncovered_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    """Posts whose staff no workshop of the period trained, by country."""
    posts = report.posts
    uncovered = posts[~posts["covered"]].sort_values(["country_iso3", "code"])
    return pd.DataFrame({
        t("ws.col.post", lang): post_display_names(uncovered, lang, among=posts["name"]),  # names, not codes
        t("ws.col.country", lang): uncovered["country_iso3"].map(lambda c: _country(c, lang)),
        t("ws.col.segment", lang): uncovered["segment"].map(lambda p: _segment(p, lang)),
        t("ws.col.in_reach", lang): uncovered["reached"].map(lambda v: _yes_no(v, lang)),
        t("ws.col.nearest_km", lang): (uncovered["nearest_m"] / 1000).round(1),
    })


def by_country_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    bc = report.by_country
    return pd.DataFrame({
        t("ws.col.country", lang): bc["country_iso3"].map(lambda c: _country(c, lang)),
        t("ws.col.posts", lang): bc["posts"], t("ws.col.covered", lang): bc["covered"],
        t("ws.col.covered_pct", lang): bc["covered_pct"], t("ws.col.reached", lang): bc["reached"],
        t("ws.col.reached_pct", lang): bc["reached_pct"],
    })


def by_agency_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    ba = report.by_agency
    return pd.DataFrame({
        t("ws.col.agency", lang): ba["agency"].map(lambda a: t(f"agency.{a}", lang)),
        t("ws.col.participants", lang): ba["participants"], t("ws.col.covered", lang): ba["covered"],
        t("ws.col.covered_pct", lang): ba["covered_pct"],
    })


def by_segment_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    bs = report.by_segment
    return pd.DataFrame({
        t("ws.col.segment", lang): bs["pair"].map(lambda p: pair_name(p, lang)),
        t("ws.col.posts", lang): bs["posts"], t("ws.col.covered", lang): bs["covered"],
        t("ws.col.covered_pct", lang): bs["covered_pct"], t("ws.col.reached", lang): bs["reached"],
        t("ws.col.line_km", lang): bs["line_km"], t("ws.col.line_reached_pct", lang): bs["line_reached_pct"],
        t("ws.col.uncovered", lang): bs["uncovered"].map(", ".join),
    })


def pairs_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    pm = report.pairs
    return pd.DataFrame({
        t("ws.col.segment", lang): pm["pair"].map(lambda p: _segment(p, lang)),
        t("ws.col.workshops", lang): pm["workshops"],
        t("ws.col.participants", lang): pm["participants"],
        t("ws.col.last", lang): pm["last_end"].map(lambda d: fmt_date(d, lang) if isinstance(d, dt.date) else MISSING),
    })


def where_next_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    """The ranking of uncovered border segments, each with its suggested venue and the reason."""
    nxt = report.where_next
    return pd.DataFrame({
        "#": nxt["rank"].astype(str),
        t("ws.col.segment", lang): nxt["pair"].map(lambda p: pair_name(p, lang)),
        t("ws.col.uncovered", lang): nxt["uncovered_posts"].astype(str),
        t("ws.col.flow", lang): nxt["flow"].map(lambda v: fmt_number(v, lang)),
        t("ws.col.score", lang): nxt["score"].map(lambda v: fmt_number(v, lang, 2)),
        t("ws.col.venue", lang): nxt["venue_name"].fillna(MISSING) + " ("
        + nxt["venue_country_iso3"].map(lambda c: _country(c, lang) if isinstance(c, str) else MISSING) + ")",
        t("ws.col.reason", lang): [next_reason(r, lang) for r in nxt.to_dict("records")],
    }).set_index("#")


def workshops_table(report: CoverageReport, lang: str) -> pd.DataFrame:
    """Every workshop of the period, with its participants and the posts it covered."""
    table = report.workshops
    scope_label = {s: t(f"ws.scope.{s}", lang) for s in WORKSHOP_SCOPES}
    return pd.DataFrame({
        t("ws.col.code", lang): table["code"],
        t("ws.col.title", lang): table["title"],
        t("ws.col.topic", lang): table["topic"],
        t("ws.col.start", lang): table["start_date"],
        t("ws.col.end", lang): table["end_date"],
        t("ws.col.venue", lang): table["venue_name"],
        t("ws.col.country", lang): table["venue_country_iso3"].map(lambda c: _country(c, lang) if c else MISSING),
        t("ws.col.scope", lang): table["scope"].map(scope_label),
        t("ws.col.segment", lang): table["pair"].map(lambda p: _segment(p, lang)),
        t("ws.col.participants", lang): table["participants"],
        t("ws.col.women", lang): table["women"],
        t("ws.col.posts", lang): table["posts"],
        t("ws.col.sample", lang): table["is_sample"].map(lambda v: _yes_no(v, lang)),
    })


def stale_table(meanwhile: Mapping[str, tuple[object, object]], lang: str) -> pd.DataFrame:
    """What another coordinator changed since this one opened the workshop: field, seen, now."""
    items = list(meanwhile.items())
    return pd.DataFrame({
        t("ws.form.stale.field", lang): [field_label(f, lang) for f, _ in items],
        t("ws.form.stale.seen", lang): [fmt_value(seen, lang) for _, (seen, _) in items],
        t("ws.form.stale.now", lang): [fmt_value(now, lang) for _, (_, now) in items],
    })
