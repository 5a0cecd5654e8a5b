"""Applying a mapping: answers to the four canonical tables, validated like any upload."""

from __future__ import annotations

import dataclasses
import functools
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS, TABLES, Dataset
from mapping.io.surveys.answers import (
    _display,
    _key,
    _kind_word,
    _separator,
    _truthy,
    split_answers,
)
from mapping.io.surveys.builder import (
    SurveyResult,
    _Builder,
    _canonical_cols,
    _check_scores,
    _kinds,
    _review,
    _trace,
)
from mapping.io.surveys.catalog import _say, _text
from mapping.io.surveys.guess import guess_mapping
from mapping.io.surveys.pseudonymise import pseudonym
from mapping.io.surveys.reading import read_surveys
from mapping.io.surveys.roles import ColumnRole, SurveyMapping
from mapping.io.surveys.table import Sheet, SurveyTable
from mapping.io.validate import Collector, Issue, validate_tables


def apply(table: SurveyTable, mapping: SurveyMapping, lang: str = "nl",
          secret: bytes | None = None, name: str | None = None,
          lists: Dataset | None = None) -> SurveyResult:
    """Turn the answers into a validated district with ``mapping``.

    Parameters
    ----------
    table
        What :func:`read_survey` read.
    mapping
        Which column means what (:func:`guess_mapping`, confirmed or loaded).
    lang
        ``nl`` or ``en`` for the messages.
    secret
        Key of the respondent pseudonyms; a fresh random one when ``None`` (then
        the same respondent gets a different pseudonym in every import).
    name
        Label of the dataset; defaults to the file's stem.
    lists
        The district's own organisations and parent groups (with family
        counts, ids, neighbourhoods), as :func:`mapping.io.load.load_files`
        read them: names in the answers are matched against them, and groups
        nobody named count as unreached.

    Returns
    -------
    SurveyResult
        The dataset or the issues (survey file, row, column), the dropped
        columns and the mapping. Nothing raises on bad input.
    """
    col = Collector("en" if lang == "en" else "nl")
    label = name or Path(table.file).stem
    secret = secret if secret is not None else secrets.token_bytes(32)
    dropped = _dropped(table, mapping)
    try:
        builder = _build(table, mapping, col, secret, lists)
        if col.errors:
            return SurveyResult(None, col.errors, col.warnings, {}, dropped, mapping, table.tool)
        matches = _review(builder, col)
        raws = _canonical_cols(builder)
        hoods = lists.neighbourhoods if lists is not None else None
        counts = {t: len(raws[t].rows) for t in TABLES}
        counts["neighbourhoods"] = len((hoods or {}).get("features", []))
        inner = Collector(col.lang)
        frames = validate_tables(raws, hoods, inner, source=table.file)
    except Exception as exc:  # never a traceback: say what broke, in the user's language
        col.error("internal", table.file, detail=f"{type(exc).__name__}: {exc}"[:200])
        return SurveyResult(None, col.errors, col.warnings, {}, dropped, mapping, table.tool)
    col.errors += [_trace(i, builder, table.file) for i in inner.errors]
    col.warnings += [_trace(i, builder, table.file) for i in inner.warnings]
    col.dropped += inner.dropped
    col.finish(table.file)
    if col.errors:
        return SurveyResult(None, col.errors, col.warnings, counts, dropped, mapping, table.tool,
                            matches)
    dataset = Dataset(**{t: frames[t] for t in TABLES}, neighbourhoods=hoods, name=label)
    return SurveyResult(dataset, col.errors, col.warnings, counts, dropped, mapping, table.tool,
                        matches)


def _dropped(table: SurveyTable, mapping: SurveyMapping) -> tuple[tuple[str, str], ...]:
    out = []
    for sheet in table.sheets():
        name = None if sheet is table.main else sheet.name
        for column in sheet.columns:
            role = mapping.role(column.key, name)
            if role is None or role.role in ("ignore", "drop"):
                shown = column.key if name is None else f"{sheet.name}: {column.key}"
                out.append((shown, "personal" if role is not None and role.role == "drop"
                            else "unused"))
    return tuple(out)


def _build(table: SurveyTable, mapping: SurveyMapping, col: Collector, secret: bytes,
           lists: Dataset | None = None) -> _Builder:
    main = table.main
    builder = _Builder(table.file, col, mapping.default_kind, mapping.aliases)
    if lists is not None:
        builder.add_lists(lists, _lists_label(lists, col.lang))
    for role in mapping.columns:
        try:
            table.sheet(role.sheet).column(role.column)
        except KeyError:
            if role.role not in ("ignore", "drop"):
                _say(col, "error", "column_not_found", table.file, None, role.column,
                     role.column, value=role.column)
    if col.errors:
        return builder
    names = [r for r in mapping.used("org_name") if r.sheet is None]
    if not names:
        col.errors.append(Issue(table.file, None, None, None, _text("no_org_column", col.lang),
                                code="no_org_column"))
        return builder
    name_col = names[0].column
    respondent = next((r.column for r in mapping.used("respondent") if r.sheet is None), None)
    index_col = next((c.key for c in main.columns if sc.normalise_header(c.key) == "index"), None)
    builder.add_respondents([n for n in main.values(name_col) if n])

    def cell(sheet: Sheet, i: int, key: str) -> str:
        position = sheet.column(key).position
        row = sheet.rows[i]
        return row[position].strip() if position < len(row) else ""

    def lists(sheet: Sheet, i: int, role: str) -> list[tuple[str, str]]:
        """(answer, column) of every ``role`` answer of row ``i`` (list and option columns)."""
        out: list[tuple[str, str]] = []
        for r in mapping.used(role):
            if r.sheet != (None if sheet is main else sheet.name) or r.shape == "grid":
                continue
            value = cell(sheet, i, r.column)
            if r.shape == "option":
                if r.item and _truthy(value, r.item):
                    out.append((_display(r.item, table.tool), r.column))
            else:
                sep = r.separator if r.separator is not None else _separator(
                    sheet.values(r.column), table.tool)
                out += [(_display(v, table.tool), r.column) for v in split_answers(value, sep)]
        return out

    by_index: dict[str, int] = {}
    rows_org: dict[int, str] = {}
    rows_who: dict[int, str] = {}
    partner_rows: dict[int, dict[str, dict[str, str]]] = {}
    for i, number in enumerate(main.numbers):
        file = main.file_at(i)
        org_name = cell(main, i, name_col)
        by_index[cell(main, i, index_col) if index_col else str(i + 1)] = i
        if not org_name:
            _say(col, "warning", "no_org_name", file, number, name_col)
            continue
        at = (file, number, name_col)
        org_id = builder.org(org_name, at, respondent=True)
        rows_org[i] = org_id
        who = cell(main, i, respondent) if respondent else ""
        rows_who[i] = pseudonym(who or f"{table.file}#{number}", secret)
        orow = builder.by_id[org_id]
        for r in mapping.used("org_kind"):
            if r.sheet is None and not orow["kind"]:
                value = cell(main, i, r.column)
                kind = _kind_word(value)
                if kind:
                    orow["kind"] = kind
                elif value:
                    _say(col, "warning", "kind_unknown", file, number, r.column, value,
                         value=value, default=mapping.default_kind)
        for r in mapping.used("org_category"):
            if r.sheet is None and not orow["category"]:
                value = cell(main, i, r.column)
                if r.shape == "option":
                    value = (r.item or "") if _truthy(value, r.item) else ""
                orow["category"] = value
                orow.setdefault("_cells", {})["category"] = (  # type: ignore[union-attr]
                    file, number, r.column)
        # Parent groups reached, and topics (for all of them, or per group in a grid).
        general_topics = [t for t, _c in lists(main, i, "topics")]
        for group_name, column in lists(main, i, "groups"):
            group_id = builder.group(group_name, (file, number, column))
            topics = list(general_topics)
            for r in mapping.used("topics"):
                if r.shape == "grid" and r.sheet is None and r.item and \
                        _key(r.item) == _key(group_name):
                    topics += split_answers(cell(main, i, r.column), r.separator or _separator(
                        main.values(r.column), table.tool))
            reach = builder.reach.setdefault((org_id, group_id), {
                "organisation": org_id, "group": group_id, "topics": "",
                "_at": (file, number, column)})  # type: ignore[dict-item]
            known = [t for t in reach["topics"].split(sc.LIST_SEPARATOR) if t]
            reach["topics"] = sc.LIST_SEPARATOR.join(dict.fromkeys(
                known + [t.replace(sc.LIST_SEPARATOR, "/") for t in topics]))
        # Partners: listed, ticked, or rated in a grid.
        partners: dict[str, dict[str, Any]] = {}
        for partner, column in lists(main, i, "partners"):
            partners.setdefault(_key(partner), {"name": partner, "at": (file, number,
                                                                        column)})
        for r in mapping.columns:
            if r.sheet is None and r.shape == "grid" and r.item and (
                    r.role in CONDITIONS or r.role == "form") and cell(main, i, r.column):
                partners.setdefault(_key(r.item), {"name": r.item,
                                                   "at": (file, number, r.column)})
        partner_rows[i] = partners
        for partner in partners.values():
            _rate(partner, mapping, main, i, None, cell)
    # Repeat groups: one row per partner, joined by _parent_index.
    for sheet in table.repeats:
        parent_col = next((c.key for c in sheet.columns
                           if sc.normalise_header(c.key) == "parentindex"), None)
        name_roles = [r for r in mapping.used("partner_name") if r.sheet == sheet.name]
        if parent_col is None or not name_roles:
            continue
        for j, number in enumerate(sheet.numbers):
            parent = cell(sheet, j, parent_col)
            i = by_index.get(parent)
            partner = _display(cell(sheet, j, name_roles[0].column), table.tool)
            if i is None:
                _say(col, "warning", "repeat_orphan", sheet.file_at(j), number, parent_col, parent,
                     value=parent)
                continue
            if i not in rows_org or not partner:
                continue
            entry = partner_rows[i].setdefault(_key(partner), {
                "name": partner, "at": (sheet.file_at(j), number, name_roles[0].column)})
            _rate(entry, mapping, sheet, j, sheet.name, cell)
    # Ratings without a partner (one general question): only for a single partner.
    for i, partners in partner_rows.items():
        loose = [r for r in mapping.columns if r.sheet is None and r.shape == "value"
                 and (r.role in CONDITIONS or r.role == "form") and cell(main, i, r.column)]
        if loose and len(partners) == 1:
            for partner in partners.values():
                _rate(partner, mapping, main, i, None, cell, loose=True)
        elif loose:
            _say(col, "warning", "condition_no_partner", main.file_at(i), main.numbers[i],
                 loose[0].column, n=len(partners))
        for partner in partners.values():
            target = builder.org(partner["name"], partner["at"], respondent=False)
            row = {"source": rows_org[i], "target": target, "reported_by": rows_who[i],
                   "_at": partner["at"], "_cells": partner.get("cells", {})}
            for key in ("form", *CONDITIONS):
                row[key] = partner.get(key, "")
            builder.collabs.append(row)
    # Links a respondent drew between two partners (Network Canvas): reported by them.
    for parent, source, target, file, number in table.links:
        i = by_index.get(parent)
        if i is None or i not in rows_org:
            continue
        at = (file, number, None)
        builder.collabs.append({
            "source": builder.org(source, at, respondent=False),
            "target": builder.org(target, at, respondent=False), "reported_by": rows_who[i],
            "_at": at, "_cells": {}, "form": "", **dict.fromkeys(CONDITIONS, "")})
    _check_scores(builder, col)
    _kinds(builder, mapping, col)
    return builder


@functools.lru_cache(maxsize=16)  # one mapping, thousands of partners: index its ratings once
def _rating_roles(mapping: SurveyMapping, sheet_name: str | None
                  ) -> tuple[dict[str, list[ColumnRole]], list[ColumnRole], list[ColumnRole]]:
    """The form and condition columns of a sheet: grid columns by partner, the rest."""
    grid: dict[str, list[ColumnRole]] = {}
    values: list[ColumnRole] = []
    every: list[ColumnRole] = []
    for r in mapping.columns:
        if r.sheet != sheet_name or not (r.role in CONDITIONS or r.role == "form"):
            continue
        every.append(r)
        if r.shape == "grid" and r.item:
            grid.setdefault(_key(r.item), []).append(r)
        elif r.shape == "value":
            values.append(r)
    return grid, values, every


def _rate(partner: dict[str, Any], mapping: SurveyMapping, sheet: Sheet, i: int,
          sheet_name: str | None, cell: Any, loose: bool = False) -> None:
    """Copy the form and condition answers about ``partner`` from row ``i`` of ``sheet``."""
    grid, values, every = _rating_roles(mapping, sheet_name)
    if loose:
        roles = values
    elif sheet_name is None:
        roles = grid.get(_key(partner["name"]), [])
    else:
        roles = every
    for r in roles:
        value = cell(sheet, i, r.column)
        if value:
            partner[r.role] = value
            partner.setdefault("cells", {})[r.role] = (sheet.file_at(i), sheet.numbers[i],
                                                      r.column)


def import_survey(name: str, data: bytes, mapping: SurveyMapping | None = None,
                  lang: str = "nl", secret: bytes | None = None,
                  lists: Dataset | None = None) -> SurveyResult:
    """Read, map (guessed when ``mapping`` is ``None``) and validate one export."""
    return import_files([(name, data)], mapping, lang, secret, lists)


def import_files(files: Sequence[tuple[str, bytes]], mapping: SurveyMapping | None = None,
                 lang: str = "nl", secret: bytes | None = None,
                 lists: Dataset | None = None) -> SurveyResult:
    """:func:`import_survey` for one export or several Network Canvas interviews' files."""
    table, col = read_surveys(files, lang)
    if table is None:
        return SurveyResult(None, col.errors, col.warnings)
    mapping = mapping or guess_mapping(table)
    result = apply(table, mapping, lang, secret, lists=lists)
    return dataclasses.replace(result, warnings=[*col.warnings, *result.warnings])



def _lists_label(lists: Dataset, lang: str) -> str:
    """How issues and notes name the district's lists."""
    head = _text("district_lists", lang)
    return f"{head} ({lists.name})" if lists.name else head
