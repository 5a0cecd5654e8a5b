"""The district report's page layout: fonts, paragraph styles, A4 pages with header and footer.

:class:`Layout` holds what every section of the report needs (the escaping
paragraph helpers, the styles, the story of flowables) and builds the PDF:
each page gets the dataset's name, version and the moment the report was made
(Dutch local time), and "page n of N". The sections themselves are in
:mod:`mapping.views.pdf_sections`.

User text is data: reportlab's ``Paragraph`` parses an XML-like markup, so
:meth:`Layout.para` escapes every string first; the header and footer are
drawn with ``drawString``, which has no markup at all.
"""

from __future__ import annotations

import io
from collections.abc import Hashable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, PageTemplate, Paragraph

from mapping import i18n
from mapping.analysis import coverage as cov_mod
from mapping.domain.dataset import Dataset
from mapping.i18n import format_number
from mapping.views.palette import palette
from mapping.views.pdf_pictures import fit_text
from mapping.views.pdf_text import text

FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
     Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
)
"""TrueType fonts tried in order (Debian ``fonts-dejavu-core``): embedded, so Dutch
characters, "→" and "–" print on any machine. Without them reportlab's own Vera
font is used, and without that the PDF base font Helvetica ("→" becomes "->")."""


PAGE_W, PAGE_H = A4
MARGIN = 16 * mm


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



def local_time(moment: datetime, lang: str = "nl") -> str:
    """``moment`` as the room reads clocks, with its zone (``01-12-2026 11:00 CET``).

    :func:`mapping.i18n.format_datetime` (Europe/Amsterdam, a naive moment is UTC)
    in the catalog's ``common.date_time`` pattern; the zone is added because a
    printed report is read later and elsewhere.
    """
    return i18n.format_datetime(moment, lang, f"{i18n.t('common.date_time', lang)} z")


class Layout:
    """Collects the flowables of one report (one instance per PDF) and builds the PDF.

    Subclasses write the story in :meth:`compose`.
    """

    def __init__(self, dataset: Dataset, graph: nx.Graph,
                 placed: Mapping[Hashable, tuple[float, float]], report: dict[str, Any],
                 cov: cov_mod.Coverage, *, lang: str, hide_names: bool,
                 min_quality: float | None, presentation: bool,
                 font_candidates: tuple[tuple[Path, Path], ...] = FONT_CANDIDATES) -> None:
        self.dataset, self.graph, self.placed = dataset, graph, placed
        self.report, self.cov, self.lang = report, cov, lang
        self.hide_names, self.min_quality = hide_names, min_quality
        self.pal = palette(presentation)
        self.presentation = presentation
        self.font, self.bold, self.arrows = fonts(font_candidates)
        self.width = PAGE_W - 2 * MARGIN
        self.styles = self._styles()
        self.story: list[Any] = []

    # -- text helpers

    def t(self, key: str, **values: Any) -> str:
        """The report's text ``key`` in the report's language."""
        return text(key, self.lang, **values)

    def clean(self, text: Any) -> str:
        """Plain text for a font: "→" spelled out when the font has no glyph for it."""
        text = "" if text is None else str(text)
        return text if self.arrows else text.replace("→", "->")

    def para(self, text: Any, style: str = "body") -> Paragraph:
        """A paragraph of plain text: escaped, so user data is never markup."""
        return Paragraph(escape(self.clean(text)), self.styles[style])

    def _styles(self) -> dict[str, ParagraphStyle]:
        ink = colors.HexColor(self.pal.text)
        base = ParagraphStyle("body", fontName=self.font, fontSize=9.5, leading=12.5,
                              textColor=ink, alignment=TA_LEFT, spaceAfter=3)
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

    def compose(self) -> None:
        """Append the report's sections to :attr:`story` (see ``pdf_sections.Builder``)."""
        raise NotImplementedError

    def build(self, *, version: int | None, when: datetime) -> bytes:
        """The PDF: the composed story on numbered A4 pages."""
        self.compose()
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


def _numbered_canvas(builder: Layout, header_left: str, stamp: str) -> type:
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
            self.drawString(MARGIN, top, fit_text(header_left, bold, 8.5, room))
            self.setFont(font, 8)
            self.drawRightString(PAGE_W - MARGIN, top, made)
            self.setStrokeColor(colors.HexColor("#b0b6bf"))
            self.setLineWidth(0.5)
            self.line(MARGIN, top - 3, PAGE_W - MARGIN, top - 3)
            self.line(MARGIN, MARGIN + 6, PAGE_W - MARGIN, MARGIN + 6)
            self.setFont(font, 7.5)
            self.drawString(MARGIN, MARGIN - 3, fit_text(f"{t('product')} · {header_left}", font,
                                                     7.5, PAGE_W - 2 * MARGIN - 80))
            self.drawRightString(PAGE_W - MARGIN, MARGIN - 3, t("page", n=number, total=total))
            self.restoreState()

    return NumberedCanvas
