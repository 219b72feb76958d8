"""Reads for the data-quality panel and the audit-log page (aggregated in SQL; rules reused, not copied).

- last update per data kind (dataset_state: a seed or an import, with its source file)
- posts without coordinates or far from their border (the rule of geo.posts.checks)
- components overdue (the rule of geo.upgrades.records.overdue_clause)
- real vs sample record counts per kind
- the audit log with filters
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from geo import periods
from geo.i18n import utc_start_of_local_day
from geo.kinds import KINDS
from geo.models import (
    AssistedReturn,
    AuditEntry,
    DatasetState,
    FlowCount,
    FlowMonthly,
    Post,
    PostComponent,
    Workshop,
)
from geo.posts.checks import post_problems

_TABLES = {"posts": Post, "upgrades": PostComponent, "workshops": Workshop, "flows": FlowCount,
           "assistance": AssistedReturn}


def last_updates(engine: Engine) -> pd.DataFrame:
    """One row per data kind: when it was last loaded and from what (None when never)."""
    with engine.connect() as conn:
        state = pd.read_sql(select(DatasetState.kind, DatasetState.updated_at, DatasetState.source,
                                   DatasetState.seed), conn)
    frame = pd.DataFrame({"kind": list(KINDS)}).merge(state, on="kind", how="left")
    return frame.astype(object).where(frame.notna(), None)


def record_counts(engine: Engine) -> pd.DataFrame:
    """Real and sample records per kind (kind, real, sample), counted in SQL.

    Flow rows are counted from the monthly roll-up (its rows and sample_rows), never by reading the raw rows:
    at 20 million rows that read took seconds.
    """
    rows = []
    with engine.connect() as conn:
        for kind, model in _TABLES.items():
            if model is FlowCount:
                total, sample = conn.execute(select(func.coalesce(func.sum(FlowMonthly.rows), 0),
                                                    func.coalesce(func.sum(FlowMonthly.sample_rows), 0))).one()
                rows.append({"kind": kind, "real": int(total) - int(sample), "sample": int(sample)})
                continue
            counts = dict(conn.execute(select(model.is_sample, func.count()).group_by(model.is_sample)).all())
            rows.append({"kind": kind, "real": int(counts.get(False, 0)), "sample": int(counts.get(True, 0))})
    return pd.DataFrame(rows, columns=["kind", "real", "sample"])


def post_location_problems(engine: Engine, lang: str = "en") -> pd.DataFrame:
    """Posts without coordinates or breaking the border rule (code, name, problem)."""
    with engine.connect() as conn:
        posts = pd.read_sql(select(Post.code, Post.name, Post.country_iso3, Post.type, Post.crossing_code,
                                   Post.neighbour_iso3, Post.lon, Post.lat).order_by(Post.code), conn)
    names = dict(zip(posts["code"], posts["name"], strict=True))
    rows = [{"code": p.subject, "name": names.get(p.subject, ""), "problem": p.rule.text(lang)}
            for p in post_problems(posts) if p.kind == "post"]
    return pd.DataFrame(rows, columns=["code", "name", "problem"])


def overdue_components(engine: Engine, as_of: dt.date | None = None) -> pd.DataFrame:
    """Components past their target date and not operational (post_code, component_code, status,
    target_date, days_overdue), most overdue first."""
    from geo.upgrades.records import overdue_frame

    frame = overdue_frame(engine, as_of or periods.today())
    return frame[["post_code", "component_code", "status", "target_date", "days_overdue"]]


# ------------------------------------------------------------------------------------------ audit log
@dataclass(frozen=True)
class AuditFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    entity: str | None = None
    username: str | None = None
    action: str | None = None
    key_contains: str | None = None


def audit_entries(engine: Engine, filters: AuditFilters = AuditFilters(), limit: int = 2000) -> pd.DataFrame:
    """Audit rows, newest first, filtered in SQL."""
    query = select(AuditEntry.at, AuditEntry.username, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_key,
                   AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value, AuditEntry.details, AuditEntry.scope)
    if filters.since:
        query = query.where(AuditEntry.at >= utc_start_of_local_day(filters.since))  # the region's days
    if filters.until:
        query = query.where(AuditEntry.at < utc_start_of_local_day(filters.until + dt.timedelta(days=1)))
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.username:
        query = query.where(AuditEntry.username == filters.username)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.key_contains:
        pattern = "%" + filters.key_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(AuditEntry.entity_key.like(pattern, escape="\\"))
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def audit_options(engine: Engine) -> dict[str, list[str]]:
    """The distinct entities, users and actions present (for the filter widgets)."""
    with engine.connect() as conn:
        return {
            name: sorted(v for v in conn.execute(select(column).distinct()).scalars() if v)
            for name, column in (("entity", AuditEntry.entity), ("username", AuditEntry.username),
                                 ("action", AuditEntry.action))
        }
