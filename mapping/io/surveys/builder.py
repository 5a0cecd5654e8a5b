"""Collecting the four tables from the answers, with the survey cell behind every value."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS
from mapping.io.load import LoadResult
from mapping.io.surveys.answers import _key, _kind_from_name, likert_score
from mapping.io.surveys.catalog import _HOW, _say
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
    """

    dropped: tuple[tuple[str, str], ...] = ()
    mapping: SurveyMapping | None = None
    tool: str = "generic"


@dataclass
class _Builder:
    """Collects the four tables with the survey cell behind every value."""

    file: str
    col: Collector
    default_kind: str
    orgs: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    reach: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    collabs: list[dict[str, str]] = field(default_factory=list)
    where: dict[tuple[str, int], dict[str, tuple[str, int, str | None]]] = field(
        default_factory=dict)
    respondents: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def _id(self, name: str, taken: set[str]) -> str:
        base = sc.normalise_word(name)[:60] or "x"
        new, n = base, 2
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)
        return new

    def org(self, name: str, at: tuple[str, int, str | None], respondent: bool) -> str:
        key = _key(name)
        if key not in self.orgs:
            self.orgs[key] = {"id": self._id(name, self.ids), "name": name, "kind": "",
                              "category": "", "notes": "", "_at": at}  # type: ignore[dict-item]
        row = self.orgs[key]
        if respondent and key not in self.respondents:
            self.respondents.add(key)
            row["name"], row["_at"] = name, at  # type: ignore[assignment]
        return row["id"]

    def group(self, name: str, at: tuple[str, int, str | None]) -> str:
        key = _key(name)
        if key not in self.groups:
            taken = {g["id"] for g in self.groups.values()}
            self.groups[key] = {"id": self._id(name, taken), "name": name,
                                "_at": at}  # type: ignore[dict-item]
        return self.groups[key]["id"]


def _canonical_cols(builder: _Builder) -> dict[str, RawTable]:
    raws: dict[str, RawTable] = {}
    tables = {
        "organisations": (["id", "name", "kind", "category", "notes"],
                          list(builder.orgs.values())),
        "parent_groups": (["id", "name"], list(builder.groups.values())),
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
                 value=row["name"], kind=row["kind"], how=_HOW[how][col.lang == "en"])
        row["notes"] = ("soort geraden uit de vragenlijst" if col.lang != "en"
                        else "kind guessed from the survey")

