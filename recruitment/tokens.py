"""Manage-link tokens: 192 random bits, stored only as a SHA-256 hash.

An SMS has room for less: its short link (/s/<code>) carries 11 characters from a 31-letter
alphabet without look-alikes (54 bits). That is enough against guessing with the rate limit on
that path, and it is hashed the same way."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


SHORT_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # 31 letters: no i, l, o, 0, 1
SHORT_LENGTH = 11


def token_short() -> tuple[str, str]:
    token = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
