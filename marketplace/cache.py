"""The recommender's caches: ranked lists per viewer, and the version that invalidates them.

The store is Redis when ``REDIS_URL`` is set (shared by every worker process), an in-process
LRU dictionary otherwise. Keys:

* ``zjm:recs:version``: a counter, raised after every commit that wrote a row the rankings read
  (needs, theses, loan products, capacities, organizations, deal history). The interaction log
  is not watched: a save or a dismissal changes no one else's list, a dismissed need is left
  out when a list is read, and the log is learned from at the next rebuild or training;
* ``zjm:recs:list:<fingerprint>:<direction>:<viewer>``: one viewer's scores in one direction,
  computed by the serving state whose ``fingerprint`` covers the version and the data it read.

A viewer's key names that viewer only, so lists are never shared between viewers; a write
anywhere the rankings read raises the version, so no list outlives what it was computed from.
Redis failing is never an error for the user: the list is computed, not cached.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any, Protocol

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event

log = logging.getLogger(__name__)

VERSION_KEY = "zjm:recs:version"
LIST_TTL_SECONDS = 6 * 3600
MEMORY_ITEMS = 2048


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl: int) -> None: ...
    def version(self) -> int: ...
    def bump(self) -> int: ...


class MemoryStore:
    """An LRU dictionary for one process (the embedded default)."""

    def __init__(self, items: int = MEMORY_ITEMS):
        self.items = items
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._version = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.items:
                self._data.popitem(last=False)

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._data)

    def version(self) -> int:
        return self._version

    def bump(self) -> int:
        with self._lock:
            self._version += 1
            self._data.clear()
            return self._version


class RedisStore:
    """Redis, with short timeouts; every failure is logged and treated as a miss."""

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(key)
        except redis.RedisError as error:
            log.warning("recommendation cache read failed: %s", error)
            return None

    def set(self, key: str, value: bytes, ttl: int) -> None:
        try:
            self.client.set(key, value, ex=ttl)
        except redis.RedisError as error:
            log.warning("recommendation cache write failed: %s", error)

    def version(self) -> int:
        try:
            return int(self.client.get(VERSION_KEY) or 0)
        except redis.RedisError as error:
            log.warning("recommendation cache version unreadable: %s", error)
            return -1  # a version no list is stored under: nothing is served stale

    def bump(self) -> int:
        try:
            return int(self.client.incr(VERSION_KEY))
        except redis.RedisError as error:
            log.warning("recommendation cache version not raised: %s", error)
            return -1


def store(app: Flask | None = None) -> Store:
    app = app or current_app
    return app.extensions["zjm_cache"]


def list_key(fingerprint: str, direction: str, viewer: str) -> str:
    return f"zjm:recs:list:{fingerprint}:{direction}:{viewer}"


def watched_models() -> tuple[type, ...]:
    """The rows the rankings read: a write to any of them raises the version."""
    from marketplace.models import (
        FundingNeed,
        FundingRound,
        IncubationCapacity,
        InvestorThesis,
        LoanProduct,
        Organization,
    )
    return (FundingNeed, FundingRound, IncubationCapacity, InvestorThesis, LoanProduct, Organization)


def mark_stale(session: Any) -> None:
    """Raise the version when ``session`` commits: for writes that bypass the unit of work
    (bulk ``UPDATE`` statements), which the flush hook cannot see."""
    session.info["recs_stale"] = True


def _install_hooks(session_class: Any) -> None:
    if getattr(session_class, "_zjm_cache_hooks", False):
        return
    session_class._zjm_cache_hooks = True
    watched = watched_models()

    @event.listens_for(session_class, "before_flush")
    def _note_writes(session: Any, _context: Any, _instances: Any) -> None:
        if any(isinstance(obj, watched) for obj in (*session.new, *session.dirty, *session.deleted)):
            mark_stale(session)

    @event.listens_for(session_class, "after_commit")
    def _bump(session: Any) -> None:
        if session.info.pop("recs_stale", False) and has_app_context():
            store().bump()

    @event.listens_for(session_class, "after_rollback")
    def _forget(session: Any) -> None:
        session.info.pop("recs_stale", None)


def init_app(app: Flask, session_class: Any) -> None:
    """Pick the store; raise the version after each commit that wrote a watched row."""
    url = app.config.get("REDIS_URL")
    app.extensions["zjm_cache"] = RedisStore(url) if url else MemoryStore()
    _install_hooks(session_class)
