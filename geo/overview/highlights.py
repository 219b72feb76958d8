"""What changed this month: highlights found in the data, ranked, each as data (kind, subject, figures,
comparison, link). geo.overview.highlight_text words them in Spanish or English.

THE seasonal rule (one sentence, also in the README): a month's count at a post (or country, direction,
nationality) is compared with the same calendar month in up to three past years (their median), and the
month is flagged as a surge or a drop only when that year-on-year ratio departs from the series' own usual
year-on-year ratio (median of the previous 24 months' ratios) by more than K_MAD = 3 robust standard
deviations (1.4826 × MAD of those log ratios) AND the count is at least 50 % above, or a third below, what
the usual ratio predicts AND differs from it by at least MIN_CHANGE persons. A peak that repeats every year
(December) cancels out in the year-on-year ratio, so it is never flagged. "Too little history": fewer than
MIN_RATIOS (12) past year-on-year ratios, i.e. under about two years of data; such a series is never flagged.

Flows are read through geo.flows.queries (its month roll-ups, never the raw rows): four small GROUP BYs over
five years of months, whatever the size of flow_counts. Assisted returns and unaccompanied minors are
carried only as published values (geo.disclosure: '<5' for a published 0, None for a month with no record),
so no output of this module, JSON included, holds an exact count of vulnerable people.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, select

from geo import disclosure, periods
from geo.flows import queries as flows
from geo.map_text import one_place_crossings
from geo.models import RETURN_CATEGORIES, AuditEntry, Post
from geo.overview.figures import workshops_involving
from geo.periods import add_months, last_day, month_param, month_start, months_between
from geo.programme import returns as rt
from geo.scope import programme_countries
from geo.upgrades import records as up
from geo.workshops import coverage
from geo.workshops import queries as wq

K_MAD = 3.0  # robust standard deviations a month must stand out by
MAD_SCALE = 1.4826  # MAD × 1.4826 estimates the standard deviation of normal data
SURGE_RATIO, DROP_RATIO = 1.5, 2 / 3  # at least 50 % above / a third below the expected count
MIN_CHANGE = 200  # persons: a jump from 10 to 40 is not news
MIN_RATIOS = 12  # past year-on-year ratios needed ("too little history" below that)
REFERENCE_MONTHS = 24  # months whose year-on-year ratios make the series' usual ratio
PAST_YEARS = 3  # same calendar month in up to this many past years
USUALLY_REPORTS = (5, 6)  # a post "usually reports": it reported in at least 5 of the previous 6 months
SHOWN = 6  # highlights on the overview, the first slide, the brief and the CLI (3 to 6)
HISTORY_MONTHS = REFERENCE_MONTHS + 12 * PAST_YEARS  # months read before the chosen one

# Topics in the order a reader meets them, and how many highlights each may take in the shown list.
TOPIC_CAPS = {"flows": 3, "total": 1, "quality": 1, "mirror": 1, "upgrades": 2, "returns": 1, "minors": 1,
              "workshops": 1, "where_next": 1}


@dataclass(frozen=True)
class Highlight:
    """One finding. `figures` and `comparison` are language-free (numbers, ISO codes, ISO months); any
    small count in them is already the public token '<5' or 'x'. `link` is a relative URL (no language)
    of the view that proves it."""

    kind: str
    topic: str
    subject: str
    figures: dict[str, Any]
    comparison: dict[str, Any]
    link: str
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Scope:
    """The overview's scope: CA4 countries of the posts (empty: all four) and optional flow filters."""

    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()

    @property
    def ca4(self) -> tuple[str, ...]:
        return programme_countries(self.countries)  # THE scope rule (geo.scope)


@dataclass
class Highlights:
    month: dt.date
    scope: Scope
    items: list[Highlight] = field(default_factory=list)  # every finding, ranked

    def shown(self, limit: int = SHOWN) -> list[Highlight]:
        """The ranked list cut to `limit`, at most TOPIC_CAPS[topic] per topic so one topic cannot fill it; both
        sides of one crossing flagged alike are one line (one_place)."""
        taken: dict[str, int] = {}
        out = []
        for item in one_place(self.items):
            if taken.get(item.topic, 0) < TOPIC_CAPS.get(item.topic, 1):
                taken[item.topic] = taken.get(item.topic, 0) + 1
                out.append(item)
            if len(out) == limit:
                break
        return out


def _both_sides(sides: list[Highlight]) -> Highlight:
    """One finding for both sides of a crossing: the crossings recorded at its posts summed (as the month's
    total sums every post), what the rule expected summed, and the first (higher-ranked) side's link and rank."""
    first = sides[0]
    f, c = first.figures, first.comparison
    count = sum(int(s.figures["count"]) for s in sides)
    expected = sum(int(s.figures["expected"]) for s in sides)
    by_code = sorted(sides, key=lambda s: s.subject)
    ratio = round(count / expected, 2) if expected else f["ratio"]
    figures = {**f, "count": count, "expected": expected, "ratio": ratio,
               "posts": [s.subject for s in by_code], "countries": [s.figures.get("country") for s in by_code]}
    comparison = {**c, "previous": sum(int(s.comparison["previous"]) for s in sides),
                  "year_ago": sum(int(s.comparison["year_ago"]) for s in sides),
                  "z": max(float(s.comparison["z"]) for s in sides),
                  "ratios": min(int(s.comparison["ratios"]) for s in sides)}
    return Highlight(first.kind, first.topic, first.subject, figures, comparison, first.link, first.score)


def one_place(items: list[Highlight]) -> list[Highlight]:
    """The findings with both sides of one crossing (geo.map_text.one_place_crossings: one name on both sides)
    flagged alike merged into one, at the higher-ranked side's place; `items` themselves stay one per post
    (an alert follows a post)."""
    sides: dict[tuple[str, str], list[Highlight]] = {}
    for item in items:
        crossing = item.figures.get("crossing") if item.kind.endswith(".post") else None
        if crossing:
            sides.setdefault((item.kind, crossing), []).append(item)
    out = []
    for item in items:
        crossing = item.figures.get("crossing") if item.kind.endswith(".post") else None
        group = sides.get((item.kind, crossing), []) if crossing else []
        if len(group) < 2:
            out.append(item)
        elif group[0] is item:
            out.append(_both_sides(group))
    return out


# ------------------------------------------------------------------------------------------ months
def months_with_flows(engine: Engine, scope: Scope = Scope()) -> list[dt.date]:
    """Months holding flow counts in scope (a handful of rows from the month roll-up)."""
    span = flows.month_range(engine)
    if span is None:
        return []
    frame = flows.aggregate(engine, _filters(scope, *span), ("month",))
    return sorted(pd.to_datetime(frame.loc[frame["count"] > 0, "month"]).dt.date)


def default_month(engine: Engine, scope: Scope = Scope(), today: dt.date | None = None) -> dt.date | None:
    """The last complete month with data: the last month with flows that ended before today."""
    current = month_start(today or periods.today())
    months = [m for m in months_with_flows(engine, scope) if m < current]
    return months[-1] if months else None



def month_for_period(engine: Engine, last: dt.date, scope: Scope = Scope(),
                     today: dt.date | None = None) -> dt.date | None:
    """The month the overview's highlights speak of: the last month of its period when that month is
    complete and holds data, else the last complete month with data (so the CLI's default agrees)."""
    current, last = month_start(today or periods.today()), month_start(last)
    if last < current and last in months_with_flows(engine, scope):
        return last
    return default_month(engine, scope, today)

# ------------------------------------------------------------------------------------------ the rule
def seasonal_table(pivot: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """The seasonal rule on every row of `pivot` (rows: subjects; columns: consecutive months, ending at
    `month`; values: counts, NaN or 0 when nothing was reported). One row per subject: count, previous,
    year_ago, expected, ratio (count / expected), z, ratios (history used), flag ('surge', 'drop' or '')."""
    months = list(pivot.columns)
    values = pivot.to_numpy(dtype=float)
    values = np.where(values > 0, values, np.nan)  # a month with nothing reported has no ratio
    n_rows, n_months = values.shape
    end = months.index(month)
    # Median of the same calendar month in up to PAST_YEARS earlier years, for every month at once.
    lagged = np.full((PAST_YEARS, n_rows, n_months), np.nan)
    for k in range(1, PAST_YEARS + 1):
        if 12 * k < n_months:
            lagged[k - 1, :, 12 * k:] = values[:, : n_months - 12 * k]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: no past year, no ratio
        past = np.nanmedian(lagged, axis=0)
        log_ratio = np.log(values / past)
    reference_window = log_ratio[:, max(0, end - REFERENCE_MONTHS): end]
    n_ratios = np.isfinite(reference_window).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        usual = np.nanmedian(reference_window, axis=1)
        mad = np.nanmedian(np.abs(reference_window - usual[:, None]), axis=1)
    sigma = np.maximum(MAD_SCALE * mad, 1e-9)
    count = np.nan_to_num(values[:, end])
    expected = past[:, end] * np.exp(usual)
    with np.errstate(all="ignore"):
        z = (log_ratio[:, end] - usual) / sigma
        ratio = count / expected
    enough = n_ratios >= MIN_RATIOS
    big = np.abs(count - np.nan_to_num(expected)) >= MIN_CHANGE
    stands_out = np.abs(np.nan_to_num(z)) > K_MAD
    surge = enough & big & stands_out & (np.nan_to_num(ratio) >= SURGE_RATIO)
    drop = enough & big & stands_out & (np.nan_to_num(ratio, nan=1.0) <= DROP_RATIO) & (count > 0)
    frame = pd.DataFrame({
        "subject": pivot.index, "count": count.astype("int64"),
        "previous": np.nan_to_num(values[:, end - 1]).astype("int64") if end >= 1 else 0,
        "year_ago": np.nan_to_num(values[:, end - 12]).astype("int64") if end >= 12 else 0,
        "expected": expected, "ratio": ratio, "z": z, "ratios": n_ratios,
        "flag": np.where(surge, "surge", np.where(drop, "drop", "")),
    })
    return frame.reset_index(drop=True)


def silent_posts(pivot: pd.DataFrame, month: dt.date) -> list[str]:
    """Posts with nothing reported in `month` that reported in at least USUALLY_REPORTS[0] of the
    previous USUALLY_REPORTS[1] months."""
    months = list(pivot.columns)
    end = months.index(month)
    need, window = USUALLY_REPORTS
    if end < window:
        return []
    values = pivot.to_numpy(dtype=float)
    reported = (np.nan_to_num(values[:, end - window: end]) > 0).sum(axis=1)
    silent = (np.nan_to_num(values[:, end]) <= 0) & (reported >= need)
    return [str(s) for s in pivot.index[silent]]


# ------------------------------------------------------------------------------------------ finders
def _filters(scope: Scope, start: dt.date, end: dt.date) -> flows.FlowFilters:
    return flows.FlowFilters(start=start, end=end, countries=scope.ca4, types=scope.types,
                             directions=scope.directions, nationalities=scope.nationalities)


def _pivot(frame: pd.DataFrame, key: str, months: list[dt.date], value: str = "count") -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=months, dtype=float)
    frame = frame.assign(month=pd.to_datetime(frame["month"]).dt.date)
    table = frame.pivot_table(index=key, columns="month", values=value, aggfunc="sum", fill_value=0)
    return table.reindex(columns=months, fill_value=0).sort_index()


def _link(path: str, **params: str | None) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return f"/{path}" + (f"?{query}" if query else "")


def _scope_countries(scope: Scope) -> str | None:
    return ",".join(scope.countries) if scope.countries else None


def post_seasonal_table(engine: Engine, month: dt.date, scope: Scope = Scope()) -> pd.DataFrame:
    """THE seasonal rule's table (seasonal_table) for every post in scope, by post code: the count, what the
    rule expects and the history it had, as the highlights read them (geo.alerts' threshold rules compare
    with it)."""
    first = add_months(month, -HISTORY_MONTHS)
    by_post = flows.aggregate(engine, _filters(scope, first, month), ("month", "post_code"))
    return seasonal_table(_pivot(by_post, "post_code", months_between(first, month)), month)


def _flow_items(engine: Engine, month: dt.date, scope: Scope) -> list[Highlight]:
    """Surges and drops (posts, then countries, directions, nationalities), the month's total, silent posts."""
    first = add_months(month, -HISTORY_MONTHS)
    months = months_between(first, month)
    filters = _filters(scope, first, month)
    by_post = flows.aggregate(engine, filters, ("month", "post_code", "post_name", "post_country"))
    names = dict(zip(by_post["post_code"], by_post["post_name"], strict=False))
    countries = dict(zip(by_post["post_code"], by_post["post_country"], strict=False))
    with engine.connect() as conn:
        posts = pd.DataFrame(conn.execute(select(Post.code, Post.name, Post.type, Post.crossing_code)).all(),
                             columns=["code", "name", "type", "crossing_code"])
    places = one_place_crossings(posts).set_axis(posts["code"]).dropna().to_dict()
    since, to = month_param(add_months(month, -12)), month_param(month)
    items: list[Highlight] = []
    groups = [("post", _pivot(by_post, "post_code", months))]
    for dimension, column in (("country", "post_country"), ("direction", "direction"),
                              ("nationality", "nationality")):
        frame = by_post if dimension == "country" else flows.aggregate(engine, filters, ("month", column))
        groups.append((dimension, _pivot(frame, column, months)))
    for dimension, pivot in groups:
        if pivot.empty:
            continue
        table = seasonal_table(pivot, month)
        for row in table[table["flag"] != ""].itertuples():
            subject = str(row.subject)
            link = {
                "post": _link("map", post=subject),
                "country": _link("flows", country=subject, **{"from": since, "to": to}),
                "direction": _link("flows", country=_scope_countries(scope), dir=subject, **{"from": since, "to": to}),
                "nationality": _link("flows", country=_scope_countries(scope), nat=subject,
                                     **{"from": since, "to": to}),
            }[dimension]
            figures = {"month": to, "count": int(row.count), "expected": round(row.expected),
                       "ratio": round(float(row.ratio), 2)}
            if dimension == "post":
                figures.update(name=names.get(subject, subject), country=countries.get(subject))
                if subject in places:  # both sides of one crossing flagged alike read as one line (one_place)
                    figures["crossing"] = places[subject]
            comparison = {"previous_month": month_param(add_months(month, -1)), "previous": int(row.previous),
                          "year_ago_month": since, "year_ago": int(row.year_ago), "z": round(float(row.z), 1),
                          "ratios": int(row.ratios), "rule": "yoy-median-mad"}
            # Posts first (the most specific finding), then the size of the departure, in log terms.
            weight = 2.0 if dimension == "post" else 1.0
            items.append(Highlight(f"flow_{row.flag}.{dimension}", "flows", subject, figures, comparison, link,
                                   score=100.0 * weight + abs(float(np.log(max(row.ratio, 1e-6))))))
    items.sort(key=lambda h: -h.score)

    # The month's total with its two comparisons: the context every reader expects.
    totals = flows.aggregate(engine, _filters(scope, add_months(month, -12), month), ("month", "direction"))
    totals["month"] = pd.to_datetime(totals["month"]).dt.date

    def total(m: dt.date, direction: str | None = None) -> int:
        part = totals[totals["month"] == m]
        return int(part.loc[part["direction"] == direction, "count"].sum() if direction else part["count"].sum())

    previous, year_ago = add_months(month, -1), add_months(month, -12)
    items.append(Highlight(
        "flow_total", "total", ",".join(scope.ca4),
        {"month": to, "count": total(month), "entry": total(month, "entry"), "exit": total(month, "exit")},
        {"previous_month": month_param(previous), "previous": total(previous),
         "year_ago_month": since, "year_ago": total(year_ago)},
        _link("flows", country=_scope_countries(scope), **{"from": since, "to": to}), score=50.0))

    silent = silent_posts(groups[0][1], month)
    if silent:
        items.append(Highlight(
            "silent_posts", "quality", silent[0],
            {"month": to, "posts": [{"code": c, "name": names.get(c, c)} for c in silent]},
            {"usually": f"{USUALLY_REPORTS[0]}/{USUALLY_REPORTS[1]}"}, _link("map", post=silent[0]), score=45.0))

    # Unaccompanied minors recorded at the posts: published values only (geo.disclosure, the same month x post
    # cells as the flows page), and "no data" for a month without records.
    minors = flows.minors_by_month(engine, _filters(scope, year_ago, month))
    values = {m: minors.get(m) for m in (month, previous, year_ago)}
    if values[month] or values[previous]:
        items.append(Highlight(
            "minors", "minors", ",".join(scope.ca4), {"month": to, "count": disclosure.public_value(values[month])},
            {"previous_month": month_param(previous), "previous": disclosure.public_value(values[previous]),
             "year_ago_month": since, "year_ago": disclosure.public_value(values[year_ago])},
            _link("flows", country=_scope_countries(scope), **{"from": to, "to": to}), score=20.0))
    return items


def _returns_items(engine: Engine, month: dt.date, scope: Scope) -> list[Highlight]:
    """Assisted returns of the month, by category, as published (geo.disclosure), against the month before."""
    previous = add_months(month, -1)
    frame = rt.returns_frame(engine, previous, month, scope.ca4)
    now = frame[frame["month"] == month]
    if now.empty:
        return []
    values = rt.category_values(now)
    before = frame[frame["month"] == previous]
    figures = {"month": month_param(month), "total": disclosure.public_value(values["total"]),
               "categories": {c: disclosure.public_value(values[c]) for c in RETURN_CATEGORIES}}
    comparison = {"previous_month": month_param(previous),
                  "previous": disclosure.public_value(rt.category_values(before)["total"])}
    return [Highlight("returns", "returns", ",".join(scope.ca4), figures, comparison,
                      _link("projects", country=_scope_countries(scope)), score=18.0)]


def _component_list(frame: pd.DataFrame) -> list[dict[str, str]]:
    return [{"post": r.post_code, "post_name": r.post_name, "component": r.component_code,
             "name_es": r.name_es, "name_en": r.name_en} for r in frame.itertuples()]


def _upgrade_items(engine: Engine, month: dt.date, scope: Scope) -> list[Highlight]:
    """Components that became operational, fell overdue or were suspended during the month."""
    start, after = month, add_months(month, 1)
    frame = up.components_frame(engine, scope.ca4, as_of=after)
    done = frame[(frame["status"] == "operational") & frame["completion_date"].map(
        lambda d: d is not None and start <= d < after)]
    # Overdue at the month's end (geo.upgrades.records' rule, as of the next month's first day) but not at
    # its start: the target date fell inside the month.
    late = frame[frame["overdue"] & frame["target_date"].map(lambda d: d is not None and d >= start)]
    # Suspensions are dated by the audit log (one row per status change).
    query = (select(AuditEntry.entity_key).where(and_(
        AuditEntry.entity == up.ENTITY, AuditEntry.field == "status", AuditEntry.new_value == "suspended",
        AuditEntry.at >= dt.datetime.combine(start, dt.time()), AuditEntry.at < dt.datetime.combine(after, dt.time()))))
    with engine.connect() as conn:
        keys = {k for (k,) in conn.execute(query)}
    key = frame["post_code"] + "/" + frame["component_code"]
    stopped = frame[key.isin(keys) & (frame["status"] == "suspended")]
    country = _scope_countries(scope)
    items = []
    for kind, part, score in (("upgrade_operational", done, 30.0), ("upgrade_overdue", late, 29.0),
                              ("upgrade_suspended", stopped, 31.0)):
        if len(part):
            items.append(Highlight(kind, "upgrades", str(part.iloc[0]["post_code"]),
                                   {"month": month_param(month), "n": len(part), "components": _component_list(part)},
                                   {}, _link("infrastructure", country=country), score=score))
    return items


@dataclass(frozen=True)
class RegionWide:
    """What a month's highlights are the same for in every scope (filtered by scope afterwards): the mirror's
    new gaps and the workshops' "where next" ranking. Two thirds of a scope's highlights at 2M rows, so a page
    asking for several scopes computes them once a month and data version (views/highlights.py)."""

    gaps: list[dict]
    where_next: pd.DataFrame | None


def region_wide(engine: Engine, month: dt.date) -> RegionWide:
    from geo.flows import mirror

    return RegionWide(mirror.new_gaps(engine, month), _where_next(engine, month))


def _where_next(engine: Engine, month: dt.date) -> pd.DataFrame | None:
    """The workshops page's "where next" ranking over its default period (whole years of the programme), up to
    the end of `month`; None without workshops."""
    span = wq.workshop_dates(engine)
    if span is None:
        return None
    return coverage.coverage_report(engine, dt.date(span[0].year, 1, 1), last_day(month)).where_next


def _workshop_items(engine: Engine, month: dt.date, scope: Scope, shared: RegionWide) -> list[Highlight]:
    """Workshops held (dates overlapping the month), posts covered for the first time, the top "where next"."""
    start, end = month, last_day(month)
    items = []
    held = workshops_involving(wq.workshops_frame(engine, start, end), scope.ca4)
    if len(held):
        programme = wq.programme_posts(engine, scope.ca4)
        now = wq.attendance(engine, start, end)
        now = now[now["workshop_id"].isin(held["id"]) & now["post_id"].isin(programme["id"])]
        before = wq.attendance(engine, dt.date(1900, 1, 1), start - dt.timedelta(days=1))
        new = programme[programme["id"].isin(set(now["post_id"]) - set(before["post_id"]))]
        items.append(Highlight(
            "workshops", "workshops", str(held.iloc[0]["code"]),
            {"month": month_param(month), "n": len(held), "participants": int(held["participants"].sum()),
             "codes": list(held["code"]), "new_posts": [{"code": r.code, "name": r.name} for r in new.itertuples()]},
            {}, _link("workshops"), score=25.0))
    if shared.where_next is not None:
        ranking = shared.where_next
        ranking = ranking[ranking["iso_a"].isin(scope.ca4) | ranking["iso_b"].isin(scope.ca4)]
        if len(ranking):
            top = ranking.iloc[0]
            items.append(Highlight(
                "where_next", "where_next", str(top["pair"]),
                {"pair": str(top["pair"]), "iso_a": str(top["iso_a"]), "iso_b": str(top["iso_b"]),
                 "uncovered": int(top["uncovered_posts"]), "posts": _named_codes(top),
                 "flow": int(top["flow"]), "venue": None if pd.isna(top["venue_name"]) else str(top["venue_name"])},
                {"score": float(top["score"])}, _link("workshops"), score=10.0))
    return items


def _named_codes(row: pd.Series) -> list[dict[str, str]]:
    """The uncovered posts of a "where next" row as code and name (both sides of a crossing share a name)."""
    codes, names = str(row["uncovered_codes"]).split(", "), str(row["uncovered_names"]).split(", ")
    if len(codes) != len(names):  # a name with a comma in it: keep the codes, which have none
        names = codes
    return [{"code": c, "name": n} for c, n in zip(codes, names, strict=True)]


def _mirror_items(engine: Engine, month: dt.date, scope: Scope, shared: RegionWide) -> list[Highlight]:
    """A crossing whose two sides disagree beyond the mirror tolerance this month and did not the month before
    (geo.flows.mirror: THE rule), the largest first; the others counted."""
    from geo.flows import mirror

    gaps = [g for g in shared.gaps if g["origin"] in scope.ca4 or g["destination"] in scope.ca4]
    if not gaps:
        return []
    names = mirror.read_posts(engine).set_index("code")["name"].to_dict()
    top = gaps[0]
    figures = {"month": month_param(month), **top, "exit_name": names.get(top["exit_post"], top["exit_post"]),
               "entry_name": names.get(top["entry_post"], top["entry_post"]), "n": len(gaps)}
    return [Highlight("mirror_gap", "mirror", top["crossing"], figures,
                      {"tolerance": mirror.TOLERANCE, "persons": mirror.MIN_PERSONS},
                      _link("map", post=top["exit_post"]), score=44.0)]


def find_highlights(engine: Engine, month: dt.date, scope: Scope = Scope(),
                    shared: RegionWide | None = None) -> Highlights:
    """Every highlight of `month` in `scope`, ranked (most newsworthy first). `shared`: the month's
    region_wide(), when the caller keeps it (the same for every scope); computed here otherwise."""
    shared = shared if shared is not None else region_wide(engine, month)
    items = (_flow_items(engine, month, scope) + _upgrade_items(engine, month, scope)
             + _returns_items(engine, month, scope) + _workshop_items(engine, month, scope, shared)
             + _mirror_items(engine, month, scope, shared))
    # Stable sort: equal scores keep the order they were found in.
    items.sort(key=lambda h: -h.score)
    return Highlights(month, scope, items)

