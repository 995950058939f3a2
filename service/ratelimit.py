"""Per-key rate limiting with the `limits` library (moving window, in-process memory).

Several replicas each count on their own; `limits` also offers Redis/Memcached storage
if a shared budget is ever needed (swap `MemoryStorage` for `storage_from_string`).
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    """`hit(identity)` returns None when allowed, else the seconds to wait (Retry-After)."""

    def __init__(self, limit: str) -> None:
        self.item: RateLimitItem = parse(limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.description = limit

    def hit(self, identity: str) -> int | None:
        if self.limiter.hit(self.item, identity):
            return None
        stats = self.limiter.get_window_stats(self.item, identity)
        return max(1, math.ceil(stats.reset_time - time.time()))
