"""early warning: alert subscriptions, the deliveries each run records, and each person's last visit

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 20:30:00

alert_subscriptions holds who follows what (the monthly highlights, a post, a country, a border pair, or a
threshold rule on a post); alert_deliveries holds one row per (subscription, alert), unique, written before
the mail is sent and marked sent only once the mail server accepted it (geo.alerts.run); alert_visits holds
until when a signed-in person has seen their alerts in the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=True),
        sa.Column("rule", sa.String(length=16), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.CheckConstraint("topic IN ('highlights', 'post', 'country', 'border')",
                           name=op.f("ck_alert_subscriptions_topic")),
        sa.CheckConstraint("rule IS NULL OR (rule IN ('week_above', 'week_below', 'seasonal_change'))",
                           name=op.f("ck_alert_subscriptions_rule")),
        sa.CheckConstraint("(rule IS NULL AND threshold IS NULL) OR (rule IS NOT NULL AND threshold IS NOT NULL)",
                           name=op.f("ck_alert_subscriptions_rule_threshold")),
        sa.CheckConstraint("(topic = 'highlights') = (target IS NULL)", name=op.f("ck_alert_subscriptions_target")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_alert_subscriptions_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscriptions")),
    )
    op.create_index("ix_alert_subscriptions_user_id", "alert_subscriptions", ["user_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=160), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent')", name=op.f("ck_alert_deliveries_status")),
        sa.ForeignKeyConstraint(["subscription_id"], ["alert_subscriptions.id"],
                                name=op.f("fk_alert_deliveries_subscription_id_alert_subscriptions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("subscription_id", "alert_key", name=op.f("uq_alert_deliveries_subscription_key")),
    )
    op.create_index("ix_alert_deliveries_status", "alert_deliveries", ["status"])
    op.create_table(
        "alert_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_alert_visits_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_alert_visits")),
    )


def downgrade() -> None:
    op.drop_table("alert_visits")
    op.drop_index("ix_alert_deliveries_status", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alert_subscriptions_user_id", table_name="alert_subscriptions")
    op.drop_table("alert_subscriptions")
