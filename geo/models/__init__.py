"""The data model (SQLAlchemy 2.0 typed ORM). Constraints live here, not in pages.

Points are stored as lon/lat columns (EPSG:4326) so the embedded SQLite default needs no SpatiaLite;
on PostgreSQL the migration adds a generated PostGIS geography column with a GiST index.
Flow counts and assisted returns are aggregates: no table holds data about a person.

One schema in four modules: base (the declarative base, coded values), records (the programme's data),
access (users, audit, bookkeeping), alerts. Import from geo.models: every table is registered on Base's
metadata here, which migrations and their test compare against.
"""

from __future__ import annotations

from geo.models.access import (
    AuditEntry,
    DatasetLoad,
    DatasetState,
    ServerSecret,
    SignInSession,
    User,
)
from geo.models.alerts import (
    ALERT_RULES,
    ALERT_TOPICS,
    DELIVERY_STATES,
    AlertDelivery,
    AlertSubscription,
    AlertVisit,
)
from geo.models.base import (
    AGE_BANDS,
    AGENCIES,
    COMPONENT_STATUSES,
    DIRECTIONS,
    NAMING,
    POST_TYPES,
    PROJECT_STATUSES,
    RETURN_CATEGORIES,
    ROLES,
    SEXES,
    WORKSHOP_SCOPES,
    Base,
)
from geo.models.records import (
    AssistedReturn,
    ComponentType,
    Country,
    FlowCount,
    FlowDayNat,
    FlowDayPost,
    FlowMonthDemo,
    FlowMonthly,
    FlowMonthRoute,
    Post,
    PostComponent,
    Project,
    ProjectComponent,
    ProjectCountry,
    Workshop,
    WorkshopParticipants,
    WorkshopPost,
)

__all__ = [
    "AGENCIES",
    "AGE_BANDS",
    "ALERT_RULES",
    "ALERT_TOPICS",
    "COMPONENT_STATUSES",
    "DELIVERY_STATES",
    "DIRECTIONS",
    "NAMING",
    "POST_TYPES",
    "PROJECT_STATUSES",
    "RETURN_CATEGORIES",
    "ROLES",
    "SEXES",
    "WORKSHOP_SCOPES",
    "AlertDelivery",
    "AlertSubscription",
    "AlertVisit",
    "AssistedReturn",
    "AuditEntry",
    "Base",
    "ComponentType",
    "Country",
    "DatasetLoad",
    "DatasetState",
    "FlowCount",
    "FlowDayNat",
    "FlowDayPost",
    "FlowMonthDemo",
    "FlowMonthRoute",
    "FlowMonthly",
    "Post",
    "PostComponent",
    "Project",
    "ProjectComponent",
    "ProjectCountry",
    "ServerSecret",
    "SignInSession",
    "User",
    "Workshop",
    "WorkshopParticipants",
    "WorkshopPost",
]
