"""What the workshop forms offer: names to pick, links, slider values, rows.

Split from :mod:`mapping.workshop.live` (which still exports these names).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mapping.domain.dataset import Dataset

DEFAULT_SCORE = 3
"""Where the four condition sliders start: the middle, so nobody is nudged."""


def organisation_names(dataset: Dataset) -> dict[str, str]:
    """Organisation id -> name, sorted by name (for select boxes)."""
    return names(dataset.organisations)


def group_names(dataset: Dataset) -> dict[str, str]:
    """Parent group id -> name, sorted by name."""
    return names(dataset.parent_groups)


def names(frame: pd.DataFrame) -> dict[str, str]:
    """``id`` -> ``name`` of a table with those columns, sorted by name."""
    pairs = [(str(i), str(n) if n is not None else str(i))
             for i, n in zip(frame["id"], frame["name"], strict=True)]
    return dict(sorted(pairs, key=lambda p: (p[1].casefold(), p[0])))


def reach_links(dataset: Dataset) -> list[tuple[str, str]]:
    """Every reach link as ``(organisation, group)``."""
    frame = dataset.reach
    return [(str(o), str(g)) for o, g in zip(frame["organisation"], frame["group"], strict=True)]


def collaboration_links(dataset: Dataset) -> list[tuple[str, str, str | None]]:
    """Every collaboration rating as ``(source, target, reported_by)``."""
    frame = dataset.collaborations
    by = frame["reported_by"] if "reported_by" in frame.columns else [None] * len(frame)
    return [(str(s), str(t), None if _blank(r) else str(r))
            for s, t, r in zip(frame["source"], frame["target"], by, strict=True)]


def slider_value(value: Any) -> int:
    """A stored 1-5 score (maybe NaN or a decimal) as a whole slider position."""
    if _blank(value):
        return DEFAULT_SCORE
    return min(5, max(1, round(float(value))))


def row_of(dataset: Dataset, table: str, entity_id: str) -> dict[str, Any]:
    """The current values of organisation or group ``entity_id`` (for an edit form)."""
    frame = dataset.table(table)
    found = frame[frame["id"].astype(str) == str(entity_id)]
    if found.empty:
        return {}
    return {k: (None if _blank(v) else v) for k, v in found.iloc[0].to_dict().items()}


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()
