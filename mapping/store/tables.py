"""Tables and engines of the dataset store (see :mod:`mapping.store.repository` for the design).

This module holds the parts of the store that know about SQL: the table
declarations (SQLAlchemy Core), how a ``--db`` value becomes an engine URL,
and the per-backend connection settings. Everything above it is one code path
for SQLite and PostgreSQL.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

SCHEMA_VERSION = "1"
"""Stored in ``store_meta``; bump when the tables change incompatibly."""

POSTGRES_CONNECT_TIMEOUT_S = 5
"""How long opening a PostgreSQL connection may take before the store says "unreachable".

Without it a server whose host is gone (no "connection refused", just
silence) would stall every page run for the operating system's TCP timeout.
A ``connect_timeout`` in the URL takes precedence.
"""

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for the write lock before giving up.

Twenty participants saving at once queue for a few milliseconds each; thirty
seconds only runs out when something holds the lock for real (a stuck process).
"""

metadata = sa.MetaData()


def _dataset_ref(**options: Any) -> sa.Column[int]:
    """The dataset a row belongs to (``datasets.id``); ``options`` as for :class:`sa.Column`."""
    return sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id"), **options)


def _moment(name: str, *, required: bool = False) -> sa.Column[Any]:
    """A moment with its zone (the store writes UTC; pages show Amsterdam time)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=not required)


def _person(name: str) -> sa.Column[str]:
    """Who did something, as typed at sign-in or in the form (optional, at most 200 characters)."""
    return sa.Column(name, sa.String(200))


datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    _moment("created_at", required=True),
    # The newest version number; also the row every writer locks first.
    sa.Column("head", sa.Integer, nullable=False),
    # Next free row slot (see dataset_rows.slot); allocated under the same lock.
    sa.Column("next_slot", sa.Integer, nullable=False),
)

versions = sa.Table(
    "versions",
    metadata,
    _dataset_ref(primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    _moment("created_at", required=True),
    _person("author"),
    sa.Column("message", sa.Text),
    # What produced the version: create, save, add_organisation, ..., restore, undo.
    sa.Column("action", sa.String(40), nullable=False),
    # What the action was about (an id, "org -> group"), for a readable history.
    sa.Column("subject", sa.Text),
    sa.Column("parent", sa.Integer),
    # restore/undo: the version whose content this one repeats.
    sa.Column("restored_from", sa.Integer),
    # Column layout (names, dtypes) and neighbourhood polygons, shared between
    # versions through content-addressed blobs: an edit copies neither.
    sa.Column("columns_hash", sa.String(64), sa.ForeignKey("blobs.hash"), nullable=False),
    sa.Column("geo_hash", sa.String(64), sa.ForeignKey("blobs.hash")),
)

version_labels = sa.Table(
    "version_labels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _dataset_ref(nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    _moment("created_at", required=True),
    _person("author"),
    sa.ForeignKeyConstraint(["dataset_id", "number"], ["versions.dataset_id", "versions.number"]),
    sa.Index("ix_version_labels_dataset", "dataset_id", "number"),
)

dataset_rows = sa.Table(
    "dataset_rows",
    metadata,
    _dataset_ref(primary_key=True),
    sa.Column("tbl", sa.String(16), primary_key=True),
    # Identity of a logical row across versions and its position in the table.
    sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
    # The row holds in versions valid_from <= v < valid_to (valid_to NULL: still current).
    sa.Column("valid_from", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("valid_to", sa.Integer),
    # Copies of the identifying cells, so edits validate with indexed look-ups.
    sa.Column("key", sa.Text),  # organisations / parent_groups: id
    sa.Column("ref_a", sa.Text),  # reach: organisation; collaborations: source
    sa.Column("ref_b", sa.Text),  # reach: group; collaborations: target
    sa.Column("data", sa.Text, nullable=False),  # the whole row as JSON
    sa.Index("ix_dataset_rows_current", "dataset_id", "tbl", "valid_to", "key"),
    sa.Index("ix_dataset_rows_refs", "dataset_id", "valid_to", "ref_a", "ref_b"),
)

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
)

join_codes = sa.Table(
    "join_codes",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    _dataset_ref(nullable=False),
    _moment("created_at", required=True),
    _person("created_by"),
    _moment("closed_at"),
    # When the code stops working (issue 9). Nullable and added by upgrade() to
    # databases made before it: a NULL means "opened + the default validity".
    _moment("expires_at"),
    sa.Index("ix_join_codes_dataset", "dataset_id", "closed_at"),
)

submission_tokens = sa.Table(
    "submission_tokens",
    metadata,
    # One row per saved form (issue 11): a form rendered once carries one random token, and
    # a second save with it (a double tap, a resent request) returns this version instead of
    # writing another. Added by create_all to older databases; older apps ignore it.
    _dataset_ref(primary_key=True),
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
    _moment("created_at", required=True),
)

store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text),
)


ADDED_COLUMNS: tuple[tuple[sa.Table, str], ...] = (
    (join_codes, "expires_at"),
)
"""Nullable columns added after the first release; :func:`upgrade` adds them to old files."""


def upgrade(conn: sa.Connection) -> None:
    """Add the :data:`ADDED_COLUMNS` an existing database lacks (backward compatible).

    Runs inside :meth:`mapping.store.repository.Store.ensure_schema`'s write transaction
    (SQLite: the write lock; PostgreSQL: an advisory lock), so two processes
    opening an old database at once add each column once. Only nullable
    columns are ever added, so older versions of the app can still read and
    write the upgraded database.
    """
    inspector = sa.inspect(conn)
    for table, name in ADDED_COLUMNS:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        if name in present:
            continue
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN {name} {kind}'))


def default_path() -> Path:
    """Where the SQLite file lives when neither ``--db`` nor ``MAPPING_DB`` says.

    ``$XDG_DATA_HOME/wijknetwerk/wijknetwerk.db`` (by default
    ``~/.local/share/wijknetwerk/wijknetwerk.db``): outside the checkout,
    so a ``git clean`` or a new release never deletes a district's history.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "wijknetwerk" / "wijknetwerk.db"


def resolve_url(url_or_path: str | os.PathLike[str] | None = None) -> URL:
    """Turn a ``--db`` value into an SQLAlchemy URL.

    Parameters
    ----------
    url_or_path
        A database URL (``sqlite:///file``, ``postgresql://user@host/db``), a
        path to a SQLite file, or ``None`` for ``$MAPPING_DB`` and then
        :func:`default_path`.

    Returns
    -------
    URL
        PostgreSQL URLs get the ``psycopg`` (version 3) driver; plain paths
        become absolute ``sqlite:///`` URLs.
    """
    if url_or_path is None or str(url_or_path).strip() == "":
        url_or_path = os.environ.get("MAPPING_DB") or default_path()
    text = str(url_or_path).strip()
    if "://" not in text:
        return make_url("sqlite:///" + str(Path(text).expanduser().resolve()))
    url = make_url(text)
    if url.get_backend_name() in ("postgresql", "postgres") and url.drivername in (
        "postgresql", "postgres"
    ):
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_engine(url: URL) -> Engine:
    """An engine with the settings the store's locking relies on.

    SQLite: WAL (readers never block the writer), a busy timeout, and
    transactions begun by us rather than by the driver, so that writers can
    take the write lock up front with ``BEGIN IMMEDIATE`` (see
    :func:`begin_write`). PostgreSQL needs nothing special: writers lock
    their dataset row with ``SELECT ... FOR UPDATE``.
    """
    options: dict[str, Any] = {"future": True}
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            "check_same_thread": False,
        }
        # Twenty threads writing at once each hold a connection while they wait
        # for the lock; a pool smaller than that only adds a second queue.
        options.update(pool_size=5, max_overflow=40, pool_timeout=60)
        engine = sa.create_engine(url, **options)
        _configure_sqlite(engine)
        return engine
    options.update(pool_size=5, max_overflow=40, pool_timeout=60, pool_pre_ping=True)
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    return sa.create_engine(url, **options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN; pysqlite would otherwise
        # begin lazily (deferred) before the first write, too late to queue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a killed process never corrupts or loses a
        # committed version; only a power cut may lose the last few commits.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A deferred transaction that later writes fails at once with
        # SQLITE_BUSY (no busy wait) when another writer committed in between;
        # writers therefore take the lock first and wait their turn.
        write = connection.get_execution_options().get("store_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# --------------------------------------------------------------------------- failures

FAILURE_REASONS: tuple[str, ...] = ("unreachable", "disk_full", "read_only", "corrupt", "busy",
                                    "conflict", "failed")
"""Why a database operation failed, as :func:`failure_reason` tells them apart."""

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_REASONS: dict[int, str] = {
    3: "read_only",    # SQLITE_PERM
    5: "busy",         # SQLITE_BUSY
    6: "busy",         # SQLITE_LOCKED
    8: "read_only",    # SQLITE_READONLY
    11: "corrupt",     # SQLITE_CORRUPT
    13: "disk_full",   # SQLITE_FULL
    14: "unreachable",  # SQLITE_CANTOPEN: missing folder, no permission on the folder
    19: "conflict",    # SQLITE_CONSTRAINT
    26: "corrupt",     # SQLITE_NOTADB
}
# The same, by message, for drivers or wrappers that lose the code.
_SQLITE_TEXTS: tuple[tuple[str, str], ...] = (
    ("database or disk is full", "disk_full"),
    ("readonly database", "read_only"),
    ("read-only", "read_only"),
    ("file is not a database", "corrupt"),
    ("malformed", "corrupt"),
    ("database is locked", "busy"),
    ("unable to open database", "unreachable"),
)
# PostgreSQL SQLSTATEs (exact codes first, then their two-character class).
_PG_STATES: dict[str, str] = {
    "53100": "disk_full",     # disk_full
    "25006": "read_only",     # read_only_sql_transaction (a standby server)
    "57P01": "unreachable",   # admin_shutdown: the server was stopped
    "57P02": "unreachable",   # crash_shutdown
    "57P03": "unreachable",   # cannot_connect_now: starting up or shutting down
    "40001": "busy",          # serialization_failure
    "40P01": "busy",          # deadlock_detected
    "55P03": "busy",          # lock_not_available
    "57014": "busy",          # query_canceled (statement_timeout)
    "XX001": "corrupt",       # data_corrupted
    "XX002": "corrupt",       # index_corrupted
    "3D000": "unreachable",   # invalid_catalog_name: the database does not exist
    "28000": "unreachable",   # invalid_authorization_specification
    "28P01": "unreachable",   # invalid_password
}
_PG_CLASSES: dict[str, str] = {"08": "unreachable", "23": "conflict", "53": "disk_full"}
_OS_REASONS: dict[int, str] = {
    errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "read_only",
    errno.EACCES: "read_only", errno.EPERM: "read_only", errno.ENOENT: "unreachable",
}


def _driver_error(exc: BaseException) -> BaseException | None:
    """The DBAPI exception behind a SQLAlchemy one (or ``exc`` itself when it is one)."""
    if isinstance(exc, sa.exc.DBAPIError):
        return exc.orig
    return exc if _is_driver_error(exc) else None


def _is_driver_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    module = type(exc).__module__ or ""
    return module.startswith("psycopg") and isinstance(exc, Exception)


def is_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a database, driver or file-system failure (not a bug in our code)."""
    return isinstance(exc, (sa.exc.SQLAlchemyError, OSError, ImportError)) or _is_driver_error(exc)


def failure_reason(exc: BaseException) -> str:
    """Why a database operation failed: one of :data:`FAILURE_REASONS`.

    Parameters
    ----------
    exc
        A SQLAlchemy error (its DBAPI error is looked at), a ``sqlite3`` or
        ``psycopg`` error, or an :class:`OSError` (the SQLite folder or lock file).

    Returns
    -------
    str
        ``"unreachable"`` (PostgreSQL down, refused, or the SQLite file cannot
        be opened), ``"disk_full"``, ``"read_only"``, ``"corrupt"`` (damaged, or
        not a database at all), ``"busy"`` (locks, timeouts), ``"conflict"``
        (a unique or foreign key constraint), or ``"failed"`` for anything else.
    """
    if isinstance(exc, sa.exc.TimeoutError):  # no free connection in the pool
        return "busy"
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return "unreachable"
    driver = _driver_error(exc)
    if isinstance(driver, sqlite3.Error):
        code = getattr(driver, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_REASONS:
            return _SQLITE_REASONS[code & 0xFF]
        text = str(driver).lower()
        for fragment, reason in _SQLITE_TEXTS:
            if fragment in text:
                return reason
        return "conflict" if isinstance(driver, sqlite3.IntegrityError) else "failed"
    if driver is not None:  # psycopg
        state = getattr(driver, "sqlstate", None)
        if isinstance(state, str) and state:
            return _PG_STATES.get(state) or _PG_CLASSES.get(state[:2], "failed")
        name = type(driver).__name__
        # Connection failures carry no SQLSTATE: the server never answered.
        return "unreachable" if name in ("OperationalError", "InterfaceError") else "failed"
    if isinstance(exc, sa.exc.DisconnectionError):
        return "unreachable"
    if isinstance(exc, sa.exc.IntegrityError):
        return "conflict"
    if isinstance(exc, OSError) and exc.errno is not None:
        return _OS_REASONS.get(exc.errno, "failed")
    return "failed"


def failure_detail(exc: BaseException) -> str:
    """What the server log may say about a failure: error types and codes, never SQL or data.

    A SQLAlchemy error's text holds the statement and its parameters (row
    data, contact persons); a driver's text may quote values. Only the type
    names, SQLite's error name or PostgreSQL's SQLSTATE are given, plus the
    driver's first line for connection failures (host and port, no data).
    """
    parts = [type(exc).__name__]
    driver = _driver_error(exc)
    if driver is not None and driver is not exc:
        parts.append(f"{type(driver).__module__.split('.')[0]}.{type(driver).__name__}")
    if isinstance(driver, sqlite3.Error):
        name = getattr(driver, "sqlite_errorname", None)
        if name:
            parts.append(str(name))
    elif driver is not None:
        state = getattr(driver, "sqlstate", None)
        if state:
            parts.append(f"SQLSTATE {state}")
        elif type(driver).__name__ in ("OperationalError", "InterfaceError"):
            first = str(driver).strip().splitlines()[0] if str(driver).strip() else ""
            parts.append(first[:200])
    elif isinstance(exc, OSError):
        parts.append(errno.errorcode.get(exc.errno or 0, str(exc.errno)))
    return ": ".join(p for p in parts if p)
