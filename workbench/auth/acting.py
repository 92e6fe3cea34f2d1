"""Who a :class:`~workbench.api.Workbench` acts as, what that user may do, and the audit trail.

Mixed into ``Workbench`` so the API has one seam for permissions: every write calls
:meth:`Acting.require` with its action, which in team mode refuses without a signed-in user
(:class:`NotSignedIn`) or with a role that does not allow it (:class:`PermissionDenied`), and
returns the name to record. In the embedded default there is one local user who may do
everything (named by the ``reviewer`` setting, else ``local``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from workbench.auth.records import LOCAL_USER, AuditEntry, Session, User, role_allows
from workbench.errors import NotSignedIn, PermissionDenied

if TYPE_CHECKING:
    from workbench.auth.service import Users
    from workbench.notes.workflow import Workflow
    from workbench.settings import Settings
    from workbench.store.sqlite import Store


def team_mode(settings: Settings) -> bool:
    """``auth=on``, or any PostgreSQL store (``Settings`` refuses ``auth=off`` with one; a
    ``database_url`` set on the object afterwards still turns sign-in on)."""
    return settings.auth == "on" or bool(settings.database_url.strip())


class Acting:
    """The acting user, the permission check and audit writes (``Workbench`` mixin)."""

    settings: Settings
    store: Store
    _actor: User | None = None
    _session_token: str | None = None

    @property
    def team_mode(self) -> bool:
        """Sign-in and roles are on: ``auth=on``, or a PostgreSQL store (always)."""
        return team_mode(self.settings)

    @property
    def users(self) -> Users:
        from workbench.auth.service import Users

        return Users(self.store, self.settings.session_hours)

    @property
    def workflow(self) -> Workflow:
        """The review workflow on this workbench's notes, as the acting user."""
        from workbench.notes.workflow import Workflow

        return Workflow(self)  # type: ignore[arg-type]

    @property
    def actor(self) -> User | None:
        """The signed-in user (team mode), or None."""
        return self._actor

    @property
    def actor_name(self) -> str:
        if self._actor is not None:
            return self._actor.name
        return (self.settings.reviewer or "").strip() or LOCAL_USER

    def _sign_in_from_settings(self) -> None:
        """Team mode: act as ``settings.user`` when ``settings.token`` proves it."""
        if self.team_mode and self.settings.token:
            self.act_with_token(self.settings.token, expected=self.settings.user or None)

    def sign_in(self, name: str, password: str, client: str = "api") -> Session:
        """Sign in with a password; this workbench then acts as that user."""
        session = self.users.sign_in(name, password, client)
        self._actor, self._session_token = session.user, session.token
        return session

    def act_with_token(self, token: str, expected: str | None = None) -> User:
        """Act as the user of a live session or API token (refused when it is not live)."""
        user = self.users.session_user(token)
        if user is None or (expected and user.name.lower() != expected.lower()):
            self._actor = None
            raise NotSignedIn("the session or token is expired, revoked or unknown; sign in again")
        self._actor, self._session_token = user, token
        return user

    def act_for(self, token: str | None) -> User | None:
        """Act as the user of ``token``, or nobody (None, or a session that has ended); no
        look-up when the token is the one already in use (every write re-checks it anyway).
        The app calls it on each run with the browser session's token."""
        if token == self._session_token:
            return self._actor
        self._actor, self._session_token = None, None
        if token:
            try:
                self.act_with_token(token)
            except NotSignedIn:
                self._session_token = token  # ended: acts as nobody until the token changes
        return self._actor

    @contextmanager
    def acting(self, token: str | None) -> Iterator[User | None]:
        """Act as the user of ``token`` (None: nobody) for the block, then as before (a script
        that serves several users from one workbench; the app gives each session a view of its
        own instead, :meth:`Workbench.session`)."""
        saved = self._actor, self._session_token
        try:
            if token:
                try:
                    self.act_with_token(token)
                except NotSignedIn:
                    self._actor, self._session_token = None, None
            else:
                self._actor, self._session_token = None, None
            yield self._actor
        finally:
            self._actor, self._session_token = saved

    def sign_out(self) -> None:
        """End this workbench's session (its token stops working everywhere)."""
        if self._session_token:
            self.users.sign_out(self._session_token)
        self._actor, self._session_token = None, None

    @staticmethod
    def can_role(user: User, action: str) -> bool:
        """Whether ``user``'s role allows ``action`` (for showing only allowed buttons)."""
        return role_allows(user.role, action)

    def can(self, action: str) -> bool:
        if not self.team_mode:
            return True
        return self._actor is not None and role_allows(self._actor.role, action)

    def require(self, action: str) -> str:
        """Refuse ``action`` unless the acting user may do it; returns the name to record."""
        if not self.team_mode:
            return self.actor_name
        if self._actor is None:
            raise NotSignedIn(f"{action}: sign in first (team mode needs a signed-in user)")
        fresh = self.users.session_user(self._session_token or "")
        if fresh is None:
            self._actor = None
            raise NotSignedIn(f"{action}: the session has ended (expired, signed out or disabled)")
        self._actor = fresh  # a role changed by an admin applies at once
        if not role_allows(fresh.role, action):
            raise PermissionDenied(f"{action}: a {fresh.role} may not do this ({fresh.name})")
        return fresh.name

    def record(
        self, action: str, target: str, before: Any = None, after: Any = None, actor: str = ""
    ) -> None:
        """Append an audit row: in the open transaction when there is one (so it stands or
        falls with the write), else in its own."""
        from workbench.auth.service import now_iso

        who = actor or self.actor_name
        if self.store.in_transaction:
            self.store.append_audit(now_iso(), who, action, target, before, after)
            return
        with self.store.transaction():
            self.store.append_audit(now_iso(), who, action, target, before, after)

    def audit_log(
        self,
        user: str | None = None,
        since: str | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """The audit trail, oldest first (team mode: admins only)."""
        if self.team_mode:
            self.require("audit")
        return self.store.audit_entries(user, since, action, limit)
