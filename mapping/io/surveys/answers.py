"""Answers as values: ticks, joined lists, names compared, Likert words as 1-5, kinds."""

from __future__ import annotations

import functools
import re
import unicodedata

from mapping.domain import schema as sc


def _plain(text: str) -> str:
    """Lower case, accents removed, words separated by single spaces (for keywords)."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())

_FALSE = frozenset({"", "0", "false", "onwaar", "no", "nee", "n", "notselected",
                    "nietgeselecteerd", "unchecked", "nan", "none"})
_TRUE = frozenset({"1", "true", "waar", "yes", "ja", "y", "x", "checked", "selected",
                   "geselecteerd"})


def _truthy(value: str, item: str | None) -> bool:
    word = sc.normalise_header(value)
    return bool(word) and word not in _FALSE


def _looks_option(values: list[str], item: str | None) -> bool:
    """Whether the answers look like ticks: 1/0, True/False, Y, or the option's own label."""
    filled = [v for v in values if v.strip()]
    if not filled:
        return True
    own = sc.normalise_header(item or "")
    return all(sc.normalise_header(v) in _TRUE | _FALSE or sc.normalise_header(v) == own
               for v in filled)


def _separator(values: list[str], tool: str) -> str | None:
    """What joins several answers in one cell, or ``None`` when nobody gave several."""
    filled = [v for v in values if v.strip()]
    if any(";" in v for v in filled):
        return ";"
    if any("\n" in v for v in filled):
        return "\n"
    if any(", " in v for v in filled):
        return ", "
    if tool == "kobo" and any(" " in v.strip() for v in filled) and all(
            re.fullmatch(r"[\w\- ]+", v) for v in filled):
        return " "  # select_multiple as one column holds space-separated choice names
    if any("," in v for v in filled):
        return ","
    return None


def split_answers(value: str, separator: str | None) -> list[str]:
    """The answers joined in one cell (``"A;B;"`` -> ``["A", "B"]``)."""
    if not value.strip():
        return []
    parts = value.split(separator) if separator else [value]
    return [p.strip() for p in parts if p.strip()]


def _display(name: str, tool: str) -> str:
    """A Kobo choice name as people write it: ``somalische_moeders`` -> ``Somalische moeders``."""
    if tool == "kobo" and "_" in name and " " not in name:
        text = name.replace("_", " ").strip()
        return text[:1].upper() + text[1:]
    return name


@functools.lru_cache(maxsize=1 << 16)  # a survey repeats its names in every row and grid column
def name_key(name: str) -> str:
    """How names are compared: case, accents, spaces, hyphens and underscores ignored.

    ``"Moskee Al-Fath"``, ``"moskee al fath"`` and ``"moskee_al_fath"`` are one name.
    """
    return sc.normalise_header(name)


_key = name_key

# --------------------------------------------------------------------------- values

_LIKERT: dict[str, float] = {
    **dict.fromkeys(("helemaal mee eens", "zeer mee eens", "volledig mee eens",
                     "strongly agree", "completely agree", "totally agree", "zeer goed",
                     "very good", "heel goed", "excellent", "uitstekend"), 5.0),
    **dict.fromkeys(("mee eens", "eens", "agree", "goed", "good", "somewhat agree"), 4.0),
    **dict.fromkeys(("neutraal", "neutral", "niet mee eens niet mee oneens",
                     "neither agree nor disagree", "eens noch oneens", "neither", "redelijk",
                     "fair", "gemiddeld", "average", "noch eens noch oneens"), 3.0),
    **dict.fromkeys(("mee oneens", "oneens", "niet mee eens", "disagree", "slecht", "poor",
                     "somewhat disagree", "matig"), 2.0),
    **dict.fromkeys(("helemaal mee oneens", "helemaal niet mee eens", "zeer mee oneens",
                     "strongly disagree", "completely disagree", "zeer slecht", "very poor",
                     "heel slecht"), 1.0),
}
_NOT_APPLICABLE = frozenset({"weet niet", "niet van toepassing", "nvt", "n v t", "dont know",
                             "don t know", "not applicable", "n a", "na", "geen mening",
                             "no opinion"})
_LEADING_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(?:$|[-=:.)/]|\s)")


def likert_score(value: str) -> tuple[float | None, str | None]:
    """A condition's answer as a score: ``(score, None)``, ``(None, None)`` or ``(None, code)``.

    Numbers (``4``, ``4,5``, ``"5 - helemaal mee eens"``) and Likert words in
    Dutch and English (``helemaal mee eens`` = 5 ... ``helemaal mee oneens`` =
    1; ``weet niet``/``n.v.t.`` = no answer). The code is ``score_invalid`` or
    ``score_range``.
    """
    text = value.strip()
    if not text:
        return None, None
    plain = _plain(text)
    if plain in _NOT_APPLICABLE:
        return None, None
    if plain in _LIKERT:
        return _LIKERT[plain], None
    found = _LEADING_NUMBER.match(text)
    if found:
        number = float(found.group(1).replace(",", "."))
        if 1 <= number <= 5:
            return number, None
        return None, "score_range"
    # "Helemaal mee eens (5)" and other decorations: the longest Likert phrase inside wins.
    inside = [w for w in _LIKERT if re.search(rf"\b{re.escape(w)}\b", plain)]
    if inside:
        return _LIKERT[max(inside, key=len)], None
    return None, "score_invalid"


def _kind_word(value: str) -> str | None:
    """``formal``/``informal`` for an answer such as ``Informele organisatie``."""
    kind = sc.canonical_kind(value)
    if kind:
        return kind
    plain = _plain(value)
    if re.search(r"\b(informe\w*|vrijwillig\w*|volunteer\w*|zelforgani\w*|grassroots)", plain):
        return "informal"
    if re.search(r"\b(forme\w*|professione\w*|professional|instelling|institution)", plain):
        return "formal"
    return None


def _kind_from_name(name: str) -> tuple[str | None, str | None]:
    """Kind and category guessed from the words of a name (``Moskee Al Fath`` -> informal)."""
    words = sc.normalise_word(name).split("_")
    for word in words:
        category, known = sc.canonical_category(word)
        if known and category != "other":
            kind = "formal" if category in sc.FORMAL_CATEGORIES else "informal"
            return kind, category
    return None, None

