"""Names in answers matched to the known names: the district's lists and the respondents.

A survey names organisations and parent groups the way each respondent types
them: ``"Moskee Al-Fath"``, ``"moskee al fath"``, ``"Moskee Al Fath "``,
``"Moskée Al Fath"``. Those are one name (:func:`~mapping.io.surveys.answers.name_key`
ignores case, accents, spaces, hyphens and underscores). A typing error
(``"Moskee Al Fatah"``) is matched with rapidfuzz: a score of :data:`SURE` or
more is the same name; from :data:`UNSURE` up to :data:`SURE` the names stay
apart and the pair is listed for review (the researcher confirms it with an
alias in the mapping); below it the name is new, and, when the district's own
list was given, flagged as not on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from mapping.domain import schema as sc
from mapping.io.load import LoadResult, load_files
from mapping.io.surveys.answers import _plain, name_key

SURE = 95.0
"""Score (0-100) from which two names are the same name (a typing error)."""
UNSURE = 80.0
"""Score from which two different names are listed for review."""

STATUSES: tuple[str, ...] = ("same", "fuzzy", "uncertain", "new", "alias")
"""How a name was matched: equal but for case/accents/spaces/hyphens, a typing
error, a look-alike kept apart, a new name, or an alias the researcher set."""

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class NameMatch:
    """One name in the answers and the known name it was matched to.

    Attributes
    ----------
    name
        The name as answered.
    known
        The known name it was matched to (``same``, ``fuzzy``, ``alias``) or
        that it resembles (``uncertain``); ``None`` for a new name.
    score
        rapidfuzz's ratio of the two names, 0-100 (100 for ``same``).
    status
        One of :data:`STATUSES`.
    """

    name: str
    known: str | None
    score: float
    status: str


class NameMatcher:
    """Known names, and the best match of an answered name among them.

    Parameters
    ----------
    names
        The known names (the district's list, the respondents' own names).
    aliases
        ``(answered name, known name)`` pairs the researcher confirmed.
    """

    def __init__(self, names: Iterable[str] = (),
                 aliases: Iterable[tuple[str, str]] = ()) -> None:
        self._by_key: dict[str, str] = {}
        self._choices: list[str] = []
        self._names: list[str] = []
        self._aliases = {name_key(a): b for a, b in aliases}
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        """Make ``name`` a known name (the first spelling of a name wins)."""
        key = name_key(name)
        if key and key not in self._by_key:
            self._by_key[key] = name
            self._choices.append(_plain(name))
            self._names.append(name)

    def __contains__(self, name: str) -> bool:
        return name_key(name) in self._by_key

    def match(self, name: str) -> NameMatch:
        """The known name ``name`` stands for, or its look-alike, or none."""
        key = name_key(name)
        alias = self._aliases.get(key)
        if alias is not None:
            return NameMatch(name, self._by_key.get(name_key(alias), alias), 100.0, "alias")
        if key in self._by_key:
            return NameMatch(name, self._by_key[key], 100.0, "same")
        if not self._choices:
            return NameMatch(name, None, 0.0, "new")
        best = process.extractOne(_plain(name), self._choices, scorer=fuzz.ratio,
                                  score_cutoff=UNSURE)
        if best is None:
            return NameMatch(name, None, 0.0, "new")
        _choice, score, index = best
        known = self._names[index]
        # "Wijkteam 1" and "Wijkteam 2" differ by one character and are two teams.
        if score >= SURE and _DIGITS.findall(name) == _DIGITS.findall(known):
            return NameMatch(name, known, float(score), "fuzzy")
        return NameMatch(name, known, float(score), "uncertain")


def load_lists(files: Sequence[tuple[str, bytes]], lang: str = "nl") -> LoadResult:
    """The district's own lists, as the loader reads them; either list may be left out.

    :func:`mapping.io.load.load_files` wants an organisations table; a
    researcher's lists may hold only the parent groups (or only the
    organisations), so a missing one of the two is taken as empty.
    """
    result = load_files(files, lang)
    missing = [i for i in result.errors if i.code == "table_missing"]
    if result.ok or len(missing) != len(result.errors):
        return result
    empty = [("organisations.csv", b"id,name,kind\n"), ("parent_groups.csv", b"id,name\n")]
    present = {sc.table_for_name(n) for n, _d in files}
    return load_files([*files, *[(n, d) for n, d in empty
                                 if sc.table_for_name(n) not in present]], lang)


def read_lists(path: str | Path, lang: str = "nl") -> LoadResult:
    """:func:`load_lists` of a folder (every file in it) or of one file."""
    target = Path(path)
    paths = sorted(p for p in target.iterdir() if p.is_file()) if target.is_dir() else [target]
    return load_lists([(p.name, p.read_bytes()) for p in paths], lang)
