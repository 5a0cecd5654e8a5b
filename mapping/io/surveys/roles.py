"""The mapping: which column means what (guessed, confirmed, saved as JSON, reused)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from mapping.domain.dataset import CONDITIONS
from mapping.io.surveys.catalog import ROLES, SHAPES


@dataclass(frozen=True)
class ColumnRole:
    """What one column means.

    Attributes
    ----------
    column
        The column's :attr:`SurveyColumn.key`.
    role
        One of :data:`ROLES`.
    shape
        One of :data:`SHAPES`.
    item
        For ``option``: the answer the column stands for; for ``grid``: the
        partner (conditions, form) or parent group (topics) the answers are about.
    confidence
        How sure the guess is, 0 to 1 (1: confirmed by the researcher).
    sheet
        The repeat sheet the column is on, ``None`` for the main sheet.
    separator
        For ``list``: what joins the answers; ``None``: found from the answers.
    """

    column: str
    role: str
    shape: str = "value"
    item: str | None = None
    confidence: float = 0.0
    sheet: str | None = None
    separator: str | None = None


@dataclass(frozen=True)
class SurveyMapping:
    """Which column means what: guessed, confirmed, saved as JSON and reused."""

    tool: str
    columns: tuple[ColumnRole, ...]
    default_kind: str = "informal"
    """Kind of a partner who did not answer and whose name says nothing."""
    version: int = 1
    aliases: tuple[tuple[str, str], ...] = ()
    """``(answered name, known name)`` pairs the researcher confirmed as one name."""

    def to_json(self) -> str:
        """The mapping as JSON (what ``--write-mapping`` saves)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> SurveyMapping:
        """A mapping read from :meth:`to_json`'s output; ``ValueError`` when it is not one."""
        try:
            data = json.loads(text)
            columns = tuple(ColumnRole(**c) for c in data["columns"])
            mapping = cls(str(data.get("tool", "generic")), columns,
                          str(data.get("default_kind", "informal")), int(data.get("version", 1)),
                          tuple((str(a), str(b)) for a, b in data.get("aliases", ())))
        except RecursionError as exc:  # "[[[[...": nested beyond the parser's depth
            raise ValueError("RecursionError: nested too deep") from exc
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise ValueError(f"{type(exc).__name__}: {exc}"[:160]) from exc
        for c in mapping.columns:
            if c.role not in ROLES or c.shape not in SHAPES:
                raise ValueError(f"role {c.role!r}, shape {c.shape!r}")
        if mapping.default_kind not in ("formal", "informal"):
            raise ValueError(f"default_kind {mapping.default_kind!r}")
        return mapping

    def role(self, column: str, sheet: str | None = None) -> ColumnRole | None:
        """The role given to ``column`` (on ``sheet``), or ``None``."""
        return next((c for c in self.columns if c.column == column and c.sheet == sheet), None)

    def with_role(self, column: str, role: str, sheet: str | None = None, **changes: Any
                  ) -> SurveyMapping:
        """A copy with ``column`` given ``role`` (confidence 1: the researcher said so)."""
        old = self.role(column, sheet) or ColumnRole(column, role, sheet=sheet)
        shape = changes.pop("shape", None) or _shape_for(role, old)
        new = dataclasses.replace(old, role=role, shape=shape, confidence=1.0, **changes)
        return dataclasses.replace(self, columns=tuple(
            new if (c.column, c.sheet) == (column, sheet) else c for c in self.columns))

    def with_alias(self, name: str, known: str) -> SurveyMapping:
        """A copy that reads the answered ``name`` as the known name ``known``."""
        kept = tuple(p for p in self.aliases if p[0] != name)
        return dataclasses.replace(self, aliases=(*kept, (name, known)))

    @property
    def certain(self) -> bool:
        """Whether every column's role is sure (confidence 1): nothing left to ask.

        A guess is certain only for the project's own questionnaire
        (:func:`mapping.io.surveys.own_form.recognise`); a mapping the researcher
        set column by column is certain too.
        """
        return bool(self.columns) and all(c.confidence >= 1.0 for c in self.columns)

    def used(self, role: str) -> list[ColumnRole]:
        """The columns with ``role``."""
        return [c for c in self.columns if c.role == role]


def _shape_for(role: str, old: ColumnRole) -> str:
    """The shape a column keeps or gets when the researcher gives it another role."""
    if role in ("groups", "partners", "topics"):
        if old.shape in ("option", "list") or (old.shape == "grid" and role == "topics"):
            return old.shape
        return "option" if old.item and old.shape == "grid" else "list"
    if role in (*CONDITIONS, "form"):
        return "grid" if old.item and old.shape in ("grid", "option") else "value"
    return "value"


# Keyword rules, checked in this order on the question text (lower case, no accents).
