"""The :class:`Store`: versioned datasets in one database (the design: :mod:`mapping.store`).

This module keeps the store's core (opening, transactions, whole-dataset
writes, the locked edit every change runs in) and re-exports every public
name of the package, so ``from mapping.store.repository import ...`` keeps
working for every caller.

The pages hold one :class:`Store` per process (``st.cache_resource`` around
:func:`open_store`, in ``pages/_store.py``); a store is safe to share between
threads. Create it after any ``fork``, not before.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from mapping.domain.dataset import TABLES, Dataset
from mapping.io.write import PERSONAL_COLUMNS, drop_personal, write_csv_folder
from mapping.store import tables as s
from mapping.store.changes import RowEdits
from mapping.store.codec import CANONICAL, _dumps, _layout_json, _layout_of, _records
from mapping.store.codec import _now as _now  # re-exported for tests
from mapping.store.codec import _utc as _utc
from mapping.store.commands import register_export, register_import, run_export, run_import
from mapping.store.diff import DatasetDiff, RowChange, TableDiff
from mapping.store.edits import _apply_rows, _apply_slots, _Change, _Edit, _Ref
from mapping.store.errors import (
    FAILURE_KEYS,
    MESSAGES,
    DatasetExists,
    DatasetNotFound,
    EditError,
    JoinCodeError,
    NothingToUndo,
    RuleRefused,
    StoreError,
    StoreUnavailable,
    TextRefused,
    VersionNotFound,
    _failure,
    _refuse_bad_dataset,
    _refuse_bad_text,
)
from mapping.store.join import (
    JOIN_ALPHABET,
    JOIN_CODE_INPUT_MAX,
    JOIN_CODE_LENGTH,
    JOIN_GROUP,
    JOIN_HOURS_CHOICES,
    JOIN_HOURS_DEFAULT,
    JOIN_HOURS_MAX,
    JoinCodes,
    JoinSession,
    _check_token,
    code_expiry,
    code_state,
    format_code,
    new_code,
    normalise_code,
)
from mapping.store.locks import _FifoLock as _FifoLock  # re-exported for tests
from mapping.store.locks import _SqliteWriteQueue
from mapping.store.reading import Reading
from mapping.store.seed import DEMO_DIR, DEMO_NAME, open_store
from mapping.store.seed import _demo_dataset as _demo_dataset  # used by mapping.workshop.live

__all__ = [
    "CANONICAL", "DEMO_DIR", "DEMO_NAME", "FAILURE_KEYS", "JOIN_ALPHABET", "JOIN_CODE_INPUT_MAX",
    "JOIN_CODE_LENGTH", "JOIN_GROUP", "JOIN_HOURS_CHOICES", "JOIN_HOURS_DEFAULT",
    "JOIN_HOURS_MAX", "MESSAGES", "PERSONAL_COLUMNS", "DatasetDiff", "DatasetExists",
    "DatasetNotFound", "EditError", "JoinCodeError", "JoinSession", "NothingToUndo", "RowChange",
    "RuleRefused", "Store", "StoreError", "StoreUnavailable", "TableDiff", "TextRefused",
    "VersionNotFound", "code_expiry", "code_state", "drop_personal", "format_code", "new_code",
    "normalise_code", "open_store", "register_export", "register_import", "run_export",
    "run_import", "write_csv_folder",
]


def _clean_name(name: str) -> str:
    """A dataset name stripped, or :class:`EditError` ``bad_name`` (empty or over 200)."""
    text = str(name or "").strip()
    if not text or len(text) > 200:
        raise EditError("bad_name")
    return text


class Store(Reading, RowEdits, JoinCodes):
    """Versioned datasets in one database.

    Parameters
    ----------
    url
        A database URL or SQLite path (see :func:`mapping.store.tables.resolve_url`).
        ``None`` uses ``$MAPPING_DB`` or the default file.
    create
        Create the tables when they do not exist yet.

    Notes
    -----
    Every method that changes a dataset takes the dataset ``name`` first and
    an optional ``author`` (free text shown in the history) last, creates
    exactly one new version and returns its number.

    ``record`` / ``changes`` arguments are dicts with canonical column names
    (``docs/domain.md``). Values are converted to the column's type: list
    columns accept a tuple/list or a ``"a|b"`` string; numbers accept ``"3,5"``;
    empty strings mean "not given". A canonical column the dataset lacks is
    added; any other key is refused.

    Methods raise :class:`StoreError` subclasses with a Dutch/English message
    for anything a person can cause: :class:`DatasetNotFound`,
    :class:`DatasetExists`, :class:`VersionNotFound`, :class:`EditError`
    (missing field, duplicate id, unknown reference, score outside 1-5...),
    :class:`NothingToUndo`, :class:`JoinCodeError`. A refused edit writes
    nothing.
    """

    def __init__(self, url: str | Path | None = None, *, create: bool = True) -> None:
        try:
            self.url = s.resolve_url(url)
            self.backend = self.url.get_backend_name()
            self.engine = s.create_engine(self.url)
        except Exception as exc:  # bad URL, missing driver, unwritable folder
            if not s.is_failure(exc):
                raise
            raise _failure(exc, "open") from None
        self._cache: OrderedDict[tuple[int, int], Dataset] = OrderedDict()
        self._blob_cache: dict[str, Any] = {}
        self._cache_lock = threading.Lock()
        # SQLite's busy handler retries by sleeping, so a writer that just
        # committed tends to win again and some sessions starve; threads of one
        # process (Streamlit sessions) therefore queue in arrival order first.
        # PostgreSQL queues row-lock waiters itself.
        self._write_queue: contextlib.AbstractContextManager[Any] = (
            _SqliteWriteQueue(self.url.database) if self.backend == "sqlite"
            else contextlib.nullcontext())
        if create:
            try:
                self.ensure_schema()
            except BaseException:
                self.close()  # a store that failed to open keeps no connection pool
                raise

    # -- lifecycle

    def close(self) -> None:
        """Close the connection pool (the store can not be used afterwards)."""
        self.engine.dispose()
        if isinstance(self._write_queue, _SqliteWriteQueue):
            self._write_queue.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    @contextlib.contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sa.Connection]:
        """One transaction; every database, driver or file error leaves it as
        :class:`StoreUnavailable` (a message without SQL or data, ``from None``
        so no traceback printer finds the statement in the chain)."""
        queue = self._write_queue if write else contextlib.nullcontext()
        try:
            with queue, self.engine.connect() as conn:
                if write:
                    conn.execution_options(store_write=True)
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except Exception as exc:
            if not s.is_failure(exc):
                raise  # a bug in our code: keep its traceback for the developer
            raise _failure(exc, "write" if write else "read") from None

    def ensure_schema(self) -> None:
        """Create the tables if they are missing (safe when several processes start)."""
        with self._transaction(write=True) as conn:
            if self.backend == "postgresql":
                # Two processes creating tables at once collide on the catalog;
                # the advisory lock lets one finish first (DDL is transactional).
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7243110)"))
            s.metadata.create_all(conn, checkfirst=True)
            s.upgrade(conn)
            meta = s.store_meta.c
            if conn.execute(sa.select(meta.value).where(meta.key == "schema_version")
                            ).scalar() is None:
                conn.execute(s.store_meta.insert().values(key="schema_version",
                                                          value=s.SCHEMA_VERSION))

    def _meta(self, key: str) -> str | None:
        meta = s.store_meta.c
        with self._transaction() as conn:
            return conn.execute(sa.select(meta.value).where(meta.key == key)).scalar()

    def _set_meta(self, key: str, value: str) -> None:
        meta = s.store_meta.c
        with self._transaction(write=True) as conn:
            if conn.execute(sa.select(meta.key).where(meta.key == key)).first():
                conn.execute(s.store_meta.update().where(meta.key == key).values(value=value))
            else:
                conn.execute(s.store_meta.insert().values(key=key, value=value))


    # -- whole-dataset writes

    def create_dataset(self, name: str, dataset: Dataset, author: str | None = None,
                       message: str | None = None) -> int:
        """Store ``dataset`` as version 1 of a new dataset called ``name``.

        Raises
        ------
        DatasetExists
            When the name is taken (also when another process took it just now).
        """
        name = _clean_name(name)
        _refuse_bad_text(name, "name", is_id=True)
        _refuse_bad_text([author, message], "author", is_id=False)
        _refuse_bad_dataset(dataset)
        try:
            with self._transaction(write=True) as conn:
                if self._dataset_row(conn, name, missing_ok=True) is not None:
                    raise DatasetExists("dataset_exists", name=name)
                layout = _layout_of(dataset)
                columns_hash = self._put_blob(conn, _layout_json(layout))
                geo_hash = (None if dataset.neighbourhoods is None
                            else self._put_blob(conn, _dumps(dataset.neighbourhoods)))
                result = conn.execute(s.datasets.insert().values(
                    name=name, created_at=_now(), head=1, next_slot=0))
                dataset_id = int(result.inserted_primary_key[0])
                edit = _Edit(conn, dataset_id, name, 0, 0, columns_hash, geo_hash, layout)
                for table in TABLES:
                    for record in _records(dataset.table(table)):
                        edit.insert(table, record)
                self._commit(edit, "create", author=author, message=message, subject=None,
                             parent=None)
        except (IntegrityError, StoreUnavailable) as exc:
            if isinstance(exc, StoreUnavailable) and exc.reason != "conflict":
                raise
            # lost a race for the name to another process
            raise DatasetExists("dataset_exists", name=name) from None
        return 1

    def save(self, name: str, dataset: Dataset, author: str | None = None,
             message: str | None = None) -> int:
        """Store ``dataset`` as the next version of ``name`` (created if missing).

        Used for re-importing a file into an existing dataset; like
        :meth:`restore`, only rows that differ are written.
        """
        name = _clean_name(name)
        _refuse_bad_text(name, "name", is_id=True)
        _refuse_bad_dataset(dataset)
        if not self.exists(name):
            with contextlib.suppress(DatasetExists):
                return self.create_dataset(name, dataset, author, message)
        layout = _layout_of(dataset)
        target = {t: _records(dataset.table(t)) for t in TABLES}

        def change(edit: _Edit) -> tuple[str, str | None, int | None]:
            edit.columns_hash = self._put_blob(edit.conn, _layout_json(layout))
            edit.geo_hash = (None if dataset.neighbourhoods is None
                             else self._put_blob(edit.conn, _dumps(dataset.neighbourhoods)))
            _apply_rows(edit, self._state(edit.conn, edit.dataset_id, edit.head), target)
            return "save", None, None

        return self._edit(name, change, author, message)

    def restore(self, name: str, version: int | str, author: str | None = None,
                message: str | None = None) -> int:
        """Add a new version whose content equals version ``version``; returns its number."""
        def change(edit: _Edit) -> tuple[str, str | None, int | None]:
            number = self._resolve_version(edit.conn, edit.ref, version)
            self._restore_into(edit, number)
            return "restore", str(number), number

        return self._edit(name, change, author, message)

    def undo(self, name: str, author: str | None = None) -> int:
        """Revert the last change by adding a version equal to the one before it.

        History is kept. Repeated undos walk further back: an undo version
        counts as "the change before it was undone", so undo, undo reverts
        the last two changes. Undo after a restore reverts the restore.

        Raises
        ------
        NothingToUndo
            At the first version.
        """
        def change(edit: _Edit) -> tuple[str, str | None, int | None]:
            target = self._undo_target(edit)
            self._restore_into(edit, target)
            return "undo", str(target), target

        return self._edit(name, change, author, None)

    def snapshot(self, name: str, label: str, author: str | None = None,
                 version: int | None = None) -> int:
        """Label the current version (or ``version``); returns the labelled number.

        Labels are appended, never overwritten; :meth:`load` accepts a label
        in place of a number (the newest version carrying it).
        """
        label = str(label or "").strip()
        if not label or len(label) > 200:
            raise EditError("bad_label")
        _refuse_bad_text(label, "label", is_id=False)
        _refuse_bad_text(author, "author", is_id=False)
        with self._transaction(write=True) as conn:
            row = self._dataset_row(conn, name)
            number = self._resolve_version(conn, _Ref.of(row), version)
            conn.execute(s.version_labels.insert().values(
                dataset_id=row.id, number=number, label=label, created_at=_now(),
                author=author))
        return number


    # -- internals: writing

    def _edit(self, name: str, change: _Change, author: str | None,
              message: str | None = None, join_code: str | None = None,
              token: str | None = None) -> int:
        """Run ``change`` on the locked current version and commit the next version.

        ``token`` makes the edit idempotent (issue 11: a double tap on "Send"
        must save once): it is looked up under the dataset's write lock, so of
        two saves with one token (two requests, two threads, two app servers)
        exactly one writes; the other returns the version the first one made.
        A token is any 8-64 characters of letters, digits, ``-`` and ``_``.
        """
        _refuse_bad_text([author, message], "author", is_id=False)
        if token is not None:
            _check_token(token)
        with self._transaction(write=True) as conn:
            row = self._lock_dataset(conn, name)
            if join_code is not None:
                j = s.join_codes.c
                found = conn.execute(sa.select(j.created_at, j.closed_at, j.expires_at).where(
                    j.code == join_code, j.dataset_id == row.id)).first()
                if found is None or code_state(found) != "open":
                    raise JoinCodeError("join_invalid")
            if token is not None:
                tk = s.submission_tokens.c
                done = conn.execute(sa.select(tk.number).where(
                    tk.dataset_id == row.id, tk.token == token)).scalar()
                if done is not None:
                    return int(done)  # saved before: nothing new
            version = self._version_row(conn, _Ref.of(row), row.head)
            edit = _Edit(conn, row.id, row.name, row.head, row.next_slot,
                         version.columns_hash, version.geo_hash,
                         self._layout(conn, version.columns_hash))
            action, subject, restored_from = change(edit)
            if edit.layout_changed:
                edit.columns_hash = self._put_blob(conn, _layout_json(edit.layout))
            self._commit(edit, action, author=author, message=message, subject=subject,
                         parent=row.head, restored_from=restored_from)
            if token is not None:
                conn.execute(s.submission_tokens.insert().values(
                    dataset_id=row.id, token=token, number=edit.number, created_at=_now()))
            return edit.number

    def _commit(self, edit: _Edit, action: str, *, author: str | None, message: str | None,
                subject: str | None, parent: int | None, restored_from: int | None = None,
                ) -> None:
        conn = edit.conn
        r = s.dataset_rows.c
        conn.execute(s.versions.insert().values(
            dataset_id=edit.dataset_id, number=edit.number, created_at=_now(), author=author,
            message=message, action=action, subject=subject, parent=parent,
            restored_from=restored_from, columns_hash=edit.columns_hash,
            geo_hash=edit.geo_hash))
        if edit.closes:
            conn.execute(
                s.dataset_rows.update().where(
                    r.dataset_id == edit.dataset_id, r.tbl == sa.bindparam("b_tbl"),
                    r.slot == sa.bindparam("b_slot"), r.valid_to.is_(None))
                .values(valid_to=edit.number),
                [{"b_tbl": t, "b_slot": slot} for t, slot in edit.closes])
        if edit.inserts:
            conn.execute(s.dataset_rows.insert(), edit.inserts)
        conn.execute(s.datasets.update().where(s.datasets.c.id == edit.dataset_id)
                     .values(head=edit.number, next_slot=edit.next_slot))

    def _restore_into(self, edit: _Edit, number: int) -> None:
        version = self._version_row(edit.conn, edit.ref, number)
        edit.columns_hash = version.columns_hash
        edit.geo_hash = version.geo_hash
        edit.layout = self._layout(edit.conn, version.columns_hash)
        current = self._state(edit.conn, edit.dataset_id, edit.head)
        target = self._state(edit.conn, edit.dataset_id, number)
        _apply_slots(edit, current, target)

    def _undo_target(self, edit: _Edit) -> int:
        number = edit.head
        while True:
            version = self._version_row(edit.conn, edit.ref, number)
            if version.action == "undo" and version.restored_from is not None:
                number = int(version.restored_from)
                continue
            if version.parent is None:
                raise NothingToUndo("nothing_to_undo", name=edit.name)
            return int(version.parent)
