"""The programme's records: countries, posts, projects and components, workshops, flows and their roll-ups,
assisted returns (aggregates: no table holds data about a person)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from geo.models.base import (
    AGE_BANDS,
    AGENCIES,
    COMPONENT_STATUSES,
    DIRECTIONS,
    POST_TYPES,
    PROJECT_STATUSES,
    RETURN_CATEGORIES,
    SEXES,
    WORKSHOP_SCOPES,
    Base,
    _in,
    _iso3,
)


class Country(Base):
    __tablename__ = "countries"
    __table_args__ = (CheckConstraint(_iso3("iso3"), name="iso3_code"),)

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    name_es: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    is_ca4: Mapped[bool] = mapped_column(Boolean, default=False)


class Post(Base):
    """One country's control facility. Both sides of a land crossing share `crossing_code`."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(_in("type", POST_TYPES), name="type"),
        CheckConstraint("lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90", name="lonlat_range"),
        CheckConstraint(
            "(type = 'land' AND neighbour_iso3 IS NOT NULL AND crossing_code IS NOT NULL) OR "
            "(type <> 'land' AND neighbour_iso3 IS NULL)",
            name="land_has_neighbour",
        ),
        CheckConstraint("neighbour_iso3 IS NULL OR neighbour_iso3 <> country_iso3", name="neighbour_other"),
        UniqueConstraint("crossing_code", "country_iso3", name="uq_posts_crossing_side"),
        Index("ix_posts_country", "country_iso3"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    type: Mapped[str] = mapped_column(String(8))
    crossing_code: Mapped[str | None] = mapped_column(String(16))
    neighbour_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    road: Mapped[str | None] = mapped_column(String(20))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    placement: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_nonneg"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("length(currency) = 3", name="currency"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    project_type: Mapped[str | None] = mapped_column(String(40))
    donor: Mapped[str | None] = mapped_column(String(120))
    budget: Mapped[float | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    scope: Mapped[str | None] = mapped_column(String(40))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    countries: Mapped[list[ProjectCountry]] = relationship(cascade="all, delete-orphan")
    components: Mapped[list[ProjectComponent]] = relationship(cascade="all, delete-orphan")


class ProjectCountry(Base):
    __tablename__ = "project_countries"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)


class ProjectComponent(Base):
    __tablename__ = "project_components"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200))


class ComponentType(Base):
    """Catalogue of what a post can be upgraded with; admins can add entries."""

    __tablename__ = "component_types"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_es: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class PostComponent(Base):
    """One infrastructure component at one post, on the upgrade workflow."""

    __tablename__ = "post_components"
    __table_args__ = (
        UniqueConstraint("post_id", "component_code", name="uq_post_components_post_component"),
        CheckConstraint(_in("status", COMPONENT_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint(
            "budget_planned >= 0 AND budget_committed >= 0 AND budget_spent >= 0", name="budget_nonneg"
        ),
        CheckConstraint("target_date IS NULL OR start_date IS NULL OR target_date >= start_date", name="dates"),
        CheckConstraint("status <> 'operational' OR completion_date IS NOT NULL", name="operational_done"),
        Index("ix_post_components_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    component_code: Mapped[str] = mapped_column(ForeignKey("component_types.code"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    budget_planned: Mapped[float] = mapped_column(Numeric(14, 2), default=0)
    budget_committed: Mapped[float] = mapped_column(Numeric(14, 2), default=0)
    budget_spent: Mapped[float] = mapped_column(Numeric(14, 2), default=0)
    budget_flag: Mapped[str | None] = mapped_column(String(200))  # explains an accepted overspend
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    completion_date: Mapped[dt.date | None] = mapped_column(Date)
    agency: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_by: Mapped[str | None] = mapped_column(String(80))

    # Optimistic locking: an UPDATE carries "WHERE version = <read version>" and fails if stale.
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}


class Workshop(Base):
    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint(_in("scope", WORKSHOP_SCOPES), name="scope"),
        CheckConstraint(
            "(scope = 'binational' AND pair_a IS NOT NULL AND pair_b IS NOT NULL AND pair_a < pair_b) OR "
            "(scope <> 'binational')",
            name="pair",
        ),
        CheckConstraint(
            "venue_lon IS NULL OR (venue_lon BETWEEN -180 AND 180 AND venue_lat BETWEEN -90 AND 90)",
            name="venue_range",
        ),
        Index("ix_workshops_start", "start_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    venue_name: Mapped[str | None] = mapped_column(String(120))
    venue_geonameid: Mapped[int | None] = mapped_column(Integer)
    venue_country_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    venue_lon: Mapped[float | None] = mapped_column(Float)
    venue_lat: Mapped[float | None] = mapped_column(Float)
    scope: Mapped[str] = mapped_column(String(12))
    pair_a: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    pair_b: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    organisers: Mapped[str | None] = mapped_column(String(300))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_by: Mapped[str | None] = mapped_column(String(80))

    participants: Mapped[list[WorkshopParticipants]] = relationship(cascade="all, delete-orphan")
    posts: Mapped[list[WorkshopPost]] = relationship(cascade="all, delete-orphan")

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}


class WorkshopParticipants(Base):
    """Participants of a workshop, counted by agency and sex (no names)."""

    __tablename__ = "workshop_participants"
    __table_args__ = (
        CheckConstraint(_in("agency", AGENCIES), name="agency"),
        CheckConstraint(_in("sex", SEXES), name="sex"),
        CheckConstraint("count >= 0", name="count_nonneg"),
    )

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(12), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class WorkshopPost(Base):
    """A post whose staff attended the workshop."""

    __tablename__ = "workshop_posts"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)


class FlowCount(Base):
    """Raw flow counts, compatible with IOM DTM flow-monitoring points (aggregates, not persons)."""

    __tablename__ = "flow_counts"
    __table_args__ = (
        UniqueConstraint(
            "day", "post_id", "direction", "nationality", "sex", "age_band", "prev_country", "next_country",
            name="uq_flow_counts_natural_key",
        ),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("sex", SEXES), name="sex"),
        CheckConstraint(_in("age_band", AGE_BANDS), name="age_band"),
        CheckConstraint(_iso3("nationality"), name="nationality"),
        CheckConstraint("count >= 0", name="count_nonneg"),
        CheckConstraint("unaccompanied_minors IS NULL OR (unaccompanied_minors >= 0)", name="uam_nonneg"),
        CheckConstraint("month <= day", name="month"),
        Index("ix_flow_counts_post_day", "post_id", "day"),
        Index("ix_flow_counts_month", "month"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    month: Mapped[dt.date] = mapped_column(Date)  # first day of `day`'s month: keys the roll-up portably
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(5))
    nationality: Mapped[str] = mapped_column(String(3))
    sex: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(8))
    # '' rather than NULL when unknown: NULLs would defeat the natural-key uniqueness.
    prev_country: Mapped[str] = mapped_column(String(3), default="")
    next_country: Mapped[str] = mapped_column(String(3), default="")
    count: Mapped[int] = mapped_column(Integer)
    unaccompanied_minors: Mapped[int | None] = mapped_column(Integer)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class FlowMonthly(Base):
    """Monthly roll-up of flow_counts, kept up to date on every load so pages never scan raw rows."""

    __tablename__ = "flow_monthly"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count_nonneg"),
        Index("ix_flow_monthly_month", "month"),
        # Covering: sums per post or direction over recent months (map, overview, a post's panel) are
        # read from this index alone. (A (post_id, month) index made SQLite's planner scan it whole.)
        Index("ix_flow_monthly_month_post", "month", "post_id", "direction", "count"),
        # Breakdowns filtered by nationality.
        Index("ix_flow_monthly_nationality_month", "nationality", "month"),
    )

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # first day of the month
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(5), primary_key=True)
    nationality: Mapped[str] = mapped_column(String(3), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    prev_country: Mapped[str] = mapped_column(String(3), primary_key=True, default="")
    next_country: Mapped[str] = mapped_column(String(3), primary_key=True, default="")
    count: Mapped[int] = mapped_column(BigInteger)
    unaccompanied_minors: Mapped[int] = mapped_column(BigInteger, default=0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    # of `rows`, those flagged is_sample; the database default is migration 0003's (it filled existing rows)
    sample_rows: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)



# Narrower roll-ups, each dropping dimensions the flows page does not need for one kind of query, so a
# query reads a few thousand rows whatever the size of flow_counts. geo.flows.load refreshes all of them
# with flow_monthly, in the same transaction; geo.flows.queries picks the narrowest one that holds the
# dimensions a query groups or filters by. On SQLite they are WITHOUT ROWID tables: rows are stored in
# key order, so a range of days or months is read sequentially.
class FlowMonthRoute(Base):
    """Month x post x direction x nationality x previous/next country (no sex, no age band)."""

    __tablename__ = "flow_month_route"
    __table_args__ = (CheckConstraint("count >= 0", name="count_nonneg"), {"sqlite_with_rowid": False})

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(5), primary_key=True)
    nationality: Mapped[str] = mapped_column(String(3), primary_key=True)
    prev_country: Mapped[str] = mapped_column(String(3), primary_key=True)
    next_country: Mapped[str] = mapped_column(String(3), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    unaccompanied_minors: Mapped[int] = mapped_column(BigInteger)


class FlowMonthDemo(Base):
    """Month x post x direction x sex x age band (no nationality, no route)."""

    __tablename__ = "flow_month_demo"
    __table_args__ = (CheckConstraint("count >= 0", name="count_nonneg"), {"sqlite_with_rowid": False})

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(5), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    unaccompanied_minors: Mapped[int] = mapped_column(BigInteger)


class FlowDayNat(Base):
    """Day x post x direction x nationality: daily and weekly series filtered by nationality."""

    __tablename__ = "flow_day_nat"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count_nonneg"),
        # Covering: a series for a few nationalities reads only their rows, never the table.
        Index("ix_flow_day_nat_nationality", "nationality", "day", "direction", "post_id", "count",
              "unaccompanied_minors"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    # Key order (day, direction, ...): a daily series by direction reads rows already grouped.
    direction: Mapped[str] = mapped_column(String(5), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    nationality: Mapped[str] = mapped_column(String(3), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    unaccompanied_minors: Mapped[int] = mapped_column(BigInteger)


class FlowDayPost(Base):
    """Day x post x direction: daily and weekly series; its size does not grow with flow_counts."""

    __tablename__ = "flow_day_post"
    __table_args__ = (CheckConstraint("count >= 0", name="count_nonneg"), {"sqlite_with_rowid": False})

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    # Key order (day, direction, ...): a daily series by direction reads rows already grouped.
    direction: Mapped[str] = mapped_column(String(5), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    unaccompanied_minors: Mapped[int] = mapped_column(BigInteger)

class AssistedReturn(Base):
    """Assisted returns: aggregate counts by month, country of return and category. Never persons."""

    __tablename__ = "assisted_returns"
    __table_args__ = (
        CheckConstraint(_in("category", RETURN_CATEGORIES), name="category"),
        CheckConstraint("count >= 0", name="count_nonneg"),
    )

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
