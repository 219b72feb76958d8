"""flow_monthly.sample_rows: count sample and real flow rows from the roll-up

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:05:00

The data-quality panel counted sample and real flow rows by reading every raw row (seconds at 20 million
rows). flow_monthly already counts its raw rows; it now also counts those flagged sample, maintained by
geo.flows.load.refresh_monthly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flow_monthly", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sample_rows", sa.Integer(), nullable=False, server_default="0"))
    # Before this revision a group was flagged sample when any of its rows was: exact unless a group mixed both.
    op.execute("UPDATE flow_monthly SET sample_rows = CASE WHEN is_sample THEN rows ELSE 0 END")


def downgrade() -> None:
    with op.batch_alter_table("flow_monthly", schema=None) as batch_op:
        batch_op.drop_column("sample_rows")
