"""Join codes (what a participant types or scans) and what a code lets a participant do.

A code is made, normalised, shown and checked here (:func:`new_code`,
:func:`normalise_code`, :func:`format_code`, :func:`code_state`), with the
submission tokens that make a double tap on "Send" save once
(:func:`_check_token`). :class:`JoinCodes` gives the store its code methods;
:class:`JoinSession` is a participant's view: add to one dataset, nothing else.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from mapping.store import tables as s
from mapping.store.changes import _add_collaboration, _add_entity, _add_reach, screen
from mapping.store.codec import _frame, _now, _utc
from mapping.store.edits import _Change, _Edit, _Ref, prepare
from mapping.store.errors import EditError, JoinCodeError, _refuse_bad_text

if TYPE_CHECKING:
    from mapping.store.repository import Store

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
"""Join-code characters: no 0/O, 1/I/L or U/V look-alikes to misread on a screen."""

JOIN_CODE_LENGTH = 10
"""30 ** 10 = 5.9e14 codes (49 bits): with the join page's attempt limit
(:data:`mapping.access.JOIN_LIMITER`) a guess succeeds with a chance of about
one in a billion per open code and workshop day, even without the limit at a
hundred guesses a second. Shown in groups of four (``ABCD-EFGH-JK``)."""

JOIN_GROUP = 4
"""Symbols per group when a code is shown (:func:`format_code`)."""

JOIN_HOURS_DEFAULT = 4.0
"""How long a new join code stays valid unless the facilitator chooses otherwise."""

JOIN_HOURS_MAX = 24.0 * 7
"""Longest validity a facilitator can give a code (a week of sessions)."""

JOIN_HOURS_CHOICES = (1.0, 2.0, 4.0, 8.0, 24.0)
"""Validity choices offered on the workshop page (hours)."""

JOIN_CODE_INPUT_MAX = 64
"""Characters of a typed code looked at; longer input is cut before any work."""

_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _check_token(token: Any) -> None:
    """Refuse a submission token that is not 8-64 letters, digits, ``-`` or ``_``."""
    if not (isinstance(token, str) and 8 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS):
        raise ValueError("a submission token is 8-64 characters of A-Z, a-z, 0-9, - and _")


def normalise_code(code: str | None) -> str:
    """A join code as typed (any case, spaces, hyphens or dots) in its stored form.

    Only ASCII letters and digits are kept (a phone keyboard may add a full-width
    or accented look-alike; it cannot match a code and must not reach SQL as
    something else), and only the first :data:`JOIN_CODE_INPUT_MAX` characters
    are looked at.
    """
    text = str(code or "")[:JOIN_CODE_INPUT_MAX].upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def format_code(code: str) -> str:
    """A stored code as shown to people: groups of four, ``ABCD-EFGH-JK``."""
    plain = normalise_code(code)
    return "-".join(plain[i:i + JOIN_GROUP] for i in range(0, len(plain), JOIN_GROUP))


def new_code() -> str:
    """A random join code of :data:`JOIN_CODE_LENGTH` symbols from :data:`JOIN_ALPHABET`."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def code_expiry(created_at: datetime, expires_at: datetime | None) -> datetime:
    """When a code stops working. Codes from before expiry existed (``expires_at``
    NULL) expire :data:`JOIN_HOURS_DEFAULT` hours after they were opened."""
    if expires_at is not None:
        return _utc(expires_at)  # type: ignore[return-value]
    return _utc(created_at) + timedelta(hours=JOIN_HOURS_DEFAULT)  # type: ignore[operator]


def code_state(row: Any, now: datetime | None = None) -> str:
    """``"open"``, ``"closed"`` or ``"expired"`` for a ``join_codes`` row."""
    if row.closed_at is not None:
        return "closed"
    if (now or _now()) >= code_expiry(row.created_at, row.expires_at):
        return "expired"
    return "open"


class JoinCodes:
    """The store's join-code methods (a mixin of :class:`mapping.store.repository.Store`)."""

    _transaction: Any  # Store._transaction
    _dataset_row: Any  # reading.Reading._dataset_row
    _lock_dataset: Any
    _lock_dataset_id: Any
    _version_row: Any  # reading.Reading._version_row
    _layout: Any
    _cache: Any
    _cache_lock: Any

    def open_join(self, name: str, author: str | None = None,
                  hours: float = JOIN_HOURS_DEFAULT) -> str:
        """The open join code of ``name``, creating one valid for ``hours`` if there is none.

        Calling it again (every page rerun) returns the same code until it is
        closed or expires; an expired code is closed and a new one made.

        Raises
        ------
        ValueError
            When ``hours`` is not between 0 and :data:`JOIN_HOURS_MAX`.
        """
        hours = float(hours)
        if not 0 < hours <= JOIN_HOURS_MAX:  # also refuses NaN
            raise ValueError(f"join code validity must be 0-{JOIN_HOURS_MAX:g} hours")
        j = s.join_codes.c
        now = _now()
        with self._transaction(write=True) as conn:
            row = self._lock_dataset(conn, name)
            for existing in conn.execute(sa.select(j.code, j.created_at, j.closed_at,
                                                   j.expires_at).where(
                    j.dataset_id == row.id, j.closed_at.is_(None)).order_by(j.created_at)):
                if code_state(existing, now) == "open":
                    return str(existing.code)
            # Expired codes are closed, so the dataset has at most one open code.
            conn.execute(s.join_codes.update().where(j.dataset_id == row.id,
                                                     j.closed_at.is_(None))
                         .values(closed_at=now))
            while True:
                code = new_code()
                if conn.execute(sa.select(j.code).where(j.code == code)).first() is None:
                    break
            conn.execute(s.join_codes.insert().values(
                code=code, dataset_id=row.id, created_at=now, created_by=author,
                expires_at=now + timedelta(hours=hours)))
            return code

    def join_code(self, name: str) -> str | None:
        """The open (not closed, not expired) join code of ``name``, or None."""
        info = self.join_code_info(name)
        return None if info is None else info[0]

    def join_code_info(self, name: str) -> tuple[str, datetime] | None:
        """The open join code of ``name`` and when it expires (UTC), or None."""
        j = s.join_codes.c
        now = _now()
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            for found in conn.execute(sa.select(j.code, j.created_at, j.closed_at,
                                                j.expires_at).where(
                    j.dataset_id == row.id, j.closed_at.is_(None)).order_by(j.created_at)):
                if code_state(found, now) == "open":
                    return str(found.code), code_expiry(found.created_at, found.expires_at)
        return None

    def close_join(self, code_or_name: str) -> int:
        """Close a join code, or every open code of a dataset; returns how many closed."""
        j = s.join_codes.c
        code = normalise_code(code_or_name)
        with self._transaction(write=True) as conn:
            found = conn.execute(sa.select(j.dataset_id).where(
                j.code == code, j.closed_at.is_(None))).first()
            if found is not None:
                where = [j.code == code]
                dataset_id = found.dataset_id
            else:
                row = self._dataset_row(conn, code_or_name, missing_ok=True)
                if row is None:
                    return 0
                where = [j.dataset_id == row.id]
                dataset_id = row.id
            # Lock like an edit does, so no join edit commits after the close.
            self._lock_dataset_id(conn, dataset_id)
            result = conn.execute(s.join_codes.update().where(*where, j.closed_at.is_(None))
                                  .values(closed_at=_now()))
            return int(result.rowcount or 0)

    def dataset_for_code(self, code: str) -> str | None:
        """The dataset an open join code gives access to; None when closed, expired or unknown."""
        j = s.join_codes.c
        d = s.datasets.c
        plain = normalise_code(code)
        if not plain:
            return None
        with self._transaction() as conn:
            found = conn.execute(sa.select(d.name, j.created_at, j.closed_at, j.expires_at)
                                 .select_from(s.join_codes.join(s.datasets,
                                                                j.dataset_id == d.id))
                                 .where(j.code == plain)).first()
        if found is None or code_state(found) != "open":
            return None
        return str(found.name)

    def code_status(self, code: str) -> str:
        """``"open"``, ``"closed"``, ``"expired"`` or ``"unknown"``.

        For the facilitator and for tests only: the join page must not tell
        these apart (it shows one message for every code that does not work).
        """
        j = s.join_codes.c
        with self._transaction() as conn:
            row = conn.execute(sa.select(j.created_at, j.closed_at, j.expires_at).where(
                j.code == normalise_code(code))).first()
        if row is None:
            return "unknown"
        return code_state(row)

    def _offered(self, code: str, name: str, table: str, wanted: tuple[str, ...],
                 ) -> pd.DataFrame:
        """Columns ``wanted`` (those the dataset has) of the newest rows of ``table``,
        for an open ``code`` only (else :class:`JoinCodeError`).

        One read and one table's current rows, not a whole version: the join page
        draws this after every answer, when the newest version is not cached yet
        (30 phones: 30 new versions).
        """
        j = s.join_codes.c
        r = s.dataset_rows.c
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            found = conn.execute(sa.select(j.created_at, j.closed_at, j.expires_at).where(
                j.code == code, j.dataset_id == row.id)).first()
            if found is None or code_state(found) != "open":
                raise JoinCodeError("join_invalid")
            # The rows offered at this head, built once per server: 30 phones read the
            # same head (each answer moves it once), and building the frame is the cost.
            offered_key = (row.id, table, wanted)
            with self._cache_lock:
                offered = self._offered_cache.get(offered_key)
                cached = self._cache.get((row.id, row.head))
            if offered is not None and offered[0] == row.head:
                return offered[1].copy()
            if cached is not None:
                frame = cached.table(table)
                frame = frame[[c for c in wanted if c in frame.columns]].copy()
            else:
                version = self._version_row(conn, _Ref.of(row), row.head)
                layout = {c.name: c for c in self._layout(conn, version.columns_hash)[table]}
                data = conn.execute(sa.select(r.data).where(
                    r.dataset_id == row.id, r.tbl == table, r.valid_to.is_(None))
                    .order_by(r.slot)).scalars().all()
                frame = _frame(tuple(layout[c] for c in wanted if c in layout),
                               [json.loads(d) for d in data])
        with self._cache_lock:
            self._offered_cache[offered_key] = (row.head, frame)
        return frame.copy()

    @property
    def _offered_cache(self) -> dict[tuple[int, str, tuple[str, ...]], tuple[int, pd.DataFrame]]:
        """(dataset id, table, columns) -> (head, rows offered at that head); one per key."""
        try:
            return self.__dict__["_join_offered"]
        except KeyError:
            return self.__dict__.setdefault("_join_offered", {})

    def join(self, code: str) -> JoinSession:
        """A :class:`JoinSession` for an open code.

        Raises
        ------
        JoinCodeError
            When the code is unknown, closed or expired (one error for all three).
        """
        name = self.dataset_for_code(code)
        if name is None:
            raise JoinCodeError("join_invalid")
        return JoinSession(self, normalise_code(code), name)


def _prepare_answer(organisation: str | Mapping[str, Any], groups: Any, partners: Any) -> None:
    """Type an answer's values before the write lock is taken (:func:`mapping.store.edits.prepare`):
    30 phones queue for that lock, so the locked part must be short."""
    org = organisation if isinstance(organisation, Mapping) else None
    org_id = org.get("id") if org is not None else organisation
    prepare("organisations", org)
    for group in groups:
        prepare("reach", {"organisation": org_id, "group": group})
    for partner in partners:
        if not isinstance(partner, Mapping):
            continue
        target = partner.get("target")
        new = target if isinstance(target, Mapping) else None
        prepare("organisations", new)
        prepare("collaborations", {**partner, "source": org_id,
                                   "target": new.get("id") if new is not None else target})


class JoinSession:
    """What a workshop participant holding a join code may do: add to one dataset.

    No deleting, no updating, no other datasets, no history. Every write
    re-checks inside its transaction that the code is still open, so a
    closed code stops writes at once.

    Parameters
    ----------
    store
        The store.
    code
        An open join code (normalised).
    dataset_name
        The dataset the code belongs to.
    """

    def __init__(self, store: Store, code: str, dataset_name: str) -> None:
        self._store = store
        self.code = code
        self.dataset_name = dataset_name

    def is_open(self) -> bool:
        """Whether the code still gives access."""
        return self._store.dataset_for_code(self.code) == self.dataset_name

    def organisations(self) -> pd.DataFrame:
        """Organisations to pick from: ``id``, ``name``, ``kind``, ``category`` only."""
        return self._store._offered(self.code, self.dataset_name, "organisations",
                                    ("id", "name", "kind", "category"))

    def parent_groups(self) -> pd.DataFrame:
        """Parent groups to tick: ``id``, ``name``, ``community``, ``neighbourhood`` only."""
        return self._store._offered(self.code, self.dataset_name, "parent_groups",
                                    ("id", "name", "community", "neighbourhood"))

    def add_organisation(self, record: Mapping[str, Any], author: str | None = None) -> int:
        """Add the participant's organisation; returns the new version number."""
        screen("organisations", record)
        return self._write(lambda e: _add_entity(e, "organisations", record), author)

    def add_reach(self, record: Mapping[str, Any], author: str | None = None) -> int:
        """Add a reach link (organisation -> parent group)."""
        screen("reach", record)
        return self._write(lambda e: _add_reach(e, record), author)

    def add_collaboration(self, record: Mapping[str, Any], author: str | None = None) -> int:
        """Add a collaboration with its four scores."""
        screen("collaborations", record)
        return self._write(lambda e: _add_collaboration(e, record), author)

    def submit(self, organisation: str | Mapping[str, Any],
               groups: list[str] | tuple[str, ...] = (),
               partners: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...] = (),
               author: str | None = None, *, token: str | None = None) -> int:
        """Save a participant's whole answer as ONE version (all or nothing).

        Parameters
        ----------
        organisation
            The id of an existing organisation, or a record for a new one.
        groups
            Ids of parent groups the organisation reaches; links that exist
            already are skipped (two colleagues of one organisation may both
            tick the same group).
        partners
            Collaboration records without ``source`` (it is the organisation):
            ``target`` plus the four condition scores. ``target`` may be a
            record for a new organisation (a partner not in the list yet).
        author
            Shown in the history (default ``join:CODE``).
        token
            The submission token of the rendered form (see :meth:`Store._edit`):
            a second submission with it saves nothing and returns the first
            one's version, so a double tap gives one answer.

        Returns
        -------
        int
            The new version number. One version per submission means the
            facilitator's "undo" takes back exactly one participant's answer.
        """
        # Every id and name of the answer is checked before any SQL runs.
        _refuse_bad_text(organisation if isinstance(organisation, Mapping) else [organisation],
                         "record" if isinstance(organisation, Mapping) else "organisation")
        _refuse_bad_text(list(groups), "group")
        _refuse_bad_text(list(partners), "record")
        _prepare_answer(organisation, groups, partners)

        def change(edit: _Edit) -> tuple[str, str | None, None]:
            if isinstance(organisation, Mapping):
                _, org_id, _ = _add_entity(edit, "organisations", organisation)
            else:
                org_id = str(organisation).strip()
                if not edit.exists("organisations", org_id):
                    raise EditError("unknown_organisation", id=org_id)
            for group in groups:
                if not edit.current("reach", ref_a=org_id, ref_b=str(group)):
                    _add_reach(edit, {"organisation": org_id, "group": group})
            for partner in partners:
                target = partner.get("target")
                if isinstance(target, Mapping):
                    _, target, _ = _add_entity(edit, "organisations", target)
                _add_collaboration(edit, {**partner, "target": target, "source": org_id})
            return "join_submit", org_id, None

        return self._write(change, author, token)

    def _write(self, change: _Change, author: str | None, token: str | None = None) -> int:
        return self._store._edit(self.dataset_name, change, author or f"join:{self.code}",
                                 join_code=self.code, token=token)
