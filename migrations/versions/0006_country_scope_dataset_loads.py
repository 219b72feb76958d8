"""per-country editing scope, the scope in the audit log, and one row per dataset load

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:30:00

users.countries: the countries an editor may change (ISO3 codes separated by commas; empty: the whole region).
audit_log.scope: the scope the change was made under. dataset_loads: each load of each dataset (seed or import):
what file, who, when, how many rows, so every figure can say where its data comes from and whether it is late.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("countries", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=64), nullable=True))
    op.create_table(
        "dataset_loads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_loads")),
    )
    op.create_index("ix_dataset_loads_kind_loaded_at", "dataset_loads", ["kind", "loaded_at"])


def downgrade() -> None:
    op.drop_index("ix_dataset_loads_kind_loaded_at", table_name="dataset_loads")
    op.drop_table("dataset_loads")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("countries")
