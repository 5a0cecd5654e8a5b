"""A generator of synthetic cities of any size, deterministic per seed.

See :mod:`mapping.io.demo` for what the cities hold.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from mapping.analysis.topics import TOPICS
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.io.demo_tables import demo_dataset, polygon_feature

_FORMAL_WEIGHTS = {"wijkteam": 0.12, "jeugdteam": 0.10, "cjg": 0.06, "jgz": 0.08,
                   "school": 0.38, "ggd": 0.04, "veilig_thuis": 0.02, "huisarts": 0.20}
_INFORMAL_WEIGHTS = {"mzo": 0.20, "moskee": 0.08, "kerk": 0.10, "buurtcentrum": 0.10,
                     "ouderkamer": 0.14, "vrouwennetwerk": 0.12, "sleutelfiguur": 0.10,
                     "vrijwilligers": 0.16}
_LABELS = {"wijkteam": "Wijkteam", "jeugdteam": "Jeugdteam", "cjg": "CJG", "jgz": "JGZ-team",
           "school": "Basisschool", "ggd": "GGD-team", "veilig_thuis": "Veilig Thuis steunpunt",
           "huisarts": "Huisartsenpraktijk", "mzo": "Stichting", "moskee": "Moskee",
           "kerk": "Kerk", "buurtcentrum": "Buurtcentrum", "ouderkamer": "Ouderkamer",
           "vrouwennetwerk": "Vrouwennetwerk", "sleutelfiguur": "Sleutelfiguur",
           "vrijwilligers": "Vrijwilligersgroep"}
# community: (weight, languages)
_COMMUNITIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "Nederlandse": (0.25, ("Nederlands",)),
    "Turkse": (0.14, ("Turks", "Nederlands")),
    "Marokkaanse": (0.16, ("Arabisch", "Tamazight", "Nederlands")),
    "Surinaamse": (0.08, ("Nederlands", "Sranantongo")),
    "Antilliaanse": (0.05, ("Papiaments", "Nederlands")),
    "Somalische": (0.05, ("Somalisch",)),
    "Eritrese": (0.05, ("Tigrinya",)),
    "Syrische": (0.07, ("Arabisch",)),
    "Poolse": (0.06, ("Pools",)),
    "Afghaanse": (0.04, ("Dari", "Pasjtoe")),
    "Ghanese": (0.03, ("Engels", "Twi")),
    "Bulgaarse": (0.02, ("Bulgaars", "Turks")),
}
_AGES = ("0-4", "4-12", "12-18", "0-18")
_FORMS = ("referral", "expertise", "advice", "mediation", "joint_project")

# Informal organisation roles in the synthetic city. "connected" ones have a
# professional partner (distance 1); "peripheral" ones only know connected
# informal ones (distance 2); "closed" ones only know each other (no route);
# "loner" ones work with nobody.
_ROLES = ("connected", "peripheral", "closed", "loner")
_ROLE_P = (0.70, 0.15, 0.10, 0.05)
# Parent-group types: how their reachers are drawn.
_GTYPES = ("unreached", "closed", "peripheral", "informal", "mixed")
_GTYPE_P = (0.04, 0.06, 0.08, 0.20, 0.62)

_GRID = (0.006, 0.009)  # cell size in degrees (lat, lon): about 670 m x 620 m
_ORIGIN = (52.0, 4.3)   # grid centre


def _grid_hoods(n: int) -> tuple[list[dict[str, Any]], np.ndarray]:
    """``n`` rectangular neighbourhoods on a grid and their (south, west) corners."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    south0 = _ORIGIN[0] - rows * _GRID[0] / 2
    west0 = _ORIGIN[1] - cols * _GRID[1] / 2
    corners = np.empty((n, 2))
    features = []
    for k in range(n):
        r, c = divmod(k, cols)
        s, w = south0 + r * _GRID[0], west0 + c * _GRID[1]
        corners[k] = (s, w)
        ring = [(w, s), (w + _GRID[1], s), (w + _GRID[1], s + _GRID[0]), (w, s + _GRID[0])]
        features.append(polygon_feature(ring, _hood_code(k), f"Synthetische buurt {k + 1}"))
    return features, corners


def _hood_code(k: int) -> str:
    """Fictional CBS-like buurt code; 9998 marks synthetic data (9999 is the demo district)."""
    return f"BU9998{k:04d}" if k < 10_000 else f"BU9998{k}"


def _pick(rng: np.random.Generator, options: dict[str, Any], n: int) -> np.ndarray:
    names = list(options)
    weights = np.array([options[k] if isinstance(options[k], float) else options[k][0]
                        for k in names])
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=weights / weights.sum())]


def _subset(rng: np.random.Generator, pool: Sequence[str], low: int, high: int) -> tuple[str, ...]:
    k = int(rng.integers(low, high + 1))
    idx = sorted(rng.choice(len(pool), size=min(k, len(pool)), replace=False))
    return tuple(pool[i] for i in idx)


def generate(organisations: int = 5000, groups: int = 1500, seed: int = 0,
             links: int | None = None) -> Dataset:
    """A synthetic, fictional city of ``organisations`` and ``groups``.

    Parameters
    ----------
    organisations, groups
        Table sizes (at least 5 organisations and 5 groups, so that every
        coverage class can occur).
    seed
        Equal seeds give equal datasets.
    links
        Reach plus collaboration rows; default ``40,000 * (organisations +
        groups) / 6,500`` (about 40,000 at the default size), about 35% reach.

    Returns
    -------
    Dataset
        About 40% formal organisations; ~1 neighbourhood polygon per 60
        organisations (at least 3) on a grid near (52.0 N, 4.3 E), every
        organisation inside its polygon. Unreached, direct, bridged (distance
        1 and 2) and informal-only groups all occur.
    """
    n_o, n_g = max(int(organisations), 5), max(int(groups), 5)
    rng = np.random.default_rng(seed)
    total = int(links) if links is not None else round(40_000 * (n_o + n_g) / 6_500)
    n_reach_target = round(total * 0.35)
    n_hoods = max(3, round(n_o / 60))
    features, corners = _grid_hoods(n_hoods)
    codes = np.array([_hood_code(k) for k in range(n_hoods)], dtype=object)

    # --- organisations: the first five are fixed so that small cities still
    # hold every role (formal, connected, peripheral, closed, loner).
    formal = rng.random(n_o) < 0.4
    roles = np.array(_ROLES, dtype=object)[rng.choice(4, size=n_o, p=_ROLE_P)]
    formal[:5] = (True, False, False, False, False)
    roles[1:5] = _ROLES
    roles[formal] = "formal"
    org_hood = rng.integers(0, n_hoods, size=n_o)
    org_hood[:5] = 0
    category = np.where(formal, _pick(rng, _FORMAL_WEIGHTS, n_o),
                        _pick(rng, _INFORMAL_WEIGHTS, n_o))
    lat = corners[org_hood, 0] + _GRID[0] * (0.05 + 0.9 * rng.random(n_o))
    lon = corners[org_hood, 1] + _GRID[1] * (0.05 + 0.9 * rng.random(n_o))
    org_ids = np.array([f"O{i:05d}" for i in range(n_o)], dtype=object)
    org_comm = _pick(rng, _COMMUNITIES, n_o)
    orgs = []
    for i in range(n_o):
        langs = ("Nederlands",) if formal[i] else _COMMUNITIES[org_comm[i]][1]
        orgs.append({
            "id": org_ids[i],
            "name": f"{_LABELS[category[i]]} {i + 1} (fictief)",
            "kind": "formal" if formal[i] else "informal",
            "category": category[i], "neighbourhood": codes[org_hood[i]],
            "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
            "languages": langs, "topics": _subset(rng, TOPICS, 1, 3),
            "contact": "coördinator" if i % 3 == 0 else None, "notes": None})

    # --- parent groups: the first five again cover every type
    gtype = np.array(_GTYPES, dtype=object)[rng.choice(5, size=n_g, p=_GTYPE_P)]
    # the fifth is reached by professionals only, so "direct" occurs even in a tiny city
    gtype[:5] = ("unreached", "closed", "peripheral", "informal", "direct")
    g_hood = rng.integers(0, n_hoods, size=n_g)
    g_hood[:5] = 0
    g_comm = _pick(rng, _COMMUNITIES, n_g)
    families = rng.integers(5, 150, size=n_g)
    ages = rng.integers(0, len(_AGES), size=n_g)
    group_ids = [f"G{j:05d}" for j in range(n_g)]
    parent_groups = [{
        "id": group_ids[j], "name": f"{g_comm[j]} ouders {j + 1} (fictief)",
        "community": g_comm[j], "neighbourhood": codes[g_hood[j]],
        "families": int(families[j]), "languages": _COMMUNITIES[g_comm[j]][1],
        "children_age": _AGES[ages[j]], "notes": None} for j in range(n_g)]

    # pools of organisation indices per (role, neighbourhood)
    pools: dict[str, list[list[int]]] = {}
    for role in ("formal", *_ROLES):
        per_hood: list[list[int]] = [[] for _ in range(n_hoods)]
        for i in np.flatnonzero(roles == role):
            per_hood[org_hood[i]].append(int(i))
        pools[role] = per_hood
    every = {role: [i for h in per_hood for i in h] for role, per_hood in pools.items()}
    group_pool = {"closed": ("closed", "loner"), "peripheral": ("peripheral",),
                  "informal": ("connected",), "direct": ("formal",),
                  "mixed": ("formal", "connected", "peripheral")}

    # --- reach: reachers drawn from the group's neighbourhood (any when it has none)
    reached = n_g - int((gtype == "unreached").sum())
    mean = max(n_reach_target / max(reached, 1), 1.0)
    # skewed: many groups have one or two reachers (fragile), some a dozen
    counts = 1 + rng.poisson(rng.exponential(mean - 1, size=n_g))
    reach = []
    for j in range(n_g):
        if gtype[j] == "unreached":
            continue
        local = [i for role in group_pool[gtype[j]] for i in pools[role][g_hood[j]]]
        if not local:
            local = [i for role in group_pool[gtype[j]] for i in every[role]]
        k = min(int(counts[j]), len(local))
        for i in sorted(rng.choice(len(local), size=k, replace=False)):
            reach.append({"organisation": org_ids[local[i]], "group": group_ids[j],
                          "strength": float(rng.integers(1, 6)), "topics": (), "since": None})

    # --- collaborations as index pairs
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()

    def add(a: int, b: int) -> None:
        key = (a, b) if a < b else (b, a)
        if a != b and key not in seen:
            seen.add(key)
            pairs.append((a, b))

    def partner(role: str, hood: int) -> int | None:
        pool = pools[role][hood] or every[role]
        return pool[int(rng.integers(len(pool)))] if pool else None

    for i in every["connected"]:  # each has a professional partner: distance 1
        p = partner("formal", org_hood[i])
        if p is not None:
            add(i, p)
    for i in every["peripheral"]:  # only informal partners that have one: distance 2
        for _ in range(int(rng.integers(1, 3))):
            p = partner("connected", org_hood[i])
            if p is not None:
                add(i, p)
    for hood_members in pools["closed"]:  # closed circles within a neighbourhood
        for a, b in itertools.pairwise(hood_members):
            add(a, b)
    # the rest of the budget: random links among professionals and connected
    # informal organisations, 85% within the neighbourhood
    main = np.array(sorted(every["formal"] + every["connected"]), dtype=np.int64)
    budget = total - len(reach)
    extra = int(max(budget / 1.2 - len(pairs), 0))  # ~20% of pairs get a second row
    if len(main) > 1 and extra:
        by_hood = main[np.argsort(org_hood[main], kind="stable")]
        hood_of = org_hood[by_hood]
        start = np.searchsorted(hood_of, np.arange(n_hoods))
        size = np.searchsorted(hood_of, np.arange(n_hoods), side="right") - start
        m = int(extra * 1.1) + 10  # a few draws are duplicates or self-pairs
        src = main[rng.integers(0, len(main), size=m)]
        h = org_hood[src]
        offset = (rng.random(m) * np.maximum(size[h], 1)).astype(np.int64)
        # clipped: a neighbourhood without such organisations starts past the end
        local = by_hood[np.minimum(start[h] + offset, len(by_hood) - 1)]
        anywhere = main[rng.integers(0, len(main), size=m)]
        dst = np.where((rng.random(m) < 0.85) & (size[h] > 0), local, anywhere)
        goal = len(pairs) + extra
        for a, b in zip(src.tolist(), dst.tolist(), strict=True):
            if len(pairs) >= goal:
                break
            add(a, b)

    # --- rating rows: ~75% rated, ~20% rated from both sides as well
    n_p = len(pairs)
    both = rng.random(n_p) < 0.2
    rows_a = [*pairs, *((b, a) for (a, b), x in zip(pairs, both, strict=True) if x)]
    n_rows = len(rows_a)
    rated = rng.random(n_rows) < 0.75
    base = np.clip(rng.normal(3.6, 0.6, size=n_rows), 1.0, 5.0)
    scores = np.clip(base[:, None] + rng.normal(0, 0.4, size=(n_rows, 4)), 1.0, 5.0).round(1)
    forms = rng.integers(0, len(_FORMS), size=n_rows)
    collabs = []
    for r, (a, b) in enumerate(rows_a):
        row = {"source": org_ids[a], "target": org_ids[b], "form": _FORMS[forms[r]],
               "reported_by": f"R{r:05d}" if rated[r] else None}
        for c, condition in enumerate(CONDITIONS):
            row[condition] = float(scores[r, c]) if rated[r] else None
        collabs.append(row)

    return demo_dataset(orgs, parent_groups, reach, collabs, features,
                        f"Synthetische stad {n_o}x{n_g} seed {seed} (fictief)")


def by_nodes(nodes: int, seed: int = 0) -> Dataset:
    """A synthetic city of about ``nodes`` organisations plus groups (the 5000:1500 mix)."""
    nodes = max(int(nodes), 8)
    organisations = round(nodes * 5000 / 6500)
    return generate(organisations=organisations, groups=nodes - organisations, seed=seed)
