"""The frame of a demo dataset: its name, columns and types from the schema, polygons.

Shared by the hand-made district (:mod:`mapping.io.demo_district`) and the
generator (:mod:`mapping.io.demo_city`); :mod:`mapping.io.demo` exports the names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from mapping.domain import schema as sc
from mapping.domain.dataset import Dataset

DEMO_NAME = "Wijk De Vaart (fictief)"
"""Name of the demo district; the word "fictief" is part of it on purpose."""

FICTIONAL_NOTE = "Fictief voorbeeld: alle namen en cijfers zijn verzonnen."
"""Note repeated on the demo data so that no screenshot can be mistaken for real data."""

# Column order and types come from the schema, so a generated dataset has
# exactly the columns (and dtypes) that loading its files gives back.
ORG_COLUMNS = sc.ORGANISATIONS.output_columns()
GROUP_COLUMNS = sc.PARENT_GROUPS.output_columns()
REACH_COLUMNS = sc.REACH.output_columns()
COLLAB_COLUMNS = sc.COLLABORATIONS.output_columns()

_DTYPES: dict[str, str] = {c.name: c.dtype for s in sc.SCHEMAS.values() for c in s.columns}


def typed_frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A table following the :mod:`mapping.domain.dataset` dtype conventions.

    Text stays ``object`` (pandas would otherwise infer its string dtype and
    turn ``None`` into ``NaN``), numbers are float64 with NaN, families Int64,
    list cells tuples.
    """
    data: dict[str, pd.Series] = {}
    for col in columns:
        values = [r.get(col) for r in rows]
        dtype = _DTYPES.get(col, "text")
        if dtype == "count":
            data[col] = pd.Series(values, dtype="Int64")
        elif dtype in ("score", "lat", "lon"):
            data[col] = pd.Series([math.nan if v is None else float(v) for v in values],
                                  dtype="float64")
        elif dtype == "list":
            data[col] = pd.Series([tuple(v) if v else () for v in values], dtype=object)
        else:
            data[col] = pd.Series([None if v is None else str(v) for v in values], dtype=object)
    return pd.DataFrame(data, columns=list(columns), index=pd.RangeIndex(len(rows)))


def polygon_feature(ring: Sequence[tuple[float, float]], code: str, name: str) -> dict[str, Any]:
    """A GeoJSON polygon feature from (lon, lat) corners, closed, counter-clockwise."""
    coords = [[round(lon, 6), round(lat, 6)] for lon, lat in ring]
    # RFC 7946: exterior rings are counter-clockwise (positive signed area).
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in
               zip(coords, coords[1:] + coords[:1], strict=True))
    if area < 0:
        coords.reverse()
    coords.append(coords[0])
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


def demo_dataset(organisations: Sequence[dict[str, Any]],
                 parent_groups: Sequence[dict[str, Any]],
                 reach: Sequence[dict[str, Any]],
                 collaborations: Sequence[dict[str, Any]],
                 features: list[dict[str, Any]], name: str) -> Dataset:
    """A dataset of four lists of row dicts and neighbourhood polygon features.

    Columns come from the schema (missing keys are empty cells), types follow
    :func:`typed_frame`.
    """
    return Dataset(
        organisations=typed_frame(organisations, ORG_COLUMNS),
        parent_groups=typed_frame(parent_groups, GROUP_COLUMNS),
        reach=typed_frame(reach, REACH_COLUMNS),
        collaborations=typed_frame(collaborations, COLLAB_COLUMNS),
        neighbourhoods={"type": "FeatureCollection", "features": features},
        name=name,
    )
