"""Reading datasets, versions and history: the store's read side (a mixin of the Store).

Loading version ``v`` is one indexed range query over the valid-time rows;
loaded datasets and blobs are cached per store (datasets are immutable).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

import pandas as pd
import sqlalchemy as sa

from mapping.domain import limits
from mapping.domain.dataset import TABLES, Dataset
from mapping.store import tables as s
from mapping.store.codec import Layout, _Column, _frame, _utc
from mapping.store.diff import DatasetDiff, _table_diff
from mapping.store.edits import _Ref
from mapping.store.errors import DatasetNotFound, VersionNotFound, _printable


class Reading:
    """What the store reads (a mixin of :class:`mapping.store.repository.Store`)."""

    backend: str
    _transaction: Any  # Store._transaction
    _cache: OrderedDict[tuple[int, int], Dataset]
    _blob_cache: dict[str, Any]
    _cache_lock: threading.Lock

    def list_datasets(self) -> list[str]:
        """Names of all datasets, sorted."""
        with self._transaction() as conn:
            return list(conn.execute(sa.select(s.datasets.c.name)
                                     .order_by(s.datasets.c.name)).scalars())

    def exists(self, name: str) -> bool:
        """Whether a dataset called ``name`` exists."""
        with self._transaction() as conn:
            return self._dataset_row(conn, name, missing_ok=True) is not None

    def head(self, name: str) -> int:
        """The newest version number of ``name`` (cheap: for polling pages)."""
        with self._transaction() as conn:
            return int(self._dataset_row(conn, name).head)

    def latest(self, name: str) -> tuple[int, Dataset]:
        """The newest version of ``name``: ``(version_number, Dataset)``."""
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            return row.head, self._load(conn, row.id, row.name, row.head)

    def load(self, name: str, version: int | str | None = None) -> Dataset:
        """Version ``version`` of ``name`` (number or label; ``None`` = newest).

        The returned Dataset is shared with other callers (it is cached):
        treat it as immutable, as every Dataset.
        """
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            number = self._resolve_version(conn, _Ref.of(row), version)
            return self._load(conn, row.id, row.name, number)

    def versions(self, name: str) -> pd.DataFrame:
        """The history of ``name``, oldest first.

        Returns
        -------
        DataFrame
            ``number`` (int), ``created_at`` (UTC timestamp), ``author``,
            ``message``, ``label`` (the newest label, or None), ``labels``
            (tuple of all), ``action``, ``subject``, ``parent``,
            ``restored_from`` (Int64).
        """
        v = s.versions.c
        lab = s.version_labels.c
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            rows = conn.execute(
                sa.select(v.number, v.created_at, v.author, v.message, v.action, v.subject,
                          v.parent, v.restored_from)
                .where(v.dataset_id == row.id).order_by(v.number)).all()
            labels: dict[int, list[str]] = {}
            for number, label in conn.execute(
                    sa.select(lab.number, lab.label).where(lab.dataset_id == row.id)
                    .order_by(lab.id)):
                labels.setdefault(number, []).append(label)
        frame = pd.DataFrame({
            "number": pd.Series([r.number for r in rows], dtype="int64"),
            "created_at": pd.to_datetime([_utc(r.created_at) for r in rows], utc=True),
            "author": pd.Series([r.author for r in rows], dtype=object),
            "message": pd.Series([r.message for r in rows], dtype=object),
            "label": pd.Series([labels[r.number][-1] if r.number in labels else None
                                for r in rows], dtype=object),
            "labels": pd.Series([tuple(labels.get(r.number, ())) for r in rows], dtype=object),
            "action": pd.Series([r.action for r in rows], dtype=object),
            "subject": pd.Series([r.subject for r in rows], dtype=object),
            "parent": pd.Series([r.parent for r in rows], dtype=object).astype("Int64"),
            "restored_from": pd.Series([r.restored_from for r in rows],
                                       dtype=object).astype("Int64"),
        })
        return frame

    def diff(self, name: str, v1: int | str, v2: int | str) -> DatasetDiff:
        """What changed from version ``v1`` to version ``v2`` (numbers or labels)."""
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            ref = _Ref.of(row)
            old = self._resolve_version(conn, ref, v1)
            new = self._resolve_version(conn, ref, v2)
            before = self._state(conn, row.id, old)
            after = self._state(conn, row.id, new)
            vold = self._version_row(conn, ref, old)
            vnew = self._version_row(conn, ref, new)
            layout_old = self._layout(conn, vold.columns_hash)
            layout_new = self._layout(conn, vnew.columns_hash)
        tables = {t: _table_diff(t, before[t], after[t], layout_old[t], layout_new[t])
                  for t in TABLES}
        return DatasetDiff(name=row.name, old=old, new=new, tables=tables,
                           columns_changed=vold.columns_hash != vnew.columns_hash,
                           neighbourhoods_changed=vold.geo_hash != vnew.geo_hash)


    # -- internals: reading

    def _dataset_row(self, conn: sa.Connection, name: str, missing_ok: bool = False) -> Any:
        if limits.text_problem(str(name), is_id=True) is not None:
            if missing_ok:
                return None
            raise DatasetNotFound("dataset_not_found", name=_printable(name))
        row = conn.execute(sa.select(s.datasets).where(s.datasets.c.name == str(name).strip())
                           ).first()
        if row is None and not missing_ok:
            raise DatasetNotFound("dataset_not_found", name=name)
        return row

    def _lock_dataset(self, conn: sa.Connection, name: str) -> Any:
        # FOR UPDATE is dropped by the SQLite compiler; there BEGIN IMMEDIATE
        # already holds the database's write lock.
        if limits.text_problem(str(name), is_id=True) is not None:
            raise DatasetNotFound("dataset_not_found", name=_printable(name))
        row = conn.execute(sa.select(s.datasets).where(s.datasets.c.name == str(name).strip())
                           .with_for_update()).first()
        if row is None:
            raise DatasetNotFound("dataset_not_found", name=name)
        return row

    def _lock_dataset_id(self, conn: sa.Connection, dataset_id: int) -> Any:
        return conn.execute(sa.select(s.datasets).where(s.datasets.c.id == dataset_id)
                            .with_for_update()).first()

    def _resolve_version(self, conn: sa.Connection, ref: _Ref, version: int | str | None,
                         ) -> int:
        """A version number from a number, a numeric string, a label or None (newest)."""
        if version is None:
            return ref.head
        if isinstance(version, str) and not version.strip().lstrip("-").isdigit():
            lab = s.version_labels.c
            found = conn.execute(sa.select(lab.number).where(
                lab.dataset_id == ref.dataset_id, lab.label == version.strip())
                .order_by(lab.number.desc(), lab.id.desc())).first()
            if found is None:
                raise VersionNotFound("label_not_found", name=ref.name, label=version)
            return int(found.number)
        number = int(version)
        if not 1 <= number <= ref.head:
            raise VersionNotFound("version_not_found", name=ref.name, version=number)
        return number

    def _version_row(self, conn: sa.Connection, ref: _Ref, number: int) -> Any:
        v = s.versions.c
        found = conn.execute(sa.select(s.versions).where(
            v.dataset_id == ref.dataset_id, v.number == number)).first()
        if found is None:
            raise VersionNotFound("version_not_found", name=ref.name, version=number)
        return found

    def _blob(self, conn: sa.Connection, digest: str | None) -> Any:
        if digest is None:
            return None
        with self._cache_lock:
            if digest in self._blob_cache:
                return self._blob_cache[digest]
        text = conn.execute(sa.select(s.blobs.c.data).where(s.blobs.c.hash == digest)).scalar()
        value = json.loads(text)
        with self._cache_lock:
            self._blob_cache[digest] = value
        return value

    def _layout(self, conn: sa.Connection, digest: str) -> Layout:
        raw = self._blob(conn, digest)
        return {t: tuple(_Column(*c) for c in raw[t]) for t in TABLES}

    def _put_blob(self, conn: sa.Connection, text: str) -> str:
        digest = hashlib.sha256(text.encode()).hexdigest()
        if self.backend == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        # Another dataset's writer may store the same blob at the same moment.
        conn.execute(insert(s.blobs).values(hash=digest, data=text).on_conflict_do_nothing())
        return digest

    def _state(self, conn: sa.Connection, dataset_id: int, number: int,
               ) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        """Rows of version ``number`` per table as ``(slot, encoded row)``, in order."""
        r = s.dataset_rows.c
        state: dict[str, list[tuple[int, dict[str, Any]]]] = {t: [] for t in TABLES}
        for table, slot, data in conn.execute(
                sa.select(r.tbl, r.slot, r.data).where(
                    r.dataset_id == dataset_id, r.valid_from <= number,
                    sa.or_(r.valid_to.is_(None), r.valid_to > number))
                .order_by(r.tbl, r.slot)):
            state[table].append((slot, json.loads(data)))
        return state

    def _load(self, conn: sa.Connection, dataset_id: int, name: str, number: int) -> Dataset:
        key = (dataset_id, number)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        version = self._version_row(conn, _Ref(dataset_id, name, number), number)
        layout = self._layout(conn, version.columns_hash)
        state = self._state(conn, dataset_id, number)
        frames = {t: _frame(layout[t], [row for _, row in state[t]]) for t in TABLES}
        dataset = Dataset(**frames, neighbourhoods=self._blob(conn, version.geo_hash), name=name)
        with self._cache_lock:
            self._cache[key] = dataset
            while len(self._cache) > 32:
                self._cache.popitem(last=False)
        return dataset
