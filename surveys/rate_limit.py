"""How many questionnaire answers a link accepts: per client and link, and per link from everyone.

A sliding window in this process's memory: several app processes each count on their own (with
sticky sessions one client stays on one process). It stops a script flooding a link, not a
determined attacker with many addresses; a reverse proxy's own limits are the next line of defence.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import settings

MAX_KEYS = 50_000


@dataclass
class SlidingWindow:
    """At most `limit` events per `seconds` for each key."""

    limit: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str) -> bool:
        """Count one event for `key` and say whether it is within the limit."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= MAX_KEYS:
                    self._forget_idle(now)
                events = self._events[key] = deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.seconds]:
            del self._events[key]
        if len(self._events) >= MAX_KEYS:  # everyone is active: drop the oldest half
            for key in list(self._events)[: MAX_KEYS // 2]:
                del self._events[key]


class SubmissionLimiter:
    """Both limits of one process, read from the settings when it is created."""

    def __init__(
        self,
        per_client_hour: int | None = None,
        per_link_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        client = per_client_hour or settings.get_int("OPIT_SUBMISSIONS_PER_CLIENT_HOUR")
        link = per_link_minute or settings.get_int("OPIT_SUBMISSIONS_PER_LINK_MINUTE")
        self.per_client = SlidingWindow(client, 3600.0, clock)
        self.per_link = SlidingWindow(link, 60.0, clock)

    def allow(self, token: str, client: str) -> bool:
        """One submission through link `token` from `client` (an address or a session id)."""
        if not self.per_client.allow(f"{token}\n{client}"):
            return False
        return self.per_link.allow(token)


def client_address(ip_address: str | None, headers: dict[str, str], session_id: str) -> str:
    """Who is sending: the forwarded address behind a trusted proxy, the connection's address,
    or (on localhost, where there is none) the browser session."""
    if settings.get_bool("OPIT_TRUST_FORWARDED_FOR"):
        forwarded = headers.get("X-Forwarded-For") or headers.get("x-forwarded-for") or ""
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return ip_address or f"session:{session_id}"
