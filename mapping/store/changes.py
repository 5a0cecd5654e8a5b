"""What each fine-grained edit does: add, update and delete of every table.

The change functions (``_add_entity``, ``_add_reach``...) run inside one
locked write (:meth:`mapping.store.repository.Store._edit`) on an
:class:`~mapping.store.edits._Edit`; :class:`RowEdits` gives the store its
public methods for them. A refused change raises :class:`EditError` and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mapping.store.edits import _check, _coerce, _Edit, _full_row, prepare
from mapping.store.errors import EditError, _refuse_bad_text

_ENTITY_ERRORS = {"organisations": ("duplicate_organisation", "unknown_organisation"),
                  "parent_groups": ("duplicate_group", "unknown_group")}
_ACTIONS = {"organisations": "organisation", "parent_groups": "group"}


def _add_entity(edit: _Edit, table: str, record: Mapping[str, Any]) -> tuple[str, str, None]:
    row = _full_row(edit, table, _coerce(edit, table, record))
    _check(table, row)
    if edit.exists(table, row["id"]):
        raise EditError(_ENTITY_ERRORS[table][0], id=row["id"])
    edit.insert(table, row)
    return f"add_{_ACTIONS[table]}", row["id"], None


def _update_entity(edit: _Edit, table: str, entity_id: str, changes: Mapping[str, Any],
                   ) -> tuple[str, str, None]:
    entity_id = str(entity_id).strip()
    found = edit.current(table, key=entity_id)
    if not found:
        raise EditError(_ENTITY_ERRORS[table][1], id=entity_id)
    slot, old = found[0]
    values = _coerce(edit, table, changes)
    if "id" in values and values["id"] != entity_id:
        raise EditError("id_change", old=entity_id, new=values["id"])
    row = _full_row(edit, table, {**old, **values})
    _check(table, row)
    if row != old:
        edit.replace(table, slot, row)
    return f"update_{_ACTIONS[table]}", entity_id, None


def _delete_entity(edit: _Edit, table: str, entity_id: str) -> tuple[str, str, None]:
    entity_id = str(entity_id).strip()
    found = edit.current(table, key=entity_id)
    if not found:
        raise EditError(_ENTITY_ERRORS[table][1], id=entity_id)
    for slot, _ in found:
        edit.delete(table, slot)
    if table == "organisations":
        for slot, _ in edit.current("reach", ref_a=entity_id):
            edit.delete("reach", slot)
        for slot, _ in edit.current("collaborations", either=entity_id):
            edit.delete("collaborations", slot)
    else:
        for slot, _ in edit.current("reach", ref_b=entity_id):
            edit.delete("reach", slot)
    return f"delete_{_ACTIONS[table]}", entity_id, None


def _add_reach(edit: _Edit, record: Mapping[str, Any]) -> tuple[str, str, None]:
    row = _full_row(edit, "reach", _coerce(edit, "reach", record))
    _check("reach", row)
    org, group = row["organisation"], row["group"]
    if not edit.exists("organisations", org):
        raise EditError("unknown_organisation", id=org)
    if not edit.exists("parent_groups", group):
        raise EditError("unknown_group", id=group)
    if edit.current("reach", ref_a=org, ref_b=group):
        raise EditError("duplicate_reach", organisation=org, group=group)
    edit.insert("reach", row)
    return "add_reach", f"{org} -> {group}", None


def _update_reach(edit: _Edit, organisation: str, group: str, changes: Mapping[str, Any],
                  ) -> tuple[str, str, None]:
    org, grp = str(organisation).strip(), str(group).strip()
    found = edit.current("reach", ref_a=org, ref_b=grp)
    if not found:
        raise EditError("unknown_reach", organisation=org, group=grp)
    slot, old = found[0]
    values = _coerce(edit, "reach", changes)
    if values.get("organisation", org) != org or values.get("group", grp) != grp:
        raise EditError("link_change")
    row = _full_row(edit, "reach", {**old, **values})
    _check("reach", row)
    if row != old:
        edit.replace("reach", slot, row)
    return "update_reach", f"{org} -> {grp}", None


def _delete_reach(edit: _Edit, organisation: str, group: str) -> tuple[str, str, None]:
    org, grp = str(organisation).strip(), str(group).strip()
    found = edit.current("reach", ref_a=org, ref_b=grp)
    if not found:
        raise EditError("unknown_reach", organisation=org, group=grp)
    for slot, _ in found:
        edit.delete("reach", slot)
    return "delete_reach", f"{org} -> {grp}", None


def _add_collaboration(edit: _Edit, record: Mapping[str, Any]) -> tuple[str, str, None]:
    row = _full_row(edit, "collaborations", _coerce(edit, "collaborations", record))
    _check("collaborations", row)
    source, target = row["source"], row["target"]
    if source == target:
        raise EditError("self_collaboration", id=source)
    for org in (source, target):
        if not edit.exists("organisations", org):
            raise EditError("unknown_organisation", id=org)
    edit.insert("collaborations", row)
    return "add_collaboration", f"{source} - {target}", None


def _ratings(edit: _Edit, a: str, b: str, reported_by: str | None,
             ) -> list[tuple[int, dict[str, Any]]]:
    """Current ratings of the pair a/b (either direction), of ``reported_by`` when given."""
    found = [(slot, row) for slot, row in edit.current("collaborations", either=a)
             if {row.get("source"), row.get("target")} == {a, b}
             and (reported_by is None or row.get("reported_by") == reported_by)]
    if not found:
        raise EditError("unknown_collaboration", source=a, target=b)
    return found


def _update_collaboration(edit: _Edit, source: str, target: str, reported_by: str | None,
                          changes: Mapping[str, Any]) -> tuple[str, str, None]:
    a, b = str(source).strip(), str(target).strip()
    found = _ratings(edit, a, b, reported_by)
    if len(found) > 1:
        raise EditError("ambiguous_collaboration", source=a, target=b)
    slot, old = found[0]
    values = _coerce(edit, "collaborations", changes)
    if {values.get("source", old["source"]), values.get("target", old["target"])} != {a, b}:
        raise EditError("link_change")
    row = _full_row(edit, "collaborations", {**old, **values})
    _check("collaborations", row)
    if row != old:
        edit.replace("collaborations", slot, row)
    return "update_collaboration", f"{a} - {b}", None


def _delete_collaboration(edit: _Edit, source: str, target: str, reported_by: str | None,
                          ) -> tuple[str, str, None]:
    a, b = str(source).strip(), str(target).strip()
    found = _ratings(edit, a, b, reported_by)
    for slot, _ in found:
        edit.delete("collaborations", slot)
    return "delete_collaboration", f"{a} - {b}", None


def screen(table: str, record: Mapping[str, Any]) -> None:
    """What every record of an edit passes before any SQL: the text rules
    (:func:`_refuse_bad_text`), then its values typed by the rules outside the
    write lock (:func:`mapping.store.edits.prepare`)."""
    _refuse_bad_text(record, "record")
    prepare(table, record)


class RowEdits:
    """The store's fine-grained edits (a mixin of :class:`mapping.store.repository.Store`).

    Each method checks its text first (:func:`_refuse_bad_text`), then runs
    one change under the dataset's write lock and returns the new version.
    """

    _edit: Any  # Store._edit

    def _add_row(self, name: str, table: str, record: Mapping[str, Any], author: str | None,
                 token: str | None) -> int:
        screen(table, record)
        return self._edit(name, lambda e: _add_entity(e, table, record), author, token=token)

    def _update_row(self, name: str, table: str, entity_id: str, changes: Mapping[str, Any],
                    author: str | None) -> int:
        _refuse_bad_text([entity_id], "id")
        screen(table, changes)
        return self._edit(name, lambda e: _update_entity(e, table, entity_id, changes), author)

    def _delete_row(self, name: str, table: str, entity_id: str, author: str | None) -> int:
        _refuse_bad_text([entity_id], "id")
        return self._edit(name, lambda e: _delete_entity(e, table, entity_id), author)

    def add_organisation(self, name: str, record: Mapping[str, Any],
                         author: str | None = None, *, token: str | None = None) -> int:
        """Add one organisation (``id``, ``name``, ``kind`` required; id unique).

        ``token`` (here and in the other ``add_*`` methods and
        :meth:`JoinSession.submit`): the submission token of the form that
        sends the edit; a second call with the same token saves nothing and
        returns the version the first call made (see :meth:`_edit`).
        """
        return self._add_row(name, "organisations", record, author, token)

    def update_organisation(self, name: str, org_id: str, changes: Mapping[str, Any],
                            author: str | None = None) -> int:
        """Change fields of organisation ``org_id`` (its id cannot change)."""
        return self._update_row(name, "organisations", org_id, changes, author)

    def delete_organisation(self, name: str, org_id: str, author: str | None = None) -> int:
        """Delete organisation ``org_id`` with its reach links and collaborations."""
        return self._delete_row(name, "organisations", org_id, author)

    def add_group(self, name: str, record: Mapping[str, Any], author: str | None = None, *,
                  token: str | None = None) -> int:
        """Add one parent group (``id``, ``name`` required; ``families`` >= 0)."""
        return self._add_row(name, "parent_groups", record, author, token)

    def update_group(self, name: str, group_id: str, changes: Mapping[str, Any],
                     author: str | None = None) -> int:
        """Change fields of parent group ``group_id`` (its id cannot change)."""
        return self._update_row(name, "parent_groups", group_id, changes, author)

    def delete_group(self, name: str, group_id: str, author: str | None = None) -> int:
        """Delete parent group ``group_id`` and the reach links to it."""
        return self._delete_row(name, "parent_groups", group_id, author)

    def add_reach(self, name: str, record: Mapping[str, Any], author: str | None = None, *,
                  token: str | None = None) -> int:
        """Add that ``organisation`` reaches ``group`` (both must exist; ``strength`` 1-5)."""
        screen("reach", record)
        return self._edit(name, lambda e: _add_reach(e, record), author,
                          token=token)

    def update_reach(self, name: str, organisation: str, group: str,
                     changes: Mapping[str, Any], author: str | None = None) -> int:
        """Change fields (``strength``, ``topics``...) of the link ``organisation`` -> ``group``."""
        _refuse_bad_text({"organisation": organisation, "group": group}, "record")
        screen("reach", changes)
        return self._edit(name, lambda e: _update_reach(e, organisation, group, changes), author)

    def delete_reach(self, name: str, organisation: str, group: str,
                     author: str | None = None) -> int:
        """Delete the reach link from ``organisation`` to ``group``."""
        _refuse_bad_text({"organisation": organisation, "group": group}, "record")
        return self._edit(name, lambda e: _delete_reach(e, organisation, group), author)

    def add_collaboration(self, name: str, record: Mapping[str, Any],
                          author: str | None = None, *, token: str | None = None) -> int:
        """Add one collaboration rating (``source``, ``target``; four scores 1-5)."""
        screen("collaborations", record)
        return self._edit(name, lambda e: _add_collaboration(e, record), author,
                          token=token)

    def update_collaboration(self, name: str, source: str, target: str,
                             changes: Mapping[str, Any], reported_by: str | None = None,
                             author: str | None = None) -> int:
        """Change one rating of the pair ``source``/``target`` (either direction).

        When the pair carries several ratings, ``reported_by`` picks the one;
        otherwise the edit is refused as ambiguous.
        """
        _refuse_bad_text({"source": source, "target": target}, "record")
        _refuse_bad_text([reported_by], "reported_by")
        screen("collaborations", changes)
        return self._edit(name, lambda e: _update_collaboration(e, source, target, reported_by,
                                                                changes), author)

    def delete_collaboration(self, name: str, source: str, target: str,
                             reported_by: str | None = None, author: str | None = None) -> int:
        """Delete the collaboration between ``source`` and ``target`` (either direction).

        With ``reported_by`` only that respondent's ratings go; otherwise all
        ratings of the pair.
        """
        _refuse_bad_text({"source": source, "target": target}, "record")
        _refuse_bad_text([reported_by], "reported_by")
        return self._edit(name, lambda e: _delete_collaboration(e, source, target, reported_by),
                          author)
