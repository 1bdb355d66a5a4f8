"""Accounts: argon2 password hashes, roles, lockout after repeated failures, single sign-on mapping.

Every change is written to the audit log in the same transaction. Passwords never leave this module
except as argon2 hashes, and are never logged.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import settings
from i18n import N_, UserError
from research.repository_audit import record_audit
from storage.schema import User, utcnow

ROLES = ("admin", "researcher", "reviewer")
MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[A-Za-z0-9._@+-]{3,100}$")

_hasher = PasswordHasher()
#: verified against when the username is unknown, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    locked_until: dt.datetime | None
    failed_logins: int
    has_password: bool

    @property
    def name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user, or why not (one message for every failure)."""

    user: UserInfo | None
    locked: bool = False


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _info(row: User) -> UserInfo:
    return UserInfo(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        disabled=row.disabled,
        locked_until=_aware(row.locked_until),
        failed_logins=row.failed_logins,
        has_password=bool(row.password_hash),
    )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            N_("A password needs at least {count} characters."), count=MIN_PASSWORD_LENGTH
        )
    if len(password) > 1000:
        raise UserError(N_("This password is too long."))


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def new_password() -> str:
    """A random password to print once (about 96 bits)."""
    return secrets.token_urlsafe(12)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(N_("Choose a role: admin, researcher or reviewer."))


def user_count(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str | None,
    *,
    display_name: str = "",
    actor: str = "system",
) -> UserInfo:
    """A new account. Without a password it can sign in only through single sign-on."""
    username = username.strip()
    if not USERNAME.match(username):
        raise UserError(
            N_(
                "A username has 3 to 100 letters, digits or . _ @ + - (an e-mail address "
                "works), and no spaces."
            )
        )
    _check_role(role)
    taken = select(User.id).where(func.lower(User.username) == username.lower())
    if session.scalar(taken) is not None:
        raise UserError(N_("The username {username} is taken."), username=username)
    row = User(
        username=username,
        display_name=display_name.strip()[:200],
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    session.add(row)
    session.flush()
    record_audit(session, actor, "create", "user", row.id, {"role": role})
    return _info(row)


def users(session: Session) -> list[UserInfo]:
    return [_info(row) for row in session.scalars(select(User).order_by(User.username))]


def user_by_id(session: Session, user_id: int) -> UserInfo | None:
    row = session.get(User, user_id)
    return _info(row) if row is not None else None


def user_by_name(session: Session, username: str) -> UserInfo | None:
    row = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    return _info(row) if row is not None else None


def _row(session: Session, user_id: int) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise UserError(N_("This account no longer exists."))
    return row


def _keep_an_admin(session: Session, row: User, role: str, disabled: bool) -> None:
    if row.role != "admin" or (role == "admin" and not disabled):
        return
    others = select(func.count(User.id)).where(
        User.role == "admin", User.disabled.is_(False), User.id != row.id
    )
    if not session.scalar(others):
        raise UserError(N_("Opit needs at least one active admin; make someone else admin first."))


def update_user(
    session: Session,
    user_id: int,
    *,
    actor: str,
    role: str | None = None,
    display_name: str | None = None,
    disabled: bool | None = None,
) -> UserInfo:
    row = _row(session, user_id)
    changes: dict[str, object] = {}
    if role is not None and role != row.role:
        _check_role(role)
        changes["role"] = role
    if disabled is not None and disabled != row.disabled:
        changes["disabled"] = disabled
    _keep_an_admin(session, row, changes.get("role", row.role), changes.get("disabled", False))
    for name, value in changes.items():
        setattr(row, name, value)
    if display_name is not None and display_name.strip() != row.display_name:
        row.display_name = display_name.strip()[:200]
        changes["display_name"] = "changed"
    if changes:
        record_audit(session, actor, "change", "user", row.id, changes)
    return _info(row)


def set_password(session: Session, user_id: int, password: str, *, actor: str) -> None:
    row = _row(session, user_id)
    row.password_hash = hash_password(password)
    row.failed_logins = 0
    row.locked_until = None
    record_audit(session, actor, "change", "user", row.id, {"password": "set"})


def unlock(session: Session, user_id: int, *, actor: str) -> None:
    row = _row(session, user_id)
    row.failed_logins = 0
    row.locked_until = None
    record_audit(session, actor, "change", "user", row.id, {"unlocked": True})


def _locked(row: User, now: dt.datetime) -> bool:
    until = _aware(row.locked_until)
    return until is not None and until > now


def authenticate(
    session: Session, username: str, password: str, *, now: dt.datetime | None = None
) -> SignIn:
    """Check a password; count failures and lock the account after too many in a row.

    A locked or disabled account is refused even with the right password. The caller shows one
    message for every refusal, so nobody learns which usernames exist.
    """
    now = now or utcnow()
    row = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if row is None or not row.password_hash:
        _verify(_DUMMY_HASH, password)
        record_audit(session, "anonymous", "sign_in_failed", "user", "", {"reason": "unknown"})
        return SignIn(None)
    if _locked(row, now):
        record_audit(session, row.username, "sign_in_failed", "user", row.id, {"reason": "locked"})
        return SignIn(None, locked=True)
    if not _verify(row.password_hash, password):
        row.failed_logins += 1
        limit = settings.get_int("OPIT_LOGIN_MAX_FAILURES")
        detail: dict[str, object] = {"reason": "password", "failures": row.failed_logins}
        record_audit(session, row.username, "sign_in_failed", "user", row.id, detail)
        if row.failed_logins >= limit:
            minutes = settings.get_int("OPIT_LOGIN_LOCK_MINUTES")
            row.locked_until = now + dt.timedelta(minutes=minutes)
            record_audit(session, "system", "locked", "user", row.id, {"minutes": minutes})
            return SignIn(None, locked=True)
        return SignIn(None)
    if row.disabled:
        record_audit(
            session, row.username, "sign_in_failed", "user", row.id, {"reason": "disabled"}
        )
        return SignIn(None)
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    row.failed_logins = 0
    row.locked_until = None
    record_audit(session, row.username, "sign_in", "user", row.id, {"method": "password"})
    return SignIn(_info(row))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in_with_identity(session: Session, email: str) -> UserInfo | None:
    """Single sign-on: the identity provider vouched for `email`; its account gives the role.

    An admin maps an identity to a role by creating an account whose username is that e-mail
    address (it needs no password). Unknown, disabled or locked identities are refused.
    """
    email = (email or "").strip()
    row = session.scalar(select(User).where(func.lower(User.username) == email.lower()))
    if not email or row is None or row.disabled or _locked(row, utcnow()):
        record_audit(session, "anonymous", "sign_in_failed", "user", "", {"method": "sso"})
        return None
    record_audit(session, row.username, "sign_in", "user", row.id, {"method": "sso"})
    return _info(row)
