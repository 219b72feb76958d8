"""One rule, one verdict: for every record kind with a form, the same values fed through the form's write
path (the kind's save function, as the edit forms call it) and through an import (a CSV row, dry run) get the
same verdict and the same message keys. Each test breaks one rule at a time (Hypothesis draws the values)
and writes the row as a partial file: the key plus a drawn subset of the kind's columns (always those the
rule is about), which both paths merge with the stored row before any rule runs.

Flows have no form (their rules are the file's); component types have no file (their form's path is
save_component_type): neither has two paths to compare.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from geo.access.auth import Actor
from geo.access.editing import ValidationFailed
from geo.io.imports import import_data
from geo.models import AGENCIES, COMPONENT_STATUSES, SEXES, WORKSHOP_SCOPES, AssistedReturn, Post
from geo.posts.records import save_post
from geo.programme.return_records import save_return_count
from geo.upgrades import records as up
from geo.workshops import records as ws
from tests.data_helpers import seeded_sqlite

EDITOR = Actor("ana", "editor")
FAST = settings(max_examples=12, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CA4 = ("GTM", "SLV", "HND", "NIC")
OTHERS = ("MEX", "BLZ", "CRI")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return seeded_sqlite(tmp_path_factory.mktemp("parity"), flows_rows=300)


# ------------------------------------------------------------------------------------------ the two paths
def form_keys(engine: Engine, save: Callable[[Any], object]) -> set[str]:
    """The keys the form's write path refuses with (empty: saved), in a transaction rolled back."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            save(conn)
            return set()
        except ValidationFailed as refused:
            return set(refused.problems.values())
        finally:
            transaction.rollback()


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def import_keys(engine: Engine, kind: str, row: Mapping[str, object]) -> set[str]:
    """The keys a dry-run import of `row` (one CSV row of these columns) reports (empty: it would be saved)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(row))
    writer.writerow([cell(v) for v in row.values()])
    report = import_data(engine, EDITOR, kind, buffer.getvalue().encode(), "parity.csv", dry_run=True)
    return {p.key for p in report.problems}


def partial(data: st.DataObject, columns: tuple[str, ...], must: set[str]) -> list[str]:
    """A drawn subset of `columns` that holds `must` (the columns the broken rule is about)."""
    extra = data.draw(st.sets(st.sampled_from(columns)), label="columns")
    return [c for c in columns if c in extra or c in must]


# A file's cell problems (empty required cell, out of range, not a choice) are reported before its rows'
# rules run, and such a row goes no further: the import then names those keys, the form those and any other.
CELL_KEYS = {"data.err.required", "data.err.range", "data.err.negative", "data.err.integer", "data.err.choice",
             "data.err.code_format"}


def same(form: set[str], imported: set[str]) -> None:
    """The same verdict, and the same keys (a subset, when the file stopped at its cells)."""
    if imported & CELL_KEYS and imported <= CELL_KEYS:
        assert form and imported <= form, f"form {sorted(form)} vs import {sorted(imported)}"
    else:
        assert form == imported, f"form {sorted(form)} != import {sorted(imported)}"


# ------------------------------------------------------------------------------------------ workshops
PARTICIPANTS = tuple(f"participants_{a}_{s}" for a in AGENCIES for s in SEXES)
WORKSHOP_COLUMNS = ("title", "topic", "start_date", "end_date", "venue_name", "venue_geonameid",
                    "venue_country_iso3", "venue_lon", "venue_lat", "scope", "pair_a", "pair_b", "organisers",
                    "participants", "posts")
letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=12).map(str.strip).filter(bool)
day = st.dates(dt.date(2022, 1, 1), dt.date(2026, 6, 30))
lon = st.floats(-94.0, -82.0, allow_nan=False).map(lambda v: round(v, 4))
lat = st.floats(9.0, 19.0, allow_nan=False).map(lambda v: round(v, 4))
count = st.one_of(st.integers(0, 300), st.integers(99_998, 100_002), st.integers(-3, -1), st.just(1_000_000))

WORKSHOP_RULES: dict[str, Callable[[st.DataObject, dict], dict]] = {
    # ws.err.dates_order; data.err.required
    "dates": lambda d, w: {"start_date": d.draw(day), "end_date": d.draw(st.one_of(day, st.none()))},
    # on land in the region (data.err.venue_not_on_land at sea), else swapped / sign lost / outside
    "venue": lambda d, w: {"venue_lon": d.draw(st.one_of(lon, lon.map(abs), st.just(2.35))),
                           "venue_lat": d.draw(lat), "venue_name": d.draw(st.one_of(letters, st.none()))},
    # the cap per agency and sex (data.err.range), below zero (data.err.negative)
    "participants": lambda d, w: {"participants": {**w["participants"], d.draw(st.sampled_from(
        sorted(w["participants"]))): d.draw(count)}},
    # a binational pair must be neighbours (ws.err.pair); other scopes drop the pair
    "scope": lambda d, w: {"scope": d.draw(st.sampled_from(WORKSHOP_SCOPES)),
                           "pair_a": d.draw(st.sampled_from(CA4)), "pair_b": d.draw(st.sampled_from(CA4))},
    "title": lambda d, w: {"title": d.draw(st.one_of(letters, st.none()))},  # data.err.required
    # the venue's country is its point's, or the one across a border within 5 km (ws.err.venue_country)
    "venue_country": lambda d, w: {"venue_country_iso3": d.draw(st.sampled_from((*CA4, *OTHERS))),
                                   "venue_lon": w["venue_lon"], "venue_lat": w["venue_lat"]},
    # the posts whose staff attended must exist (data.err.unknown_post)
    "posts": lambda d, w: {"posts": sorted(d.draw(st.sets(st.sampled_from(("GTM-TUM", "SLV-AMA", "HND-AMA", "NOPE-1")),
                                                          max_size=3)))},
}


def workshop_row(record: Mapping[str, Any], columns: list[str]) -> dict[str, object]:
    row: dict[str, object] = {"code": record["code"]}
    for name in columns:
        if name == "participants":
            row |= {f"participants_{k.replace('.', '_')}": v for k, v in record["participants"].items()}
        else:
            row[name] = record[name]
    return row


@pytest.mark.parametrize("rule", sorted(WORKSHOP_RULES))
@FAST
@given(data=st.data())
def test_a_workshop_row_gets_one_verdict(engine: Engine, rule: str, data: st.DataObject) -> None:
    with engine.connect() as conn:
        code = conn.execute(select(ws.Workshop.code).order_by(ws.Workshop.code)).scalars().first()
    stored = ws.workshop_record(engine, code)
    changes = WORKSHOP_RULES[rule](data, stored)
    record = {**stored, **changes}
    columns = partial(data, WORKSHOP_COLUMNS, set(changes))
    given_ = {c: record[c] for c in columns}
    same(form_keys(engine, lambda conn: ws.save_workshop(conn, EDITOR, code, given_, mode="update")),
         import_keys(engine, "workshops", workshop_row(record, columns)))


def test_the_reproduced_workshop_cases_are_refused_alike(engine: Engine) -> None:
    """Issue 22's two cases: a venue at sea, and 1,000,000 participants for one agency and sex."""
    with engine.connect() as conn:
        code = conn.execute(select(ws.Workshop.code).order_by(ws.Workshop.code)).scalars().first()
    stored = ws.workshop_record(engine, code)
    at_sea = {**stored, "venue_lon": -88.5, "venue_lat": 12.5}  # the Pacific off the Gulf of Fonseca
    crowd = {**stored, "participants": {**stored["participants"], "migration.F": 1_000_000}}
    for record, columns, key in ((at_sea, ["venue_lon", "venue_lat"], "data.err.venue_not_on_land"),
                                 (crowd, ["participants"], "data.err.range")):
        given_ = {c: record[c] for c in columns}
        form = form_keys(engine, lambda conn, g=given_: ws.save_workshop(conn, EDITOR, code, g, mode="update"))
        assert form == {key} == import_keys(engine, "workshops", workshop_row(record, columns))


# ------------------------------------------------------------------------------------------ upgrades
UPGRADE_COLUMNS = ("status", "progress", "budget_planned", "budget_committed", "budget_spent", "budget_flag",
                   "start_date", "target_date", "completion_date", "agency", "notes")
money = st.one_of(st.integers(0, 20_000), st.integers(0, 20_000), st.integers(-50, -1),
                  st.just(10_000_000_001)).map(float)
UPGRADE_RULES: dict[str, Callable[[st.DataObject, dict], dict]] = {
    "progress": lambda d, c: {"progress": d.draw(st.integers(-5, 105))},  # range, planned 0, operational 100
    # below zero, over the cap, committed over planned / spent over committed without a written reason
    "budgets": lambda d, c: {**{n: d.draw(money) for n in ("budget_planned", "budget_committed", "budget_spent")},
                             "budget_flag": d.draw(st.sampled_from((None, "customs duties")))},
    "status": lambda d, c: {"status": d.draw(st.sampled_from(COMPONENT_STATUSES))},  # transitions
    "dates": lambda d, c: {n: d.draw(st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31))))
                           for n in ("start_date", "target_date", "completion_date")},
}


@pytest.mark.parametrize("rule", sorted(UPGRADE_RULES))
@FAST
@given(data=st.data())
def test_a_component_row_gets_one_verdict(engine: Engine, rule: str, data: st.DataObject) -> None:
    frame = up.components_frame(engine)
    picked = frame[frame["status"] == data.draw(st.sampled_from(("installation", "planned", "operational")))]
    post, component = str(picked.iloc[0]["post_code"]), str(picked.iloc[0]["component_code"])
    stored = up.component_record(engine, post, component)
    changes = UPGRADE_RULES[rule](data, stored)
    record = {**stored, **changes}
    columns = partial(data, UPGRADE_COLUMNS, set(changes))
    given_ = {c: record[c] for c in columns}
    row = {"post_code": post, "component_code": component, **given_}
    same(form_keys(engine, lambda conn: up.save_component(conn, EDITOR, post, component, given_, mode="update")),
         import_keys(engine, "upgrades", row))


# ------------------------------------------------------------------------------------------ posts
POST_COLUMNS = ("name", "country_iso3", "type", "crossing_code", "neighbour_iso3", "road", "lon", "lat",
                "placement")
POST_RULES: dict[str, Callable[[st.DataObject, dict], dict]] = {
    # lon without lat (issue 22's partial file) and the reverse; swapped, sign lost, outside the region
    "coordinates": lambda d, p: {n: d.draw(lon if n == "lon" else lat)
                                 for n in d.draw(st.sampled_from((("lon",), ("lat",), ("lon", "lat"))))},
    "typos": lambda d, p: {"lon": d.draw(st.sampled_from((p["lat"], abs(p["lon"]), 2.35))),
                           "lat": d.draw(st.sampled_from((p["lon"], p["lat"], 48.85)))},
    # the border rule (own side, within 5 km) and the crossing partner within 15 km: a small move
    "moved": lambda d, p: {"lon": round(p["lon"] + d.draw(st.floats(-0.2, 0.2)), 5),
                           "lat": round(p["lat"] + d.draw(st.floats(-0.2, 0.2)), 5)},
    # a land post needs a neighbour and a crossing; only land posts have a neighbour; not itself
    "structure": lambda d, p: {"type": d.draw(st.sampled_from(("land", "air", "sea"))),
                               "neighbour_iso3": d.draw(st.sampled_from((None, p["country_iso3"], *CA4, "MEX"))),
                               "crossing_code": d.draw(st.sampled_from((None, p["crossing_code"], "NEW-X")))},
    "country": lambda d, p: {"country_iso3": d.draw(st.sampled_from((*CA4, *OTHERS)))},
}


@pytest.mark.parametrize("rule", sorted(POST_RULES))
@FAST
@given(data=st.data())
def test_a_post_row_gets_one_verdict(engine: Engine, rule: str, data: st.DataObject) -> None:
    with engine.connect() as conn:
        land = conn.execute(select(*(getattr(Post, c) for c in ("code", *POST_COLUMNS)))
                            .where(Post.type == data.draw(st.sampled_from(("land", "air"))))
                            .order_by(Post.code)).mappings().all()
    stored = dict(land[data.draw(st.integers(0, len(land) - 1))])
    changes = POST_RULES[rule](data, stored)
    record = {**stored, **changes}
    columns = partial(data, POST_COLUMNS, set(changes))
    given_ = {c: record[c] for c in columns}
    same(form_keys(engine, lambda conn: save_post(conn, EDITOR, stored["code"], given_)),
         import_keys(engine, "posts", {"code": stored["code"], **given_}))


def test_a_posts_file_with_lon_but_no_lat_is_judged_on_the_merged_row(engine: Engine) -> None:
    """Issue 22: such a file stopped with "internal error"; now its rows are merged with the stored posts."""
    with engine.connect() as conn:
        code, old_lon = conn.execute(select(Post.code, Post.lon).where(Post.type == "land")
                                              .order_by(Post.code)).first()
    assert import_keys(engine, "posts", {"code": code, "lon": old_lon}) == set()
    assert import_keys(engine, "posts", {"code": code, "lon": -old_lon}) == {"data.err.lon_sign"}
    assert form_keys(engine, lambda conn: save_post(conn, EDITOR, code, {"lon": -old_lon})) == {"data.err.lon_sign"}
    assert import_keys(engine, "posts", {"code": code, "lat": old_lon}) == {"data.err.outside_region"}


# ------------------------------------------------------------------------------------------ assisted returns
RETURN_RULES: dict[str, Callable[[st.DataObject, dict], dict]] = {
    "count": lambda d, r: {"count": d.draw(st.one_of(st.integers(0, 50), st.integers(999_998, 1_000_002),
                                                     st.integers(-3, -1)))},
    # a new count: its month from 1990 and not in the future, its country one of the CA4 (data.err.return_country)
    "key": lambda d, r: {"month": d.draw(st.dates(dt.date(1985, 1, 1), dt.date(2030, 12, 1))).replace(day=1),
                         "country_iso3": d.draw(st.sampled_from((*CA4, *OTHERS))),
                         "count": d.draw(st.integers(0, 30))},
}


@pytest.mark.parametrize("rule", sorted(RETURN_RULES))
@FAST
@given(data=st.data())
def test_an_assisted_returns_row_gets_one_verdict(engine: Engine, rule: str, data: st.DataObject) -> None:
    with engine.connect() as conn:
        stored = dict(conn.execute(select(AssistedReturn.month, AssistedReturn.country_iso3, AssistedReturn.category,
                                          AssistedReturn.count, AssistedReturn.is_sample)
                                   .order_by(AssistedReturn.month)).mappings().first())
    changes = RETURN_RULES[rule](data, stored)
    record = {**stored, **changes}
    columns = partial(data, ("count", "is_sample"), set(changes) - {"month", "country_iso3"})
    given_ = {c: record[c] for c in columns}
    key = (record["month"], record["country_iso3"], record["category"])
    row = {"month": record["month"].strftime("%Y-%m"), "country_iso3": key[1], "category": key[2], **given_}
    same(form_keys(engine, lambda conn: save_return_count(conn, EDITOR, *key, given_)),
         import_keys(engine, "assistance", row))


def test_every_kind_with_a_form_is_covered() -> None:
    from geo import kinds

    with_forms = {k for k in kinds.KINDS if kinds.get(k).save_row is not None}
    assert with_forms == {"posts", "upgrades", "workshops", "assistance"}
    assert {"workshops": WORKSHOP_RULES, "upgrades": UPGRADE_RULES, "posts": POST_RULES,
            "assistance": RETURN_RULES}.keys() == with_forms


def test_geo_io_names_no_record_kind() -> None:
    """geo/io/ knows files; what a kind is, it asks the registry (geo.kinds): no kind's name, no domain package."""
    import re
    from pathlib import Path

    from geo import kinds

    io_folder = Path(__file__).resolve().parent.parent / "geo" / "io"
    words = re.compile(r"\b(" + "|".join(kinds.KINDS) + r")\b")
    domain = re.compile(r"from geo\.(posts|flows|upgrades|workshops|programme)\b|from geo\.models import")
    found = [f"{path.name}:{number}: {line.strip()}" for path in sorted(io_folder.glob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), start=1)
             if words.search(line) or (domain.search(line) and "DatasetState" not in line)]
    assert found == []
