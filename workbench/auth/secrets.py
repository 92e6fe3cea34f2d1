"""Password hashes (argon2id, ``argon2-cffi``) and session tokens (random, stored as SHA-256).

A token has 256 random bits, so a fast hash is enough to keep the stored copy useless to
whoever reads the database; passwords are guessable, so they get argon2's slow hash.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from typing import Any

MIN_PASSWORD = 8


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches; False for a disabled marker or a malformed hash."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    if not stored.startswith("$argon2"):
        return False
    try:
        return bool(_hasher().verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def dummy_verify(password: str) -> None:
    """Spend what a real check costs, so an unknown user name answers as slowly as a wrong
    password (names cannot be probed by timing)."""
    verify_password(_dummy_hash(), password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
