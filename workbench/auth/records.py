"""Typed records of team mode: users, sessions, audit entries, and the roles' permissions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

ROLES = ("viewer", "checker", "editor", "admin")
# Every action the workbench checks, and the least role allowed to do it. Roles are ordered:
# each one may do everything the ones before it may.
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "ingest": "checker",
    "note.write": "checker",
    "note.submit": "checker",
    "delete": "editor",
    "note.approve": "editor",
    "publish": "editor",
    "outlets": "editor",
    "users": "admin",
    "audit": "admin",
    "migrate": "admin",
}
LOCAL_USER = "local"


def role_allows(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (unknown actions are refused)."""
    least = ACTIONS.get(action)
    if least is None or role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(least)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    disabled: bool
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in session: ``token`` is known only to its holder (the store keeps a hash)."""

    token: str
    user: User
    expires_at: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: Any) -> AuditEntry:
        return cls(
            id=int(row["id"]),
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            target=row["target"],
            before=_load(row["before"]),
            after=_load(row["after"]),
        )


def user_from_row(row: Any) -> User:
    return User(
        id=int(row["id"]),
        name=row["name"],
        role=row["role"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)
