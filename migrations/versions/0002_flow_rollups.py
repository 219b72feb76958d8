"""narrow flow roll-ups for the flows page, and covering flow_monthly indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:05:00

flow_month_route, flow_month_demo, flow_day_nat and flow_day_post each keep fewer dimensions than
flow_monthly, so the flows page reads thousands of rows, not millions. They are filled here from the raw
rows already stored (the SQL is frozen in this file on purpose: geo.flows.load maintains them afterwards).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _table(name: str, time_column: str, keys: list[tuple[str, sa.types.TypeEngine]]) -> None:
    # Day tables are keyed (day, direction, post_id, ...): daily series by direction read rows in order.
    first = ("direction", "post_id") if time_column == "day" else ("post_id", "direction")
    columns = {
        "post_id": sa.Column("post_id", sa.Integer(), nullable=False),
        "direction": sa.Column("direction", sa.String(length=5), nullable=False),
    }
    op.create_table(
        name,
        sa.Column(time_column, sa.Date(), nullable=False),
        *(columns[c] for c in first),
        *(sa.Column(key, type_, nullable=False) for key, type_ in keys),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("unaccompanied_minors", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f(f"ck_{name}_count_nonneg")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f(f"fk_{name}_post_id_posts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(time_column, *first, *(k for k, _ in keys), name=op.f(f"pk_{name}")),
        sqlite_with_rowid=False,
    )


FILL = (
    ("flow_month_route", "month, post_id, direction, nationality, prev_country, next_country", "flow_monthly"),
    ("flow_month_demo", "month, post_id, direction, sex, age_band", "flow_monthly"),
    ("flow_day_nat", "day, post_id, direction, nationality", "flow_counts"),
    ("flow_day_post", "day, post_id, direction", "flow_day_nat"),
)


def upgrade() -> None:
    with op.batch_alter_table("flow_monthly", schema=None) as batch_op:
        batch_op.create_index("ix_flow_monthly_month_post", ["month", "post_id", "direction", "count"], unique=False)
        batch_op.create_index("ix_flow_monthly_nationality_month", ["nationality", "month"], unique=False)
    code = sa.String(length=3)
    _table("flow_month_route", "month", [("nationality", code), ("prev_country", code), ("next_country", code)])
    _table("flow_month_demo", "month", [("sex", sa.String(length=1)), ("age_band", sa.String(length=8))])
    _table("flow_day_nat", "day", [("nationality", code)])
    _table("flow_day_post", "day", [])
    op.create_index("ix_flow_day_nat_nationality", "flow_day_nat",
                    ["nationality", "day", "direction", "post_id", "count", "unaccompanied_minors"], unique=False)
    for target, keys, source in FILL:
        op.execute(
            f"INSERT INTO {target} ({keys}, count, unaccompanied_minors) "
            f"SELECT {keys}, SUM(count), SUM(COALESCE(unaccompanied_minors, 0)) FROM {source} GROUP BY {keys}"
        )


def downgrade() -> None:
    op.drop_index("ix_flow_day_nat_nationality", table_name="flow_day_nat")
    for name in ("flow_day_post", "flow_day_nat", "flow_month_demo", "flow_month_route"):
        op.drop_table(name)
    with op.batch_alter_table("flow_monthly", schema=None) as batch_op:
        batch_op.drop_index("ix_flow_monthly_nationality_month")
        batch_op.drop_index("ix_flow_monthly_month_post")
