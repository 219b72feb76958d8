"""Mirror statistics: the two sides of a crossing tell the same story. THE rule, in one place.

A crossing is the two land posts that share a crossing code, one on each side of the border (a programme post
and its Mexican, Belizean or Costa Rican neighbour too, when both are recorded). People leaving country A
there are the people entering country B, so month by month the exits recorded at A's post should match the
entries recorded at B's post, and the other way round.

A month of one direction is a **mirror gap** when the larger of the two figures exceeds the smaller by more
than TOLERANCE (25 %) of the smaller AND by more than MIN_PERSONS (500) persons. Why that much: the sides
never count exactly alike. People who cross on foot and return the same day (market days, border towns that
live across the line) are recorded by some posts and waved through by others; one side counts at the booth,
the other from the vehicle's list; a crossing near midnight on the last day of a month is booked in two
months; corrections come late. Those differences are a few percent at a busy crossing, so an honest month
stays well inside 25 %; a post that stops recording part of its traffic, a crossing booked to the wrong post
or a real event seen on one side only moves a figure by half or double, which is found. The 500 persons keep
a small crossing (a few thousand a month, where counting noise and one market day move a quarter) quiet.

Months in which one side recorded nothing in that direction are not compared (the post that stopped
reporting is a different finding, the highlights' "silent posts"); a land post without a partner across its
crossing has no mirror, and is said to have none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from geo.models import Post

TOLERANCE = 0.25  # the larger figure may exceed the smaller by this share of the smaller
MIN_PERSONS = 500  # ... and a gap must also be larger than this many persons

_POST_COLUMNS = ["code", "name", "country_iso3", "neighbour_iso3", "type", "crossing_code"]
TABLE_COLUMNS = ["crossing", "month", "origin", "destination", "exit_post", "entry_post", "exits", "entries",
                 "ratio", "gap"]


@dataclass(frozen=True)
class Crossing:
    code: str
    a: str  # the two posts' codes (a < b)
    b: str


@dataclass(frozen=True)
class GapRun:
    """Consecutive months of one direction of a crossing beyond the tolerance: what `check` reports."""

    crossing: str
    origin: str  # the country people leave
    destination: str  # the country they enter
    exit_post: str
    entry_post: str
    first: dt.date
    last: dt.date
    months: int
    exits: int  # over the run's months
    entries: int

    @property
    def ratio(self) -> float:
        low, high = sorted((self.exits, self.entries))
        return high / low if low else float("inf")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=bool if c == "gap" else object) for c in TABLE_COLUMNS})


def gaps_only(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["gap"].astype(bool)]


def is_gap(exits: int, entries: int) -> bool:
    """THE rule on one month of one direction: beyond TOLERANCE and MIN_PERSONS."""
    low, high = sorted((int(exits), int(entries)))
    return high - low > MIN_PERSONS and high > low * (1 + TOLERANCE)


def crossings(posts: pd.DataFrame) -> tuple[list[Crossing], list[str]]:
    """The crossings with a post on each side, and the codes of land posts with no partner across theirs."""
    land = posts[posts["type"] == "land"]
    found, alone = [], []
    for code in sorted(land.loc[land["crossing_code"].isna(), "code"]):
        alone.append(str(code))
    for crossing, sides in land.dropna(subset=["crossing_code"]).groupby("crossing_code"):
        if len(sides) == 2 and sides["country_iso3"].nunique() == 2:
            a, b = sorted(sides["code"])
            found.append(Crossing(str(crossing), str(a), str(b)))
        else:
            alone += [str(c) for c in sorted(sides["code"])]
    return sorted(found, key=lambda c: c.code), sorted(alone)


def mirror_table(posts: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Every crossing, month and direction in which both sides recorded something: TABLE_COLUMNS, the exits
    at the post people leave from and the entries at the post they reach, their ratio (larger / smaller)
    and whether that month is a gap. `monthly`: month, post_code, direction, count."""
    pairs, _alone = crossings(posts)
    country = dict(zip(posts["code"], posts["country_iso3"], strict=True))
    if not pairs or monthly.empty:
        return _empty()
    sums = monthly.groupby(["post_code", "direction", "month"])["count"].sum()
    frames = []
    for pair in pairs:
        for leave, reach in ((pair.a, pair.b), (pair.b, pair.a)):
            try:
                exits, entries = sums.loc[(leave, "exit")], sums.loc[(reach, "entry")]
            except KeyError:
                continue
            both = pd.concat([exits, entries], axis=1, keys=["exits", "entries"], join="inner")
            both = both[(both["exits"] > 0) & (both["entries"] > 0)]
            if both.empty:
                continue
            frames.append(pd.DataFrame({
                "crossing": pair.code, "month": [pd.Timestamp(m).date() for m in both.index],
                "origin": country[leave], "destination": country[reach], "exit_post": leave, "entry_post": reach,
                "exits": both["exits"].astype("int64").to_numpy(),
                "entries": both["entries"].astype("int64").to_numpy(),
            }))
    if not frames:
        return _empty()
    table = pd.concat(frames, ignore_index=True)
    low = table[["exits", "entries"]].min(axis=1)
    high = table[["exits", "entries"]].max(axis=1)
    table["ratio"] = high / low
    table["gap"] = [is_gap(x, n) for x, n in zip(table["exits"], table["entries"], strict=True)]
    return table.sort_values(["crossing", "exit_post", "month"], ignore_index=True)[TABLE_COLUMNS]


def gap_runs(table: pd.DataFrame) -> list[GapRun]:
    """The gaps of a mirror table as runs of consecutive months, per crossing and direction."""
    runs: list[GapRun] = []
    gaps = gaps_only(table)
    for (crossing, _leave), part in gaps.groupby(["crossing", "exit_post"], sort=True):
        part = part.sort_values("month")
        current: list = []
        for row in part.itertuples():
            if current and _months_apart(current[-1].month, row.month) != 1:
                runs.append(_run(str(crossing), current))
                current = []
            current.append(row)
        if current:
            runs.append(_run(str(crossing), current))
    return runs


def _months_apart(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _run(crossing: str, rows: list) -> GapRun:
    first = rows[0]
    return GapRun(crossing, first.origin, first.destination, first.exit_post, first.entry_post, rows[0].month,
                  rows[-1].month, len(rows), int(sum(r.exits for r in rows)), int(sum(r.entries for r in rows)))


# ------------------------------------------------------------------------------------------ in words
@dataclass(frozen=True)
class GapText:
    """A gap run worded in a language when shown (check's line, the import's warning): the crossing by its
    posts' names, the direction by country names, the months, both figures."""

    run: GapRun
    names: dict[str, str]  # post code -> name

    def post(self, code: str) -> str:
        return f"{self.names.get(code, code)} ({code})"

    def text(self, lang: str = "en") -> str:
        from geo import reference
        from geo.i18n import fmt_number, fmt_percent, t

        r = self.run
        months = t("mirror.months_one", lang, first=f"{r.first:%Y-%m}") if r.months == 1 else \
            t("mirror.months_run", lang, first=f"{r.first:%Y-%m}", last=f"{r.last:%Y-%m}", n=fmt_number(r.months, lang))
        return t("mirror.gap", lang, origin=reference.country_name(r.origin, lang),
                 destination=reference.country_name(r.destination, lang), months=months,
                 exits=fmt_number(r.exits, lang), exit_post=self.post(r.exit_post),
                 entries=fmt_number(r.entries, lang), entry_post=self.post(r.entry_post),
                 ratio=fmt_number(r.ratio, lang, 1), tolerance=fmt_percent(100 * TOLERANCE, lang),
                 persons=fmt_number(MIN_PERSONS, lang))

    def __str__(self) -> str:
        return self.text("en")


def crossing_label(crossing: str, posts: pd.DataFrame, with_code: bool = True) -> str:
    """'GTM-SLV-02 (Valle Nuevo – Las Chinamas)': a crossing by its code and its posts' names (the check's report,
    read by data officers); `with_code=False`, for the pages: its posts' names only, 'Valle Nuevo – Las Chinamas'."""
    sides = posts[posts["crossing_code"] == crossing].sort_values("code")
    names = list(dict.fromkeys(str(n) for n in sides["name"]))
    if not with_code:
        return " – ".join(names) or crossing
    return f"{crossing} ({' – '.join(names)})" if names else crossing


# ------------------------------------------------------------------------------------------ from the database
def read_posts(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(Post.code, Post.name, Post.country_iso3, Post.neighbour_iso3,
                                                Post.type, Post.crossing_code)).all(), columns=_POST_COLUMNS)


def read_monthly(engine: Engine, start: dt.date | None = None, end: dt.date | None = None,
                 posts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Month, post_code, direction, count: from the narrowest monthly roll-up (geo.flows.queries)."""
    from geo.flows import queries

    span = queries.month_range(engine)
    if span is None:
        return pd.DataFrame(columns=["month", "post_code", "direction", "count"])
    filters = queries.FlowFilters(start=start or span[0], end=end or span[1])
    frame = queries.aggregate(engine, filters, ("month", "post_code", "direction"))
    if posts:
        frame = frame[frame["post_code"].isin(posts)]
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame[["month", "post_code", "direction", "count"]]


def database_table(engine: Engine, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    return mirror_table(read_posts(engine), read_monthly(engine, start, end))


def post_mirror(engine: Engine, code: str) -> tuple[str | None, pd.DataFrame]:
    """A post's partner across its crossing (None: it has none) and its mirror table (both directions)."""
    posts = read_posts(engine)
    pairs, _alone = crossings(posts)
    pair = next((p for p in pairs if code in (p.a, p.b)), None)
    if pair is None:
        return None, _empty()
    partner = pair.b if code == pair.a else pair.a
    table = mirror_table(posts[posts["code"].isin((pair.a, pair.b))],
                         read_monthly(engine, posts=(pair.a, pair.b)))
    return partner, table


def problems(engine: Engine) -> list:
    """What `python -m geo check` reports: one problem per run of gap months of one direction of a crossing."""
    from geo.posts.checks import Problem

    posts = read_posts(engine)
    names = dict(zip(posts["code"], posts["name"], strict=True))
    runs = gap_runs(mirror_table(posts, read_monthly(engine)))
    return [Problem("mirror", crossing_label(r.crossing, posts), GapText(r, names)) for r in runs]


def monthly_sums(conn, months: set[dt.date]) -> pd.DataFrame:
    """Month, post_code, direction, count for `months`, read on an open connection (inside an import's
    transaction, from the narrowest monthly roll-up)."""
    from geo.flows.queries import pick_rollup

    table = pick_rollup({"month", "post_id", "direction"}).__table__
    if not months:
        return pd.DataFrame(columns=["month", "post_code", "direction", "count"])
    query = (select(table.c.month, Post.code, table.c.direction, func.sum(table.c["count"]))
             .join(Post, Post.id == table.c.post_id).where(table.c.month.in_(sorted(months)))
             .group_by(table.c.month, Post.code, table.c.direction))
    frame = pd.DataFrame(conn.execute(query).all(), columns=["month", "post_code", "direction", "count"])
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["count"] = frame["count"].astype("int64")
    return frame


def gaps_in(conn, months: set[dt.date]) -> pd.DataFrame:
    """The gap rows (mirror_table) of `months`, read on an open connection."""
    posts = pd.DataFrame(conn.execute(select(Post.code, Post.name, Post.country_iso3, Post.neighbour_iso3, Post.type,
                                             Post.crossing_code)).all(), columns=_POST_COLUMNS)
    table = mirror_table(posts, monthly_sums(conn, months))
    gaps = gaps_only(table).copy()
    gaps.attrs["names"] = dict(zip(posts["code"], posts["name"], strict=True))
    return gaps


def created_gaps(before: pd.DataFrame, after: pd.DataFrame) -> list[GapText]:
    """Gap months present after a write and not before it, as words (an import's warnings)."""
    known = set(zip(before["crossing"], before["exit_post"], before["month"], strict=True))
    names = after.attrs.get("names", {})
    out = []
    for row in after.itertuples():
        if (row.crossing, row.exit_post, row.month) not in known:
            out.append(GapText(GapRun(row.crossing, row.origin, row.destination, row.exit_post, row.entry_post,
                                      row.month, row.month, 1, int(row.exits), int(row.entries)), names))
    return out


def new_gaps(engine: Engine, month: dt.date) -> list[dict]:
    """Crossings and directions in a mirror gap in `month` that were not in one the month before: what the
    highlights mention (largest ratio first)."""
    from geo.periods import add_months

    previous = add_months(month, -1)
    table = database_table(engine, previous, month)
    gaps = gaps_only(table)
    now, before = gaps[gaps["month"] == month], gaps[gaps["month"] == previous]
    known = set(zip(before["crossing"], before["exit_post"], strict=True))
    rows = [r for r in now.itertuples() if (r.crossing, r.exit_post) not in known]
    rows.sort(key=lambda r: -r.ratio)
    return [{"crossing": r.crossing, "exit_post": r.exit_post, "entry_post": r.entry_post, "origin": r.origin,
             "destination": r.destination, "exits": int(r.exits), "entries": int(r.entries),
             "ratio": round(float(r.ratio), 2)} for r in rows]
