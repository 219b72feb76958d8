"""First-start filling of the database: real reference records plus seeded sample data.

Real: countries (Natural Earth), border posts (data/posts.csv), the component catalogue and the two
projects (geo.programme.catalogue). Sample, flagged is_sample and labelled in the UI: infrastructure statuses,
workshops, flows and assisted returns, all generated from one seed so that `python -m geo seed --seed N`
reproduces them exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from pyproj import Geod
from sqlalchemy import Engine, delete, func, insert, select

from geo import reference
from geo.datasets import record_load
from geo.flows.generate import SAMPLE_END, PostProfile, iter_flow_frames
from geo.flows.load import insert_flows, refresh_monthly
from geo.models import (
    AGENCIES,
    RETURN_CATEGORIES,
    AssistedReturn,
    AuditEntry,
    ComponentType,
    Country,
    DatasetState,
    FlowCount,
    Post,
    PostComponent,
    Project,
    ProjectComponent,
    ProjectCountry,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)
from geo.posts.queries import read_posts_csv
from geo.programme.catalogue import COMPONENT_TYPES, EU_PROJECT_CODE, PROJECTS

DEFAULT_SEED = 2026
DEFAULT_FLOW_ROWS = 150_000
SAMPLE_START = dt.date(2024, 1, 1)
_GEOD = Geod(ellps="WGS84")

# Extra countries that projects name but the regional map frame does not draw.
_EXTRA_COUNTRIES = {"DOM": ("República Dominicana", "Dominican Republic")}


def _progress(report: Callable[[str], None] | None, message: str) -> None:
    if report:
        report(message)


def load_reference(conn) -> None:
    """Countries, the component catalogue, projects and posts: the real records."""
    countries = reference.countries()
    rows = [
        {"iso3": r.iso3, "name_es": r.name_es, "name_en": r.name_en, "is_ca4": bool(r.is_ca4)}
        for r in countries.itertuples()
    ]
    rows += [{"iso3": k, "name_es": es, "name_en": en, "is_ca4": False} for k, (es, en) in _EXTRA_COUNTRIES.items()]
    conn.execute(insert(Country), rows)
    conn.execute(
        insert(ComponentType),
        [{"code": c, "name_en": en, "name_es": es, "category": cat, "sort_order": order}
         for c, en, es, cat, order in COMPONENT_TYPES],
    )
    for project in PROJECTS:
        project_id = conn.execute(
            insert(Project).returning(Project.id),
            {
                "code": project.code, "title_en": project.title_en, "title_es": project.title_es,
                "start_date": project.start, "end_date": project.end, "status": project.status,
                "project_type": project.project_type, "donor": project.donor, "budget": project.budget,
                "currency": project.currency, "scope": project.scope, "is_sample": False,
            },
        ).scalar_one()
        conn.execute(insert(ProjectCountry), [{"project_id": project_id, "iso3": c} for c in project.countries])
        conn.execute(
            insert(ProjectComponent),
            [{"project_id": project_id, "name_en": en, "name_es": es} for en, es in project.components],
        )
    posts = read_posts_csv()
    records = posts.astype(object).where(posts.notna(), None).to_dict("records")
    conn.execute(insert(Post), [{**r, "is_sample": False} for r in records])


def _post_profiles(conn) -> list[PostProfile]:
    rows = conn.execute(
        select(Post.id, Post.country_iso3, Post.neighbour_iso3, Post.type, Post.road, Post.code,
               Post.crossing_code).order_by(Post.id)
    ).all()
    return [PostProfile(r.id, r.country_iso3, r.neighbour_iso3, r.type, r.road, r.code, r.crossing_code)
            for r in rows]


def sample_components(posts: pd.DataFrame, project_id: int, rng: np.random.Generator) -> list[dict]:
    """Upgrade components for the CA4 posts, consistent with the workflow rules."""
    rows = []
    statuses = ("planned", "procurement", "installation", "operational", "delayed", "suspended")
    weights = np.array([0.14, 0.14, 0.2, 0.4, 0.09, 0.03])
    for post in posts.itertuples():
        if post.country_iso3 not in reference.CA4:
            continue  # the programme upgrades CA4 posts only
        for code, *_ in COMPONENT_TYPES:
            if code == "integrated_control" and post.type != "land":
                continue
            if code == "regional_link" and post.type == "sea" and rng.random() < 0.5:
                continue
            status = str(rng.choice(statuses, p=weights))
            start = SAMPLE_START + dt.timedelta(days=int(rng.integers(0, 800)))
            target = start + dt.timedelta(days=int(rng.integers(120, 540)))
            progress = {
                "planned": 0, "procurement": int(rng.integers(5, 30)), "installation": int(rng.integers(30, 95)),
                "operational": 100, "delayed": int(rng.integers(10, 80)), "suspended": int(rng.integers(0, 60)),
            }[status]
            completion = None
            if status == "operational":
                completion = min(target + dt.timedelta(days=int(rng.integers(-60, 90))), SAMPLE_END)
                completion = max(completion, start + dt.timedelta(days=30))
            planned = float(round(rng.uniform(8_000, 95_000), -2))
            committed = 0.0 if status == "planned" else float(round(planned * rng.uniform(0.6, 1.0), -2))
            spent = float(round(committed * min(1.0, progress / 100 + rng.uniform(-0.05, 0.05)), -2))
            spent = max(0.0, min(spent, committed))
            rows.append({
                "post_id": int(post.id), "component_code": code, "project_id": project_id, "status": status,
                "progress": progress, "budget_planned": planned, "budget_committed": committed,
                "budget_spent": spent, "start_date": start, "target_date": target, "completion_date": completion,
                "agency": f"Dirección de Migración {post.country_iso3}", "notes": None, "is_sample": True,
                "version": 1, "updated_by": "seed",
            })
    return rows


_TOPICS = (
    ("Gestión integrada de fronteras", "Integrated border management"),
    ("Detección de documentos fraudulentos", "Detection of fraudulent documents"),
    ("Identificación de víctimas de trata", "Identification of trafficking victims"),
    ("Protección de niñez no acompañada", "Protection of unaccompanied children"),
    ("Registro y calidad de datos migratorios", "Migration data recording and quality"),
    ("Libre movilidad CA4", "CA4 free movement"),
)
_PAIRS = (("GTM", "SLV"), ("GTM", "HND"), ("HND", "SLV"), ("HND", "NIC"))


def _nearest_town(lon: float, lat: float, country: str, places: pd.DataFrame) -> pd.Series:
    """The biggest town within 25 km of the point in that country, else the nearest one."""
    candidates = places[places["country_iso3"] == country]
    _, _, dist = _GEOD.inv(np.full(len(candidates), lon), np.full(len(candidates), lat),
                           candidates["lon"].to_numpy(), candidates["lat"].to_numpy())
    near = candidates[dist <= 25_000]
    if len(near):
        return near.sort_values(["population", "geonameid"], ascending=[False, True]).iloc[0]
    return candidates.iloc[int(np.argmin(dist))]


def sample_workshops(posts: pd.DataFrame, project_id: int, rng: np.random.Generator) -> list[dict]:
    """Binational workshops at border crossings plus a few national and regional ones."""
    places = reference.gazetteer()
    land = posts[(posts["type"] == "land") & posts["country_iso3"].isin(reference.CA4)]
    workshops = []
    number = 0
    for year in (2024, 2025, 2026):
        for pair in _PAIRS:
            pair_posts = land[
                (land["country_iso3"].isin(pair)) & (land["neighbour_iso3"].isin(pair))
            ]
            crossings = sorted(pair_posts["crossing_code"].dropna().unique())
            if not crossings:
                continue
            # Not every crossing gets a workshop every year: coverage has gaps to find.
            for crossing in crossings:
                if rng.random() > 0.45:
                    continue
                sides = pair_posts[pair_posts["crossing_code"] == crossing]
                host = sides.iloc[int(rng.integers(0, len(sides)))]
                town = _nearest_town(float(host.lon), float(host.lat), host.country_iso3, places)
                number += 1
                start = dt.date(year, int(rng.integers(2, 12)), int(rng.integers(1, 28)))
                if start > SAMPLE_END:
                    start = SAMPLE_END - dt.timedelta(days=int(rng.integers(10, 200)))
                topic_es, topic_en = _TOPICS[int(rng.integers(0, len(_TOPICS)))]
                covered = [int(i) for i in sides["id"]]
                # Staff of nearby posts of the same pair sometimes attend too.
                others = pair_posts[~pair_posts["id"].isin(covered)]
                for other in others.itertuples():
                    _, _, d = _GEOD.inv(float(host.lon), float(host.lat), other.lon, other.lat)
                    if d < 60_000 and rng.random() < 0.5:
                        covered.append(int(other.id))
                workshops.append(_workshop_row(
                    number, f"Taller binacional {pair[0]}–{pair[1]}: {topic_es}", topic_en, start,
                    int(rng.integers(2, 4)), town, "binational", pair, project_id, covered, rng,
                ))
    for year in (2024, 2025, 2026):
        number += 1
        capital = places[(places["country_iso3"] == "SLV")].sort_values("population", ascending=False).iloc[0]
        workshops.append(_workshop_row(
            number, "Encuentro regional OCAM: intercambio de información", "Regional information exchange",
            dt.date(year, 6, 10), 3, capital, "regional", None, project_id, [], rng,
        ))
    return workshops


def _workshop_row(number: int, title: str, topic: str, start: dt.date, days: int, town: pd.Series,
                  scope: str, pair: tuple[str, str] | None, project_id: int, covered: list[int],
                  rng: np.random.Generator) -> dict:
    participants = []
    for agency in AGENCIES:
        total = int(rng.integers(2, 18)) if agency != "other" else int(rng.integers(0, 5))
        women = int(rng.binomial(total, 0.42))
        participants += [{"agency": agency, "sex": "F", "count": women},
                         {"agency": agency, "sex": "M", "count": total - women}]
    return {
        "code": f"TB-{start.year}-{number:03d}", "title": title, "topic": topic, "start_date": start,
        "end_date": start + dt.timedelta(days=days - 1), "venue_name": str(town["name"]),
        "venue_geonameid": int(town["geonameid"]), "venue_country_iso3": str(town["country_iso3"]),
        "venue_lon": float(town["lon"]), "venue_lat": float(town["lat"]), "scope": scope,
        "pair_a": pair[0] if pair else None, "pair_b": pair[1] if pair else None,
        "organisers": "OCAM / OIM", "project_id": project_id, "is_sample": True, "version": 1,
        "updated_by": "seed", "participants": participants, "posts": sorted(set(covered)),
    }


# Mean assisted returns a month for a country of average size, by category; Guatemala and Honduras get
# RETURNS_COUNTRY_FACTOR times more than El Salvador and Nicaragua. Unaccompanied minors: about 740 a year
# in the region, a third of the unaccompanied minors the flow sample records at the posts
# (geo.flows.generate.UAM_PER_YEAR).
RETURNS_PER_MONTH = {"trafficking_victim": 3.0, "unaccompanied_minor": 14.0, "other_vulnerable": 30.0}
RETURNS_COUNTRY_FACTOR = {"GTM": 1.4, "HND": 1.4, "SLV": 0.8, "NIC": 0.8}


def sample_returns(project_id: int, rng: np.random.Generator) -> list[dict]:
    rows = []
    months = pd.date_range(SAMPLE_START, SAMPLE_END, freq="MS")
    for month in months:
        for country in reference.CA4:
            for category in RETURN_CATEGORIES:
                mean = RETURNS_PER_MONTH[category] * RETURNS_COUNTRY_FACTOR[country]
                rows.append({
                    "month": month.date(), "country_iso3": country, "category": category,
                    "count": int(rng.poisson(mean)),
                    "project_id": project_id, "is_sample": True,
                })
    return rows


def clear_sample(conn) -> None:
    """Remove every sample record (real records stay)."""
    sample_workshops_ids = select(Workshop.id).where(Workshop.is_sample.is_(True))
    conn.execute(delete(WorkshopPost).where(WorkshopPost.workshop_id.in_(sample_workshops_ids)))
    conn.execute(delete(WorkshopParticipants).where(WorkshopParticipants.workshop_id.in_(sample_workshops_ids)))
    conn.execute(delete(Workshop).where(Workshop.is_sample.is_(True)))
    conn.execute(delete(PostComponent).where(PostComponent.is_sample.is_(True)))
    conn.execute(delete(FlowCount).where(FlowCount.is_sample.is_(True)))
    conn.execute(delete(AssistedReturn).where(AssistedReturn.is_sample.is_(True)))


def seed_sample(
    engine: Engine, seed: int = DEFAULT_SEED, flows_rows: int | None = None,
    report: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the sample data with the one generated from `seed`, in one transaction."""
    flows_rows = DEFAULT_FLOW_ROWS if flows_rows is None else flows_rows
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        clear_sample(conn)
        eu_project = conn.execute(select(Project.id).where(Project.code == EU_PROJECT_CODE)).scalar_one()
        posts = pd.read_sql(select(Post.id, Post.code, Post.country_iso3, Post.neighbour_iso3, Post.type,
                                   Post.crossing_code, Post.lon, Post.lat).order_by(Post.id), conn)
        components = sample_components(posts, eu_project, np.random.default_rng([seed, 1]))
        if components:
            conn.execute(insert(PostComponent), components)
        counts["components"] = len(components)
        _progress(report, f"components: {len(components)}")

        workshops = sample_workshops(posts, eu_project, np.random.default_rng([seed, 2]))
        for w in workshops:
            participants, covered = w.pop("participants"), w.pop("posts")
            workshop_id = conn.execute(insert(Workshop).returning(Workshop.id), w).scalar_one()
            conn.execute(insert(WorkshopParticipants), [{"workshop_id": workshop_id, **p} for p in participants])
            if covered:
                conn.execute(insert(WorkshopPost), [{"workshop_id": workshop_id, "post_id": p} for p in covered])
        counts["workshops"] = len(workshops)
        _progress(report, f"workshops: {len(workshops)}")

        returns = sample_returns(eu_project, np.random.default_rng([seed, 3]))
        conn.execute(insert(AssistedReturn), returns)
        counts["returns"] = len(returns)

        if flows_rows > 0:
            # One month at a time: memory stays flat at any row count and rows reach the database early.
            loaded = reported = 0
            for frame in iter_flow_frames(_post_profiles(conn), flows_rows, seed):
                frame["is_sample"] = True
                insert_flows(conn, frame)
                loaded += len(frame)
                if loaded - reported >= flows_rows / 20 or loaded == flows_rows:  # about every 5 %
                    _progress(report, f"flows: {loaded:,} of {flows_rows:,} rows written")
                    reported = loaded
        _progress(report, "flows: computing the roll-ups")
        refresh_monthly(conn)  # all months: sample rows were removed above
        counts["flows"] = int(conn.execute(select(func.count()).select_from(FlowCount)).scalar_one())
        _progress(report, f"flows: {counts['flows']}")

        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for kind in ("upgrades", "workshops", "flows", "assistance"):
            conn.execute(delete(DatasetState).where(DatasetState.kind == kind))
            conn.execute(insert(DatasetState), {"kind": kind, "updated_at": now, "source": "sample", "seed": seed})
            counted = counts.get({"upgrades": "components", "assistance": "returns"}.get(kind, kind), 0)
            record_load(conn, kind, "sample", "system", counted, at=now)
        conn.execute(insert(AuditEntry), {
            "at": now, "username": "system", "action": "seed", "entity": "sample", "entity_key": str(seed),
            "details": ", ".join(f"{k}={v}" for k, v in counts.items()),
        })
    return counts


def seed_all(engine: Engine, seed: int = DEFAULT_SEED, flows_rows: int | None = None,
             report: Callable[[str], None] | None = None) -> dict[str, int]:
    """Fill an empty, migrated database: real reference records, then the sample data."""
    with engine.begin() as conn:
        load_reference(conn)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        conn.execute(insert(DatasetState), [
            {"kind": "posts", "updated_at": now, "source": "data/posts.csv", "seed": None},
            {"kind": "projects", "updated_at": now, "source": "geo/programme/catalogue.py", "seed": None},
        ])
        record_load(conn, "posts", "data/posts.csv", "system",
                    int(conn.execute(select(func.count()).select_from(Post)).scalar_one()), at=now)
    return seed_sample(engine, seed=seed, flows_rows=flows_rows, report=report)


def sample_seed(engine: Engine) -> int | None:
    """The seed of the sample data currently loaded (None when no sample data is present)."""
    with engine.connect() as conn:
        return conn.execute(
            select(DatasetState.seed).where(DatasetState.source == "sample").limit(1)
        ).scalar()
