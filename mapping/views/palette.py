"""Colours shared by the network and the map.

Two palettes: ``standard`` for everyday screens and ``presentation`` for a
shared meeting-room screen. The presentation palette uses the Okabe-Ito
colours (distinguishable with the common forms of colour blindness) and
stronger contrast; the standard one is softer but still avoids red/green as
the only distinction between classes that matter (coverage classes also differ
in lightness).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from mapping.locales import catalog

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

_ASSETS = Path(__file__).parent / "assets"


def _load_palette(name: str) -> Palette:
    """The palette ``name`` from ``assets/palettes.json`` (colours are data, not code)."""
    colours = json.loads((_ASSETS / "palettes.json").read_text(encoding="utf-8"))[name]
    return Palette(**colours, share_ramp=SHARE_RAMP)

# Formal services in blues/teals, informal organisations in warm hues, so the
# formal/informal split reads at a glance before the category does.
# The colours themselves are data: ``assets/palettes.json``, key "standard".
STANDARD = _load_palette("standard")

# Presentation palette: every colour chosen (by a max-min search over the sRGB cube)
# so that any two entries that could be confused in the legend differ by at least
# CIEDE2000 20, both as seen and under simulated deuteranopia (Machado 2009):
# the formal categories among themselves (squares with a dark outline), the
# informal ones among themselves (dots), and the coverage classes (triangles)
# from each other *and* from every organisation category. Formal and informal
# entries share hues on purpose: their shape and outline already tell them
# apart, and 20 mutually distinct colours at this distance do not exist under
# deuteranopia (14 already fall below 20). "other" is drawn hollow (outline only).
# Colours in ``assets/palettes.json``, key "presentation".
PRESENTATION = _load_palette("presentation")


def palette(presentation: bool = False) -> Palette:
    """Return the presentation palette when ``presentation`` is true, else the standard one."""
    return PRESENTATION if presentation else STANDARD


LABELS: dict[str, dict[str, str]] = catalog.namespace("palette")
"""Human labels of kinds, categories and coverage classes, ``LABELS[lang][key]`` (catalog)."""


def label(key: str | None, lang: str = "nl") -> str:
    """Human label of a kind, category or coverage class (the key itself if unknown)."""
    table = LABELS["en" if (lang or "").lower().startswith("en") else "nl"]
    if key is None:
        return table["unknown"]
    return table.get(key, key)


# --------------------------------------------------------------------------- colour difference
# CIEDE2000 (Sharma, Wu & Dalal 2005) on sRGB colours, and deuteranopia as Machado,
# Oliveira & Fernandes (2009) simulate it (severity 1.0, applied to linear RGB).
# Pure Python: a legend has a few dozen pairs.

MACHADO_DEUTERANOPIA: tuple[tuple[float, float, float], ...] = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)
"""Machado et al. (2009) matrix for deuteranopia, severity 1.0 (linear RGB)."""


def _linear(colour: str) -> tuple[float, float, float]:
    channels = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                 for c in channels)  # type: ignore[return-value]


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    xyz = (
        (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047,
        0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
        (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def simulate_deuteranopia(colour: str) -> str:
    """``#rrggbb`` as a deuteranope sees it (Machado 2009, severity 1.0)."""
    rgb = _linear(colour)
    out = []
    for row in MACHADO_DEUTERANOPIA:
        c = min(1.0, max(0.0, sum(m * v for m, v in zip(row, rgb, strict=True))))
        c = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        out.append(round(c * 255))
    return "#{:02x}{:02x}{:02x}".format(*out)


def ciede2000(colour1: str, colour2: str) -> float:
    """CIEDE2000 colour difference between two ``#rrggbb`` sRGB colours (D65).

    Parameters
    ----------
    colour1, colour2
        Colours as ``#rrggbb``.

    Returns
    -------
    float
        ΔE00 (0 = identical; about 2 is just noticeable, 20 is clearly different).
    """
    lab1, lab2 = _lab(_linear(colour1)), _lab(_linear(colour2))
    return _de00(lab1, lab2)


def _de00(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    from math import atan2, cos, degrees, exp, hypot, radians, sin, sqrt

    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (hypot(a1, b1) + hypot(a2, b2)) / 2
    g = 0.5 * (1 - sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = hypot(a1p, b1), hypot(a2p, b2)
    h1p = degrees(atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = degrees(atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_big_h = 2 * sqrt(c1p * c2p) * sin(radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) > 180:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    else:
        h_bar = (h1p + h2p) / 2
    t = (1 - 0.17 * cos(radians(h_bar - 30)) + 0.24 * cos(radians(2 * h_bar))
         + 0.32 * cos(radians(3 * h_bar + 6)) - 0.20 * cos(radians(4 * h_bar - 63)))
    d_theta = 30 * exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -sin(radians(2 * d_theta)) * r_c
    return sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_big_h / s_h) ** 2
                + r_t * (dc / s_c) * (d_big_h / s_h))


@dataclass(frozen=True)
class LegendEntry:
    """One coloured legend entry: what it stands for, its shape and its fill colour."""

    key: str
    shape: str
    colour: str


def legend_entries(pal: Palette) -> list[LegendEntry]:
    """The legend's coloured node entries: every named category and coverage class.

    The hollow ``other`` category is left out: it has no fill colour, only an outline.
    """
    entries = [LegendEntry(f"formal:{cat}", "square", colour)
               for cat, colour in pal.formal.items() if cat != "other"]
    entries += [LegendEntry(f"informal:{cat}", "dot", colour)
                for cat, colour in pal.informal.items() if cat != "other"]
    entries += [LegendEntry(f"coverage:{cls}", "triangle", pal.coverage[cls])
                for cls in COVERAGE_CLASSES]
    return entries


def confusable(a: LegendEntry, b: LegendEntry) -> bool:
    """Whether two entries must differ by colour alone.

    Entries of the same shape must, and a coverage class must differ from every
    organisation category (a coverage colour never doubles as a category colour).
    """
    return a.shape == b.shape or "triangle" in (a.shape, b.shape)


def smallest_difference(pal: Palette, deuteranopia: bool = False,
                        all_pairs: bool = False) -> tuple[float, str, str]:
    """The smallest CIEDE2000 difference between two legend entries of ``pal``.

    Parameters
    ----------
    pal
        The palette.
    deuteranopia
        Compare the colours as simulated for deuteranopia (Machado 2009).
    all_pairs
        Compare every pair, also a square with a dot (which their shapes tell apart).

    Returns
    -------
    tuple
        ``(ΔE00, key of one entry, key of the other)``.
    """
    entries = legend_entries(pal)
    seen = (lambda c: simulate_deuteranopia(c)) if deuteranopia else (lambda c: c)
    best = (float("inf"), "", "")
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if not all_pairs and not confusable(a, b):
                continue
            diff = ciede2000(seen(a.colour), seen(b.colour))
            if diff < best[0]:
                best = (diff, a.key, b.key)
    return best
