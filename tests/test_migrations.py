"""The Alembic migrations build exactly the schema the models declare (no drift), on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from geo.db import make_engine, migrate
from geo.models import Base

# What migration 0001 adds on PostgreSQL only and the models leave out on purpose: PostGIS geography
# points generated from lon/lat, with GiST indexes (SQLite keeps plain lon/lat; SQLAlchemy has no
# geography type without GeoAlchemy). And PostGIS's own table, which is the extension's, not ours.
POSTGIS_ONLY_COLUMNS = {("posts", "geog"), ("workshops", "geog")}
POSTGIS_ONLY_INDEXES = {"ix_posts_geog", "ix_workshops_geog"}
POSTGIS_TABLES = {"spatial_ref_sys"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave out exactly the PostGIS-only objects above, and only as found in the database."""
    if not reflected or compare_to is not None:  # declared in the models: always compared
        return True
    if type_ == "table":
        return name not in POSTGIS_TABLES
    if type_ == "column":
        return (obj.table.name, name) not in POSTGIS_ONLY_COLUMNS
    if type_ == "index":
        return name not in POSTGIS_ONLY_INDEXES
    return True


# Autogenerate's comparison, as a new migration would be generated: column types and server defaults
# too, not only tables, columns, indexes and constraints.
OPTIONS = {"compare_type": True, "compare_server_default": True, "include_object": include_object}


def drift(engine: Engine) -> list:
    """What autogenerate would put in a new migration after `migrate` (empty when the two agree)."""
    migrate(engine)
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts=OPTIONS), Base.metadata)


def test_sqlite_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'drift.sqlite'}")
    try:
        assert drift(engine) == []
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:Did not recognize type 'geography':sqlalchemy.exc.SAWarning")  # the geog columns
def test_postgresql_migrations_match_the_models(pg_engine: Engine) -> None:
    assert drift(pg_engine) == []
