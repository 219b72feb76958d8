"""What is new for a subscription, found in the data: never a rule of its own.

- The monthly highlights: the month's highlights themselves (one alert a month).
- A post, a country, a border pair: the highlights' own findings (geo.overview.highlights.find_highlights,
  region-wide, the overview's default scope) narrowed to the subscription's posts: a surge or a drop at one of
  its posts (or, for a country, in the country), its posts that stopped reporting, its components that became
  operational, fell overdue or were suspended, its posts covered by a workshop for the first time. Figures and
  wording stay the highlights' (a narrowed finding lists only the subscription's posts). Month totals,
  assisted returns and minors are region-wide figures, not alerts: they reach people through the highlights.
- A threshold rule on a post (a coordinator's): crossings at the post in a week (Monday to Sunday, the week
  belongs to the month of its Sunday) above or below a number, from the flows' daily roll-up; or the month's
  change in percent against the seasonal expectation, read from the highlights' seasonal rule
  (highlights.post_seasonal_table), never computed apart, and only with the history that rule needs.

The month evaluated is the last complete month with flow data (highlights.default_month): an import that
brings a new month makes the next run evaluate it. Each alert has a key that names what it is about (the
month, the finding, its subject and, for a list, the posts or components in it), so a run that finds it again
sends nothing (geo.alerts.run records the key once per subscription).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from geo.alerts.subscriptions import Subscription
from geo.flows import queries as flows
from geo.models import Post
from geo.overview import highlights as hl
from geo.periods import add_months, last_day, month_param

POST_KINDS = ("flow_surge.post", "flow_drop.post")
COUNTRY_KINDS = ("flow_surge.country", "flow_drop.country")


@dataclass(frozen=True)
class Alert:
    """One alert for one subscription: `key` is unique for what it is about; `payload` is language-free
    (a highlight's data, or a rule's figures) and is worded when mailed or shown."""

    key: str
    kind: str
    month: dt.date
    payload: dict[str, Any]


def _digest(values: list[str]) -> str:
    return hashlib.sha256("|".join(sorted(values)).encode()).hexdigest()[:12]


def narrow(item: hl.Highlight, codes: set[str], countries: set[str] = frozenset()) -> hl.Highlight | None:
    """The part of a highlight about the posts `codes` (or the countries `countries`), or None."""
    f = item.figures
    if item.kind in POST_KINDS:
        return item if item.subject in codes or f.get("country") in countries else None
    if item.kind in COUNTRY_KINDS:
        return item if item.subject in countries else None
    if item.kind == "silent_posts":
        posts = [p for p in f["posts"] if p["code"] in codes]
        return replace(item, subject=posts[0]["code"], figures={**f, "posts": posts},
                       link=f"/map?post={posts[0]['code']}") if posts else None
    if item.kind.startswith("upgrade_"):
        parts = [c for c in f["components"] if c["post"] in codes]
        return replace(item, subject=parts[0]["post"], figures={**f, "n": len(parts), "components": parts}) \
            if parts else None
    if item.kind == "workshops":
        posts = [p for p in f["new_posts"] if p["code"] in codes]
        return replace(item, figures={**f, "new_posts": posts}) if posts else None
    return None  # month totals, minors, returns, "where next": region-wide, in the monthly highlights only


def alert_key(month: dt.date, item: hl.Highlight) -> str:
    """What a finding is about: its month, kind and subject, and for a list the posts or components in it (a
    component that turns operational later in the same month is news; a corrected count is not)."""
    f = item.figures
    if item.kind == "silent_posts":
        extra = [p["code"] for p in f["posts"]]
    elif item.kind.startswith("upgrade_"):
        extra = [f"{c['post']}/{c['component']}" for c in f["components"]]
    elif item.kind == "workshops":
        extra = [p["code"] for p in f["new_posts"]] + list(f.get("codes", []))
    else:
        extra = []
    return f"{month_param(month)}/{item.kind}/{item.subject}" + (f"/{_digest(extra)}" if extra else "")


@dataclass
class Evaluation:
    """The data every subscription of one run is evaluated against, read once and only when needed."""

    engine: Engine
    month: dt.date
    _highlights: hl.Highlights | None = None
    _posts: pd.DataFrame | None = None
    _seasonal: pd.DataFrame | None = None
    _weeks: pd.DataFrame | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def highlights(self) -> hl.Highlights:
        if self._highlights is None:
            self._highlights = hl.find_highlights(self.engine, self.month)
        return self._highlights

    @property
    def posts(self) -> pd.DataFrame:
        if self._posts is None:
            with self.engine.connect() as conn:
                rows = conn.execute(select(Post.code, Post.name, Post.country_iso3, Post.neighbour_iso3)).all()
            self._posts = pd.DataFrame(rows, columns=["code", "name", "country", "neighbour"]).set_index("code")
        return self._posts

    @property
    def seasonal(self) -> pd.DataFrame:
        if self._seasonal is None:
            self._seasonal = hl.post_seasonal_table(self.engine, self.month).set_index("subject")
        return self._seasonal

    @property
    def weeks(self) -> pd.DataFrame:
        """Crossings by post and week, for the weeks whose Sunday falls in the month (all posts at once)."""
        if self._weeks is None:
            filters = flows.FlowFilters(start=add_months(self.month, -1), end=self.month)
            frame = flows.aggregate(self.engine, filters, ("week", "post_code"), time="day")
            frame["week"] = pd.to_datetime(frame["week"]).dt.date
            sunday = frame["week"].map(lambda d: d + dt.timedelta(days=6))
            self._weeks = frame[(sunday >= self.month) & (sunday <= last_day(self.month))]
        return self._weeks

    def codes_of(self, sub: Subscription) -> tuple[set[str], set[str]]:
        """The posts (and, for a country, the country) a subscription follows."""
        posts = self.posts
        if sub.topic == "post":
            return {sub.target}, set()
        if sub.topic == "country":
            return set(posts.index[posts["country"] == sub.target]), {sub.target}
        a, _, b = sub.target.partition("-")
        on_border = ((posts["country"] == a) & (posts["neighbour"] == b)) | ((posts["country"] == b)
                                                                            & (posts["neighbour"] == a))
        return set(posts.index[on_border]), set()


def default_month(engine: Engine, today: dt.date | None = None) -> dt.date | None:
    """The month a run evaluates: the last complete month with flow data (the highlights' default)."""
    return hl.default_month(engine, today=today)


def alerts_for(sub: Subscription, ev: Evaluation) -> list[Alert]:
    """The alerts of `sub` in the evaluated month (already recorded or not: geo.alerts.run tells)."""
    month = ev.month
    if sub.topic == "highlights":
        return [Alert(f"{month_param(month)}/highlights", "highlights", month, {"month": month_param(month)})]
    if sub.rule is not None:
        return _rule_alerts(sub, ev)
    codes, countries = ev.codes_of(sub)
    found = []
    for item in ev.highlights.items:
        part = narrow(item, codes, countries)
        if part is not None:
            found.append(Alert(alert_key(month, part), part.kind, month, {"highlight": part.as_dict()}))
    return found


def _rule_alerts(sub: Subscription, ev: Evaluation) -> list[Alert]:
    code, month, threshold = sub.target, ev.month, float(sub.threshold)
    name = str(ev.posts["name"].get(code, code))
    base = {"code": code, "name": name, "threshold": threshold, "rule": sub.rule, "month": month_param(month),
            "link": f"/map?post={code}"}
    if sub.rule in ("week_above", "week_below"):
        weeks = ev.weeks[ev.weeks["post_code"] == code]
        found = []
        for row in weeks.itertuples():
            count = int(row.count)
            if (count > threshold) if sub.rule == "week_above" else (count < threshold):
                monday = row.week
                found.append(Alert(
                    f"{month_param(month)}/{sub.rule}/{code}/{monday.isoformat()}/{threshold:g}", f"rule.{sub.rule}",
                    month, {**base, "count": count, "first": monday.isoformat(),
                            "last": (monday + dt.timedelta(days=6)).isoformat()}))
        return found
    # seasonal_change: the month against what the highlights' seasonal rule expects for this post
    if code not in ev.seasonal.index:
        return []
    row = ev.seasonal.loc[code]
    expected = float(row["expected"])
    if int(row["ratios"]) < hl.MIN_RATIOS or not math.isfinite(expected) or expected <= 0:
        return []  # too little history: the rule says nothing, nor does the threshold
    change = (float(row["count"]) / expected - 1.0) * 100.0
    if (change >= threshold) if threshold > 0 else (change <= threshold):
        return [Alert(f"{month_param(month)}/seasonal_change/{code}/{threshold:g}", "rule.seasonal_change", month,
                      {**base, "count": int(row["count"]), "expected": round(expected),
                       "change": round(change, 1)})]
    return []
