"""Users, the audit log, dataset bookkeeping, server secrets and sign-in sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.models.base import (
    ROLES,
    Base,
    _in,
)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("failed_attempts >= 0", name="failed_nonneg"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    countries: Mapped[str | None] = mapped_column(String(64))  # ISO3 codes, comma separated; empty: the region


class AuditEntry(Base):
    """Who changed what, when: one row per field change, or one per import with its counts."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_entity", "entity", "entity_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete, import, seed
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str | None] = mapped_column(String(80))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(String(64))  # the countries the actor was limited to (None: region)


class DatasetState(Base):
    """Bookkeeping per data kind: when it was last loaded and by what (seed or import)."""

    __tablename__ = "dataset_state"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(200))
    seed: Mapped[int | None] = mapped_column(Integer)


class DatasetLoad(Base):
    """One load of a dataset (a seed or an import): source file, who, when, rows (geo/datasets.py)."""

    __tablename__ = "dataset_loads"
    __table_args__ = (Index("ix_dataset_loads_kind_loaded_at", "kind", "loaded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(80))
    rows: Mapped[int] = mapped_column(Integer)


class ServerSecret(Base):
    """Secrets the server makes for itself on first use (the key that signs sign-in tokens)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SignInSession(Base):
    """A signed-in browser: the SHA-256 of the random id its signed cookie carries (never the id itself),
    until when it lasts, and whether it was signed out (revoked). See geo.access.sessions."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (Index("ix_sign_in_sessions_user_id", "user_id"),)

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
