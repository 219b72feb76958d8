"""Infrastructure upgrades of the posts: queries, the workflow rules, budget execution, overdue items,
the information-exchange network, and the edits coordinators make (optimistic locking + audit).

The programme upgrades the CA4 posts (GTM, SLV, HND, NIC); posts of the neighbouring countries have no
components and their overall status is "none" (geo.upgrades.workflow.overall_status).
Every rule a component must obey lives in `validate_component`, and every write goes through
`save_component` (forms and imports alike), which merges, validates, versions and audits.
Problems are i18n keys ("infra.err.*").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, func, literal, select
from sqlalchemy.orm import Session

from geo import periods
from geo.access.auth import Actor, require
from geo.access.editing import NotFound, Saved, StaleEdit, ValidationFailed, save_record
from geo.db import session_scope
from geo.io.parsers import parse_typed
from geo.kinds.rules import range_problems
from geo.models import COMPONENT_STATUSES, AuditEntry, ComponentType, Post, PostComponent, Project
from geo.upgrades.component_types import CATEGORIES, TYPE_ENTITY, add_component_type, validate_component_type
from geo.upgrades.fields import UPGRADES
from geo.upgrades.workflow import WORKFLOW

ENTITY = "post_component"
EDIT_FIELDS = (
    "status", "progress", "budget_planned", "budget_committed", "budget_spent", "budget_flag", "start_date",
    "target_date", "completion_date", "agency", "notes", "project_id",
)
BUDGET_FIELDS = ("budget_planned", "budget_committed", "budget_spent")
DATE_FIELDS = ("start_date", "target_date", "completion_date")
TEXT_FIELDS = ("budget_flag", "agency", "notes")
BUDGET_DIMENSIONS = ("country", "component", "project")
STARTED = ("procurement", "installation", "operational")  # work under way: it has a start date

# Allowed status changes. Forward along the workflow (skipping a stage is allowed: reports arrive late);
# any unfinished stage can become delayed or suspended and resume at any stage. An operational component
# is finished: reopening it is a correction only an admin may make.
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"procurement", "installation", "operational", "delayed", "suspended"}),
    "procurement": frozenset({"installation", "operational", "delayed", "suspended"}),
    "installation": frozenset({"operational", "delayed", "suspended"}),
    "delayed": frozenset({*WORKFLOW, "suspended"}),
    "suspended": frozenset({*WORKFLOW, "delayed"}),
    "operational": frozenset(),
}


# ------------------------------------------------------------------------------------------ rules
def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a number here


def normalise_component(values: Mapping[str, Any]) -> dict[str, Any]:
    """Tidy an editor's or a file's input: trimmed text (empty → None), numbers as float/int, Decimal
    budgets as float, timestamps as dates. Values that cannot be read are kept for the validator."""
    out = dict(values)
    for name in TEXT_FIELDS:
        if isinstance(out.get(name), str):
            out[name] = out[name].strip() or None
    if isinstance(out.get("status"), str):
        out["status"] = out["status"].strip().lower()
    for name in BUDGET_FIELDS:
        if isinstance(out.get(name), Decimal | int) and not isinstance(out.get(name), bool):
            out[name] = float(out[name])
        elif isinstance(out.get(name), str):  # typed in a form: 88,900.00 read by the import's rule
            number, problem = parse_typed(out[name], UPGRADES.field(name))
            if problem is None:
                out[name] = None if number is None else float(number)
    progress = _number(out.get("progress"))
    if progress is not None and progress.is_integer():
        out["progress"] = int(progress)
    for name in DATE_FIELDS:
        value = out.get(name)
        if isinstance(value, pd.Timestamp):
            out[name] = None if pd.isna(value) else value.date()
        elif isinstance(value, dt.datetime):
            out[name] = value.date()
    return out


def validate_component(values: Mapping[str, Any], *, previous_status: str | None = None,
                       any_transition: bool = False, today: dt.date | None = None) -> dict[str, Any]:
    """{field: i18n key of the problem} for every rule a component's values break (empty: valid).

    `values` is the whole record (as merged on save). A range problem is (key, params): "data.err.range",
    "data.err.negative" or "data.err.integer", as the import's cell parser says it. `previous_status`, when
    given, checks the status change against TRANSITIONS unless `any_transition` (an admin's correction).
    """
    v = normalise_component(values)
    today = today or periods.today()
    problems: dict[str, str] = {}
    status = v.get("status")
    if status is None:
        problems["status"] = "data.err.required"  # the import's key for an empty required cell
    elif status not in COMPONENT_STATUSES:
        problems["status"] = ("data.err.choice", {"value": str(status), "allowed": ", ".join(COMPONENT_STATUSES)})
    elif previous_status and status != previous_status and not any_transition \
            and status not in TRANSITIONS.get(previous_status, frozenset()):
        problems["status"] = "infra.err.operational_final" if previous_status == "operational" \
            else "infra.err.transition"

    # Ranges first, by the fields' own bounds (geo.upgrades.fields): the same keys an import gives. A figure typed
    # as text that normalise_component could not read is reported as the import reports such a cell.
    ranges = range_problems(UPGRADES, v, ("progress", *BUDGET_FIELDS))
    ranges.update({name: parse_typed(v[name], UPGRADES.field(name))[1] for name in BUDGET_FIELDS
                   if isinstance(v.get(name), str)})
    progress = _number(v.get("progress"))
    if "progress" in ranges:
        problems["progress"] = ranges["progress"]
    elif progress is None or not progress.is_integer() or not 0 <= progress <= 100:
        problems["progress"] = "infra.err.progress_range"
    elif status == "operational" and progress != 100:
        problems["progress"] = "infra.err.progress_operational"
    elif status == "planned" and progress != 0:
        problems["progress"] = "infra.err.progress_planned"

    amounts = {name: _number(v.get(name)) for name in BUDGET_FIELDS}
    for name, amount in amounts.items():
        if name in ranges:  # below zero, or above MAX_MONEY
            problems[name] = ranges[name]
        elif amount is None or amount < 0:
            problems[name] = "infra.err.budget_negative"
    planned, committed, spent = (amounts[n] for n in BUDGET_FIELDS)
    if not any(n in problems for n in BUDGET_FIELDS) and not v.get("budget_flag"):
        # An overspend is allowed only with a written explanation (budget_flag).
        if committed > planned:  # type: ignore[operator]
            problems["budget_committed"] = "infra.err.committed_over_planned"
        if spent > committed:  # type: ignore[operator]
            problems["budget_spent"] = "infra.err.spent_over_committed"

    dates = {name: v.get(name) for name in DATE_FIELDS}
    for name, value in dates.items():
        if value is not None and not isinstance(value, dt.date):
            problems[name] = "infra.err.date_invalid"
    start, target, done = (d if isinstance(d, dt.date) else None for d in dates.values())
    if status in STARTED and start is None and "start_date" not in problems:
        problems["start_date"] = "infra.err.start_required"
    if start and target and target < start:
        problems["target_date"] = "infra.err.target_before_start"
    if status == "operational" and done is None and "completion_date" not in problems:
        problems["completion_date"] = "infra.err.completion_required"
    elif status in COMPONENT_STATUSES and status != "operational" and done is not None:
        problems["completion_date"] = "infra.err.completion_only_operational"
    elif done is not None and start and done < start:
        problems["completion_date"] = "infra.err.completion_before_start"
    elif done is not None and done > today:
        problems["completion_date"] = "infra.err.completion_future"
    return problems


def overdue_clause(as_of: dt.date):
    """THE overdue rule, as SQL: the target date has passed and the component is not operational."""
    return and_(PostComponent.target_date.is_not(None), PostComponent.target_date < as_of,
                PostComponent.status != "operational")


# ---------------------------------------------------------------------------------------- queries
def _country_filter(query, countries: tuple[str, ...], components: tuple[str, ...] = ()):
    if countries:
        query = query.where(Post.country_iso3.in_(countries))
    if components:
        query = query.where(PostComponent.component_code.in_(components))
    return query


def components_frame(engine: Engine, countries: tuple[str, ...] = (), as_of: dt.date | None = None,
                     components: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per post and component with its post, catalogue names, project and an `overdue` flag."""
    as_of = as_of or periods.today()
    query = (
        select(
            Post.code.label("post_code"), Post.name.label("post_name"), Post.country_iso3, Post.type.label("post_type"),
            Post.crossing_code, PostComponent.component_code, ComponentType.name_es, ComponentType.name_en,
            ComponentType.category, ComponentType.sort_order, Project.code.label("project_code"),
            PostComponent.project_id, PostComponent.status, PostComponent.progress, PostComponent.budget_planned,
            PostComponent.budget_committed, PostComponent.budget_spent, PostComponent.budget_flag,
            PostComponent.start_date, PostComponent.target_date, PostComponent.completion_date,
            PostComponent.agency, PostComponent.notes, PostComponent.is_sample, PostComponent.version,
            PostComponent.updated_at, PostComponent.updated_by,
            case((overdue_clause(as_of), True), else_=False).label("overdue"),
        )
        .join(Post, Post.id == PostComponent.post_id)
        .join(ComponentType, ComponentType.code == PostComponent.component_code)
        .outerjoin(Project, Project.id == PostComponent.project_id)
        .order_by(Post.country_iso3, Post.code, ComponentType.sort_order)
    )
    query = _country_filter(query, countries, components)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    for name in BUDGET_FIELDS:
        frame[name] = frame[name].astype(float)
    frame["overdue"] = frame["overdue"].astype(bool)
    for name in DATE_FIELDS:
        frame[name] = pd.to_datetime(frame[name]).dt.date.where(frame[name].notna(), None)
    frame["days_overdue"] = [
        (as_of - target).days if late else 0 for late, target in zip(frame["overdue"], frame["target_date"],
                                                                      strict=True)
    ]
    return frame


def overdue_frame(engine: Engine, as_of: dt.date | None = None, countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """The overdue components, most overdue first."""
    frame = components_frame(engine, countries, as_of)
    return frame[frame["overdue"]].sort_values("days_overdue", ascending=False).reset_index(drop=True)


def catalogue(engine: Engine) -> pd.DataFrame:
    """The component types, in display order."""
    with engine.connect() as conn:
        return pd.read_sql(select(ComponentType).order_by(ComponentType.sort_order, ComponentType.code), conn)


def projects(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(select(Project.id, Project.code, Project.title_es, Project.title_en)
                           .order_by(Project.code), conn)


def programme_summary(engine: Engine, countries: tuple[str, ...] = (), as_of: dt.date | None = None,
                      components: tuple[str, ...] = (), since: dt.date | None = None) -> dict:
    """Headline figures, aggregated in SQL: components, operational, overdue, mean progress, budgets;
    `operational_since`: operational components completed on or after `since` (none without it), what the
    operational figure gained since then (a component's status has no history: one that fell back since is
    not known)."""
    as_of = as_of or periods.today()
    completed_since = (and_(PostComponent.status == "operational", PostComponent.completion_date >= since)
                       if since is not None else literal(False))
    query = _country_filter(
        select(
            func.count().label("components"),
            func.sum(case((PostComponent.status == "operational", 1), else_=0)).label("operational"),
            func.sum(case((completed_since, 1), else_=0)).label("operational_since"),
            func.sum(case((overdue_clause(as_of), 1), else_=0)).label("overdue"),
            func.avg(PostComponent.progress).label("mean_progress"),
            func.sum(PostComponent.budget_planned).label("planned"),
            func.sum(PostComponent.budget_committed).label("committed"),
            func.sum(PostComponent.budget_spent).label("spent"),
            func.count(func.distinct(PostComponent.post_id)).label("posts"),
        ).join(Post, Post.id == PostComponent.post_id),
        countries, components,
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().one()
    out = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
    for key in ("components", "operational", "operational_since", "overdue", "posts"):
        out[key] = int(out[key] or 0)
    for key in ("mean_progress", "planned", "committed", "spent"):
        out[key] = float(out[key] or 0.0)
    return out


def summary_at(engine: Engine, countries: tuple[str, ...], when: dt.datetime) -> dict | None:
    """components, operational, planned, spent as they stood at `when` (stored UTC), by THE history rule
    (geo.history: today's components with every logged change since undone); None when the log does not reach
    back to `when` (the components were seeded after it)."""
    from geo import history

    since = history.known_from(engine, "upgrades", ENTITY)
    if since is not None and when < since:
        return None
    now = components_frame(engine, countries)[["post_code", "component_code", "status", *BUDGET_FIELDS]]
    now = now.assign(key=[component_key(p, c) for p, c in zip(now["post_code"], now["component_code"], strict=True)])
    then = history.as_it_stood(now, history.changes_after(engine, ENTITY, when))
    return {"components": len(then), "operational": int((then["status"] == "operational").sum()),
            "planned": float(then["budget_planned"].sum()), "spent": float(then["budget_spent"].sum())}


def status_counts(engine: Engine, countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """Components per status (SQL GROUP BY), in workflow order."""
    query = _country_filter(
        select(PostComponent.status, func.count().label("components"))
        .join(Post, Post.id == PostComponent.post_id).group_by(PostComponent.status),
        countries,
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    order = {s: i for i, s in enumerate(COMPONENT_STATUSES)}
    return frame.sort_values("status", key=lambda s: s.map(order)).reset_index(drop=True)


def budget_execution(engine: Engine, by: str, countries: tuple[str, ...] = (),
                     components: tuple[str, ...] = ()) -> pd.DataFrame:
    """Budget planned / committed / spent (EUR) summed by country, component or project, in SQL.

    Columns: key, planned, committed, spent, components, committed_rate, spent_rate (shares of planned).
    Components outside any project are grouped under key "" (no project).
    """
    if by not in BUDGET_DIMENSIONS:
        raise ValueError(f"budget by {by!r}: expected one of {BUDGET_DIMENSIONS}")
    key = {
        "country": Post.country_iso3,
        "component": PostComponent.component_code,
        "project": func.coalesce(Project.code, literal("")),
    }[by].label("key")
    query = (
        select(
            key,
            func.sum(PostComponent.budget_planned).label("planned"),
            func.sum(PostComponent.budget_committed).label("committed"),
            func.sum(PostComponent.budget_spent).label("spent"),
            func.count().label("components"),
        )
        .join(Post, Post.id == PostComponent.post_id)
        .outerjoin(Project, Project.id == PostComponent.project_id)
        .group_by(key)
        .order_by(key)
    )
    query = _country_filter(query, countries, components)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    for name in ("planned", "committed", "spent"):
        frame[name] = frame[name].astype(float)
    planned = frame["planned"].where(frame["planned"] > 0)
    frame["committed_rate"] = frame["committed"] / planned
    frame["spent_rate"] = frame["spent"] / planned
    return frame


def changes_since(engine: Engine, since: dt.date | dt.datetime, limit: int = 2000) -> pd.DataFrame:
    """The audit log of upgrades (components and the catalogue) since `since`, newest first."""
    start = since if isinstance(since, dt.datetime) else dt.datetime.combine(since, dt.time())
    query = (
        select(AuditEntry.at, AuditEntry.username, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_key,
               AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value)
        .where(AuditEntry.at >= start, AuditEntry.entity.in_((ENTITY, TYPE_ENTITY)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    keys = frame["entity_key"].fillna("").str.split("/", n=1)
    frame["post_code"] = [k[0] if len(k) == 2 else None for k in keys]
    frame["component_code"] = [k[1] if len(k) == 2 else k[0] for k in keys]
    return frame


# ------------------------------------------------------------------------------------------ edits
def component_key(post_code: str, component_code: str) -> str:
    return f"{post_code}/{component_code}"


NEW_COMPONENT = {"status": "planned", "progress": 0, "budget_planned": 0.0, "budget_committed": 0.0,
                 "budget_spent": 0.0, "is_sample": False}


def component_record(engine: Engine, post_code: str, component_code: str) -> dict[str, Any] | None:
    """The editable values of one component plus its `version`, as an editor reads them."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*(getattr(PostComponent, f) for f in EDIT_FIELDS), PostComponent.version,
                   PostComponent.updated_by, PostComponent.updated_at)
            .join(Post, Post.id == PostComponent.post_id)
            .where(Post.code == post_code, PostComponent.component_code == component_code)
        ).mappings().first()
    return None if row is None else normalise_component(dict(row))


def save_component(target: Connection | Session, actor: Actor, post_code: str, component_code: str,
                   given: Mapping[str, Any], *, mode: str = "upsert", seen: Mapping[str, Any] | None = None,
                   today: dt.date | None = None, at: dt.datetime | None = None) -> Saved:
    """THE write path of a post's component: the edit forms and every import call it.

    `given` may be partial (a file naming only status and budget_spent): it is merged with the stored
    row, and the merged row must pass validate_component, the status change included — moving an
    operational component back is an admin's correction, whoever asks and however (form or file).
    """
    require(actor, "editor", "edit infrastructure components")
    post_id = target.execute(select(Post.id).where(Post.code == post_code)).scalar()
    if post_id is None:
        raise NotFound(f"post {post_code} does not exist")
    if target.execute(select(ComponentType.code).where(ComponentType.code == component_code)).first() is None:
        if mode == "update":
            raise NotFound(f"component type {component_code} does not exist")
        raise ValidationFailed({"component_code": "infra.err.component_unknown"})
    values = normalise_component({f: given[f] for f in (*EDIT_FIELDS, "is_sample") if f in given})

    def rules(stored: Mapping[str, object] | None, merged: dict[str, object]) -> dict[str, str]:
        previous = str(stored["status"]) if stored is not None else None
        return validate_component(merged, previous_status=previous, any_transition=actor.can("admin"), today=today)

    return save_record(
        target, actor, PostComponent, {"post_id": int(post_id), "component_code": component_code}, values,
        entity=ENTITY, key=component_key(post_code, component_code), mode=mode, defaults=NEW_COMPONENT,
        seen=seen, validate=rules, at=at, exists=("component_code", "infra.err.component_exists"),
    )


def update_component(engine: Engine, actor: Actor, post_code: str, component_code: str,
                     seen: Mapping[str, Any], new: Mapping[str, Any], today: dt.date | None = None) -> int:
    """Save an editor's change to one component. `seen` is component_record() as read when the form
    opened (with its version). Refused with StaleEdit when someone saved it meanwhile, ValidationFailed
    when a rule is broken, PermissionDenied below the editor role. Returns the new version."""
    require(actor, "editor", "edit infrastructure components")
    seen_row = normalise_component({f: seen.get(f) for f in EDIT_FIELDS if f in seen})
    seen_row["version"] = seen.get("version")
    with session_scope(engine) as session:
        changes = {f: new[f] for f in EDIT_FIELDS if f in new}
        saved = save_component(session, actor, post_code, component_code, changes, mode="update", seen=seen_row,
                               today=today)
    return int(saved.version or 0)


def add_component(engine: Engine, actor: Actor, post_code: str, component_code: str,
                  values: Mapping[str, Any], today: dt.date | None = None) -> int:
    """Put a post on the programme for one more component (editor), audited. Returns the row id."""
    require(actor, "editor", "add infrastructure components")
    with session_scope(engine) as session:
        saved = save_component(session, actor, post_code, component_code, values, mode="create", today=today)
    return int(saved.id or 0)


__all__ = [
    "BUDGET_DIMENSIONS", "CATEGORIES", "EDIT_FIELDS", "ENTITY", "TRANSITIONS", "NotFound", "StaleEdit",
    "ValidationFailed", "add_component", "add_component_type", "budget_execution", "catalogue", "changes_since",
    "component_record", "components_frame", "normalise_component",
    "overdue_clause", "overdue_frame", "programme_summary", "projects", "save_component", "status_counts",
    "update_component",
    "validate_component", "validate_component_type",
]
