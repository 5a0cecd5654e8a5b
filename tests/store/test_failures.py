"""How the store names a failure (mapping.store.tables.failure_reason) and what it logs.

The real failures (corrupt file, read-only file, full disk, PostgreSQL stopped)
are produced in ``tests/security/test_store_failures.py``; this file pins the
classification of every driver code the store knows, so a new driver version
that changes one is noticed here.
"""

from __future__ import annotations

import errno
import sqlite3

import pytest
import sqlalchemy as sa

from mapping.store import tables as s
from mapping.store.repository import FAILURE_KEYS, MESSAGES, StoreUnavailable

STATEMENT = "INSERT INTO dataset_rows (data) VALUES (?)"
PARAMS = ('{"contact": "Jan Geheim"}',)


def _sqlite(code: int | None, text: str, cls: type = sqlite3.OperationalError) -> BaseException:
    error = cls(text)
    if code is not None:
        error.sqlite_errorcode = code  # what the sqlite3 module sets on a real error
        error.sqlite_errorname = f"SQLITE_{code}"
    return sa.exc.OperationalError(STATEMENT, PARAMS, error)


@pytest.mark.parametrize(("code", "text", "reason"), [
    (13, "database or disk is full", "disk_full"),
    (8, "attempt to write a readonly database", "read_only"),
    (8 | (1 << 8), "attempt to write a readonly database", "read_only"),  # READONLY_RECOVERY
    (26, "file is not a database", "corrupt"),
    (11, "database disk image is malformed", "corrupt"),
    (5, "database is locked", "busy"),
    (14, "unable to open database file", "unreachable"),
    (None, "database or disk is full", "disk_full"),  # no code: the words decide
    (None, "file is not a database", "corrupt"),
    (None, "something new", "failed"),
])
def test_sqlite_reasons(code, text, reason):
    assert s.failure_reason(_sqlite(code, text)) == reason


@pytest.mark.parametrize(("state", "reason"), [
    ("53100", "disk_full"), ("25006", "read_only"), ("57P01", "unreachable"),
    ("08006", "unreachable"), ("40P01", "busy"), ("XX001", "corrupt"), ("23505", "conflict"),
    ("42P01", "failed"),
])
def test_postgres_reasons(state, reason):
    psycopg = pytest.importorskip("psycopg")
    error = psycopg.errors.lookup(state)("server says no")
    wrapped = sa.exc.DBAPIError(STATEMENT, PARAMS, error)
    assert s.failure_reason(wrapped) == reason
    detail = s.failure_detail(wrapped)
    assert f"SQLSTATE {state}" in detail
    assert "INSERT" not in detail and "Jan Geheim" not in detail


def test_postgres_connection_refused_is_unreachable():
    psycopg = pytest.importorskip("psycopg")
    error = psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", '
                                     "port 1 failed: Connection refused")
    wrapped = sa.exc.OperationalError("SELECT 1", {}, error)
    assert s.failure_reason(wrapped) == "unreachable"
    assert "Connection refused" in s.failure_detail(wrapped)  # host and port, never data


@pytest.mark.parametrize(("number", "reason"), [
    (errno.ENOSPC, "disk_full"), (errno.EROFS, "read_only"), (errno.EACCES, "read_only"),
    (errno.ENOTDIR, "failed"),
])
def test_file_system_reasons(number, reason):
    assert s.failure_reason(OSError(number, "x", "/secret/path")) == reason
    assert "/secret/path" not in s.failure_detail(OSError(number, "x", "/secret/path"))


def test_pool_timeout_is_busy():
    assert s.failure_reason(sa.exc.TimeoutError("QueuePool limit")) == "busy"


def test_detail_never_holds_the_statement_or_parameters():
    wrapped = _sqlite(13, "database or disk is full")
    assert STATEMENT in str(wrapped) and "Jan Geheim" in str(wrapped)  # SQLAlchemy's own text
    detail = s.failure_detail(wrapped)
    assert "INSERT" not in detail and "Jan Geheim" not in detail
    assert "SQLITE_13" in detail


@pytest.mark.parametrize("reason", s.FAILURE_REASONS)
def test_every_reason_has_a_message_in_both_languages(reason):
    assert FAILURE_KEYS[reason] in MESSAGES["nl"] and FAILURE_KEYS[reason] in MESSAGES["en"]
    error = StoreUnavailable(reason)
    assert error.reason == reason
    assert error.message("nl") != error.message("en")
    assert "{" not in error.message("nl") + error.message("en")


def test_unknown_reason_becomes_the_generic_message():
    assert StoreUnavailable("whatever").reason == "failed"
