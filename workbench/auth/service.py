"""Users, sign-in and sessions on one store: the rules (roles, rate limit, expiry, audit).

Sign-in failures are counted per (user name, client); after ``FREE_FAILURES`` each further
attempt must wait twice as long as the last (1 s, 2 s, 4 s … up to ``MAX_WAIT``), and an
attempt that comes too early is refused without checking the password. Sessions and tokens
are stored as SHA-256 hashes, expire, and end at sign-out; disabling a user or resetting a
password ends all of that user's sessions. Passwords are never logged or audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from workbench.auth import secrets
from workbench.auth.records import ROLES, Session, User
from workbench.errors import InputError, NotFound, TooManyAttempts, WorkbenchError

if TYPE_CHECKING:
    from workbench.settings import Settings
    from workbench.store.sqlite import Store

FREE_FAILURES = 5
MAX_WAIT = 300.0
TOKEN_DAYS = 90
MAX_NAME = 64


def now_iso(offset: timedelta | None = None) -> str:
    moment = datetime.now(UTC) + (offset or timedelta())
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() or not c.isprintable() for c in name):
        raise InputError(
            "user name", f"{name!r} must be 1–{MAX_NAME} printable characters, no spaces"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", f"{role!r} is not one of: {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password or "") < secrets.MIN_PASSWORD:
        raise InputError("password", f"must have at least {secrets.MIN_PASSWORD} characters")
    return password


class Users:
    """User management and sign-in on ``store``; every change is written to the audit trail
    in the same transaction, as ``actor``."""

    def __init__(
        self, store: Store, session_hours: float = 12.0, lock: AbstractContextManager | None = None
    ) -> None:
        self.store = store
        self.session_hours = session_hours
        # Held around sign-in's writes only (the app's per-process write lock): the slow
        # password check runs outside it, so simultaneous sign-ins do not queue behind it.
        self.lock = lock or nullcontext()

    # --- management (the caller checks the 'users' permission) ------------------------

    def add(self, name: str, role: str, password: str, actor: str) -> User:
        name, role = check_name(name), check_role(role)
        digest = secrets.hash_password(check_password(password))
        at = now_iso()
        with self.store.transaction():
            if self.store.user_by_name(name) is not None:
                raise WorkbenchError(f"there is already a user {name!r}")
            self.store.insert_user(name, role, digest, at)
            self.store.append_audit(at, actor, "user.add", f"user:{name}", None, {"role": role})
        return self.get(name)

    def get(self, name: str) -> User:
        found = self.store.user_by_name(name)
        if found is None:
            raise NotFound(f"no user {name!r}")
        return found[0]

    def list(self) -> list[User]:
        return self.store.users()

    def set_disabled(self, name: str, disabled: bool, actor: str) -> User:
        user = self.get(name)
        at = now_iso()
        with self.store.transaction():
            self.store.update_user(user.id, at, disabled=int(disabled))
            if disabled:
                self.store.revoke_user_sessions(user.id, at)
            self.store.append_audit(
                at, actor, "user.disable" if disabled else "user.enable", f"user:{user.name}",
                {"disabled": user.disabled}, {"disabled": disabled},
            )  # fmt: skip
        return replace(user, disabled=disabled)

    def set_role(self, name: str, role: str, actor: str) -> User:
        user, role = self.get(name), check_role(role)
        at = now_iso()
        with self.store.transaction():
            self.store.update_user(user.id, at, role=role)
            self.store.append_audit(
                at, actor, "user.role", f"user:{user.name}", {"role": user.role}, {"role": role}
            )
        return replace(user, role=role)

    def reset_password(self, name: str, password: str, actor: str) -> User:
        user = self.get(name)
        digest = secrets.hash_password(check_password(password))
        at = now_iso()
        with self.store.transaction():
            self.store.update_user(user.id, at, password_hash=digest)
            ended = self.store.revoke_user_sessions(user.id, at)
            self.store.append_audit(
                at, actor, "user.reset-password", f"user:{user.name}", None,
                {"sessions_ended": ended},
            )  # fmt: skip
        return user

    def issue_token(self, name: str, actor: str, days: int = TOKEN_DAYS) -> str:
        """A new API token for ``name`` (shown once; only its hash is kept)."""
        user = self.get(name)
        token, at = secrets.new_token(), now_iso()
        with self.store.transaction():
            self.store.insert_session(
                secrets.token_hash(token), user.id, "token", "", at, now_iso(timedelta(days=days))
            )
            self.store.append_audit(
                at, actor, "user.token", f"user:{user.name}", None, {"days": days}
            )
        return token

    # --- sign-in ---------------------------------------------------------------------

    def sign_in(self, name: str, password: str, client: str = "") -> Session:
        """A new session for the user, or an error that does not say whether the name exists."""
        key, client = (name or "").strip().lower(), client or ""
        failures, last = self.store.sign_in_failures(key, client)
        if failures >= FREE_FAILURES:
            wait = min(MAX_WAIT, 2.0 ** (failures - FREE_FAILURES))
            left = last + wait - time.time()
            if left > 0:
                raise TooManyAttempts(
                    f"too many failed sign-ins for {name!r}; try again in {left:.0f} s", left
                )
        found = self.store.user_by_name(key) if key else None
        ok = False
        if found is None:
            secrets.dummy_verify(password or "")
        else:
            ok = secrets.verify_password(found[1], password or "") and not found[0].disabled
        if not ok:
            with self.lock, self.store.transaction():
                self.store.record_sign_in_failure(key, client, time.time())
            raise WorkbenchError("sign-in failed: unknown user, wrong password or disabled user")
        user = found[0]
        token, at = secrets.new_token(), now_iso()
        expires = now_iso(timedelta(hours=self.session_hours))
        with self.lock, self.store.transaction():
            self.store.clear_sign_in_failures(key, client)
            self.store.insert_session(
                secrets.token_hash(token), user.id, "session", client, at, expires
            )
            self.store.append_audit(at, user.name, "session.sign-in", f"user:{user.name}", None,
                                    {"client": client})  # fmt: skip
        return Session(token=token, user=user, expires_at=expires)

    def sso_session(self, name: str, client: str = "sso") -> Session:
        """A session for a user an identity provider has already authenticated (``st.login``):
        the workbench user of that name must exist and be enabled, and keeps its role."""
        found = self.store.user_by_name((name or "").strip()) if name else None
        if found is None or found[0].disabled:
            raise WorkbenchError(
                f"single sign-on: {name!r} is not an enabled workbench user; an admin adds"
                " them with `workbench users add`"
            )
        user = found[0]
        token, at = secrets.new_token(), now_iso()
        expires = now_iso(timedelta(hours=self.session_hours))
        with self.lock, self.store.transaction():
            self.store.insert_session(
                secrets.token_hash(token), user.id, "session", client, at, expires
            )
            self.store.append_audit(at, user.name, "session.sign-in", f"user:{user.name}", None,
                                    {"client": client, "via": "oidc"})  # fmt: skip
        return Session(token=token, user=user, expires_at=expires)

    def session_user(self, token: str) -> User | None:
        """The user of a live session or token; None when expired, revoked or unknown."""
        if not token:
            return None
        return self.store.session_user(secrets.token_hash(token), now_iso())

    def sign_out(self, token: str) -> bool:
        """End a session (its token can never be used again)."""
        digest, at = secrets.token_hash(token), now_iso()
        user = self.store.session_user(digest, at)
        with self.lock, self.store.transaction():
            ended = self.store.revoke_session(digest, at)
            if ended and user is not None:
                self.store.append_audit(
                    at, user.name, "session.sign-out", f"user:{user.name}", None, None
                )
        return ended


def store_actor(
    store: Store, settings: Settings, action: str, password: Callable[[str], str]
) -> tuple[str, Session | None]:
    """Who does ``action`` on a team ``store`` opened without a :class:`Workbench` (``workbench
    migrate``): ``"bootstrap"`` while it has no users (a fresh team database, like the first
    ``users add``), else the user of ``settings.token``, or ``settings.user`` signed in with
    ``password(prompt)``, whose role must allow ``action``. Returns the name to audit and the
    session opened here (the caller signs it out), if any."""
    from workbench.auth.records import role_allows
    from workbench.errors import NotSignedIn, PermissionDenied

    if store.count_users() == 0:
        return "bootstrap", None
    users = Users(store, settings.session_hours)
    session = None
    if settings.token:
        user = users.session_user(settings.token)
        if user is None or (settings.user and user.name.lower() != settings.user.lower()):
            raise NotSignedIn(f"{action}: the token is expired, revoked or not this database's")
    elif settings.user:
        session = users.sign_in(settings.user, password(f"password for {settings.user}"), "cli")
        user = session.user
    else:
        raise NotSignedIn(
            f"{action}: the team database already has users, so this is an admin's job; sign in"
            " with --user NAME (or WORKBENCH_USER + WORKBENCH_TOKEN)"
        )
    if not role_allows(user.role, action):
        if session is not None:
            users.sign_out(session.token)
        raise PermissionDenied(f"{action}: a {user.role} may not do this ({user.name})")
    return user.name, session
