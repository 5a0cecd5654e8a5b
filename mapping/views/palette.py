"""Colours shared by the network and the map.

Two palettes: ``standard`` for everyday screens and ``presentation`` for a
shared meeting-room screen. The presentation palette uses the Okabe-Ito
colours (distinguishable with the common forms of colour blindness) and
stronger contrast; the standard one is softer but still avoids red/green as
the only distinction between classes that matter (coverage classes also differ
in lightness).
"""

from __future__ import annotations

from dataclasses import dataclass, field

COVERAGE_CLASSES: tuple[str, ...] = ("direct", "bridged", "informal_only", "unreached")


@dataclass(frozen=True)
class Palette:
    """A set of colours for one display mode.

    Attributes
    ----------
    formal, informal
        Category -> colour for formal / informal organisations; ``"other"``
        is the fallback.
    coverage
        Coverage class -> colour for parent groups (``None`` key = unknown).
    group_default
        Parent-group colour when no coverage is given.
    reach_edge, collab_strong, collab_medium, collab_weak, collab_unrated
        Edge colours.
    dimmed_node, dimmed_edge
        Colours of nodes and edges outside a highlight.
    background, text
        Page background and text colour.
    share_ramp
        Sequential colours, low to high, for the map's share-with-route choropleth.
    """

    formal: dict[str, str]
    informal: dict[str, str]
    coverage: dict[str, str]
    group_default: str
    reach_edge: str
    collab_strong: str
    collab_medium: str
    collab_weak: str
    collab_unrated: str
    dimmed_node: str
    dimmed_edge: str
    background: str
    text: str
    share_ramp: tuple[str, ...] = field(default=())

    def organisation(self, kind: str | None, category: str | None) -> str:
        """Colour of an organisation by kind and category."""
        table = self.formal if kind == "formal" else self.informal
        return table.get(category or "other", table["other"])

    def coverage_colour(self, cls: str | None) -> str:
        """Colour of a parent group of coverage class ``cls`` (``None``: unknown)."""
        if cls is None:
            return self.group_default
        return self.coverage.get(cls, self.group_default)

    def share(self, value: float | None) -> str:
        """Choropleth colour for a share between 0 and 1 (``None``: no data)."""
        if value is None or value != value:  # NaN check without numpy
            return NO_DATA
        steps = len(self.share_ramp)
        index = min(steps - 1, max(0, int(value * steps)))
        return self.share_ramp[index]


# ColorBrewer "Purples": order carried by lightness alone (readable with any colour
# vision and in greyscale), and a hue no marker class uses, so coloured markers
# stay visible on every polygon.
NO_DATA = "#e8e4d8"
"""Choropleth colour of a neighbourhood without data (warm grey, off the ramp)."""

SHARE_RAMP: tuple[str, ...] = ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1")

# Formal services in blues/teals, informal organisations in warm hues, so the
# formal/informal split reads at a glance before the category does.
STANDARD = Palette(
    formal={
        "wijkteam": "#1f4e9c", "jeugdteam": "#2f6fd0", "cjg": "#4a90e2", "jgz": "#5fa8d3",
        "school": "#3b7d8c", "ggd": "#2a9d8f", "veilig_thuis": "#264653", "huisarts": "#457b9d",
        "other": "#6c8ebf",
    },
    informal={
        "mzo": "#e76f51", "moskee": "#f4a261", "kerk": "#e9a23b", "buurtcentrum": "#d4a017",
        "ouderkamer": "#c2185b", "vrouwennetwerk": "#ad5fa8", "sleutelfiguur": "#b5651d",
        "vrijwilligers": "#d35400", "other": "#e0915a",
    },
    coverage={
        "direct": "#2b8a3e", "bridged": "#74c0fc", "informal_only": "#f59f00",
        "unreached": "#c92a2a",
    },
    group_default="#8d99ae",
    reach_edge="#9aa5b1",
    collab_strong="#1b7837",
    collab_medium="#5aae61",
    collab_weak="#d6604d",
    collab_unrated="#999999",
    dimmed_node="#e3e6ea",
    dimmed_edge="#eef0f2",
    background="#ffffff",
    text="#222222",
    share_ramp=SHARE_RAMP,
)

# Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion,
# reddish purple. Formal = blue family + black, informal = orange/vermillion/
# purple family; coverage classes use distinct Okabe-Ito hues *and* lightness.
PRESENTATION = Palette(
    formal={
        "wijkteam": "#0072B2", "jeugdteam": "#0072B2", "cjg": "#56B4E9", "jgz": "#56B4E9",
        "school": "#009E73", "ggd": "#009E73", "veilig_thuis": "#000000", "huisarts": "#000000",
        "other": "#0072B2",
    },
    informal={
        "mzo": "#E69F00", "moskee": "#E69F00", "kerk": "#D55E00", "buurtcentrum": "#D55E00",
        "ouderkamer": "#CC79A7", "vrouwennetwerk": "#CC79A7", "sleutelfiguur": "#F0E442",
        "vrijwilligers": "#F0E442", "other": "#E69F00",
    },
    coverage={
        "direct": "#009E73", "bridged": "#56B4E9", "informal_only": "#E69F00",
        "unreached": "#D55E00",
    },
    group_default="#999999",
    reach_edge="#555555",
    collab_strong="#0072B2",
    collab_medium="#56B4E9",
    collab_weak="#D55E00",
    collab_unrated="#777777",
    dimmed_node="#dddddd",
    dimmed_edge="#eeeeee",
    background="#ffffff",
    text="#000000",
    share_ramp=SHARE_RAMP,
)


def palette(presentation: bool = False) -> Palette:
    """Return the presentation palette when ``presentation`` is true, else the standard one."""
    return PRESENTATION if presentation else STANDARD


LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "formal": "formeel", "informal": "informeel", "group": "oudergroep",
        "wijkteam": "wijkteam", "jeugdteam": "jeugdteam", "cjg": "CJG", "jgz": "JGZ",
        "school": "school", "ggd": "GGD", "veilig_thuis": "Veilig Thuis", "huisarts": "huisarts",
        "mzo": "migrantenorganisatie", "moskee": "moskee", "kerk": "kerk",
        "buurtcentrum": "buurtcentrum", "ouderkamer": "ouderkamer",
        "vrouwennetwerk": "vrouwennetwerk", "sleutelfiguur": "sleutelfiguur",
        "vrijwilligers": "vrijwilligers", "other": "overig",
        "direct": "direct bereikt", "bridged": "via brug", "informal_only": "alleen informeel",
        "unreached": "niet bereikt", "unknown": "onbekend", "fragile": "kwetsbaar (1 route)",
    },
    "en": {
        "formal": "formal", "informal": "informal", "group": "parent group",
        "wijkteam": "neighbourhood team", "jeugdteam": "youth team", "cjg": "CJG",
        "jgz": "youth health (JGZ)", "school": "school", "ggd": "public health (GGD)",
        "veilig_thuis": "Veilig Thuis", "huisarts": "GP",
        "mzo": "migrant organisation", "moskee": "mosque", "kerk": "church",
        "buurtcentrum": "community centre", "ouderkamer": "parent room",
        "vrouwennetwerk": "women's network", "sleutelfiguur": "key figure",
        "vrijwilligers": "volunteers", "other": "other",
        "direct": "reached directly", "bridged": "bridged", "informal_only": "informal only",
        "unreached": "unreached", "unknown": "unknown", "fragile": "fragile (1 route)",
    },
}


def label(key: str | None, lang: str = "nl") -> str:
    """Human label of a kind, category or coverage class (the key itself if unknown)."""
    table = LABELS["en" if (lang or "").lower().startswith("en") else "nl"]
    if key is None:
        return table["unknown"]
    return table.get(key, key)
