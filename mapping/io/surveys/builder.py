"""Collecting the four tables from the answers, with the survey cell behind every value."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.io.load import LoadResult
from mapping.io.surveys.answers import _key, _kind_from_name, likert_score
from mapping.io.surveys.catalog import _say, _text
from mapping.io.surveys.names import NameMatch, NameMatcher
from mapping.io.surveys.roles import SurveyMapping
from mapping.io.validate import Collector, Issue, RawTable


@dataclass(frozen=True)
class SurveyResult(LoadResult):
    """A :class:`~mapping.io.load.LoadResult` plus what the import left out.

    Attributes
    ----------
    dropped
        ``(column, reason)`` of every column not stored: ``personal`` (names,
        e-mail and IP addresses, locations, free text) or ``unused``.
    mapping
        The mapping that was applied.
    tool
        The tool the export came from.
    matches
        The names to review (:class:`~mapping.io.surveys.names.NameMatch`).
    """

    dropped: tuple[tuple[str, str], ...] = ()
    mapping: SurveyMapping | None = None
    tool: str = "generic"
    matches: tuple[NameMatch, ...] = ()
    """Names matched by spelling (``fuzzy``), kept apart as look-alikes
    (``uncertain``) or not on the district's list (``new``): for review."""


@dataclass
class _Builder:
    """Collects the four tables with the survey cell behind every value.

    Organisation and parent-group names are matched (:class:`NameMatcher`)
    against the district's lists when given and the respondents' own names,
    so spelling variants become one row; every match that is not exact is
    kept in :attr:`matches` for review.
    """

    file: str
    col: Collector
    default_kind: str
    aliases: tuple[tuple[str, str], ...] = ()
    orgs: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    reach: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    collabs: list[dict[str, str]] = field(default_factory=list)
    where: dict[tuple[str, int], dict[str, tuple[str, int, str | None]]] = field(
        default_factory=dict)
    respondents: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    by_id: dict[str, dict[str, str]] = field(default_factory=dict)
    matches: dict[tuple[str, str], tuple[NameMatch, tuple[str, int | None, str | None]]] = \
        field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=lambda: {
        "organisations": ["id", "name", "kind", "category", "notes"],
        "parent_groups": ["id", "name"]})
    listed: dict[str, bool] = field(default_factory=lambda: {"organisations": False,
                                                             "parent_groups": False})

    def __post_init__(self) -> None:
        self.unlisted: set[str] = set()
        self.names = {"organisations": NameMatcher(aliases=self.aliases),
                      "parent_groups": NameMatcher(aliases=self.aliases)}

    def _id(self, name: str, taken: set[str]) -> str:
        base = sc.normalise_word(name)[:60] or "x"
        new, n = base, 2
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)
        return new

    def add_lists(self, base: Dataset, label: str) -> None:
        """The district's own organisations and parent groups, kept with their ids.

        Names in the answers are matched against them; groups nobody named
        still count (as unreached). Their reach and collaborations are not used.
        """
        for table, rows in (("organisations", self.orgs), ("parent_groups", self.groups)):
            frame = base.table(table)
            if frame.empty:
                continue
            self.listed[table] = True
            extra = [c for c in frame.columns if c not in self.columns[table]]
            self.columns[table] += extra
            for record in frame.to_dict("records"):
                row = {c: _as_text(record.get(c)) for c in self.columns[table]}
                name = row["name"]
                row["_at"] = (label, None, None)  # type: ignore[assignment]
                rows.setdefault(_key(name), row)
                self.by_id[row["id"]] = row
                if table == "organisations":
                    self.ids.add(row["id"])
                self.names[table].add(name)

    def add_respondents(self, names: list[str]) -> None:
        """The respondents' own names: known names too, after the district's list."""
        for name in names:
            found = self._resolve("organisations", name)
            if found.status not in ("same", "fuzzy", "alias"):
                self.names["organisations"].add(name)
                if found.status == "new":
                    self.unlisted.add(_key(name))

    def _resolve(self, table: str, name: str) -> NameMatch:
        return self.names[table].match(name)

    def _canonical(self, table: str, name: str, at: tuple[str, int | None, str | None]
                   ) -> str:
        """The known spelling of ``name``; a match that is not exact is noted for review."""
        found = self._resolve(table, name)
        if table == "organisations" and _key(name) in self.unlisted:
            found = NameMatch(name, None, 0.0, "new")  # a respondent not on the district's list
        if found.status in ("fuzzy", "uncertain", "alias") or (
                found.status == "new" and self.listed[table]):
            self.matches.setdefault((table, _key(name)), (found, at))
        if found.status in ("same", "fuzzy", "alias") and found.known:
            return found.known
        self.names[table].add(name)
        return name

    def org(self, name: str, at: tuple[str, int, str | None], respondent: bool) -> str:
        name = self._canonical("organisations", name, at)
        key = _key(name)
        if key not in self.orgs:
            self.orgs[key] = {"id": self._id(name, self.ids), "name": name, "kind": "",
                              "category": "", "notes": "", "_at": at}  # type: ignore[dict-item]
        row = self.orgs[key]
        self.by_id[row["id"]] = row
        if respondent and key not in self.respondents:
            self.respondents.add(key)
            row["_at"] = at  # type: ignore[assignment]
        return row["id"]

    def group(self, name: str, at: tuple[str, int, str | None]) -> str:
        name = self._canonical("parent_groups", name, at)
        key = _key(name)
        if key not in self.groups:
            taken = {g["id"] for g in self.groups.values()}
            self.groups[key] = {"id": self._id(name, taken), "name": name,
                                "_at": at}  # type: ignore[dict-item]
        return self.groups[key]["id"]


def _as_text(value: Any) -> str:
    """A cell of a loaded table as the text a file would hold (lists joined, gaps empty)."""
    if isinstance(value, tuple):
        return sc.LIST_SEPARATOR.join(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _canonical_cols(builder: _Builder) -> dict[str, RawTable]:
    raws: dict[str, RawTable] = {}
    tables = {
        "organisations": (builder.columns["organisations"], list(builder.orgs.values())),
        "parent_groups": (builder.columns["parent_groups"], list(builder.groups.values())),
        "reach": (["organisation", "group", "topics"], list(builder.reach.values())),
        "collaborations": (["source", "target", "form", *CONDITIONS, "reported_by"],
                           builder.collabs),
    }
    for table, (header, rows) in tables.items():
        label = f"\0{table}"
        numbers = list(range(2, len(rows) + 2))
        for number, row in zip(numbers, rows, strict=True):
            at = row.get("_at")
            cells = row.get("_cells", {})
            builder.where[(label, number)] = {
                c: cells.get(c, at) for c in header}  # type: ignore[arg-type]
            builder.where[(label, number)][""] = at  # type: ignore[assignment]
        raws[table] = RawTable(table, label, header, [[str(r.get(h, "")) for h in header]
                                                      for r in rows], numbers)
    return raws


def _review(builder: _Builder, col: Collector) -> tuple[NameMatch, ...]:
    """One warning per name matched by spelling, kept apart, or not on the district's list."""
    out = []
    for (table, _k), (found, at) in builder.matches.items():
        file, number, column = at
        code = {"fuzzy": "name_fuzzy", "uncertain": "name_uncertain", "new": "name_new",
                "alias": "name_alias"}[found.status]
        _say(col, "warning", code, file, number, column, found.name, value=found.name,
             known=found.known or "", score=round(found.score),
             list=_text(f"list_{table}", col.lang))
        out.append(found)
    return tuple(out)


def _trace(issue: Issue, builder: _Builder, source: str) -> Issue:
    """An issue of a built table, pointed at the survey file, row and column behind it."""
    if not issue.file.startswith("\0"):
        return issue
    if issue.row is None:
        return dataclasses.replace(issue, file=source)
    cells = builder.where.get((issue.file, issue.row), {})
    at = cells.get(issue.column or "") or cells.get("")
    if at is None:
        return dataclasses.replace(issue, file=source, row=None)
    file, row, column = at
    return dataclasses.replace(issue, file=file, row=row, column=column)


def _check_scores(builder: _Builder, col: Collector) -> None:
    """Likert words to scores; a bad answer is an error at its survey cell."""
    for row in builder.collabs:
        for key in CONDITIONS:
            value = row.get(key, "")
            score, problem = likert_score(value)
            if problem:
                file, number, column = row["_cells"].get(key, row["_at"])
                _say(col, "error", problem, file, number, column, value, value=value[:60])
                row[key] = ""
            else:
                row[key] = "" if score is None else repr(score)


def _kinds(builder: _Builder, mapping: SurveyMapping, col: Collector) -> None:
    """Every organisation a kind: its answer, else guessed from its name, else the default."""
    for key, row in builder.orgs.items():
        guessed_kind, category = _kind_from_name(row["name"])
        if not row["category"] and category:
            row["category"] = category
        if row["kind"]:
            continue
        how = "guessed" if guessed_kind else "default"
        row["kind"] = guessed_kind or mapping.default_kind
        if key not in builder.respondents:
            file, number, column = row["_at"]  # type: ignore[misc]
            _say(col, "warning", "partner_not_respondent", file, number, column, row["name"],
                 value=row["name"], kind=row["kind"], how=_text(f"how_{how}", col.lang))
        row["notes"] = _text("kind_guessed_note", col.lang)

