"""The tables of the infrastructure page, as a reader sees them: translated headers, values in the locale.

Built from the frames of geo.upgrades.records, so the page only draws them (and they can be tested without
Streamlit). Every value is plain text or a number: nothing here is HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from geo import reference
from geo.i18n import MISSING, fmt_date, fmt_datetime, fmt_number, fmt_percent, fmt_yes_no, has, local_time, t
from geo.upgrades.workflow import OVERALL_ORDER, SHARE_CLASSES, posts_by_share


def field_label(name: str, lang: str) -> str:
    """The label of an edited field (falls back to the column name for a field with no label)."""
    return t(f"infra.field.{name}", lang) if has(f"infra.field.{name}") else name


def value_text(name: str | None, value: object, lang: str) -> str:
    """A value as the user reads it: statuses translated, dates and amounts in the locale."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    if name == "status" and has(f"status.{value}"):
        return t(f"status.{value}", lang)
    if isinstance(value, dt.datetime):
        value = local_time(value).date()  # a stored time (UTC): the day it was in the region
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def problem_lines(problems: Mapping[str, str], lang: str,
                  params: Mapping[str, Mapping[str, object]] | None = None) -> list[str]:
    """'Field: message' for every broken rule of a refused save (`params`: a key's placeholders, by field)."""
    params = params or {}
    return [f"{field_label(name, lang)}: {t(key, lang, **params.get(name, {})) if has(key) else key}"
            for name, key in problems.items()]


def _yes_no(flag: object, lang: str) -> str:
    return fmt_yes_no(flag, lang)


def _country(iso3: str, lang: str) -> str:
    return reference.country_name(iso3, lang)


def ca4_crossings(crossings: pd.DataFrame) -> pd.DataFrame:
    """The crossings between two CA4 countries (the programme interconnects those)."""
    return crossings[crossings["country_a"].isin(reference.CA4) & crossings["country_b"].isin(reference.CA4)]


def programme_posts(exchange_posts: pd.DataFrame) -> pd.DataFrame:
    """The posts the programme upgrades (those with components)."""
    return exchange_posts[exchange_posts["has_components"]]


def headline_figures(summary: Mapping[str, float], posts: pd.DataFrame, crossings: pd.DataFrame,
                     lang: str) -> list[tuple[str, str]]:
    """(key, text) of the page's six headline figures, from upgrades.programme_summary, the programme's
    posts and the CA4 crossings (geo.upgrades.exchange.info_exchange)."""
    spent = summary["spent"] / summary["planned"] * 100 if summary["planned"] else None
    return [
        ("operational", f"{fmt_number(summary['operational'], lang)} / {fmt_number(summary['components'], lang)}"),
        ("progress", fmt_percent(summary["mean_progress"], lang)),
        ("overdue", fmt_number(summary["overdue"], lang)),
        ("spent", fmt_percent(spent, lang)),
        ("connected", f"{fmt_number(int(posts['national'].sum()), lang)} / {fmt_number(len(posts), lang)}"),
        ("interconnected",
         f"{fmt_number(int(crossings['interconnected'].sum()), lang)} / {fmt_number(len(crossings), lang)}"),
    ]


def status_counts_table(posts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Posts by overall status, every status listed (zero included), in the legend's order."""
    counts = posts["status"].value_counts()
    return pd.DataFrame({
        t("infra.map.status_counts", lang): [t(f"status.{s}", lang) for s in OVERALL_ORDER],
        t("infra.col.posts", lang): [int(counts.get(s, 0)) for s in OVERALL_ORDER],
    })


def share_counts_table(shares: Mapping[str, tuple[int, int]], programme: list[str], lang: str) -> pd.DataFrame:
    """Posts by the share of their components that are operational (geo.upgrades.workflow.posts_by_share), every
    class listed, in the share legend's order: what the map shows when it colours by that share."""
    counts = posts_by_share(dict(shares), programme)
    return pd.DataFrame({
        t("infra.map.share_counts", lang): [t(f"share.{key}", lang) for key in SHARE_CLASSES],
        t("infra.col.posts", lang): [counts[key] for key in SHARE_CLASSES],
    })


def overdue_table(components: pd.DataFrame, type_names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The overdue components (target passed, not operational), the most overdue first."""
    late = components[components["overdue"]].sort_values("days_overdue", ascending=False)
    return pd.DataFrame({
        t("infra.col.post", lang): late["post_name"],
        t("infra.col.country", lang): late["country_iso3"].map(lambda c: _country(c, lang)),
        t("infra.col.component", lang): late["component_code"].map(lambda c: type_names.get(c, c)),
        t("infra.field.status", lang): late["status"].map(lambda s: t(f"status.{s}", lang)),
        t("infra.field.progress", lang): late["progress"],
        t("infra.field.target_date", lang): late["target_date"].map(lambda d: fmt_date(d, lang)),
        t("infra.col.days_overdue", lang): late["days_overdue"],
        t("infra.field.agency", lang): late["agency"],
    })


def budget_group_names(budget: pd.DataFrame, by: str, type_names: Mapping[str, str], lang: str) -> list[str]:
    """The readable name of each group of a budget_execution frame."""
    if by == "country":
        return [_country(k, lang) for k in budget["key"]]
    if by == "component":
        return [type_names.get(k, k) for k in budget["key"]]
    return [k or t("infra.budget.no_project", lang) for k in budget["key"]]


def budget_table(budget: pd.DataFrame, names: list[str], by: str, lang: str) -> pd.DataFrame:
    """Budget planned / committed / spent per group with execution rates, and a total row."""
    totals = budget[["planned", "committed", "spent", "components"]].sum()
    planned = [*budget["planned"], totals["planned"]]
    committed = [*budget["committed"], totals["committed"]]
    spent = [*budget["spent"], totals["spent"]]

    def rate(part: list[float]) -> list[str]:
        return [fmt_percent(p / whole * 100 if whole else None, lang) for p, whole in zip(part, planned, strict=True)]

    return pd.DataFrame({
        t(f"infra.budget.by.{by}", lang): [*names, t("infra.budget.total", lang)],
        t("infra.budget.planned", lang): [fmt_number(v, lang) for v in planned],
        t("infra.budget.committed", lang): [fmt_number(v, lang) for v in committed],
        t("infra.budget.spent", lang): [fmt_number(v, lang) for v in spent],
        t("infra.budget.committed_rate", lang): rate(committed),
        t("infra.budget.spent_rate", lang): rate(spent),
        t("infra.budget.components", lang): [*budget["components"].astype(int), int(totals["components"])],
    })


def crossings_table(crossings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Crossings inside the CA4: interconnected ones first."""
    listed = crossings.sort_values(["interconnected", "regional_sides", "crossing_code"],
                                   ascending=[False, False, True])
    return pd.DataFrame({
        t("infra.col.crossing", lang): listed["name"],  # its sides are named beside it, in words
        t("infra.col.sides", lang): listed["country_a"].map(lambda c: _country(c, lang)) + " – "
        + listed["country_b"].map(lambda c: _country(c, lang)),
        t("infra.col.regional_sides", lang): listed["regional_sides"],
        t("infra.col.interconnected", lang): listed["interconnected"].map(lambda v: _yes_no(v, lang)),
    })


def national_links_table(posts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The programme's posts and whether each is connected to its national system."""
    return pd.DataFrame({
        t("infra.col.post", lang): posts["name"],
        t("infra.col.country", lang): posts["country_iso3"].map(lambda c: _country(c, lang)),
        t("infra.col.national", lang): posts["national"].map(lambda v: _yes_no(v, lang)),
        t("infra.col.national_status", lang): posts["national_status"].map(
            lambda s: t(f"status.{s}", lang) if isinstance(s, str) else MISSING),
    })


def changes_table(changes: pd.DataFrame, post_names: Mapping[str, str], type_names: Mapping[str, str],
                  lang: str) -> pd.DataFrame:
    """The audit log's changes to upgrades, for a briefing: who, when, what, old → new."""
    def action(a: str) -> str:
        return t(f"infra.action.{a}", lang) if has(f"infra.action.{a}") else a

    return pd.DataFrame({
        t("infra.col.when", lang): changes["at"].map(lambda at: fmt_datetime(at, lang)),
        t("infra.col.who", lang): changes["username"],
        t("infra.col.action", lang): changes["action"].map(action),
        t("infra.col.post", lang): changes["post_code"].map(lambda c: post_names.get(c, c) if c else MISSING),
        t("infra.col.component", lang): changes["component_code"].map(lambda c: type_names.get(c, c)),
        t("infra.col.field", lang): changes["field"].map(lambda f: field_label(f, lang) if f else MISSING),
        t("infra.col.old", lang): [value_text(f, v, lang) for f, v in zip(changes["field"], changes["old_value"],
                                                                           strict=True)],
        t("infra.col.new", lang): [value_text(f, v, lang) for f, v in zip(changes["field"], changes["new_value"],
                                                                           strict=True)],
    })


def stale_table(meanwhile: Mapping[str, tuple[object, object]], lang: str) -> pd.DataFrame:
    """What another coordinator changed since this one opened the record: field, seen, now."""
    items = list(meanwhile.items())
    return pd.DataFrame({
        t("infra.col.field", lang): [field_label(f, lang) for f, _ in items],
        t("infra.form.stale.seen", lang): [value_text(f, seen, lang) for f, (seen, _) in items],
        t("infra.form.stale.now", lang): [value_text(f, now, lang) for f, (_, now) in items],
    })


def catalogue_table(catalogue: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The component catalogue (admins extend it)."""
    return pd.DataFrame({
        t("infra.field.code", lang): catalogue["code"],
        t("infra.field.name_es", lang): catalogue["name_es"],
        t("infra.field.name_en", lang): catalogue["name_en"],
        t("infra.field.category", lang): catalogue["category"].map(
            lambda c: t(f"infra.category.{c}", lang) if has(f"infra.category.{c}") else c),
    })
