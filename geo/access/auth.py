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

    def can(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]


ANONYMOUS = Actor("anonymous", "viewer")
SYSTEM = Actor("system", "admin")  # the command line and the first-start seed


def require(actor: Actor | None, role: str, action: str = "change data") -> Actor:
    """Return the actor if it holds at least `role`; raise PermissionDenied otherwise."""
    if actor is None or not actor.can(role):
        who = actor.username if actor else "nobody"
        raise PermissionDenied(f"{who} may not {action}: the {role} role is required")
    return actor
