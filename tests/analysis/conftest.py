"""Fixtures for the analysis tests: Datasets built by the shared factory (tests/factories.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from mapping.domain.dataset import Dataset
from tests.factories import dataset

OrgSpec = tuple  # (id, kind) or (id, kind, category, neighbourhood, topics)


def make_dataset(
    orgs: Iterable[OrgSpec],
    groups: Iterable[tuple] = (),
    reach: Iterable[tuple] = (),
    collaborations: Iterable[tuple | dict[str, Any]] = (),
) -> Dataset:
    """A Dataset from compact specs (:func:`tests.factories.dataset`).

    orgs: ``(id, "formal"|"informal"[, category[, neighbourhood[, topics]]])``;
    groups: ``(id, families[, neighbourhood])`` (families ``None`` = unknown);
    reach: ``(org, group[, topics])``; collaborations: ``(a, b)`` or a dict
    with ``source``, ``target`` and optional conditions / ``reported_by``.
    """
    return dataset(orgs, groups, reach, collaborations)


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
