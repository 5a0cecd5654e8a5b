"""Fixtures for the analysis tests: Datasets built directly from canonical columns."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import pytest

from mapping.domain.dataset import CONDITIONS, Dataset

OrgSpec = tuple  # (id, kind) or (id, kind, category, neighbourhood, topics)


def make_dataset(
    orgs: Iterable[OrgSpec],
    groups: Iterable[tuple] = (),
    reach: Iterable[tuple] = (),
    collaborations: Iterable[tuple | dict[str, Any]] = (),
) -> Dataset:
    """A Dataset from compact specs.

    orgs: ``(id, "formal"|"informal"[, category[, neighbourhood[, topics]]])``;
    groups: ``(id, families[, neighbourhood])`` (families ``None`` = unknown);
    reach: ``(org, group[, topics])``; collaborations: ``(a, b)`` or a dict
    with ``source``, ``target`` and optional conditions / ``reported_by``.
    """
    org_rows = []
    for spec in orgs:
        oid, kind, *rest = spec
        category = rest[0] if len(rest) > 0 else ("wijkteam" if kind == "formal" else "mzo")
        hood = rest[1] if len(rest) > 1 else "Centrum"
        topics = tuple(rest[2]) if len(rest) > 2 else ()
        org_rows.append({"id": oid, "name": f"Org {oid}", "kind": kind, "category": category,
                         "neighbourhood": hood, "topics": topics})
    group_rows = []
    for spec in groups:
        gid, families, *rest = spec
        group_rows.append({"id": gid, "name": f"Group {gid}", "community": None,
                           "neighbourhood": rest[0] if rest else "Centrum",
                           "families": families})
    reach_rows = [{"organisation": r[0], "group": r[1], "strength": math.nan,
                   "topics": tuple(r[2]) if len(r) > 2 else ()} for r in reach]
    collab_rows = []
    for c in collaborations:
        row = dict(c) if isinstance(c, dict) else {"source": c[0], "target": c[1]}
        full = {"source": row["source"], "target": row["target"], "form": row.get("form"),
                **{k: float(row.get(k, math.nan)) for k in CONDITIONS},
                "reported_by": row.get("reported_by")}
        collab_rows.append(full)
    groups_frame = pd.DataFrame(group_rows, columns=["id", "name", "community", "neighbourhood",
                                                     "families"])
    groups_frame["families"] = groups_frame["families"].astype("Int64")
    return Dataset(
        organisations=pd.DataFrame(org_rows, columns=["id", "name", "kind", "category",
                                                      "neighbourhood", "topics"]),
        parent_groups=groups_frame,
        reach=pd.DataFrame(reach_rows, columns=["organisation", "group", "strength", "topics"]),
        collaborations=pd.DataFrame(collab_rows, columns=["source", "target", "form",
                                                          *CONDITIONS, "reported_by"]),
        name="test",
    )


@pytest.fixture
def build() -> Callable[..., Dataset]:
    """The :func:`make_dataset` helper (conftest modules are not importable)."""
    return make_dataset


@pytest.fixture
def district(build: Callable[..., Dataset]) -> Dataset:
    """A small district with every class and the classic edge cases.

    * G1 direct (W1 formal reaches it) and also reached by informal M1.
    * G2 bridged distance 2: M2 - M3 - W2 (chain through two informal orgs).
    * G3 informal_only: M4 works with nobody.
    * G4 unreached.
    * G5 reached by M5 only, which is fragile (one route via M6 to W1).
    """
    return build(
        orgs=[("W1", "formal"), ("W2", "formal", "cjg"), ("M1", "informal"),
              ("M2", "informal"), ("M3", "informal"), ("M4", "informal"),
              ("M5", "informal"), ("M6", "informal")],
        groups=[("G1", 10), ("G2", 20), ("G3", 40), ("G4", 5), ("G5", 8)],
        reach=[("W1", "G1"), ("M1", "G1"), ("M2", "G2"), ("M4", "G3"), ("M5", "G5")],
        collaborations=[("M1", "W1"), ("M2", "M3"), ("M3", "W2"), ("M5", "M6"), ("M6", "W1")],
    )
