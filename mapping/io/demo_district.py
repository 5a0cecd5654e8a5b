"""The hand-made fictional demo district "Wijk De Vaart (fictief)" (see :mod:`mapping.io.demo`).

Its tables are written as rows of plain data; :func:`demo_district` turns them into a
:class:`~mapping.domain.dataset.Dataset`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.io.demo_tables import DEMO_NAME, FICTIONAL_NOTE, demo_dataset, polygon_feature

# Four neighbourhoods in a 2 x 2 block whose inner corner is pulled off-centre,
# so that the polygons do not look like a spreadsheet grid.
_HOODS: tuple[tuple[str, str], ...] = (
    ("BU99990001", "Vaartkwartier (fictief)"),  # north-west
    ("BU99990002", "Havenkwartier (fictief)"),  # north-east
    ("BU99990003", "Molenhoek (fictief)"),  # south-west
    ("BU99990004", "Rietveld (fictief)"),  # south-east
)
_LATS = (52.016, 52.008, 52.000)  # north, middle, south edge
_LONS = (4.290, 4.304, 4.318)     # west, middle, east edge
_BEND = (0.0012, -0.0015)         # offset of the inner corner (lat, lon)
_MARGIN = (0.0018, 0.0025)        # keeps points inside the bent polygons


def _table(name: str) -> str:
    """The text of a data file lying beside this module (``demo_reach.txt``...)."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


def _rows(table: str, types: tuple[Callable[[str], Any], ...],
          sep: str | None = None) -> tuple[tuple[Any, ...], ...]:
    """The rows of a text table: one row a line, cells split at ``sep`` (spaces), ``-`` empty.

    ``#`` starts a comment. Each cell is converted by the type of its column, so
    the table reads like the CSV file it stands for.
    """
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.split("#", 1)[0].split(sep)]
        if not any(cells):
            continue
        rows.append(tuple(None if cell == "-" else kind(cell)
                          for kind, cell in zip(types, cells, strict=True)))
    return tuple(rows)


# id, name, category, neighbourhood (1-4), languages, topics, contact, notes
_FORMAL: tuple[tuple[Any, ...], ...] = _rows(
    _table("demo_formal.txt"), (str, str, str, int, str, str, str, str), sep=";")

_INFORMAL: tuple[tuple[Any, ...], ...] = _rows(
    _table("demo_informal.txt"), (str, str, str, int, str, str, str, str), sep=";")

# id, name, community, neighbourhood, families, languages, children_age
_GROUPS: tuple[tuple[Any, ...], ...] = _rows(
    _table("demo_groups.txt"), (str, str, str, int, int, str, str), sep=";")

# organisation, group, strength, topics ("-" = the organisation's own), since
_REACH: tuple[tuple[Any, ...], ...] = _rows(_table("demo_reach.txt"), (str, str, int, str, str))

# source, target, form, trust, shared_goals, role_clarity, equality, reported_by.
# Forms are free text, in Dutch as a Dutch district writes them.
# Scores - = not rated. Several rows about one pair = rated from both sides
# or by several respondents; respondents are pseudonyms.
_COLLABS: tuple[tuple[Any, ...], ...] = _rows(
    _table("demo_collaborations.txt"), (str, str, str, float, float, float, float, str))


def _hood_polygons() -> list[dict[str, Any]]:
    """The four bent quadrilaterals of the demo district."""
    lat_n, lat_m, lat_s = _LATS
    lon_w, lon_m, lon_e = _LONS
    c_lat, c_lon = lat_m + _BEND[0], lon_m + _BEND[1]
    # midpoints of the outer edges, shifted a little too
    n_mid, s_mid = (lat_n, lon_m + 0.0008), (lat_s, lon_m - 0.0006)
    w_mid, e_mid = (lat_m - 0.0007, lon_w), (lat_m + 0.0005, lon_e)
    quads = (
        ((lat_n, lon_w), n_mid, (c_lat, c_lon), w_mid),   # north-west
        (n_mid, (lat_n, lon_e), e_mid, (c_lat, c_lon)),   # north-east
        (w_mid, (c_lat, c_lon), s_mid, (lat_s, lon_w)),   # south-west
        ((c_lat, c_lon), e_mid, (lat_s, lon_e), s_mid),   # south-east
    )
    return [polygon_feature([(lon, lat) for lat, lon in quad], code, name)
            for quad, (code, name) in zip(quads, _HOODS, strict=True)]


def _demo_point(hood: int, index: int) -> tuple[float, float]:
    """A deterministic spot inside neighbourhood ``hood`` (1-4) for organisation ``index``."""
    row, col = divmod(hood - 1, 2)
    lat_top, lat_bottom = _LATS[row], _LATS[row + 1]
    lon_left, lon_right = _LONS[col], _LONS[col + 1]
    # a low-discrepancy sequence spreads the organisations without randomness
    fx = (index * 0.618034) % 1.0
    fy = (index * 0.754878 + 0.31) % 1.0
    lat = lat_bottom + _MARGIN[0] + fy * (lat_top - lat_bottom - 2 * _MARGIN[0])
    lon = lon_left + _MARGIN[1] + fx * (lon_right - lon_left - 2 * _MARGIN[1])
    return round(lat, 6), round(lon, 6)


def _split(cell: Any) -> tuple[str, ...]:
    if not cell:
        return ()
    if isinstance(cell, tuple):
        return cell
    return tuple(str(cell).split("|"))


def demo_district() -> Dataset:
    """The hand-made fictional demo district "Wijk De Vaart (fictief)".

    Deterministic: every call returns equal tables. See the module docstring
    for what it is made to show.
    """
    orgs = []
    for index, (oid, name, category, hood, langs, topics, contact, notes) in enumerate(
            (*_FORMAL, *_INFORMAL)):
        lat, lon = _demo_point(hood, index)
        orgs.append({"id": oid, "name": name, "kind": "formal" if oid[0] == "F" else "informal",
                     "category": category, "neighbourhood": _HOODS[hood - 1][0],
                     "lat": lat, "lon": lon, "languages": _split(langs),
                     "topics": _split(topics), "contact": contact, "notes": notes})
    groups = [{"id": gid, "name": name, "community": community,
               "neighbourhood": _HOODS[hood - 1][0], "families": families,
               "languages": _split(langs), "children_age": age,
               "notes": FICTIONAL_NOTE if gid == "G01" else None}
              for gid, name, community, hood, families, langs, age in _GROUPS]
    reach = [{"organisation": o, "group": gr, "strength": s, "topics": _split(t), "since": since}
             for o, gr, s, t, since in _REACH]
    collabs = [{"source": a, "target": b, "form": form,
                **dict(zip(CONDITIONS, scores, strict=True)), "reported_by": who}
               for a, b, form, *scores, who in _COLLABS]
    return demo_dataset(orgs, groups, reach, collabs, _hood_polygons(), DEMO_NAME)
