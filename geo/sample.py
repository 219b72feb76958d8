"""First-start filling of the database: real reference records plus seeded sample data.

Real: countries (Natural Earth), border posts (data/posts.csv), the component catalogue and the two
projects (geo.programme.catalogue). Sample, flagged is_sample and labelled in the UI: infrastructure statuses,
workshops, flows and assisted returns, all generated from one seed so that `python -m geo seed --seed N`
reproduces them exactly. Flows: geo.flows.generate (its docstring holds their sources and assumptions).
What the rest of the sample assumes, and why (tests/test_sample.py checks each declared figure):

Upgrade components (sample_components)
    - Posts join the programme in waves (WAVES: June 2023 to March 2027, 10-18 % of the posts each; the last
      wave is still planned at the sample's end). Assumed: a regional programme equips posts in batches as
      procurement rounds close.
    - Each component starts within four months of its post's wave and is planned to take DURATION_DAYS by
      category (equipment 6 to 13 months, connectivity 8 to 16, facilities 12 to 24): public procurement
      and installation at remote posts, assumed.
    - Most finish on time, up to EARLY_DAYS (40) days early; LATE (10 % of components at an ordinary post,
      55 % at a troubled one, TROUBLED_POSTS = 35 % of posts: access, permits, power) finish 2 to 18 months
      late (LATE_DAYS). At the default seed about 87 % of finished components finished on time, about 8 % of
      the unfinished ones are overdue, and a few finish in any month (5 in October 2026).
    - Status is what those dates make of SAMPLE_END, nothing clamped: not yet started -> planned (its target
      in the future); finished -> operational on its real date; under way -> procurement (under 30 % of
      its time) or installation, delayed once its target has passed (STILL_INSTALLATION = 20 % of those keep
      "installation": nobody updated them), suspended for SUSPENDED (4 %) of the late ones.
    - Budgets in EUR, the programme's currency (BUDGET_EUR by component: 2,000 to 11,000 for equipment and
      links, 15,000 to 40,000 for an integrated control facility): about EUR 3 million in all for the 57
      programme posts, the scale of a project of "over EUR 1 million" (geo.programme.catalogue) with national
      co-financing. Committed 85 to 100 % of planned once under way; spent follows progress.

Workshops (sample_workshops): binational workshops at crossings of the four pairs in 2024 to 2026 (about
    45 % of crossings a year), plus one regional meeting a year; participants 2 to 17 per agency, 42 % women.

Assisted returns (sample_returns): RETURNS_PER_MONTH for a country of average size (trafficking victims 0.15,
    unaccompanied minors 0.6, other vulnerable migrants 1.3 a month), Guatemala and Honduras 1.4 x, El
    Salvador and Nicaragua 0.8 x: about 108 persons a year in the region, of the order of the 50 persons the
    programme reported having assisted "so far" (geo.programme.catalogue.REPORTED_RETURNS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from pyproj import Geod
from sqlalchemy import Engine, delete, func, insert, select

from geo import reference
from geo.access.audit import record_changes
from geo.access.auth import SYSTEM
from geo.datasets import record_load
from geo.flows.draw import iter_flow_frames
from geo.flows.generate import SAMPLE_END, SAMPLE_START, PostProfile
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
from geo.upgrades.records import ENTITY as COMPONENT_ENTITY
from geo.upgrades.records import component_key

DEFAULT_SEED = 2026
DEFAULT_FLOW_ROWS = 150_000
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


# Upgrade components (see the module docstring): waves of posts, durations by kind of component, lateness.
WAVES = ((dt.date(2023, 6, 1), 0.10), (dt.date(2024, 1, 1), 0.14), (dt.date(2024, 8, 1), 0.16),
         (dt.date(2025, 3, 1), 0.18), (dt.date(2025, 10, 1), 0.16), (dt.date(2026, 5, 1), 0.14),
         (dt.date(2027, 3, 1), 0.12))
DURATION_DAYS = {"equipment": (180, 400), "connectivity": (240, 480), "facility": (365, 720)}
TROUBLED_POSTS = 0.35  # share of posts where works tend to run late (access, permits, power supply)
LATE = {False: 0.1, True: 0.55}  # chance that a component runs late, at an ordinary / a troubled post
LATE_DAYS = (60, 540)
EARLY_DAYS = 40  # an on-time component is finished up to this many days before its target
SUSPENDED = 0.04  # chance that a late component under way is suspended
STILL_INSTALLATION = 0.2  # overdue components whose status nobody has changed to "delayed" yet
BUDGET_EUR = {"workstations": (4_000, 9_000), "doc_readers": (2_500, 6_000), "biometrics": (5_000, 11_000),
              "national_link": (2_000, 7_000), "regional_link": (2_000, 6_000), "power_backup": (3_000, 8_000),
              "integrated_control": (15_000, 40_000)}


def sample_components(posts: pd.DataFrame, project_id: int, rng: np.random.Generator) -> list[dict]:
    """Upgrade components for the CA4 posts, consistent with the workflow rules. Each post joins the programme
    in a wave (WAVES); each component starts within four months of it, is planned to take DURATION_DAYS by its
    category, and finishes on time (up to EARLY_DAYS early) or late (LATE_DAYS), more often at troubled
    posts. Its status is what those dates make of SAMPLE_END: nothing is clamped to the sample's end."""
    rows = []
    category = {code: cat for code, _en, _es, cat, _order in COMPONENT_TYPES}
    wave_starts = [w for w, _ in WAVES]
    wave_p = np.array([p for _, p in WAVES])
    for post in posts.itertuples():
        if post.country_iso3 not in reference.CA4:
            continue  # the programme upgrades CA4 posts only
        wave = wave_starts[int(rng.choice(len(WAVES), p=wave_p / wave_p.sum()))]
        troubled = bool(rng.random() < TROUBLED_POSTS)
        for code, *_ in COMPONENT_TYPES:
            if code == "integrated_control" and post.type != "land":
                continue
            if code == "regional_link" and post.type == "sea" and rng.random() < 0.5:
                continue
            start = wave + dt.timedelta(days=int(rng.integers(0, 120)))
            target = start + dt.timedelta(days=int(rng.integers(*DURATION_DAYS[category[code]])))
            late = bool(rng.random() < LATE[troubled])
            finish = target + dt.timedelta(days=int(rng.integers(*LATE_DAYS)) if late
                                           else -int(rng.integers(0, EARLY_DAYS)))
            low, high = BUDGET_EUR[code]
            planned = float(round(rng.uniform(low, high), -2))
            completion = None
            if start > SAMPLE_END:
                status, progress = "planned", 0
            elif finish <= SAMPLE_END:
                status, progress, completion = "operational", 100, finish
            else:
                done = (SAMPLE_END - start).days / max((finish - start).days, 1)
                progress = int(min(max(round(done * 100), 1), 95))
                if late and rng.random() < SUSPENDED:
                    status = "suspended"
                elif target < SAMPLE_END:
                    status = "installation" if rng.random() < STILL_INSTALLATION else "delayed"
                else:
                    status = "procurement" if done < 0.3 else "installation"
            committed = 0.0 if status == "planned" else float(round(planned * rng.uniform(0.85, 1.0), -2))
            used = 1.0 if status == "operational" else progress / 100
            spent = float(round(committed * used * rng.uniform(0.85, 1.0), -2))
            rows.append({
                "post_id": int(post.id), "component_code": code, "project_id": project_id, "status": status,
                "progress": progress, "budget_planned": planned, "budget_committed": committed,
                "budget_spent": min(spent, committed), "start_date": start, "target_date": target,
                "completion_date": completion, "agency": f"Dirección de Migración {post.country_iso3}",
                "notes": None, "is_sample": True, "version": 1, "updated_by": "seed",
            })
    return rows


# The hour (UTC) a sample story's change is logged: mid-morning in the region (UTC-6).
_STORY_HOUR_UTC = 16


def sample_story(components: list[dict], post_codes: dict[int, str]) -> list[tuple[dt.datetime, str, dict]]:
    """The dated story of sample components, as the audit log would hold it had they been edited in the app:
    (when, component key, {field: (old, new)}) oldest first per component. A started component went from
    planned to procurement at its start (budget committed then); one past procurement reached installation
    about a third of the way to its finish (or to the sample's end); a delayed one turned delayed at its
    target date, a suspended one halfway from installation to the sample's end; an operational one at its
    completion date, its spending complete. Each change's old value is the previous change's new value and
    the last new value is the component as seeded, so the log undone from today gives each earlier state."""
    story = []
    for c in components:
        status, start = c["status"], c["start_date"]
        if status == "planned":
            continue  # planned since it was registered: nothing changed
        key = component_key(post_codes[c["post_id"]], c["component_code"])
        spent, committed, progress = c["budget_spent"], c["budget_committed"], c["progress"]
        end = c["completion_date"] or SAMPLE_END
        steps: list[tuple[dt.date, dict]] = []
        if status == "procurement":
            steps.append((start, {"status": ("planned", "procurement"), "progress": (0, progress),
                                  "budget_committed": (0.0, committed), "budget_spent": (0.0, spent)}))
        else:
            steps.append((start, {"status": ("planned", "procurement"), "progress": (0, 5),
                                  "budget_committed": (0.0, committed)}))
            mid_progress = 60 if status == "operational" else progress
            mid_spent = float(round(spent * 0.5, -2)) if status == "operational" else spent
            installed = start + dt.timedelta(days=max(1, (end - start).days // 3))
            steps.append((installed, {"status": ("procurement", "installation"), "progress": (5, mid_progress),
                                      "budget_spent": (0.0, mid_spent)}))
            if status == "operational":
                steps.append((end, {"status": ("installation", "operational"), "progress": (mid_progress, 100),
                                    "budget_spent": (mid_spent, spent)}))
            elif status == "delayed":
                steps.append((c["target_date"], {"status": ("installation", "delayed")}))
            elif status == "suspended":
                steps.append((installed + (SAMPLE_END - installed) / 2, {"status": ("installation", "suspended")}))
        day = None
        for when, changes in steps:
            day = when if day is None else min(max(when, day + dt.timedelta(days=1)), SAMPLE_END)
            story.append((dt.datetime.combine(day, dt.time(_STORY_HOUR_UTC)), key, changes))
    return story


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
# RETURNS_COUNTRY_FACTOR times more than El Salvador and Nicaragua: about 108 a year in the region (the
# programme reported 50 persons assisted "so far": geo.programme.catalogue.REPORTED_RETURNS). Unaccompanied
# minors: about 32 a year, some 1 in 70 of those the flow sample records at the posts
# (geo.flows.generate.UAM_PER_YEAR): the programme assists few of the minors the authorities return.
RETURNS_PER_MONTH = {"trafficking_victim": 0.15, "unaccompanied_minor": 0.6, "other_vulnerable": 1.3}
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
    # and their dated story (sample_story: the seed's updates; people's edits are by their own names)
    conn.execute(delete(AuditEntry).where(AuditEntry.entity == COMPONENT_ENTITY, AuditEntry.action == "update",
                                          AuditEntry.username == SYSTEM.username))
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
        for when, key, changes in sample_story(components, dict(zip(posts["id"], posts["code"], strict=True))):
            record_changes(conn, SYSTEM, COMPONENT_ENTITY, key, "update", changes, at=when)
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
