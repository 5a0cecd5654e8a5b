"""The research export: no personal fields, no small cells, and a README that says so.

Fields that may name people (:data:`mapping.io.write.PERSONAL_COLUMNS`) are
dropped; ratings of pairs with fewer than :data:`MIN_RATERS` raters and family
counts of groups under :data:`MIN_FAMILIES` are blanked.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from mapping.analysis import quality
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.io.write import PERSONAL_COLUMNS, drop_personal

MIN_RATERS = quality.MIN_RATERS
"""Research export: ratings of pairs with fewer raters are blanked."""

MIN_FAMILIES = 10
"""Research export: family counts of groups with fewer families are blanked."""

README: dict[str, list[str]] = {
    "nl": [
        "Onderzoeksexport van Wijknetwerk.",
        "Weggelaten: velden die personen kunnen noemen ({personal}).",
        "Beoordelingen van samenwerkingen met minder dan {raters} beoordelaars zijn leeggemaakt.",
        "Aantallen gezinnen onder {families} zijn leeggemaakt (kleine aantallen kunnen "
        "herleidbaar zijn).",
        "{links} samenwerkingen en {groups} oudergroepen zijn zo afgeschermd.",
    ],
    "en": [
        "Research export from Wijknetwerk.",
        "Left out: fields that may name people ({personal}).",
        "Ratings of collaborations with fewer than {raters} raters are blanked.",
        "Family counts under {families} are blanked (small numbers can identify people).",
        "{links} collaborations and {groups} parent groups were suppressed this way.",
    ],
}


@dataclass(frozen=True)
class Suppression:
    """What a research export left out."""

    links: int
    groups: int
    min_raters: int
    min_families: int

    def readme(self, lang: str = "nl") -> list[str]:
        """The README lines in ``lang``."""
        values = {"personal": ", ".join(PERSONAL_COLUMNS), "raters": self.min_raters,
                  "families": self.min_families, "links": self.links, "groups": self.groups}
        return [line.format(**values) for line in README["en" if lang == "en" else "nl"]]


def research_dataset(dataset: Dataset, min_families: int = MIN_FAMILIES,
                     min_raters: int = MIN_RATERS) -> tuple[Dataset, Suppression]:
    """``dataset`` without personal fields and small cells (see the module docstring)."""
    plain = drop_personal(dataset)
    collabs = plain.collaborations.copy()
    pairs = [tuple(sorted((str(a), str(b))))
             for a, b in zip(collabs["source"], collabs["target"], strict=True)]
    per_pair = Counter(pairs)
    few = pd.Series([per_pair[p] < min_raters for p in pairs], index=collabs.index, dtype=bool)
    present = [c for c in CONDITIONS if c in collabs.columns]
    if present:
        collabs.loc[few, present] = math.nan
    groups = plain.parent_groups.copy()
    small = groups["families"].notna() & (groups["families"].astype("Float64") < min_families)
    small = small.fillna(False).astype(bool)
    groups.loc[small, "families"] = pd.NA
    suppressed = Suppression(len({p for p, f in zip(pairs, few, strict=True) if f}),
                             int(small.sum()), min_raters, min_families)
    return plain.replace(collaborations=collabs, parent_groups=groups), suppressed
