"""Test data, built one way: a dataset builder and schema-driven Hypothesis strategies.

Every test area builds its datasets here instead of writing DataFrames by hand,
so a new column of :mod:`mapping.domain.schema` reaches every test at once.

Builder (valid by default: names, kinds, categories and neighbourhoods are
filled in; references point at rows that exist when the test adds them)::

    from tests.factories import DatasetBuilder, dataset

    data = (DatasetBuilder("wijk")
            .org("W1", "formal").org("M1", "informal", topics=("opvoeden",))
            .group("G1", 40).reach("M1", "G1").collab("M1", "W1", trust=4)
            .build())
    data = dataset(orgs=[("W1", "formal")], groups=[("G1", 40)], reach=[("W1", "G1")])
    DatasetBuilder().org("W1").write_csv(tmp_path / "wijk")   # a CSV folder
    DatasetBuilder().org("W1").write_xlsx(tmp_path / "wijk.xlsx")

Strategies (columns, types and ranges read from the schema, never repeated here)::

    from tests.factories import datasets, invalid_cells

    @given(datasets())
    def test_something(data): ...

    @given(invalid_cells())
    def test_refused(case): ...   # case.dataset has one bad cell; case.code is the issue
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from hypothesis import strategies as st

from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.io.demo_tables import typed_frame

__all__ = [
    "DatasetBuilder",
    "InvalidCell",
    "dataset",
    "datasets",
    "invalid_cells",
    "square",
    "table_frame",
]


def table_frame(table: str, rows: Iterable[Mapping[str, Any]],
                columns: Iterable[str] | None = None) -> Any:
    """One table of rows in the dataset's dtypes, with every declared column.

    ``columns`` adds undeclared ones (kept as text). Missing cells are empty.
    """
    declared = list(sc.SCHEMAS[table].output_columns())
    extra = [c for c in (columns or ()) if c not in declared]
    return typed_frame([dict(r) for r in rows], [*declared, *extra])


def square(code: str, name: str, x: float, y: float, size: float = 0.01) -> dict[str, Any]:
    """A square GeoJSON neighbourhood with its south-west corner at (``x`` lon, ``y`` lat)."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


class DatasetBuilder:
    """A dataset built row by row; every method returns the builder.

    Parameters
    ----------
    name
        The dataset's name.
    neighbourhood
        The neighbourhood rows get when a test does not give one.
    """

    def __init__(self, name: str = "test", neighbourhood: str = "Centrum") -> None:
        self.name = name
        self.neighbourhood = neighbourhood
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.features: list[dict[str, Any]] = []

    def org(self, oid: str, kind: str = "formal", **fields: Any) -> Self:
        """An organisation; name ``Org <id>``, category ``wijkteam``/``mzo`` by kind."""
        row = {"id": oid, "name": f"Org {oid}", "kind": kind,
               "category": "wijkteam" if kind == "formal" else "mzo",
               "neighbourhood": self.neighbourhood, **fields}
        self.rows["organisations"].append(row)
        return self

    def group(self, gid: str, families: int | None = None, **fields: Any) -> Self:
        """A parent group; name ``Group <id>``, ``families`` ``None`` = unknown."""
        row = {"id": gid, "name": f"Group {gid}", "neighbourhood": self.neighbourhood,
               "families": families, **fields}
        self.rows["parent_groups"].append(row)
        return self

    def reach(self, organisation: str, group: str, **fields: Any) -> Self:
        """A reach link from ``organisation`` to ``group`` (strength empty unless given)."""
        self.rows["reach"].append({"organisation": organisation, "group": group, **fields})
        return self

    def collab(self, source: str, target: str, **fields: Any) -> Self:
        """A collaboration; conditions (``trust``...) empty unless given."""
        self.rows["collaborations"].append({"source": source, "target": target, **fields})
        return self

    def hood(self, code: str, name: str, x: float = 4.0, y: float = 52.0,
             size: float = 0.01) -> Self:
        """A square neighbourhood polygon (see :func:`square`)."""
        self.features.append(square(code, name, x, y, size))
        return self

    def build(self) -> Dataset:
        """The :class:`~mapping.domain.dataset.Dataset` (tables in the loader's dtypes)."""
        tables = {t: table_frame(t, rows, {k for r in rows for k in r})
                  for t, rows in self.rows.items()}
        hoods = ({"type": "FeatureCollection", "features": list(self.features)}
                 if self.features else None)
        return Dataset(**tables, neighbourhoods=hoods, name=self.name)

    def write_csv(self, folder: str | Path, *, dialect: str = "utf8",
                  headers: str = "en") -> Path:
        """Write the dataset as a CSV folder (:func:`mapping.io.write.write_csv`)."""
        return self.write_csv_of(self.build(), folder, dialect=dialect, headers=headers)

    @staticmethod
    def write_csv_of(data: Dataset, folder: str | Path, *, dialect: str = "utf8",
                     headers: str = "en") -> Path:
        """Write any dataset (one from :func:`datasets`...) as a CSV folder."""
        from mapping.io.write import write_csv

        write_csv(data, folder, dialect=dialect, headers=headers)
        return Path(folder)

    def write_xlsx(self, path: str | Path, *, headers: str = "nl") -> Path:
        """Write the dataset as one XLSX workbook (:func:`mapping.io.write.write_xlsx`)."""
        from mapping.io.write import write_xlsx

        write_xlsx(self.build(), path, headers=headers)
        return Path(path)


def dataset(orgs: Iterable[tuple] = (), groups: Iterable[tuple] = (),
            reach: Iterable[tuple] = (), collaborations: Iterable[tuple | dict[str, Any]] = (),
            *, name: str = "test", neighbourhood: str = "Centrum") -> Dataset:
    """A dataset from compact tuples (the keyword form of :class:`DatasetBuilder`).

    Parameters
    ----------
    orgs
        ``(id, kind[, category[, neighbourhood[, topics]]])``.
    groups
        ``(id, families[, neighbourhood])``; families ``None`` = unknown.
    reach
        ``(organisation, group[, topics])``.
    collaborations
        ``(source, target)`` or a dict with ``source``, ``target`` and any of
        ``form``, the four conditions and ``reported_by``.
    """
    builder = DatasetBuilder(name, neighbourhood)
    for oid, kind, *rest in orgs:
        fields: dict[str, Any] = {}
        for key, value in zip(("category", "neighbourhood", "topics"), rest, strict=False):
            fields[key] = tuple(value) if key == "topics" else value
        builder.org(oid, kind, **fields)
    for gid, families, *rest in groups:
        builder.group(gid, families, **({"neighbourhood": rest[0]} if rest else {}))
    for org, group, *rest in reach:
        builder.reach(org, group, **({"topics": tuple(rest[0])} if rest else {}))
    for collab in collaborations:
        row = dict(collab) if isinstance(collab, dict) else {"source": collab[0],
                                                            "target": collab[1]}
        builder.collab(row.pop("source"), row.pop("target"), **row)
    return builder.build()


# --------------------------------------------------------------------------- strategies

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz éëï'-", min_size=1, max_size=12).map(
    str.strip).filter(bool)


def _value(column: sc.Column) -> st.SearchStrategy[Any]:
    """Valid values of one declared column, from its type and range."""
    if column.dtype == "kind":
        return st.sampled_from(("formal", "informal"))
    if column.dtype == "category":
        return st.sampled_from(sc.CATEGORIES)
    if column.dtype == "score":
        return st.floats(column.minimum, column.maximum).map(lambda v: round(v, 1))
    if column.dtype == "count":
        return st.integers(int(column.minimum or 0), 5000)
    if column.dtype in ("lat", "lon"):
        return st.floats(column.minimum, column.maximum).map(lambda v: round(v, 6))
    if column.dtype == "list":
        return st.lists(_WORDS.map(sc.normalise_word).filter(bool), max_size=3).map(tuple)
    return _WORDS


def _row(table: str, ids: dict[str, list[str]], draw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in sc.SCHEMAS[table].columns:
        if column.dtype in ("id", "rd"):
            continue  # ids are given by the caller; RD x/y become lat/lon in a dataset
        if column.dtype == "ref":
            row[column.name] = draw(st.sampled_from(ids[column.refers_to or ""]))
        elif column.dtype == "lon":
            if "lat" in row:  # a location is a pair: both or neither
                row["lon"] = draw(_value(column))
        elif column.required or draw(st.booleans()):
            row[column.name] = draw(_value(column))
    return row


@st.composite
def datasets(draw: Any, max_orgs: int = 8, max_groups: int = 6) -> Dataset:
    """Valid datasets: every column, type and range as :mod:`mapping.domain.schema` declares.

    Ids are unique, references exist, collaborations never name one organisation twice.
    """
    n_orgs = draw(st.integers(2, max_orgs))
    n_groups = draw(st.integers(1, max_groups))
    ids = {"organisations": [f"O{i}" for i in range(n_orgs)],
           "parent_groups": [f"G{i}" for i in range(n_groups)]}
    builder = DatasetBuilder("hypothesis")
    for oid in ids["organisations"]:
        row = _row("organisations", ids, draw)
        builder.rows["organisations"].append({"id": oid, **row})
    for gid in ids["parent_groups"]:
        builder.rows["parent_groups"].append({"id": gid, **_row("parent_groups", ids, draw)})
    for _ in range(draw(st.integers(0, n_orgs * 2))):
        builder.rows["reach"].append(_row("reach", ids, draw))
    for _ in range(draw(st.integers(0, n_orgs * 2))):
        row = _row("collaborations", ids, draw)
        if row["source"] != row["target"]:
            builder.rows["collaborations"].append(row)
    return builder.build()


@dataclass(frozen=True)
class InvalidCell:
    """A dataset with one refused cell: where it is and the issue code loading gives."""

    dataset: Dataset
    table: str
    column: str
    value: Any
    code: str


def _invalid(column: sc.Column) -> list[tuple[Any, str]]:
    """Values one column refuses, each with the issue code of :mod:`mapping.domain.rules`."""
    if column.dtype == "kind":
        return [("misschien", "kind_invalid"), ("semi", "kind_invalid")]
    if column.dtype == "score":
        return [(0.0, "score_range"), (6.0, "score_range"), (-1.0, "score_range")]
    if column.dtype == "count":
        return [(-1, "count_negative")]
    if column.dtype == "lat":
        return [(91.0, "lat_range"), (-91.0, "lat_range")]
    if column.dtype == "lon":
        return [(181.0, "lon_range"), (-181.0, "lon_range")]
    return []


_REFUSABLE = [(table, column) for table in TABLES for column in sc.SCHEMAS[table].columns
              if _invalid(column)]
"""Every declared column with a refusable value, from the schema."""


@st.composite
def invalid_cells(draw: Any) -> InvalidCell:
    """A valid dataset with one cell replaced by a value the schema refuses.

    Write ``case.dataset`` to files and load it: the load fails with
    ``case.code`` in ``case.table``, ``case.column``.
    """
    base = draw(datasets(max_orgs=4, max_groups=3).filter(
        lambda d: len(d.reach) > 0 and len(d.collaborations) > 0))
    table, column = draw(st.sampled_from(_REFUSABLE))
    value, code = draw(st.sampled_from(_invalid(column)))
    frame = base.table(table).copy()
    row = draw(st.integers(0, len(frame) - 1))
    if column.dtype == "kind":
        frame[column.name] = frame[column.name].astype(object)
    elif column.dtype == "count":
        frame[column.name] = frame[column.name].astype("Int64")
    frame.loc[frame.index[row], column.name] = value
    return InvalidCell(base.replace(**{table: frame}), table, column.name, value, code)
