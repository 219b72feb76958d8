"""Disclosure control of counts of vulnerable people (geo.disclosure), attacked as an outsider would.

The outsider opens every view the app publishes (country subsets, post types, periods, categories, totals)
and subtracts one from another. The attack is run on the published figures, read through the same functions
the pages, highlights and downloads use, on the seeded sample and on a database built to be full of counts
from 1 to 4; it must find nothing. The same attack on exact figures (what the app published before) finds
many counts, which shows the attack is able to fail.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from geo import disclosure, periods
from geo.access.auth import ANONYMOUS, SYSTEM, Actor
from geo.db import make_engine, migrate
from geo.flows import queries as fq
from geo.flows.load import load_flows
from geo.io.exports import ExactOnly, export_bytes, exportable_kinds
from geo.models import RETURN_CATEGORIES, AssistedReturn, Post
from geo.overview import highlights as hl
from geo.programme import returns as rt
from geo.reference import CA4
from geo.sample import load_reference

KEY = bytes(range(32))
CRAFTED_MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]


# ------------------------------------------------------------------------------------------ the rule
def test_a_cell_is_a_multiple_of_five_within_four_and_always_the_same() -> None:
    for count in range(0, 43):
        for cell in (f"returns|2025-{m:02d}-01|GTM|trafficking_victim" for m in range(1, 13)):
            published = disclosure.round_cell(count, cell, KEY)
            assert published % disclosure.BASE == 0
            assert abs(published - count) <= disclosure.MAX_CELL_DEVIATION
            assert published == disclosure.round_cell(count, cell, KEY)
            if count % disclosure.BASE == 0:
                assert published == count  # 0 stays 0, a multiple of 5 is not moved
    with pytest.raises(ValueError):
        disclosure.round_cell(-1, "x", KEY)


def test_rounding_is_unbiased_and_depends_on_the_key() -> None:
    cells = [f"minors|2025-01-01|POST-{i}" for i in range(4000)]
    for count in (1, 2, 3, 4, 7):
        mean = np.mean([disclosure.round_cell(count, c, KEY) for c in cells])
        assert abs(mean - count) < 0.25, (count, mean)  # sd of the mean <= 2.5 / sqrt(4000) = 0.04
    other = bytes(reversed(KEY))
    assert [disclosure.round_cell(3, c, KEY) for c in cells[:200]] != [disclosure.round_cell(3, c, other)
                                                                       for c in cells[:200]]


def test_reading() -> None:
    assert disclosure.text(None, "es") == "sin datos" and disclosure.text(None, "en") == "no data"
    assert disclosure.text(0, "es") == "<5" and disclosure.text(0, "es", exact=True) == "0"
    assert disclosure.text(1235, "es") == "1,235"
    assert disclosure.public_value(0) == "<5" and disclosure.public_value(None) is None
    assert disclosure.max_deviation(12) == 48 and round(disclosure.typical_deviation(4), 6) == 10.0
    assert not disclosure.can_see_exact(None) and not disclosure.can_see_exact(ANONYMOUS)
    assert not disclosure.can_see_exact(Actor("v", "viewer"))
    assert disclosure.can_see_exact(Actor("e", "editor")) and disclosure.can_see_exact(SYSTEM)


def test_publish_cells_refuses_rows_that_are_not_base_cells() -> None:
    frame = pd.DataFrame({"month": ["2025-01-01"] * 2, "post_code": ["A", "A"], "n": [1, 2]})
    with pytest.raises(ValueError):
        disclosure.publish_cells(frame, "minors", ("month", "post_code"), "n", KEY)


# ------------------------------------------------------------------------------------------ the attack
def _subsets(n: int) -> list[tuple[int, ...]]:
    return [c for k in range(1, n + 1) for c in itertools.combinations(range(n), k)]


def attack(values: np.ndarray, truth: np.ndarray, ranges: list[tuple[int, int]]) -> list[tuple]:
    """Every difference of two views an outsider can open, over a cube [month, group, subgroup] of
    figures: views are a period (a range of months) x a subset of groups x a subset of subgroups, and a
    difference drops one group, one subgroup, or the first or last month. Returns what the outsider derived
    that reads as a count from 1 to 4: (derived, true, how). A derived value that is the true count is an
    exact disclosure; any value from 1 to 4 is also one (a published figure never says 1 to 4)."""
    _, groups, subgroups = values.shape
    prefix_v = np.concatenate([np.zeros((1, groups, subgroups)), np.cumsum(values, axis=0)])
    prefix_t = np.concatenate([np.zeros((1, groups, subgroups)), np.cumsum(truth, axis=0)])
    starts = np.array([a for a, _ in ranges])
    ends = np.array([b for _, b in ranges])
    found: list[tuple] = []

    def view(prefix: np.ndarray, g: tuple[int, ...], s: tuple[int, ...], a: np.ndarray, b: np.ndarray) -> np.ndarray:
        block = prefix[:, list(g)][:, :, list(s)].sum(axis=(1, 2))
        return block[b + 1] - block[a]

    def record(derived: np.ndarray, true: np.ndarray, how: str) -> None:
        hits = (derived >= 1) & (derived <= 4)
        for d, t in zip(derived[hits], true[hits], strict=True):
            found.append((int(d), int(t), how))

    for g in _subsets(groups):
        for s in _subsets(subgroups):
            whole_v, whole_t = view(prefix_v, g, s, starts, ends), view(prefix_t, g, s, starts, ends)
            for drop in g if len(g) > 1 else ():
                rest = tuple(x for x in g if x != drop)
                record(whole_v - view(prefix_v, rest, s, starts, ends),
                       whole_t - view(prefix_t, rest, s, starts, ends), f"group {drop} from {g}")
            for drop in s if len(s) > 1 else ():
                rest = tuple(x for x in s if x != drop)
                record(whole_v - view(prefix_v, g, rest, starts, ends),
                       whole_t - view(prefix_t, g, rest, starts, ends), f"subgroup {drop} from {s}")
            longer = ends > starts
            a, b = starts[longer], ends[longer]
            for label, (a2, b2) in (("first month", (a + 1, b)), ("last month", (a, b - 1))):
                record(whole_v[longer] - view(prefix_v, g, s, a2, b2),
                       whole_t[longer] - view(prefix_t, g, s, a2, b2), f"{label} of a period")
    return found


def all_ranges(months: int, longest: int | None = None) -> list[tuple[int, int]]:
    longest = longest or months
    return [(a, b) for a in range(months) for b in range(a, min(months, a + longest))]


def returns_cube(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[dt.date]]:
    months = sorted(frame["month"].unique())
    cube = np.zeros((len(months), len(CA4), len(RETURN_CATEGORIES)))
    index = {m: i for i, m in enumerate(months)}
    for row in frame.itertuples():
        place = (index[row.month], CA4.index(row.country_iso3), RETURN_CATEGORIES.index(row.category))
        cube[place] += getattr(row, column)
    return cube, months


def minors_cube(engine: Engine, cells: pd.DataFrame, column: str) -> tuple[np.ndarray, list[dt.date], list[str]]:
    """Month x country of the post x post type, from the month x post base cells."""
    with engine.connect() as conn:
        posts = pd.DataFrame(conn.execute(select(Post.code, Post.country_iso3, Post.type)).all(),
                             columns=["post_code", "country", "type"])
    frame = cells.merge(posts, on="post_code")
    months = sorted(frame["month"].unique())
    countries = sorted(frame["country"].unique())
    types = ["land", "air", "sea"]
    cube = np.zeros((len(months), len(countries), len(types)))
    for row in frame.itertuples():
        cube[months.index(row.month), countries.index(row.country), types.index(row.type)] += getattr(row, column)
    return cube, months, countries


# ------------------------------------------------------------------------------------------ databases
@pytest.fixture(scope="module")
def sample(app_db_url: str) -> Iterator[Engine]:
    """The session's seeded app database (20,000 flow rows: many month x post cells of 1-4), read only."""
    engine = make_engine(app_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Twelve months in which most returns cells and most month x post minors cells hold 1 to 4."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('crafted') / 'small.sqlite'}")
    migrate(engine)
    rng = np.random.default_rng(21)
    with engine.begin() as conn:
        load_reference(conn)  # countries, projects and the real posts; no sample data
        conn.execute(insert(AssistedReturn), [
            {"month": m, "country_iso3": c, "category": k, "count": int(rng.choice([0, 1, 2, 3, 4, 4, 6, 9])),
             "is_sample": True} for m in CRAFTED_MONTHS for c in CA4 for k in RETURN_CATEGORIES])
        posts = conn.execute(select(Post.id, Post.code)).all()
    rows = []
    for month in CRAFTED_MONTHS:
        for post_id, _ in posts:
            minors = int(rng.choice([0, 1, 2, 3, 4]))
            rows.append({"day": month + dt.timedelta(days=int(rng.integers(0, 28))), "post_id": post_id,
                         "direction": "entry", "nationality": "GTM", "sex": "F", "age_band": "0-17",
                         "prev_country": "MEX", "next_country": "", "count": 10 + minors,
                         "unaccompanied_minors": minors, "is_sample": True})
    load_flows(engine, pd.DataFrame(rows))
    return engine


def _whole(engine: Engine) -> fq.FlowFilters:
    first, last = fq.month_range(engine)
    return fq.FlowFilters(first, last)


# ------------------------------------------------------------------------------------------ returns
@pytest.mark.parametrize("db", ["sample", "crafted"])
def test_no_returns_count_from_1_to_4_can_be_derived(db: str, request: pytest.FixtureRequest) -> None:
    engine = request.getfixturevalue(db)
    frame = rt.returns_frame(engine)
    published, months = returns_cube(frame, "published")
    truth, _ = returns_cube(frame, "count")
    ranges = all_ranges(len(months))
    assert attack(published, truth, ranges) == []
    # The same attack on exact figures finds small counts: the attack can fail.
    exact = attack(truth, truth, ranges)
    assert len(exact) > (100 if db == "crafted" else 10)
    assert all(d == t for d, t, _ in exact)


@pytest.mark.parametrize("db", ["sample", "crafted"])
def test_every_returns_surface_shows_the_sum_of_its_published_cells(db: str, request: pytest.FixtureRequest) -> None:
    """What the attack reads (sums of published cells) is what the pages, KPIs, brief, CSV and highlights
    show, for every country subset and period tried: one truth, and no surface with figures of its own."""
    engine = request.getfixturevalue(db)
    frame = rt.returns_frame(engine)
    cube, months = returns_cube(frame, "published")
    periods_tried = [(0, len(months) - 1), (len(months) - 1, len(months) - 1), (0, 0), (1, min(6, len(months) - 1))]
    for countries in _subsets(len(CA4)):
        chosen = tuple(CA4[i] for i in countries)
        for a, b in periods_tried:
            view = rt.returns_frame(engine, months[a], months[b], chosen)  # the page's own query
            shown = rt.public_category_totals(view, "en")
            for k, category in enumerate(RETURN_CATEGORIES):
                expected = int(cube[a:b + 1, list(countries), k].sum())
                assert shown[category] == disclosure.text(expected, "en"), (chosen, a, b, category)
            assert shown["total"] == disclosure.text(int(cube[a:b + 1, list(countries)].sum()), "en")
            table = rt.crosstab(view, "country_iso3")
            assert int(table.at[rt.TOTAL, rt.TOTAL]) == int(cube[a:b + 1, list(countries)].sum())
    # The public CSV holds the same cells, as text: '<5' only where a published sum is 0.
    public = pd.read_csv(io.BytesIO(rt.public_csv(frame)), skiprows=[1], dtype=str, keep_default_na=False)
    by_country = public[(public["breakdown"] == "country") & (public["category"] != "total")]
    for row in by_country.itertuples():
        if row.key == "total":
            continue
        value = int(cube[:, CA4.index(row.key), RETURN_CATEGORIES.index(row.category)].sum())
        assert row.count == disclosure.file_text(value)
    assert not public["count"].isin(["1", "2", "3", "4"]).any()
    # The highlights' returns sentence: the month's published sum (or nothing, when there is no record).
    for i, month in enumerate(months[-3:], start=len(months) - 3):
        items = hl._returns_items(engine, month, hl.Scope())
        assert items and items[0].figures["total"] == disclosure.public_value(int(cube[i].sum()))
        previous = items[0].comparison["previous"]
        assert previous == disclosure.public_value(int(cube[i - 1].sum()))


def test_a_month_without_records_says_no_data(crafted: Engine) -> None:
    before = periods.add_months(CRAFTED_MONTHS[0], -1)
    items = hl._returns_items(crafted, CRAFTED_MONTHS[0], hl.Scope())
    assert items[0].comparison["previous"] is None  # the month before the data: no record, not '<5'
    from geo.overview.highlight_text import sentence

    assert "no data" in sentence(items[0], "en") and "<5" not in sentence(items[0], "en").split(":")[-1]
    assert rt.public_category_totals(rt.returns_frame(crafted, before, before), "es")["total"] == "sin datos"


# ------------------------------------------------------------------------------------------ minors
@pytest.mark.parametrize("db", ["sample", "crafted"])
def test_no_count_of_minors_from_1_to_4_can_be_derived(db: str, request: pytest.FixtureRequest) -> None:
    engine = request.getfixturevalue(db)
    cells = fq.minors_cells(engine, _whole(engine))
    published, months, _ = minors_cube(engine, cells, "published")
    truth, _, _ = minors_cube(engine, cells, "unaccompanied_minors")
    ranges = all_ranges(len(months), longest=None if db == "crafted" else 12)
    assert attack(published, truth, ranges) == []
    assert len(attack(truth, truth, ranges)) > 10  # exact figures leak: the attack can fail


@pytest.mark.parametrize("db", ["sample", "crafted"])
def test_every_minors_surface_shows_the_sum_of_its_published_cells(db: str, request: pytest.FixtureRequest) -> None:
    engine = request.getfixturevalue(db)
    whole = _whole(engine)
    cells = fq.minors_cells(engine, whole)
    cube, months, countries = minors_cube(engine, cells, "published")
    types = ["land", "air", "sea"]
    for country_set in [(c,) for c in range(len(countries))] + [tuple(range(len(countries)))]:
        for type_set in ((0,), (1,), (0, 1, 2)):
            for a, b in ((0, len(months) - 1), (len(months) - 1, len(months) - 1), (0, 2)):
                filters = fq.FlowFilters(months[a], months[b], tuple(countries[i] for i in country_set),
                                         tuple(types[i] for i in type_set))
                expected = int(cube[a:b + 1][:, list(country_set)][:, :, list(type_set)].sum())
                shown = fq.minors(engine, filters)  # the flows page's KPI
                if shown is not None:
                    assert shown == expected, (filters, shown, expected)
                else:  # no flow record under these filters at all
                    assert expected == 0
    # Finer than month x post: nothing is published for the public (staff get the exact figure).
    finer = fq.FlowFilters(whole.start, whole.end, directions=("entry",))
    assert fq.minors(engine, finer) is None and fq.minors(engine, finer, exact=True) is not None
    assert fq.minors(engine, fq.FlowFilters(whole.start, whole.end, nationalities=("GTM",))) is None
    # The highlights' minors sentence: the month's published sum over the CA4 posts, as the flows page.
    month = months[-1]
    minors = [h for h in hl._flow_items(engine, month, hl.Scope()) if h.kind == "minors"]
    ca4 = [i for i, c in enumerate(countries) if c in CA4]
    expected = [disclosure.public_value(int(cube[i][ca4].sum())) for i in (len(months) - 1, len(months) - 2)]
    if minors:
        assert [minors[0].figures["count"], minors[0].comparison["previous"]] == expected
        assert fq.minors(engine, fq.FlowFilters(month, month, CA4)) == int(cube[-1][ca4].sum())


def test_downloads_carry_no_small_minors_for_the_public(sample: Engine) -> None:
    whole = _whole(sample)
    assert "unaccompanied_minors" not in fq.export_frame(sample, whole).columns
    assert "unaccompanied_minors" in fq.export_frame(sample, whole, exact=True).columns
    public = pd.read_csv(io.BytesIO(export_bytes(sample, "flows", "csv")), nrows=5)
    assert "unaccompanied_minors" not in public.columns
    exact = pd.read_csv(io.BytesIO(export_bytes(sample, "flows", "csv", exact=True)), nrows=5)
    assert "unaccompanied_minors" in exact.columns
    with pytest.raises(ExactOnly):
        export_bytes(sample, "assistance", "csv")
    assert "assistance" not in exportable_kinds(ANONYMOUS) and "assistance" in exportable_kinds(SYSTEM)


def test_command_line_exports_are_public_unless_exact(sample: Engine, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": str(sample.url)}
    out = tmp_path / "flows.csv"
    run = [sys.executable, "-m", "geo", "export"]
    done = subprocess.run([*run, "flows", "-o", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "unaccompanied_minors" not in out.read_text(encoding="utf-8-sig").splitlines()[0]
    done = subprocess.run([*run, "assistance", "-o", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--exact" in done.stderr
    done = subprocess.run([*run, "assistance", "--exact", "-o", str(out)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "RESTRICTED" in done.stdout


# ------------------------------------------------------------------------------------------ staff
def _flows_page(actor: Actor | None, exact: bool = False, **params: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens/flows.py"), default_timeout=90)
    at.query_params.update({"lang": "en", "country": "GTM", "type": "air", "from": "2026-09", "to": "2026-09",
                            **params})
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if exact:
        next(w for w in at.toggle if w.key == "flows_exact").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_flows_page_gives_exact_minors_to_staff_on_request_only(app_env: str) -> None:
    engine = make_engine(app_env)
    filters = fq.FlowFilters(dt.date(2026, 9, 1), dt.date(2026, 9, 1), ("GTM",), ("air",))
    published, exact = fq.minors(engine, filters), fq.minors(engine, filters, exact=True)
    engine.dispose()
    for actor in (None, Actor("someone", "viewer")):
        at = _flows_page(actor)
        assert not [w for w in at.toggle if w.key == "flows_exact"]
        assert next(m for m in at.metric if m.label == "Minors alone").value == disclosure.text(published, "en")
    staff = _flows_page(Actor("coordinator", "editor"), exact=True)
    assert next(m for m in staff.metric if m.label == "Minors alone").value == disclosure.text(exact, "en", exact=True)
    assert any("RESTRICTED" in w.value for w in staff.warning)
    # A direction filter cuts finer than the month x post cells: no figure at all for the public.
    finer = _flows_page(None, dir="entry")
    assert next(m for m in finer.metric if m.label == "Minors alone").value == "—"


def test_the_overview_card_shows_the_projects_published_total(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    engine = make_engine(app_env)
    month = dt.date(2024, 1, 1)
    expected = rt.public_category_totals(rt.returns_frame(engine, month, month, CA4), "en")["total"]
    engine.dispose()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "screens/overview.py"), default_timeout=90)
    at.query_params.update({"lang": "en", "from": "2024-01", "to": "2024-01"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[-1].value == expected  # the returns card, as on the projects page
