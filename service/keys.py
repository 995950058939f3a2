"""API keys with scopes, stored hashed in the queue database.

A key looks like `trg_<id>_<secret>`; only sha256(key) is stored, looked up by its id
and compared in constant time. The plain key is shown once, at creation. The random
secret carries 256 bits, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    MetaData,
    RowMapping,
    String,
    Table,
    insert,
    select,
    update,
)

SCOPES = ("read", "publish", "admin", "webhook")
PREFIX = "trg"

key_metadata = MetaData()
api_keys = Table(
    "triage_api_keys",
    key_metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("hash", String(64), nullable=False),
    Column("scopes", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)


class KeyError_(ValueError):
    """Bad key request (unknown scope, duplicate name, unknown key); says what to do."""


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    scopes: frozenset[str]
    created_at: float
    revoked_at: float | None = None

    def allows(self, scope: str) -> bool:
        """admin implies every other scope."""
        return scope in self.scopes or "admin" in self.scopes


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _record(row: Mapping[str, Any] | RowMapping) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        scopes=frozenset(row["scopes"].split(",")),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


def parse_scopes(text: str) -> frozenset[str]:
    scopes = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = scopes - set(SCOPES)
    if not scopes or unknown:
        raise KeyError_(
            f"unknown scopes {sorted(unknown) or '(none given)'}: choose from {', '.join(SCOPES)}"
        )
    return scopes


class KeyStore:
    """Create, verify, list and revoke keys."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        key_metadata.create_all(engine)

    def create(self, name: str, scopes: frozenset[str]) -> tuple[ApiKey, str]:
        """Returns the record and the plain key (shown once, never stored)."""
        parse_scopes(",".join(scopes))
        key_id = secrets.token_hex(4)
        plain = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        now = time.time()
        with self.engine.begin() as conn:
            if conn.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first():
                raise KeyError_(f"a key named {name!r} exists: revoke it or pick another name")
            conn.execute(
                insert(api_keys).values(
                    id=key_id,
                    name=name,
                    hash=_digest(plain),
                    scopes=",".join(sorted(scopes)),
                    created_at=now,
                )
            )
        return ApiKey(key_id, name, scopes, now), plain

    def verify(self, plain: str) -> ApiKey | None:
        """The key's record if the key is valid and not revoked, else None."""
        parts = plain.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == parts[1])).mappings().first()
        if row is None or row["revoked_at"] is not None:
            hmac.compare_digest(_digest(plain), _digest(""))  # same work either way
            return None
        if not hmac.compare_digest(_digest(plain), row["hash"]):
            return None
        return _record(row)

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at)).mappings().all()
        return [_record(r) for r in rows]

    def revoke(self, name_or_id: str) -> ApiKey:
        with self.engine.begin() as conn:
            row = (
                conn.execute(
                    select(api_keys).where(
                        (api_keys.c.name == name_or_id) | (api_keys.c.id == name_or_id)
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise KeyError_(f"no key named {name_or_id!r}: see `triage keys list`")
            now = time.time()
            conn.execute(update(api_keys).where(api_keys.c.id == row["id"]).values(revoked_at=now))
        return _record({**row, "revoked_at": now})
