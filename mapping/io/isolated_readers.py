"""The readers of an upload other than the four tables, each in the bounded parse worker.

The Data page (and the Survey page) read more than the project's own tables:
what kind of upload a batch is, a survey export and the answers mapped to
tables, the district's own lists, a network tool's file. Each of these opens
untrusted bytes (CSV, XLSX through calamine, XML, JSON) or works through
them (name matching, validation), so each runs in a child of
:mod:`mapping.io.sandbox`, with its memory and time limits: a hostile file
costs that child, never the server. A limit the child hit comes back as the
same one error the main upload path gives (``parse_timeout``,
``parse_memory``, ``parse_failed``), in the shape the caller expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapping.io.load import LoadResult
from mapping.io.sandbox import _call, _run

if TYPE_CHECKING:  # the readers are imported in the child only
    from mapping.domain.dataset import Dataset
    from mapping.io.graph_formats.model import Graph, Mapping
    from mapping.io.surveys import SurveyMapping, SurveyResult, SurveyTable
    from mapping.io.validate import Issue

    SurveyRead = tuple[SurveyTable | None, list[Issue]]
    """A survey export as read: the table (``None``: unreadable) and its issues."""


def _label(files: Sequence[tuple[str, bytes]]) -> str:
    return ", ".join(Path(n).name for n, _ in files) or "upload"


def upload_kind_isolated(files: Sequence[tuple[str, bytes]], lang: str = "nl"
                         ) -> tuple[str, SurveyRead | None, LoadResult | None]:
    """:func:`mapping.io.surveys.upload_kind` in a bounded child process.

    Telling the kind opens the files (CSV headers, a workbook's sheets), so it
    is reading untrusted bytes like any other. The page's next step is done in
    the same child, since a second child would wait for its start: a survey
    export is read (:func:`read_surveys_isolated`'s answer) and the district's
    own tables are loaded (:func:`mapping.io.sandbox.load_files_isolated`'s).

    Returns
    -------
    tuple
        ``(kind, answer, None)``: for ``"tables"`` the :class:`LoadResult`, for
        ``"survey"`` the survey read, else ``None``; or ``("tables", None, failure)``
        when the child hit a limit (the failure is what
        :func:`mapping.io.sandbox.load_files_isolated` would have said).
    """
    answer, failure = _call(("kind", list(files), lang, None, None), _label(files))
    if failure is not None:
        return "tables", None, failure
    kind, read = answer
    return kind, read, None


def load_lists_isolated(files: Sequence[tuple[str, bytes]], lang: str = "nl") -> LoadResult:
    """:func:`mapping.io.surveys.load_lists` (the district's own lists) in a bounded child."""
    return _run(("lists", list(files), lang, None, None), _label(files))


def read_surveys_isolated(files: Sequence[tuple[str, bytes]], lang: str = "nl"
                          ) -> SurveyRead:
    """:func:`mapping.io.surveys.read_surveys` in a bounded child process.

    Returns
    -------
    tuple
        The export as a table (``None`` when it could not be read) and every
        issue (errors, then warnings); a limit the child hit is one error.
    """
    answer, failure = _call(("survey", list(files), lang, None, None), _label(files))
    if failure is not None:
        return None, [*failure.errors]
    table, issues = answer
    return table, issues


def apply_survey_isolated(table: SurveyTable, mapping: SurveyMapping, lang: str = "nl",
                          secret: bytes | None = None, lists: Dataset | None = None
                          ) -> SurveyResult:
    """:func:`mapping.io.surveys.apply` (answers to the four tables) in a bounded child.

    A limit the child hit comes back as a :class:`SurveyResult` with that one error.
    """
    from mapping.io.surveys import SurveyResult

    answer, failure = _call(("apply", (table, mapping, secret, lists), lang, None, None),
                            table.file)
    if failure is not None:
        return SurveyResult(None, failure.errors, failure.warnings, mapping=mapping,
                            tool=table.tool)
    return answer


def read_graph_isolated(files: Sequence[tuple[str, bytes]], lang: str = "nl"
                        ) -> tuple[Graph | None, str | None]:
    """:func:`mapping.io.graph_import.read_graph` in a bounded child process.

    Returns ``(graph, None)``, or ``(None, message)``: why the file could not be
    read, or the limit the child hit, in ``lang``.
    """
    answer, failure = _call(("graph", list(files), lang, None, None), _label(files))
    if failure is not None:
        return None, failure.errors[0].message
    return answer


def import_graph_isolated(files: Sequence[tuple[str, bytes]], mapping: Mapping,
                          lang: str = "nl") -> LoadResult:
    """:func:`mapping.io.graph_import.import_graph` in a bounded child process."""
    return _run(("graph_import", (list(files), mapping), lang, None, None), _label(files))
