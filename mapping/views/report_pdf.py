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
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx
import pandas as pd
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, Rect, String
from reportlab.graphics.shapes import Path as VPath
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mapping.analysis import coverage as cov_mod
from mapping.analysis import graph as g
from mapping.analysis import quality, topics
from mapping.analysis.population import families_by_hood, population_rows, population_sentences
from mapping.analysis.report import build_report
from mapping.analysis.roles import broker_sentences
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.i18n import Catalog, format_number, format_percent, normalise_lang, translate
from mapping.locales import catalog
from mapping.views.layout import positions
from mapping.views.palette import NO_DATA, Palette, label, palette
from mapping.views.render_map import map_placement, share_by_code
from mapping.views.render_network import STRONG_QUALITY, WEAK_QUALITY, _darker, _sizes

DETAIL_LIMIT = 300
"""Networks up to this many nodes are drawn in full, every node labelled."""

CITY_LABELS = 12
"""Organisations named in a capped (city-size) network picture: the top brokers."""

TABLE_ROWS = 60
"""Rows of the coverage table (worst first); the rest are counted in one sentence."""

LIST_ITEMS = 8
"""Items of the longer lists (brokers, taboo links, silent groups) before "and N more"."""

FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
     Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
)
"""TrueType fonts tried in order (Debian ``fonts-dejavu-core``): embedded, so Dutch
characters, "→" and "–" print on any machine. Without them reportlab's own Vera
font is used, and without that the PDF base font Helvetica ("→" becomes "->")."""


PAGE_W, PAGE_H = A4
MARGIN = 16 * mm

MESSAGES: Catalog = catalog.namespace("report_pdf")


def message(key: str, lang: str = "nl", **values: Any) -> str:
    """A message of this module's catalog in ``lang`` (for the page and the CLI)."""
    return translate(MESSAGES, key, lang, **values)


# --------------------------------------------------------------------------- fonts


@cache
def fonts(candidates: tuple[tuple[Path, Path], ...] = FONT_CANDIDATES) -> tuple[str, str, bool]:
    """Register the report's fonts once; returns ``(regular, bold, has_arrows)``.

    The first candidate pair whose files exist is embedded; else reportlab's
    bundled Vera; else Helvetica. ``has_arrows`` tells whether "→" has a glyph.
    """
    for regular, bold in candidates:
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("WkSans", str(regular)))
                pdfmetrics.registerFont(TTFont("WkSans-Bold", str(bold)))
                return "WkSans", "WkSans-Bold", True
            except Exception:  # a broken font file: try the next one
                continue
    try:
        import reportlab

        base = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("WkVera", str(base / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("WkVera-Bold", str(base / "VeraBd.ttf")))
        return "WkVera", "WkVera-Bold", False
    except Exception:  # no bundled fonts either: the PDF base fonts always exist
        return "Helvetica", "Helvetica-Bold", False


# --------------------------------------------------------------------------- public


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
    builder = _Builder(dataset, graph, placed, report, cov, lang=lang, hide_names=hide_names,
                       min_quality=min_quality, presentation=presentation)
    return builder.build(version=version, when=when or datetime.now(UTC))


def local_time(moment: datetime, lang: str = "nl") -> str:
    """``moment`` as the room reads clocks (Europe/Amsterdam; UTC without a zone database)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo("Europe/Amsterdam"))
    except Exception:  # no tz database: UTC is still right, and says so
        moment = moment.astimezone(UTC)
    pattern = "%d-%m-%Y %H:%M %Z" if normalise_lang(lang) == "nl" else "%Y-%m-%d %H:%M %Z"
    return moment.strftime(pattern)


# --------------------------------------------------------------------------- the document


class _Builder:
    """Collects the flowables of one report (one instance per PDF)."""

    def __init__(self, dataset: Dataset, graph: nx.Graph,
                 placed: Mapping[Hashable, tuple[float, float]], report: dict[str, Any],
                 cov: cov_mod.Coverage, *, lang: str, hide_names: bool,
                 min_quality: float | None, presentation: bool) -> None:
        self.dataset, self.graph, self.placed = dataset, graph, placed
        self.report, self.cov, self.lang = report, cov, lang
        self.hide_names, self.min_quality = hide_names, min_quality
        self.pal = palette(presentation)
        self.presentation = presentation
        self.font, self.bold, self.arrows = fonts(FONT_CANDIDATES)  # read now: tests swap it
        self.width = PAGE_W - 2 * MARGIN
        self.styles = self._styles()
        self.story: list[Any] = []

    # -- text helpers

    def t(self, key: str, **values: Any) -> str:
        return translate(MESSAGES, key, self.lang, **values)

    def clean(self, text: Any) -> str:
        """Plain text for a font: "→" spelled out when the font has no glyph for it."""
        text = "" if text is None else str(text)
        return text if self.arrows else text.replace("→", "->")

    def para(self, text: Any, style: str = "body") -> Paragraph:
        """A paragraph of plain text: escaped, so user data is never markup."""
        return Paragraph(escape(self.clean(text)), self.styles[style])

    def _styles(self) -> dict[str, ParagraphStyle]:
        text = colors.HexColor(self.pal.text)
        base = ParagraphStyle("body", fontName=self.font, fontSize=9.5, leading=12.5,
                              textColor=text, alignment=TA_LEFT, spaceAfter=3)
        return {
            "body": base,
            "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
            "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.6, spaceAfter=0),
            "cellb": ParagraphStyle("cellb", parent=base, fontName=self.bold, fontSize=8,
                                    leading=9.6, spaceAfter=0),
            "bullet": ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=0),
            "title": ParagraphStyle("title", parent=base, fontName=self.bold, fontSize=18,
                                    leading=22, spaceAfter=2),
            "h2": ParagraphStyle("h2", parent=base, fontName=self.bold, fontSize=12.5,
                                 leading=16, spaceBefore=9, spaceAfter=4),
            "h3": ParagraphStyle("h3", parent=base, fontName=self.bold, fontSize=10,
                                 leading=13, spaceBefore=5, spaceAfter=2),
            "big": ParagraphStyle("big", parent=base, fontName=self.bold, fontSize=20,
                                  leading=24, spaceAfter=0),
            "tile": ParagraphStyle("tile", parent=base, fontSize=8.5, leading=10.5,
                                   spaceAfter=0),
        }

    def heading(self, key: str, level: str = "h2") -> None:
        # Keep a heading with the start of its section: no heading alone at a page foot.
        self.story.append(CondPageBreak(40 * mm))
        self.story.append(self.para(self.t(key), level))

    def bullets(self, lines: list[str], limit: int | None = None) -> None:
        shown = lines if limit is None else lines[:limit]
        for line in shown:
            self.story.append(Paragraph(escape(self.clean(line)), self.styles["bullet"],
                                        bulletText="•"))
        if limit is not None and len(lines) > limit:
            self.story.append(self.para(self.t("more", n=len(lines) - limit), "small"))

    def number(self, value: float | int) -> str:
        return format_number(value, self.lang)

    # -- build

    def build(self, *, version: int | None, when: datetime) -> bytes:
        self.title()
        self.headline()
        self.classes()
        # The map before the gap sentences: it fits beside the figures on page one,
        # and the sentences flow on above the network.
        self.map()
        self.gaps()
        self.network()
        self.coverage_table()
        self.suggestions()
        self.brokers()
        self.topics()
        self.conditions()
        self.population()
        buffer = io.BytesIO()
        name = self.clean(self.dataset.name)
        header_left = name if version is None else f"{name} · {self.t('version', v=version)}"
        stamp = local_time(when, self.lang)
        doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                              topMargin=MARGIN + 6 * mm, bottomMargin=MARGIN + 4 * mm,
                              title=self.t("title", name=name), author="Wijknetwerk",
                              subject=header_left, creator="Wijknetwerk", invariant=True,
                              lang=self.lang)
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        canvas_class = _numbered_canvas(self, header_left, stamp)
        doc.build(self.story, canvasmaker=canvas_class)
        return buffer.getvalue()

    # -- sections

    def title(self) -> None:
        self.story.append(self.para(self.t("title", name=self.dataset.name), "title"))
        self.story.append(Spacer(1, 2))
        if self.min_quality is not None:
            self.story.append(self.para(self.t("threshold", t=self.min_quality), "small"))

    def headline(self) -> None:
        orgs = self.dataset.organisations
        formal = int((orgs["kind"] == "formal").sum())
        families = sum(v["families"] for v in self.report["summary"].values())
        share = self.report["share"]
        tiles = [
            (self.number(len(orgs)), self.t("organisations"),
             self.t("orgs_split", formal=formal, informal=len(orgs) - formal)),
            (self.number(len(self.dataset.parent_groups)), self.t("groups"), ""),
            (self.number(families), self.t("families"), self.t("families_detail")),
            (format_percent(share, self.lang) if share is not None else "–", self.t("share"),
             self.t("share_detail")),
        ]
        cells = [[self.para(big, "big"), self.para(title, "tile"), self.para(detail, "small")]
                 for big, title, detail in tiles]
        table = Table([cells], colWidths=[self.width / 4] * 4)
        table.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#d0d5dc")),
            ("INNERGRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#d0d5dc")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fafbfc")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]))
        self.story += [Spacer(1, 4), table, Spacer(1, 4)]

    def classes(self) -> None:
        self.heading("classes", "h3")
        rows = [["", self.para(self.t("col_class"), "cellb"),
                 self.para(self.t("col_groups"), "cellb"),
                 self.para(self.t("col_families"), "cellb")]]
        style = [("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#888888")),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for i, cls in enumerate(cov_mod.CLASSES, 1):
            s = self.report["summary"][cls]
            rows.append(["", self.para(self.t(cls), "cell"),
                         self.para(self.number(s["groups"]), "cell"),
                         self.para(self.number(s["families"]), "cell")])
            style.append(("BACKGROUND", (0, i), (0, i),
                          colors.HexColor(self.pal.coverage_colour(cls))))
        table = Table(rows, colWidths=[5 * mm, self.width - 55 * mm, 25 * mm, 25 * mm])
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def gaps(self) -> None:
        self.heading("gaps")
        if not self.report["gaps"]:
            self.story.append(self.para(self.t("no_gaps")))
            return
        self.bullets(list(self.report["gaps"]))

    def map(self) -> None:
        drawing = map_drawing(self.dataset, self.graph, self.cov, self.report, self.pal,
                              self.width, 108 * mm, self.font, self.lang)
        if drawing is None:
            self.heading("map")
            self.story.append(self.para(self.t("no_map")))
            return
        drawing.hAlign = "CENTER"
        legend = self._legend(self._map_legend())
        # The heading travels with its picture: never a heading alone at a page foot.
        self.story.append(KeepTogether([self.para(self.t("map"), "h2"), drawing,
                                        Spacer(1, 2), legend,
                                        self.para(self.t("map_note"), "small")]))

    def network(self) -> None:
        names = [b["id"] for b in broker_sentences(self.cov, self.report["brokers"], self.lang,
                                                   limit=CITY_LABELS)]
        n = self.graph.number_of_nodes()
        core = None if n <= DETAIL_LIMIT else largest_piece(self.graph)
        drawing = network_drawing(self.graph, self.placed, self.cov, self.pal, self.width,
                                  150 * mm, self.font, named=[g.org_node(i) for i in names],
                                  presentation=self.presentation, only=core)
        if drawing is None:
            self.heading("network")
            self.story.append(self.para(self.t("no_network")))
            return
        note = (self.t("network_note") if core is None
                else self.t("network_capped", n=n, k=CITY_LABELS, core=len(core),
                            left=n - len(core)))
        legend = self._legend(self._network_legend())
        self.story.append(KeepTogether([self.para(self.t("network"), "h2"), drawing,
                                        Spacer(1, 2), legend, self.para(note, "small")]))

    def coverage_table(self) -> None:
        self.heading("table")
        table = cov_mod.worst_first(cov_mod.coverage_table(self.cov))
        net = self.cov.network
        head = [self.t("col_group"), self.t("col_hood"), self.t("col_families"),
                self.t("col_coverage"), self.t("col_distance"), self.t("col_routes")]
        rows = [["", *(self.para(h, "cellb") for h in head)]]
        style = [("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#888888")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                 ("ROWBACKGROUNDS", (1, 1), (-1, -1),
                  [colors.white, colors.HexColor("#f5f6f8")])]
        for i, row in enumerate(table.head(TABLE_ROWS).itertuples(index=False), 1):
            families = "–" if pd.isna(row.families) else self.number(int(row.families))
            distance = "–" if pd.isna(row.distance) else self.number(int(row.distance))
            routes = self.number(int(row.routes))
            if row.fragile:
                routes = f"{routes} ({self.t('fragile')})"
            rows.append(["", self.para(row.name, "cell"),
                         self.para(net.hood(row.neighbourhood) or "–", "cell"),
                         self.para(families, "cell"),
                         self.para(label(row.coverage, self.lang), "cell"),
                         self.para(distance, "cell"), self.para(routes, "cell")])
            style.append(("BACKGROUND", (0, i), (0, i),
                          colors.HexColor(self.pal.coverage_colour(row.coverage))))
        widths = [4 * mm, 52 * mm, 36 * mm, 19 * mm, 27 * mm, 17 * mm]
        widths.append(self.width - sum(widths))
        grid = Table(rows, colWidths=widths, repeatRows=1)
        grid.setStyle(TableStyle(style))
        self.story.append(grid)
        if len(table) > TABLE_ROWS:
            self.story.append(Spacer(1, 3))
            self.story.append(self.para(self.t("table_more", n=len(table) - TABLE_ROWS),
                                        "small"))

    def suggestions(self) -> None:
        self.heading("suggestions")
        items = self.report["suggestions"]
        if not items:
            self.story.append(self.para(self.t("none")))
            return
        for i, item in enumerate(items, 1):
            self.story.append(Paragraph(escape(self.clean(item["explanation"])),
                                        self.styles["bullet"], bulletText=f"{i}."))

    def brokers(self) -> None:
        self.heading("brokers")
        found = broker_sentences(self.cov, self.report["brokers"], self.lang)
        if not found:
            self.story.append(self.para(self.t("no_brokers")))
            return
        for entry in found[:LIST_ITEMS]:
            head = f"{entry['name']} · {label(entry['kind'], self.lang)}"
            contact = self.cov.network.orgs.get(entry["id"], {}).get("contact")
            if not self.hide_names and contact:
                head += f" · {self.t('contact', contact=contact)}"
            block = [self.para(head, "h3")]
            block += [Paragraph(escape(self.clean(s)), self.styles["bullet"], bulletText="•")
                      for s in entry["sentences"]]
            self.story.append(KeepTogether(block))
        if len(found) > LIST_ITEMS:
            self.story.append(self.para(self.t("more", n=len(found) - LIST_ITEMS), "small"))

    def topics(self) -> None:
        self.heading("topics")
        rows = [[self.para(self.t(k), "cellb") for k in ("col_topic", "col_groups",
                                                           "col_families")]]
        style = [("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#888888"))]
        for i, (name, entry) in enumerate(self.report["topics"].items(), 1):
            text = topics.topic_label(name, self.lang)
            if entry["taboo"]:
                text = self.t("taboo_mark", label=text)
                style.append(("FONTNAME", (0, i), (-1, i), self.bold))
            rows.append([self.para(text, "cellb" if entry["taboo"] else "cell"),
                         self.para(self.number(len(entry["groups"])), "cell"),
                         self.para(self.number(entry["families"]), "cell")])
        grid = Table(rows, colWidths=[self.width - 50 * mm, 25 * mm, 25 * mm])
        grid.setStyle(TableStyle(style))
        self.story.append(grid)
        self.heading("taboo", "h3")
        net = self.cov.network
        support = topics.taboo_support(self.dataset, net)
        if support["silent"]:
            names = [f"{net.name(gid, is_group=True)} ({self.number(net.families(gid))})"
                     for gid in support["silent"][:LIST_ITEMS * 2]]
            more = len(support["silent"]) - len(names)
            text = self.t("taboo_silent", names=" · ".join(names))
            self.story.append(self.para(text))
            if more > 0:
                self.story.append(self.para(self.t("more", n=more), "small"))
        else:
            self.story.append(self.para(self.t("taboo_all")))
        if not support["links"]:
            self.story.append(self.para(self.t("no_taboo_links")))
            return
        lines = []
        for link in support["links"]:
            values = {"org": net.name(link["organisation"]),
                      "topic": topics.topic_label(link["topic"], self.lang),
                      "group": net.name(link["group"], is_group=True)}
            if link["partners"]:
                lines.append(self.t("taboo_partner", partners=cov_mod.join_names(
                    [net.name(p) for p in link["partners"]], self.lang), **values))
            elif link["candidates"]:
                lines.append(self.t("taboo_candidate", candidates=cov_mod.join_names(
                    [net.name(p) for p in link["candidates"][:3]], self.lang), **values))
            else:
                lines.append(self.t("taboo_alone", **values))
        self.bullets(lines, LIST_ITEMS)

    def conditions(self) -> None:
        self.heading("conditions")
        links = quality.link_quality(self.graph)
        rated = links[links["quality"].notna()]
        if rated.empty:
            self.story.append(self.para(self.t("conditions_none")))
            return
        self.story.append(self.para(self.t("conditions_rated", rated=len(rated),
                                           links=len(links))))
        rows = [[self.para(self.t(k), "cellb") for k in ("col_condition", "col_mean",
                                                           "col_rated")]]
        means = {}
        for c in CONDITIONS:
            values = rated[c].dropna()
            means[c] = float(values.mean()) if len(values) else None
            rows.append([self.para(self.t(c), "cell"),
                         self.para("–" if means[c] is None
                                   else format_number(means[c], self.lang, 1), "cell"),
                         self.para(self.number(len(values)), "cell")])
        grid = Table(rows, colWidths=[self.width - 50 * mm, 25 * mm, 25 * mm])
        grid.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6,
                                   colors.HexColor("#888888"))]))
        self.story.append(grid)
        known = {c: m for c, m in means.items() if m is not None}
        if known:
            # Rounded as quality._weakest_of does: a tie goes to the first condition.
            weakest = min(known, key=lambda c: (round(known[c], 9), CONDITIONS.index(c)))
            self.story.append(Spacer(1, 3))
            self.story.append(self.para(self.t("weakest", condition=self.t(weakest),
                                               mean=format_number(known[weakest], self.lang,
                                                                  1))))
        few = int(links["few_raters"].sum())
        if few:
            self.story.append(self.para(self.t("few_raters", n=few, min=quality.MIN_RATERS)))
        profile = quality.organisation_profile(self.graph, links)
        low = profile[profile["rated_links"] > 0].sort_values(["quality", "id"]).head(5)
        if len(low):
            items = [self.t("org_weakest", name=r.name if isinstance(r.name, str) else r.id,
                            mean=format_number(float(r.quality), self.lang, 1),
                            condition=self.t(r.weakest) if isinstance(r.weakest, str)
                            else "–")
                     for r in low.itertuples(index=False)]
            self.story.append(self.para(self.t("weakest_orgs", items="; ".join(items))))

    def population(self) -> None:
        self.heading("population")
        rows = population_rows(self.dataset.neighbourhoods, families_by_hood(self.report))
        lines = population_sentences(rows, self.lang)
        if rows is None:
            self.story.append(self.para(lines[0]))
            return
        self.bullets(lines, TABLE_ROWS)

    # -- legends

    def _map_legend(self) -> list[tuple[str, str, str | None, str]]:
        pal, lang = self.pal, self.lang
        items: list[tuple[str, str, str | None, str]] = []
        steps = len(pal.share_ramp)
        for i, colour in enumerate(pal.share_ramp):
            items.append(("rect", colour, "#888888", f"{format_percent(i / steps, lang)}–"
                          f"{format_percent((i + 1) / steps, lang)}"))
        items.append(("rect", NO_DATA, "#888888", self.t("no_data")))
        items += self._class_items("circle")
        items += self._org_items()
        return items

    def _network_legend(self) -> list[tuple[str, str, str | None, str]]:
        pal = self.pal
        weak, strong = (format_number(WEAK_QUALITY, self.lang),
                        format_number(STRONG_QUALITY, self.lang))
        items = self._class_items("triangle") + self._org_items(shapes=True)
        if self.graph.number_of_nodes() <= DETAIL_LIMIT:
            items.append(("line", pal.reach_edge, None, self.t("reach")))
        items += [("line", pal.collab_strong, None, self.t("collab_strong", strong=strong)),
                  ("line", pal.collab_medium, None,
                   self.t("collab_medium", weak=weak, strong=strong)),
                  ("dash", pal.collab_weak, None, self.t("collab_weak", weak=weak)),
                  ("dash", pal.collab_unrated, None, self.t("collab_unrated"))]
        return items

    def _class_items(self, shape: str) -> list[tuple[str, str, str | None, str]]:
        present = {gc.coverage for gc in self.cov.groups.values()}
        items: list[tuple[str, str, str | None, str]] = [
            (shape, self.pal.coverage_colour(c), "#ffffff", label(c, self.lang))
            for c in cov_mod.CLASSES if c in present]
        if any(gc.fragile for gc in self.cov.groups.values()):
            items.append((shape + "-fragile", "#ffffff", self.pal.text,
                          label("fragile", self.lang)))
        return items

    def _org_items(self, shapes: bool = False) -> list[tuple[str, str, str | None, str]]:
        present = sorted({(str(d.get("kind")), str(d.get("category")))
                          for _, d in self.graph.nodes(data=True) if d.get("type") == g.ORG})
        items = []
        for kind, cat in present:
            colour = self.pal.organisation(kind, cat)
            shape = ("square" if kind == "formal" else "circle") if shapes else "circle"
            border = self.pal.text if kind == "formal" else "#ffffff"
            items.append((shape, colour, border,
                          f"{label(kind, self.lang)} · {label(cat, self.lang)}"))
        return items

    def _legend(self, items: list[tuple[str, str, str | None, str]]) -> Drawing:
        """Legend entries flowed into rows (swatch + plain text, drawn as text)."""
        size, gap, line_h = 7.5, 9.0, 11.0
        x, rows, row = 0.0, [], []
        for item in items:
            text = self.clean(item[3])
            w = size + 3 + pdfmetrics.stringWidth(text, self.font, 7.5) + gap
            if x + w > self.width and row:
                rows.append(row)
                row, x = [], 0.0
            row.append((x, item, text))
            x += w
        if row:
            rows.append(row)
        drawing = Drawing(self.width, line_h * len(rows) + 2)
        for r, entries in enumerate(rows):
            y = line_h * (len(rows) - r - 1) + 2
            for x0, (shape, colour, border, _), text in entries:
                drawing.add(_swatch(shape, x0, y, size, colour, border))
                drawing.add(String(x0 + size + 3, y + 1, text, fontName=self.font,
                                   fontSize=7.5, fillColor=colors.HexColor(self.pal.text)))
        return drawing


def _swatch(shape: str, x: float, y: float, size: float, colour: str,
            border: str | None) -> Any:
    fill = colors.HexColor(colour)
    stroke = colors.HexColor(border) if border else None
    fragile = shape.endswith("-fragile")
    shape = shape.removesuffix("-fragile")
    if shape in ("line", "dash"):
        path = VPath(strokeColor=fill, strokeWidth=1.6, fillColor=None,
                     strokeDashArray=[2.5, 1.5] if shape == "dash" else None)
        path.moveTo(x, y + size / 2)
        path.lineTo(x + size, y + size / 2)
        return path
    common = {"fillColor": fill, "strokeColor": stroke or fill,
              "strokeWidth": 1.2 if fragile else 0.6,
              "strokeDashArray": [1.5, 1] if fragile else None}
    if shape == "rect":
        return Rect(x, y, size, size, **common)
    if shape == "square":
        return Rect(x + 0.7, y + 0.7, size - 1.4, size - 1.4, **common)
    if shape == "triangle":
        return Polygon([x, y, x + size, y, x + size / 2, y + size], **common)
    return Circle(x + size / 2, y + size / 2, size / 2, **common)


def _numbered_canvas(builder: _Builder, header_left: str, stamp: str) -> type:
    """A canvas class that writes the header and "page n of N" on every page.

    The total is known only at the end, so page states are kept and the
    header/footer drawn when the document is saved (reportlab's usual recipe).
    """
    font, bold, t = builder.font, builder.bold, builder.t
    text_colour = colors.HexColor(builder.pal.text)
    made = t("made", when=stamp)

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, 1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setFillColor(text_colour)
            top = PAGE_H - MARGIN
            right_w = pdfmetrics.stringWidth(made, font, 8)
            room = PAGE_W - 2 * MARGIN - right_w - 12
            self.setFont(bold, 8.5)
            self.drawString(MARGIN, top, _fit(header_left, bold, 8.5, room))
            self.setFont(font, 8)
            self.drawRightString(PAGE_W - MARGIN, top, made)
            self.setStrokeColor(colors.HexColor("#b0b6bf"))
            self.setLineWidth(0.5)
            self.line(MARGIN, top - 3, PAGE_W - MARGIN, top - 3)
            self.line(MARGIN, MARGIN + 6, PAGE_W - MARGIN, MARGIN + 6)
            self.setFont(font, 7.5)
            self.drawString(MARGIN, MARGIN - 3, _fit(f"{t('product')} · {header_left}", font,
                                                     7.5, PAGE_W - 2 * MARGIN - 80))
            self.drawRightString(PAGE_W - MARGIN, MARGIN - 3, t("page", n=number, total=total))
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with "…" so it fits ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits, by bisection (names can be 10,000 chars)
        mid = (low + high + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low] + "…"


# --------------------------------------------------------------------------- pictures


def map_drawing(dataset: Dataset, graph: nx.Graph, cov: cov_mod.Coverage,
                report: dict[str, Any], pal: Palette, width: float, max_height: float,
                font: str, lang: str = "nl") -> Drawing | None:
    """The district map as a vector drawing (``None`` when nothing has a place).

    Polygons coloured by the share ramp, groups and organisations placed as on
    the dashboard's map (:mod:`mapping.views.render_map`), an equirectangular
    projection around the district's middle (exact enough at district scale).
    """
    features = list((dataset.neighbourhoods or {}).get("features") or [])
    # The same places as the dashboard's map (own coordinates, centroid rings, beside reachers).
    placed = map_placement(graph, dataset.neighbourhoods).at
    groups_at = {n: p for n, p in placed.items() if graph.nodes[n].get("type") == g.GROUP}
    orgs_at = {n: p for n, p in placed.items() if graph.nodes[n].get("type") == g.ORG}
    rings = [(f, ring) for f in features for ring in _outer_rings(f.get("geometry") or {})]
    lats = [p[0] for p in (*groups_at.values(), *orgs_at.values())]
    lons = [p[1] for p in (*groups_at.values(), *orgs_at.values())]
    for _, ring in rings:
        lons += [p[0] for p in ring]
        lats += [p[1] for p in ring]
    lats = [v for v in lats if math.isfinite(v)]
    lons = [v for v in lons if math.isfinite(v)]
    if not lats or not lons:
        return None
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * kx, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    pad = 6.0
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = span_y * scale + 2 * pad
    off_x = (width - span_x * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (off_x + (lon - min(lons)) * kx * scale, pad + (lat - min(lats)) * scale)

    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f4f1ea"),
                     strokeColor=None))
    share = share_by_code(report["neighbourhoods"]) or {}
    outline = colors.HexColor(pal.text)
    for feature, ring in rings:
        props = feature.get("properties") or {}
        code, name = str(props.get("code") or ""), str(props.get("name") or "")
        value = share.get(code, share.get(name))
        points = [c for lon, lat, *_ in ring for c in xy(lat, lon)]
        drawing.add(Polygon(points, fillColor=colors.HexColor(pal.share(value)),
                            fillOpacity=0.55, strokeColor=outline,
                            strokeWidth=0.6, strokeOpacity=0.8))
    markers = len(groups_at) + len(orgs_at)
    # Leaflet's pixel radii, shrunk with the number of markers so a city stays readable.
    k = 0.42 if markers <= DETAIL_LIMIT else max(0.1, 0.42 * math.sqrt(DETAIL_LIMIT / markers))
    by_node = {g.group_node(gid): gc for gid, gc in cov.groups.items()}
    top = max((cov_mod.family_count(graph.nodes[n].get("families")) for n in groups_at),
              default=0)
    for node, (lat, lon) in groups_at.items():
        gc = by_node.get(node)
        families = cov_mod.family_count(graph.nodes[node].get("families"))
        radius = ((7 + 22 * math.sqrt(families / top)) if top else 10) * k
        fragile = bool(gc and gc.fragile)
        x, y = xy(lat, lon)
        drawing.add(Circle(x, y, radius,
                           fillColor=colors.HexColor(pal.coverage_colour(
                               gc.coverage if gc else None)), fillOpacity=0.85,
                           strokeColor=colors.HexColor(pal.text if fragile else "#ffffff"),
                           strokeWidth=(2.0 if fragile else 1.0) * max(k, 0.25) * 2,
                           strokeDashArray=[2, 1.5] if fragile else None))
    for node, (lat, lon) in orgs_at.items():
        data = graph.nodes[node]
        formal = data.get("kind") == "formal"
        x, y = xy(lat, lon)
        drawing.add(Circle(x, y, 6 * k,
                           fillColor=colors.HexColor(pal.organisation(data.get("kind"),
                                                                      data.get("category"))),
                           strokeColor=colors.HexColor(pal.text if formal else "#ffffff"),
                           strokeWidth=(1.4 if formal else 0.6) * max(k, 0.25) * 2.4))
    if len(features) <= 40:
        for feature in features:
            props = feature.get("properties") or {}
            name = str(props.get("name") or props.get("code") or "")
            ring = max(_outer_rings(feature.get("geometry") or {}), key=len, default=None)
            if not ring or not name:
                continue
            # Top edge of the polygon: the groups sit round the centroid.
            lat = max(p[1] for p in ring)
            lon = sum(p[0] for p in ring) / len(ring)
            x, y = xy(lat, lon)
            label_text = _fit(name, font, 7.5, width / 2)
            drawing.add(String(x, y - 10, label_text, fontName=font, fontSize=7.5,
                               textAnchor="middle", fillColor=colors.HexColor("#333333")))
    return drawing


def _outer_rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon" and coords:
        return [coords[0]]
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def network_drawing(graph: nx.Graph, placed: Mapping[Hashable, tuple[float, float]],
                    cov: cov_mod.Coverage, pal: Palette, width: float, max_height: float,
                    font: str, *, named: list[Hashable] | None = None,
                    presentation: bool = False,
                    only: set[Hashable] | None = None) -> Drawing | None:
    """The network as a vector drawing from the dashboard's positions and styles.

    Up to :data:`DETAIL_LIMIT` nodes: every edge and every label. Larger
    (a city): every node without label, only collaborations as hairlines, and
    labels for the ``named`` nodes only (see the module docstring); ``only``
    limits the picture (and its extent) to those nodes. Edges of
    one style are batched into one path, so a city's 30,000 lines cost one
    drawing operation per style.
    """
    nodes = [n for n in graph if n in placed and (only is None or n in only)]
    if not nodes:
        return None
    detail = graph.number_of_nodes() <= DETAIL_LIMIT
    keep = set(nodes)
    xs = [float(placed[n][0]) for n in nodes]
    ys = [float(placed[n][1]) for n in nodes]
    sizes = _sizes(graph, None, presentation)
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    pad = 14.0 if detail else 6.0
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = span_y * scale + 2 * pad
    off_x = (width - span_x * scale) / 2
    min_x, max_y = min(xs), max(ys)

    def xy(node: Hashable) -> tuple[float, float]:
        x, y = placed[node]
        # Canvas y grows downwards, PDF y upwards.
        return (off_x + (float(x) - min_x) * scale, pad + (max_y - float(y)) * scale)

    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor(pal.background),
                     strokeColor=colors.HexColor("#d0d5dc"), strokeWidth=0.5))
    by_node = {g.group_node(gid): gc for gid, gc in cov.groups.items()}
    px = scale if detail else max(scale, 0.05)
    # Edges: one path per (colour, width, dashed), reach lines first as on screen.
    batches: dict[tuple[int, str, float, bool], VPath] = {}
    for u, v, data in graph.edges(data=True):
        if u not in keep or v not in keep or u == v:
            continue
        if data.get("type") == g.COLLABORATION:
            q = data.get("quality")
            if q is None:
                colour, dashed = pal.collab_unrated, True
            else:
                q = float(q)
                colour = (pal.collab_strong if q >= STRONG_QUALITY
                          else pal.collab_medium if q >= WEAK_QUALITY else pal.collab_weak)
                dashed = q < WEAK_QUALITY
            w = (1.5 + (q if q is not None else 1.0) * (1.0 if presentation else 0.7)) * px
            order = 1
        else:
            if not detail:
                continue
            colour, dashed = pal.reach_edge, False
            strength = data.get("strength")
            try:
                s = float(strength) if strength is not None else 0.0
                s = 0.0 if math.isnan(s) else s
            except (TypeError, ValueError):
                s = 0.0
            w = (1.0 + s * 0.4) * px
            order = 0
        w = round(max(w, 0.3), 1) if detail else 0.25
        key = (order, colour, w, dashed)
        path = batches.get(key)
        if path is None:
            path = batches[key] = VPath(
                strokeColor=colors.HexColor(colour), strokeWidth=w, fillColor=None,
                strokeOpacity=1.0 if detail else 0.55,
                strokeDashArray=[max(8 * px, 1.2), max(6 * px, 0.9)] if dashed else None)
        path.moveTo(*xy(u))
        path.lineTo(*xy(v))
    for key in sorted(batches, key=lambda k: (k[0], k[1], k[2], k[3])):
        drawing.add(batches[key])
    shapes = Group()
    labels = Group()
    label_size = max(3.6, min(7.0, 14 * scale)) if detail else 6.0
    text = colors.HexColor(pal.text)
    named_set = set(named or ())
    for node in nodes:
        data = graph.nodes[node]
        x, y = xy(node)
        r = max(sizes.get(node, 8.0) * scale, 0.6 if not detail else 1.5)
        if data.get("type") == g.GROUP:
            gc = by_node.get(node)
            colour = pal.coverage_colour(gc.coverage if gc else None)
            fragile = bool(gc and gc.fragile)
            border = pal.text if fragile else _darker(colour)
            shape: Any = Polygon([x - r, y - r * 0.8, x + r, y - r * 0.8, x, y + r * 0.95],
                                 fillColor=colors.HexColor(colour),
                                 strokeColor=colors.HexColor(border),
                                 strokeWidth=(4 if fragile else 1) * px if detail else 0.2)
        else:
            colour = pal.organisation(data.get("kind"), data.get("category"))
            common = {"fillColor": colors.HexColor(colour),
                      "strokeColor": colors.HexColor(_darker(colour)),
                      "strokeWidth": px * 1.0 if detail else 0.2}
            if data.get("kind") == "formal":
                side = r * 0.8
                shape = Rect(x - side, y - side, 2 * side, 2 * side, **common)
            else:
                shape = Circle(x, y, r, **common)
        shapes.add(shape)
        if detail or node in named_set:
            name = str(data.get("name") or data.get("id") or node)
            name = _fit(name, font, label_size, 40 * label_size)
            ly = y - r - label_size if detail else y + r + 1.5
            if not detail:  # a white box keeps a city label readable over the hairlines
                w = pdfmetrics.stringWidth(name, font, label_size)
                labels.add(Rect(x - w / 2 - 1, ly - 1.5, w + 2, label_size + 2,
                                fillColor=colors.white, fillOpacity=0.85, strokeColor=None))
            labels.add(String(x, ly, name, fontName=font, fontSize=label_size,
                              textAnchor="middle", fillColor=text))
    drawing.add(shapes)
    drawing.add(labels)
    return drawing


def largest_piece(graph: nx.Graph) -> set[Hashable]:
    """The nodes of the largest connected piece of ``graph``.

    A city's layout puts its connected network in the middle and the small
    separate pieces on rings far outside (at a 1x city: 5,853 of 6,500 nodes
    within a twelfth of the extent); fitting the picture to the whole extent
    would shrink the network to a blot, so the city picture shows this piece.
    """
    return set(max(nx.connected_components(graph), key=len, default=set()))


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF made by :func:`report_pdf` (for the CLI's message)."""
    # reportlab writes one "/Type /Page" object per page (and "/Type /Pages" once).
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))
