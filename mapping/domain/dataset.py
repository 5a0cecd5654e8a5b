"""The validated, in-memory form of one district's data.

A :class:`Dataset` is what every later step consumes: the graph builder, the
analyses, the renderers, the store. It is produced by :mod:`mapping.io.load`
(which validates) or by :mod:`mapping.store.repository` (which only holds data that was
valid when it was saved).

Conventions, shared by every module:

* Column names are the canonical English names of ``docs/domain.md``
  (declared once in :mod:`mapping.domain.schema`). Extra columns the user supplied
  follow the canonical ones, with their header normalised, as text.
* Ids are strings (``"12"`` and ``"012"`` are different ids).
* ``kind`` is ``"formal"`` or ``"informal"``.
* List columns (``languages``, ``topics``) hold tuples of strings; an empty
  cell is ``()``.
* Numbers are ``float64`` with ``NaN`` for "not given"; ``families`` is the
  nullable integer type ``Int64``.
* Text cells that were empty are ``None``.
* ``neighbourhoods`` is a GeoJSON ``FeatureCollection`` (WGS84) whose feature
  properties carry ``code`` and ``name``, or ``None``.

Datasets are treated as immutable: functions that "change" one return a new
one (:meth:`Dataset.replace`). Streamlit caches them, so mutating one in place
would corrupt every other session's view.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

TABLES: tuple[str, ...] = ("organisations", "parent_groups", "reach", "collaborations")
"""The four tabular parts of a dataset, in load order."""

CONDITIONS: tuple[str, ...] = ("trust", "shared_goals", "role_clarity", "equality")
"""The four conditions for good collaboration, as canonical column names."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """One district: organisations, parent groups, reach and collaborations.

    Parameters
    ----------
    organisations, parent_groups, reach, collaborations
        Validated tables with canonical columns (see module docstring).
    neighbourhoods
        GeoJSON FeatureCollection of neighbourhood polygons, or ``None``.
    name
        A label for people: the file, folder or stored dataset it came from.
    """

    organisations: pd.DataFrame
    parent_groups: pd.DataFrame
    reach: pd.DataFrame
    collaborations: pd.DataFrame
    neighbourhoods: dict[str, Any] | None = None
    name: str = "dataset"

    def table(self, name: str) -> pd.DataFrame:
        """Return the table called ``name`` (one of :data:`TABLES`)."""
        if name not in TABLES:
            raise KeyError(name)
        return getattr(self, name)

    def replace(self, **changes: Any) -> Dataset:
        """Return a copy with some fields replaced; ``self`` is untouched."""
        return dataclasses.replace(self, **changes)

    def counts(self) -> dict[str, int]:
        """Row counts per table plus the number of neighbourhood polygons."""
        counts = {name: len(self.table(name)) for name in TABLES}
        features = (self.neighbourhoods or {}).get("features", [])
        counts["neighbourhoods"] = len(features)
        return counts

    def fingerprint(self) -> str:
        """A content hash: equal data gives an equal fingerprint.

        Used as the cache key for graph and analysis, so that a pure view
        change never recomputes anything.
        """
        digest = hashlib.sha256()
        for name in TABLES:
            frame = self.table(name)
            digest.update(name.encode())
            digest.update(",".join(map(str, frame.columns)).encode())
            digest.update(frame.to_csv(index=False).encode())
        digest.update(json.dumps(self.neighbourhoods, sort_keys=True).encode())
        return digest.hexdigest()[:16]
