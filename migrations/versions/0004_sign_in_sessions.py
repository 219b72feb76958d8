"""sign-in sessions that outlive a reload, and the server's own secrets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 23:00:00

server_secrets holds the key that signs sign-in tokens (made on first use by geo.access.sessions);
sign_in_sessions holds one row per signed-in browser, keyed by the SHA-256 of the token's random id, so
signing out (revoked_at) ends it on the server whatever the browser still holds.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )
    op.create_table(
        "sign_in_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_in_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_sign_in_sessions")),
    )
    op.create_index("ix_sign_in_sessions_user_id", "sign_in_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_sessions_user_id", table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
    op.drop_table("server_secrets")
