"""The overview's headline figures (KPIs), each with its period and source.

Rules are reused, not re-derived: component and budget figures come from geo.upgrades.records.programme_summary,
training coverage from geo.workshops.coverage.post_coverage, assisted returns through geo.programme.returns
(small-count rule).
The flows figures come from geo.flows.queries (its roll-ups), like the flows page's.

`overview_figures` returns plain numbers (language-free, testable); `kpi_cards` turns them into text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd
from sqlalchemy import Engine, func, select

from geo import history, kinds, periods
from geo.flows import queries as flows
from geo.i18n import (
    MISSING,
    fmt_compact,
    fmt_date,
    fmt_number,
    fmt_percent,
    fmt_signed,
    local_time,
    t,
    utc_start_of_local_day,
)
from geo.models import AGENCIES, RETURN_CATEGORIES, SEXES, DatasetState, Post, WorkshopParticipants
from geo.periods import DEFAULT_MONTHS, Period
from geo.posts import records as post_records
from geo.posts.queries import PostFilters, posts_frame
from geo.programme import returns as rt
from geo.scope import figure_caption, programme_countries
from geo.upgrades import records as up
from geo.workshops import coverage
from geo.workshops import queries as wq


def available_months(engine: Engine) -> list[dt.date]:
    """Every month from the first to the last month with flow or return data (first days)."""
    spans = [span for span in (flows.month_range(engine), rt.month_span(engine)) if span is not None]
    if not spans:
        return [periods.month_start(periods.today())]
    first = min(pd.Timestamp(span[0]).date() for span in spans)
    last = max(pd.Timestamp(span[1]).date() for span in spans)
    return periods.months_between(first, last)


def default_period(engine: Engine, months: int = DEFAULT_MONTHS) -> Period:
    """THE default period (geo.periods.default_period) over the months with flow or return data."""
    return periods.default_period(available_months(engine), months)


def data_as_of(engine: Engine) -> dt.date | None:
    """When the shown data were last loaded (the newest dataset_state stamp)."""
    with engine.connect() as conn:
        stamp = conn.execute(select(func.max(DatasetState.updated_at))
                             .where(DatasetState.kind.in_(kinds.KINDS))).scalar()
    return local_time(stamp).date() if stamp is not None else None  # the region's date of a UTC stamp


def _flow_filters(period: Period, countries: tuple[str, ...]) -> flows.FlowFilters:
    return flows.FlowFilters(start=period.first, end=period.last, countries=countries)


def flow_total(engine: Engine, period: Period, countries: tuple[str, ...]) -> dict[str, int]:
    """Crossings recorded at the posts of `countries` in the period: entry, exit and total (geo.flows.queries)."""
    figures = flows.totals(engine, _flow_filters(period, countries))
    return {"entry": figures["entry"], "exit": figures["exit"], "total": figures["total"]}


def flow_monthly_totals(engine: Engine, period: Period, countries: tuple[str, ...]) -> pd.DataFrame:
    """month, direction, count: crossings per month at the posts of `countries` (for the flows slide)."""
    frame = flows.aggregate(engine, _flow_filters(period, countries), ("month", "direction"))[
        ["month", "direction", "count"]]
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


def workshops_involving(workshops: pd.DataFrame, countries: tuple[str, ...]) -> pd.DataFrame:
    """Workshops that involve any of `countries`: a binational one through its pair, a national one through
    its venue's country; a regional one involves every CA4 country."""
    if not countries or set(programme_countries()) <= set(countries):
        return workshops
    chosen = set(countries)
    keep = (
        (workshops["scope"] == "regional")
        | workshops["pair_a"].isin(chosen) | workshops["pair_b"].isin(chosen)
        | ((workshops["scope"] == "national") & workshops["venue_country_iso3"].isin(chosen))
    )
    return workshops[keep]


def participants_of(engine: Engine, workshop_ids: list[int]) -> pd.DataFrame:
    """agency, sex, count: participants of the given workshops (every agency × sex, zeros included)."""
    full = pd.MultiIndex.from_product([AGENCIES, SEXES], names=["agency", "sex"])
    if not workshop_ids:
        return pd.Series(0, index=full, name="count").reset_index()
    query = (select(WorkshopParticipants.agency, WorkshopParticipants.sex,
                    func.sum(WorkshopParticipants.count).label("count"))
             .where(WorkshopParticipants.workshop_id.in_(workshop_ids))
             .group_by(WorkshopParticipants.agency, WorkshopParticipants.sex))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    series = frame.set_index(["agency", "sex"])["count"].reindex(full, fill_value=0).astype("int64")
    return series.reset_index()


def _pct(part: float, whole: float) -> float | None:
    """`part` as a percentage of `whole`; None when there is no whole to be a share of."""
    return 100.0 * part / whole if whole else None


@dataclass
class OverviewFigures:
    period: Period
    countries: tuple[str, ...]
    as_of: dt.date | None
    posts: int
    posts_by_type: dict[str, int]
    components: int
    operational: int
    budget_planned: float
    budget_spent: float
    workshops: int
    participants: pd.DataFrame  # agency, sex, count
    programme_posts: int
    posts_covered: int
    flows: dict[str, int]
    flows_previous: dict[str, int]
    returns: pd.DataFrame  # raw rows: only ever shown through geo.programme.returns
    map_posts: pd.DataFrame = field(repr=False)
    # The previous period of the same length (geo.periods.Period.previous), for the trends: the same figures
    # counted over it. The stock figures (posts, components, budget) as they stood when this period began
    # (geo.history: the audit log undone); None when the log does not reach back that far, with the moment
    # from which it does (stored UTC) in `history_from`.
    posts_before: int | None = None
    upgrades_before: dict | None = None
    history_from: dict = field(default_factory=dict)
    workshops_previous: int = 0
    trained_previous: int = 0
    posts_covered_previous: int = 0
    returns_previous: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def operational_pct(self) -> float | None:
        return _pct(self.operational, self.components)

    @property
    def spent_pct(self) -> float | None:
        return _pct(self.budget_spent, self.budget_planned)

    @property
    def covered_pct(self) -> float | None:
        return _pct(self.posts_covered, self.programme_posts)

    @property
    def flows_change_pct(self) -> float | None:
        before = self.flows_previous["total"]
        return _pct(self.flows["total"] - before, before)

    @property
    def trained(self) -> int:
        return int(self.participants["count"].sum())

    @property
    def operational_pct_before(self) -> float | None:
        before = self.upgrades_before
        return None if before is None else _pct(before["operational"], before["components"])

    @property
    def spent_pct_before(self) -> float | None:
        before = self.upgrades_before
        return None if before is None else _pct(before["spent"], before["planned"])

    @property
    def covered_pct_previous(self) -> float | None:
        return _pct(self.posts_covered_previous, self.programme_posts)


def _training(engine: Engine, period: Period, chosen: tuple[str, ...], programme: pd.DataFrame,
              reach_km: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The period's workshops involving `chosen`, their participants, and the programme's posts they covered."""
    workshops = workshops_involving(wq.workshops_frame(engine, period.start, period.end), chosen)
    participants = participants_of(engine, [int(i) for i in workshops["id"]])
    ids = workshops["id"]
    attendance = wq.attendance(engine, period.start, period.end)
    agencies = wq.agencies_present(engine, period.start, period.end)
    post_cov = coverage.post_coverage(programme, attendance[attendance["workshop_id"].isin(ids)],
                                      agencies[agencies["workshop_id"].isin(ids)], workshops, reach_km)
    return workshops, participants, post_cov


def posts_at(engine: Engine, countries: tuple[str, ...], when: dt.datetime) -> int | None:
    """The posts of `countries` registered at `when` (stored UTC), by THE history rule (geo.history); None when
    the log does not reach back to `when`."""
    since = history.known_from(engine, "posts", post_records.ENTITY)
    if since is not None and when < since:
        return None
    with engine.connect() as conn:
        now = pd.DataFrame(conn.execute(select(Post.code, Post.country_iso3)).all(), columns=["key", "country_iso3"])
    then = history.as_it_stood(now, history.changes_after(engine, post_records.ENTITY, when))
    return int(then["country_iso3"].isin(countries).sum())


def overview_figures(engine: Engine, period: Period, countries: tuple[str, ...] = (),
                     reach_km: float = coverage.DEFAULT_REACH_KM) -> OverviewFigures:
    """Every headline figure for the period and CA4 countries (all four when `countries` is empty), and the
    same figures over the previous period of the same length (the trends)."""
    chosen = programme_countries(countries)  # THE scope rule (geo.scope)
    previous = period.previous()
    posts = posts_frame(engine, PostFilters(chosen))
    summary = up.programme_summary(engine, chosen)
    began = utc_start_of_local_day(period.start)  # the moment the period began, as the log stores times
    programme = wq.programme_posts(engine, chosen)
    workshops, participants, post_cov = _training(engine, period, chosen, programme, reach_km)
    workshops_before, participants_before, post_cov_before = _training(engine, previous, chosen, programme, reach_km)
    return OverviewFigures(
        period=period, countries=chosen, as_of=data_as_of(engine),
        posts=len(posts), posts_by_type=posts["type"].value_counts().to_dict(),
        components=summary["components"], operational=summary["operational"],
        budget_planned=summary["planned"], budget_spent=summary["spent"],
        workshops=len(workshops), participants=participants,
        programme_posts=len(post_cov), posts_covered=int(post_cov["covered"].sum()),
        flows=flow_total(engine, period, chosen), flows_previous=flow_total(engine, previous, chosen),
        returns=rt.returns_frame(engine, period.start, period.end, chosen),
        map_posts=posts,
        posts_before=posts_at(engine, chosen, began), upgrades_before=up.summary_at(engine, chosen, began),
        history_from={"posts": history.known_from(engine, "posts", post_records.ENTITY),
                      "upgrades": history.known_from(engine, "upgrades", up.ENTITY)},
        workshops_previous=len(workshops_before), trained_previous=int(participants_before["count"].sum()),
        posts_covered_previous=int(post_cov_before["covered"].sum()),
        returns_previous=rt.returns_frame(engine, previous.start, previous.end, chosen),
    )


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    detail: str
    period: str
    source: str
    # The trend against the previous period of the same length; a count's change in %, a share's in
    # percentage points; for a figure whose history does not reach back that far, words saying so (no arrow).
    delta: str | None = None
    delta_color: str = "off"  # "normal": a rise is progress (green); "off": a rise is neither good nor bad
    delta_arrow: str = "auto"  # "off": the delta is words, not a change
    trend_note: str | None = None  # the trend in full words where the card has room for a few only


def relative_change(current: float | None, previous: float | None) -> float | None:
    """The change from `previous` to `current` in percent (None when there is nothing to compare with)."""
    if current is None or previous is None or previous == 0:
        return None
    return 100.0 * (current - previous) / previous


def count_delta(current: float | None, previous: float | None, lang: str) -> str | None:
    """A count's trend: '+4.9 %' (geo.i18n.fmt_signed)."""
    change = relative_change(current, previous)
    return None if change is None else fmt_signed(change, lang, 1, "percent")


def share_delta(current: float | None, previous: float | None, lang: str) -> str | None:
    """A share's trend in percentage points: '+3.2 p. p.'."""
    return None if current is None or previous is None else fmt_signed(current - previous, lang, 1, "points")


def no_history(known_from: dt.datetime | None, lang: str) -> str:
    """What a stock figure's card says when the log does not reach back to the period's start."""
    return t("ov.trend.no_history", lang, date=fmt_date(local_time(known_from).date() if known_from else None, lang))


def _stock(key: str, label: str, value: str, detail: str, period: str, source: str, delta: str | None,
           known: bool, known_from: dt.datetime | None, lang: str, colour: str) -> Kpi:
    """A stock figure's card: its trend against its value when the period began, or words saying it has none."""
    if not known:  # the card says it in two words, the details table from when the log knows
        return Kpi(key, label, value, detail, period, source, t("ov.trend.no_history_short", lang), "off", "off",
                   no_history(known_from, lang))
    return Kpi(key, label, value, detail, period, source, delta, colour)


def kpi_cards(fig: OverviewFigures, lang: str) -> list[Kpi]:
    """The KPIs as text in `lang`: label, value, detail, period and source line, and the trend. The sample
    notice is not repeated on each card: a page shows it once (ui.sample_notice)."""
    now = t("ov.period.current", lang, date=fmt_date(fig.as_of, lang))
    period = fig.period.label(lang)
    women = int(fig.participants.loc[fig.participants["sex"] == "F", "count"].sum())
    men = int(fig.participants.loc[fig.participants["sex"] == "M", "count"].sum())
    by_agency = fig.participants.groupby("agency")["count"].sum()
    agencies = ", ".join(f"{t(f'agency.{a}', lang)} {fmt_number(int(by_agency.get(a, 0)), lang)}" for a in AGENCIES)
    returns = rt.public_category_totals(fig.returns, lang)
    # Vulnerable counts: the trend compares published figures only (geo.disclosure: a change between two
    # published figures is itself a sum of published cells).
    published_now = rt.category_values(fig.returns)["total"]
    published_before = (rt.category_values(fig.returns_previous)["total"] if fig.returns_previous is not None
                        else None)
    types = ", ".join(f"{t(f'post_type.{k}', lang)} {fmt_number(v, lang)}"
                      for k, v in sorted(fig.posts_by_type.items(), key=lambda kv: ("land", "air", "sea").index(kv[0])))
    cards = [
        _stock("posts", t("ov.kpi.posts", lang), fmt_number(fig.posts, lang), types, now, t("ov.source.posts", lang),
               count_delta(fig.posts, fig.posts_before, lang), fig.posts_before is not None,
               fig.history_from.get("posts"), lang, "off"),
        _stock("operational", t("ov.kpi.operational", lang), fmt_percent(fig.operational_pct, lang),
               t("ov.kpi.operational.detail", lang, n=fmt_number(fig.operational, lang),
                 total=fmt_number(fig.components, lang)), now, t("ov.source.upgrades", lang),
               share_delta(fig.operational_pct, fig.operational_pct_before, lang), fig.upgrades_before is not None,
               fig.history_from.get("upgrades"), lang, "normal"),
        _stock("budget", t("ov.kpi.budget", lang), fmt_percent(fig.spent_pct, lang),
               t("ov.kpi.budget.detail", lang, spent=fmt_number(fig.budget_spent, lang),
                 planned=fmt_number(fig.budget_planned, lang)), now, t("ov.source.upgrades", lang),
               share_delta(fig.spent_pct, fig.spent_pct_before, lang), fig.upgrades_before is not None,
               fig.history_from.get("upgrades"), lang, "normal"),
        Kpi("workshops", t("ov.kpi.workshops", lang), fmt_number(fig.workshops, lang),
            t("ov.kpi.workshops.detail", lang), period, t("ov.source.workshops", lang),
            count_delta(fig.workshops, fig.workshops_previous, lang), "normal"),
        Kpi("trained", t("ov.kpi.trained", lang), fmt_number(fig.trained, lang),
            t("ov.kpi.trained.detail", lang, women=fmt_number(women, lang), men=fmt_number(men, lang),
              pct=fmt_percent(100 * women / fig.trained if fig.trained else None, lang), agencies=agencies),
            period, t("ov.source.workshops", lang), count_delta(fig.trained, fig.trained_previous, lang), "normal"),
        Kpi("covered", t("ov.kpi.covered", lang), fmt_percent(fig.covered_pct, lang),
            t("ov.kpi.covered.detail", lang, n=fmt_number(fig.posts_covered, lang),
              total=fmt_number(fig.programme_posts, lang)), period, t("ov.source.workshops", lang),
            share_delta(fig.covered_pct, fig.covered_pct_previous, lang), "normal"),
        Kpi("flows", t("ov.kpi.flows", lang), fmt_compact(fig.flows["total"], lang),
            t("ov.kpi.flows.detail", lang, entry=fmt_number(fig.flows["entry"], lang),
              exit=fmt_number(fig.flows["exit"], lang)), period, t("ov.source.flows", lang),
            count_delta(fig.flows["total"], fig.flows_previous["total"], lang)),
        Kpi("returns", t("ov.kpi.returns", lang), returns["total"],
            " · ".join(f"{t(f'returns.category.{c}', lang)} {returns[c]}" for c in RETURN_CATEGORIES), period,
            t("ov.source.returns", lang), count_delta(published_now, published_before, lang)),
    ]
    # No change to the precision shown ('0.0 %', no sign): no arrow and no colour (Streamlit drew a green rise).
    return [replace(c, delta_arrow="off", delta_color="off") if c.delta and c.delta[0] not in "+-" else c
            for c in cards]


def kpi_table(cards: list[Kpi], lang: str) -> pd.DataFrame:
    """The cards' detail, trend, period and source, one row a figure (what the cards leave out)."""
    return pd.DataFrame({
        t("ov.details.figure", lang): [c.label for c in cards],
        t("ov.details.value", lang): [c.value for c in cards],
        t("ov.details.trend", lang): [c.trend_note or c.delta or MISSING for c in cards],
        t("ov.details.detail", lang): [c.detail for c in cards],
        t("ov.kpi.period", lang): [c.period for c in cards],
        t("ov.kpi.source", lang): [c.source for c in cards],
    })


def trend_caption(fig: OverviewFigures, lang: str) -> str:
    """What the arrows compare with, said once under the figures."""
    return t("ov.trend.caption", lang, previous=fig.period.previous().label(lang),
             start=fmt_date(fig.period.start, lang))


def filters_text(fig: OverviewFigures, lang: str) -> str:
    """The filters behind the figures, in words (for the page caption and the brief)."""
    return figure_caption("programme", fig.countries, fig.period, lang)
