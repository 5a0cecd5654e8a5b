"""Versioned datasets in SQLite (default) or PostgreSQL, with join codes.

One code path for both backends (SQLAlchemy Core). Where each part lives:

* :mod:`~mapping.store.repository`: the :class:`Store` (transactions, whole-dataset
  writes, the locked edit); every public name of the package is importable from it.
* :mod:`~mapping.store.reading`: loading versions, history, diffs.
* :mod:`~mapping.store.edits` and :mod:`~mapping.store.changes`: one edit's state, the
  rules its values pass (:mod:`mapping.domain.rules`, as for files) and the changes.
* :mod:`~mapping.store.join`: join codes, submission tokens, :class:`JoinSession`.
* :mod:`~mapping.store.errors`, :mod:`~mapping.store.codec`, :mod:`~mapping.store.diff`,
  :mod:`~mapping.store.locks`, :mod:`~mapping.store.seed` (opening, demo seeding),
  :mod:`~mapping.store.commands` (``import``/``export``), :mod:`~mapping.store.tables`.

Design
------
Named datasets, each with an append-only history of numbered versions
(1, 2, 3, ...). A version row records ``created_at``, ``author``,
``message``, the ``action`` that made it (``create``, ``add_organisation``,
``restore``, ``undo``...), its ``parent`` (the version it was derived from)
and, for restore/undo, ``restored_from``. Labels ("na workshop 12 maart")
are appended to ``version_labels``; a version may carry several.

Content is stored as *valid-time rows*: every logical row of the four tables
(an organisation, a group, a reach link, one collaboration rating) has a
``slot`` (its identity and its position in the table) and one stored row per
content it ever had, valid for versions ``valid_from <= v < valid_to``
(``valid_to`` is NULL while the row is current). Consequences:

* An edit writes only what it changes: adding an organisation inserts one row;
  updating closes one row (sets its ``valid_to``) and inserts its successor.
  Nothing is ever deleted, so every version stays loadable.
* Loading version ``v`` is one indexed range query; no replay of change sets.
* Restore and undo compare the target version with the current one slot by
  slot and write only the difference, so they cost O(rows that differ).
* Column layout (names, dtypes) and neighbourhood GeoJSON are stored once per
  distinct content in a content-addressed ``blobs`` table; versions point to
  them, so an edit does not copy polygons.

Concurrency ("20 writers, zero lost writes"): every change is a
read-validate-write inside one transaction that first takes the dataset's
write lock: ``BEGIN IMMEDIATE`` on SQLite (WAL mode, busy timeout, see
:mod:`mapping.store.tables`) and ``SELECT ... FOR UPDATE`` on the dataset's
row on PostgreSQL. The writer then reads the current head, validates against
the current content (ids unique, referenced ids exist), writes version
``head + 1`` and commits. Writers to one dataset are therefore serialised; a
second writer sees the first one's rows and builds on them, so no edit is
lost, and a process killed mid-save leaves only an uncommitted transaction
that the database discards: the last complete version stays intact.

Privacy: the store holds exactly what a :class:`~mapping.domain.dataset.Dataset`
holds (group-level data, never individual parents). ``contact`` and
``reported_by`` are ordinary columns; ``export --no-personal`` drops them.

Round trips are exact for data that follows the :mod:`mapping.domain.dataset`
conventions: column order and dtypes (``str``/``object`` ids, ``float64`` with
NaN, ``Int64``), tuples in list columns and extra columns come back as they
went in. (Non-conventional cells are normalised: lists become tuples, ``None``
in a list column becomes ``()``, NaN in a text column of dtype ``object``
becomes ``None``.)

The pages hold one :class:`Store` per process (``st.cache_resource`` around
:func:`open_store`); a store is safe to share between threads. Create it
after any ``fork``, not before.

Examples
--------
>>> store = open_store()  # doctest: +SKIP
>>> store.create_dataset("wijk-zuid", dataset, author="Anna")  # doctest: +SKIP
1
>>> store.add_organisation("wijk-zuid", {"id": "M7", "name": "Moskee Nuur",
...                                      "kind": "informal"})  # doctest: +SKIP
2
>>> number, current = store.latest("wijk-zuid")  # doctest: +SKIP
>>> store.head("wijk-zuid") != number  # cheap poll: did anyone add something? # doctest: +SKIP
>>> code = store.open_join("wijk-zuid")  # shown as QR code  # doctest: +SKIP
>>> store.join(code).add_reach({"organisation": "M7", "group": "G2"})  # doctest: +SKIP
"""
