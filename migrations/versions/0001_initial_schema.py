"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 04:15:51.977755
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# On PostgreSQL, PostGIS adds geography points generated from lon/lat, with GiST indexes for
# spatial queries (ST_DWithin). SQLite keeps plain lon/lat: no SpatiaLite needed.
POSTGIS_POINTS = (("posts", "lon", "lat"), ("workshops", "venue_lon", "venue_lat"))


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=80), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"], unique=False)
        batch_op.create_index(
            "ix_audit_log_entity", ["entity", "entity_key"], unique=False
        )

    op.create_table(
        "component_types",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_es", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_component_types")),
    )
    op.create_table(
        "countries",
        sa.Column("iso3", sa.String(length=3), nullable=False),
        sa.Column("name_es", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("is_ca4", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "length(iso3) = 3 AND upper(iso3) = iso3",
            name=op.f("ck_countries_iso3_code"),
        ),
        sa.PrimaryKeyConstraint("iso3", name=op.f("pk_countries")),
    )
    op.create_table(
        "dataset_state",
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_dataset_state")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_es", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("project_type", sa.String(length=40), nullable=True),
        sa.Column("donor", sa.String(length=120), nullable=True),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'active', 'completed', 'suspended')",
            name=op.f("ck_projects_status"),
        ),
        sa.CheckConstraint(
            "budget IS NULL OR budget >= 0", name=op.f("ck_projects_budget_nonneg")
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_projects_dates"),
        ),
        sa.CheckConstraint("length(currency) = 3", name=op.f("ck_projects_currency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "role IN ('viewer', 'editor', 'admin')", name=op.f("ck_users_role")
        ),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_users_failed_nonneg")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "assisted_returns",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "category IN ('trafficking_victim', 'unaccompanied_minor', 'other_vulnerable')",
            name=op.f("ck_assisted_returns_category"),
        ),
        sa.CheckConstraint("count >= 0", name=op.f("ck_assisted_returns_count_nonneg")),
        sa.ForeignKeyConstraint(
            ["country_iso3"],
            ["countries.iso3"],
            name=op.f("fk_assisted_returns_country_iso3_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_assisted_returns_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint(
            "month", "country_iso3", "category", name=op.f("pk_assisted_returns")
        ),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("crossing_code", sa.String(length=16), nullable=True),
        sa.Column("neighbour_iso3", sa.String(length=3), nullable=True),
        sa.Column("road", sa.String(length=20), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("placement", sa.Text(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(type = 'land' AND neighbour_iso3 IS NOT NULL AND crossing_code IS NOT NULL) OR (type <> 'land' AND neighbour_iso3 IS NULL)",
            name=op.f("ck_posts_land_has_neighbour"),
        ),
        sa.CheckConstraint(
            "type IN ('land', 'air', 'sea')", name=op.f("ck_posts_type")
        ),
        sa.CheckConstraint(
            "lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90",
            name=op.f("ck_posts_lonlat_range"),
        ),
        sa.CheckConstraint(
            "neighbour_iso3 IS NULL OR neighbour_iso3 <> country_iso3",
            name=op.f("ck_posts_neighbour_other"),
        ),
        sa.ForeignKeyConstraint(
            ["country_iso3"],
            ["countries.iso3"],
            name=op.f("fk_posts_country_iso3_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["neighbour_iso3"],
            ["countries.iso3"],
            name=op.f("fk_posts_neighbour_iso3_countries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("code", name=op.f("uq_posts_code")),
        sa.UniqueConstraint(
            "crossing_code", "country_iso3", name="uq_posts_crossing_side"
        ),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_country", ["country_iso3"], unique=False)

    op.create_table(
        "project_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_es", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_components_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_components")),
    )
    op.create_table(
        "project_countries",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("iso3", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_countries_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "iso3", name=op.f("pk_project_countries")
        ),
    )
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("venue_name", sa.String(length=120), nullable=True),
        sa.Column("venue_geonameid", sa.Integer(), nullable=True),
        sa.Column("venue_country_iso3", sa.String(length=3), nullable=True),
        sa.Column("venue_lon", sa.Float(), nullable=True),
        sa.Column("venue_lat", sa.Float(), nullable=True),
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("pair_a", sa.String(length=3), nullable=True),
        sa.Column("pair_b", sa.String(length=3), nullable=True),
        sa.Column("organisers", sa.String(length=300), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "(scope = 'binational' AND pair_a IS NOT NULL AND pair_b IS NOT NULL AND pair_a < pair_b) OR (scope <> 'binational')",
            name=op.f("ck_workshops_pair"),
        ),
        sa.CheckConstraint(
            "scope IN ('national', 'binational', 'regional')",
            name=op.f("ck_workshops_scope"),
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_workshops_dates")),
        sa.CheckConstraint(
            "venue_lon IS NULL OR (venue_lon BETWEEN -180 AND 180 AND venue_lat BETWEEN -90 AND 90)",
            name=op.f("ck_workshops_venue_range"),
        ),
        sa.ForeignKeyConstraint(
            ["pair_a"], ["countries.iso3"], name=op.f("fk_workshops_pair_a_countries")
        ),
        sa.ForeignKeyConstraint(
            ["pair_b"], ["countries.iso3"], name=op.f("fk_workshops_pair_b_countries")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_workshops_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["venue_country_iso3"],
            ["countries.iso3"],
            name=op.f("fk_workshops_venue_country_iso3_countries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
        sa.UniqueConstraint("code", name=op.f("uq_workshops_code")),
    )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.create_index("ix_workshops_start", ["start_date"], unique=False)

    op.create_table(
        "flow_counts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("prev_country", sa.String(length=3), nullable=False),
        sa.Column("next_country", sa.String(length=3), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("unaccompanied_minors", sa.Integer(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "age_band IN ('0-17', '18-29', '30-44', '45-59', '60+', 'unknown')",
            name=op.f("ck_flow_counts_age_band"),
        ),
        sa.CheckConstraint(
            "direction IN ('entry', 'exit')", name=op.f("ck_flow_counts_direction")
        ),
        sa.CheckConstraint("sex IN ('F', 'M', 'U')", name=op.f("ck_flow_counts_sex")),
        sa.CheckConstraint("count >= 0", name=op.f("ck_flow_counts_count_nonneg")),
        sa.CheckConstraint(
            "length(nationality) = 3 AND upper(nationality) = nationality",
            name=op.f("ck_flow_counts_nationality"),
        ),
        sa.CheckConstraint("month <= day", name=op.f("ck_flow_counts_month")),
        sa.CheckConstraint(
            "unaccompanied_minors IS NULL OR (unaccompanied_minors >= 0)",
            name=op.f("ck_flow_counts_uam_nonneg"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_flow_counts_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_counts")),
        sa.UniqueConstraint(
            "day",
            "post_id",
            "direction",
            "nationality",
            "sex",
            "age_band",
            "prev_country",
            "next_country",
            name="uq_flow_counts_natural_key",
        ),
    )
    with op.batch_alter_table("flow_counts", schema=None) as batch_op:
        batch_op.create_index("ix_flow_counts_month", ["month"], unique=False)
        batch_op.create_index(
            "ix_flow_counts_post_day", ["post_id", "day"], unique=False
        )

    op.create_table(
        "flow_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("prev_country", sa.String(length=3), nullable=False),
        sa.Column("next_country", sa.String(length=3), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("unaccompanied_minors", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_flow_monthly_count_nonneg")),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_flow_monthly_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "month",
            "post_id",
            "direction",
            "nationality",
            "sex",
            "age_band",
            "prev_country",
            "next_country",
            name=op.f("pk_flow_monthly"),
        ),
    )
    with op.batch_alter_table("flow_monthly", schema=None) as batch_op:
        batch_op.create_index("ix_flow_monthly_month", ["month"], unique=False)

    op.create_table(
        "post_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("component_code", sa.String(length=24), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("budget_planned", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "budget_committed", sa.Numeric(precision=14, scale=2), nullable=False
        ),
        sa.Column("budget_spent", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("budget_flag", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("completion_date", sa.Date(), nullable=True),
        sa.Column("agency", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "status <> 'operational' OR completion_date IS NOT NULL",
            name=op.f("ck_post_components_operational_done"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'procurement', 'installation', 'operational', 'delayed', 'suspended')",
            name=op.f("ck_post_components_status"),
        ),
        sa.CheckConstraint(
            "budget_planned >= 0 AND budget_committed >= 0 AND budget_spent >= 0",
            name=op.f("ck_post_components_budget_nonneg"),
        ),
        sa.CheckConstraint(
            "progress BETWEEN 0 AND 100", name=op.f("ck_post_components_progress_range")
        ),
        sa.CheckConstraint(
            "target_date IS NULL OR start_date IS NULL OR target_date >= start_date",
            name=op.f("ck_post_components_dates"),
        ),
        sa.ForeignKeyConstraint(
            ["component_code"],
            ["component_types.code"],
            name=op.f("fk_post_components_component_code_component_types"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_components_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_post_components_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_components")),
        sa.UniqueConstraint(
            "post_id", "component_code", name="uq_post_components_post_component"
        ),
    )
    with op.batch_alter_table("post_components", schema=None) as batch_op:
        batch_op.create_index("ix_post_components_status", ["status"], unique=False)

    op.create_table(
        "workshop_participants",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=12), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "agency IN ('migration', 'police', 'customs', 'other')",
            name=op.f("ck_workshop_participants_agency"),
        ),
        sa.CheckConstraint(
            "sex IN ('F', 'M', 'U')", name=op.f("ck_workshop_participants_sex")
        ),
        sa.CheckConstraint(
            "count >= 0", name=op.f("ck_workshop_participants_count_nonneg")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_participants_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workshop_id", "agency", "sex", name=op.f("pk_workshop_participants")
        ),
    )
    op.create_table(
        "workshop_posts",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_workshop_posts_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_posts_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workshop_id", "post_id", name=op.f("pk_workshop_posts")
        ),
    )
    _add_postgis_points()


def _add_postgis_points() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for table, lon, lat in POSTGIS_POINTS:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN geog geography(Point, 4326) GENERATED ALWAYS AS "
            f"(CASE WHEN {lon} IS NOT NULL AND {lat} IS NOT NULL "
            f"THEN ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)::geography END) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_geog ON {table} USING gist (geog)")


def downgrade() -> None:
    op.drop_table("workshop_posts")
    op.drop_table("workshop_participants")
    with op.batch_alter_table("post_components", schema=None) as batch_op:
        batch_op.drop_index("ix_post_components_status")

    op.drop_table("post_components")
    with op.batch_alter_table("flow_monthly", schema=None) as batch_op:
        batch_op.drop_index("ix_flow_monthly_month")

    op.drop_table("flow_monthly")
    with op.batch_alter_table("flow_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_flow_counts_post_day")
        batch_op.drop_index("ix_flow_counts_month")

    op.drop_table("flow_counts")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_index("ix_workshops_start")

    op.drop_table("workshops")
    op.drop_table("project_countries")
    op.drop_table("project_components")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_country")

    op.drop_table("posts")
    op.drop_table("assisted_returns")
    op.drop_table("users")
    op.drop_table("projects")
    op.drop_table("dataset_state")
    op.drop_table("countries")
    op.drop_table("component_types")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index("ix_audit_log_at")

    op.drop_table("audit_log")
