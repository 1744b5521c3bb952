"""Manage-link tokens: 192 random bits, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
