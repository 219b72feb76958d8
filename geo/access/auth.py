"""Who is acting, and what they may do. Every write path calls `require` on the server side.

Sign-in, password hashing and user management build on this (issue: data in/out, roles and audit).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.models import ROLES

_RANK = {role: i for i, role in enumerate(ROLES)}  # viewer < editor < admin


class PermissionDenied(Exception):
    """The actor's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    username: str
    role: str = "viewer"
    countries: tuple[str, ...] = ()  # an editor's scope (ISO3): () is the whole region

    def can(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]

    @property
    def regional(self) -> bool:
        """Admins and editors without a country scope (regional coordinators) change any country's records."""
        return self.role == "admin" or not self.countries

    @property
    def scope_text(self) -> str | None:
        """The scope as stored in the audit log and users table: 'GTM,SLV', or None for the region."""
        return None if self.regional else ",".join(self.countries)


def parse_countries(text: str | None) -> tuple[str, ...]:
    """A stored or typed scope ('GTM, slv') as sorted ISO3 codes; '' or None: the whole region."""
    return tuple(sorted({c.strip().upper() for c in (text or "").split(",") if c.strip()}))


def may_change(actor: Actor, countries: set[str]) -> bool:
    """THE per-country rule: a regional actor changes anything; a scoped editor changes a record only when the
    record belongs to one of its countries (`countries`: the record's, geo.access.countries.record_countries).
    A record of no country (the component catalogue) is for regional actors only."""
    return actor.regional or bool(set(actor.countries) & {c for c in countries if c})


ANONYMOUS = Actor("anonymous", "viewer")
SYSTEM = Actor("system", "admin")  # the command line and the first-start seed


def require(actor: Actor | None, role: str, action: str = "change data") -> Actor:
    """Return the actor if it holds at least `role`; raise PermissionDenied otherwise."""
    if actor is None or not actor.can(role):
        who = actor.username if actor else "nobody"
        raise PermissionDenied(f"{who} may not {action}: the {role} role is required")
    return actor
