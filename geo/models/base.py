"""The schema's foundations: the declarative base with stable constraint names, and the allowed values
of coded columns (one place: checks, forms and imports read them from here)."""

from __future__ import annotations

from sqlalchemy import (
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic migrations are stable across SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

POST_TYPES = ("land", "air", "sea")
COMPONENT_STATUSES = ("planned", "procurement", "installation", "operational", "delayed", "suspended")
DIRECTIONS = ("entry", "exit")
SEXES = ("F", "M", "U")  # U: not recorded
AGE_BANDS = ("0-17", "18-29", "30-44", "45-59", "60+", "unknown")
AGENCIES = ("migration", "police", "customs", "other")
WORKSHOP_SCOPES = ("national", "binational", "regional")
RETURN_CATEGORIES = ("trafficking_victim", "unaccompanied_minor", "other_vulnerable")
ROLES = ("viewer", "editor", "admin")
PROJECT_STATUSES = ("planned", "active", "completed", "suspended")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _iso3(column: str) -> str:
    # Portable check (no regex in SQLite): three characters, upper case A-Z.
    return f"length({column}) = 3 AND upper({column}) = {column}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
