"""The printable district report: one A4 PDF a team lead takes out of the meeting.

:func:`report_pdf` turns a dataset into PDF bytes (reportlab): the headline
figures, the gap sentences, the map and the network as vector pictures, the
coverage table worst first, the suggested collaborations, the brokers, the
topics (taboo topics called out), the four conditions and, when the
neighbourhood polygons carry CBS key figures, the district's population
beside the known groups. Every page carries the dataset's name, version and
the moment the report was made (Dutch local time).

Same pictures as the dashboard
------------------------------
The network is drawn from :func:`mapping.views.layout.positions` of the *full*
graph (the dashboard passes its cached positions, so a node sits exactly
where the room saw it), with the node sizes, shapes and edge styles of
:mod:`mapping.views.render_network`. The map places groups and organisations with
the helpers of :mod:`mapping.views.render_map` and colours polygons with the
share ramp. All colours come from :func:`mapping.views.palette.palette`.

Above :data:`DETAIL_LIMIT` nodes (a city) the network picture is capped: every
node is still drawn at its position in its colour, but without labels, only
the collaborations are drawn (as hairlines, batched into one path per style)
and only the :data:`CITY_LABELS` organisations the coverage depends on most
are named. The coverage table shows the :data:`TABLE_ROWS` worst groups.

User text is data
-----------------
reportlab's ``Paragraph`` parses an XML-like markup; every string that can
hold user data goes through :func:`xml.sax.saxutils.escape` first (message
templates hold no markup: styles come from paragraph styles). Text inside the
pictures and in the page header is drawn with ``drawString``/``String``,
which has no markup at all.

Modules
-------
Texts in :mod:`mapping.views.pdf_text` (labels the dashboard has come from
:mod:`mapping.ui_text`), pages and fonts in :mod:`mapping.views.pdf_layout`,
sections in :mod:`mapping.views.pdf_sections`, pictures in
:mod:`mapping.views.pdf_pictures`; this module keeps the public names.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from mapping.analysis import coverage as cov_mod
from mapping.analysis import graph as g
from mapping.analysis.report import build_report
from mapping.domain.dataset import Dataset
from mapping.i18n import normalise_lang
from mapping.views.layout import positions
from mapping.views.pdf_layout import (  # noqa: F401  (public names kept here)
    FONT_CANDIDATES,
    MARGIN,
    PAGE_H,
    PAGE_W,
    fonts,
    local_time,
)
from mapping.views.pdf_pictures import (  # noqa: F401
    CITY_LABELS,
    DETAIL_LIMIT,
    largest_piece,
    map_drawing,
    network_drawing,
    page_count,
)
from mapping.views.pdf_sections import LIST_ITEMS, TABLE_ROWS, Builder  # noqa: F401
from mapping.views.pdf_text import MESSAGES, text  # noqa: F401


def report_pdf(
    dataset: Dataset,
    *,
    lang: str = "nl",
    hide_names: bool = True,
    min_quality: float | None = None,
    version: int | None = None,
    when: datetime | None = None,
    presentation: bool = False,
    graph: nx.Graph | None = None,
    placed: Mapping[Hashable, tuple[float, float]] | None = None,
) -> bytes:
    """The district report as an A4 PDF.

    Parameters
    ----------
    dataset
        The district.
    lang
        ``"nl"`` or ``"en"``.
    hide_names
        Leave contact persons out (the report never shows respondents).
    min_quality
        Only collaborations with at least this mean score count as links.
    version
        The stored version shown in every page's header (``None``: not stored).
    when
        The moment the report is made (default now); printed in Dutch local time.
    presentation
        The dashboard's presentation palette (colour-blind safe).
    graph, placed
        The full graph of ``dataset`` and its layout, when the caller has them
        (the dashboard passes its cached ones, so nodes sit where the room saw
        them); computed otherwise.

    Returns
    -------
    bytes
        The PDF document (starts with ``%PDF-``).
    """
    lang = normalise_lang(lang)
    with g.gc_paused():
        graph = g.build_graph(dataset) if graph is None else graph
        placed = positions(graph) if placed is None else placed
        report = build_report(dataset, min_quality=min_quality, lang=lang)
        cov = cov_mod.compute(cov_mod.network_from_graph(graph, min_quality))
    # FONT_CANDIDATES is read at each call, so a test (or a caller) can swap it here.
    builder = Builder(dataset, graph, placed, report, cov, lang=lang, hide_names=hide_names,
                      min_quality=min_quality, presentation=presentation,
                      font_candidates=FONT_CANDIDATES)
    return builder.build(version=version, when=when or datetime.now(UTC))


def message(key: str, lang: str = "nl", **values: Any) -> str:
    """A text of the report in ``lang``, for the page's button and the CLI's lines.

    The report's own catalog (:data:`MESSAGES`) first, else the dashboard's
    labels (see :func:`mapping.views.pdf_text.text`).
    """
    return text(key, lang, **values)
