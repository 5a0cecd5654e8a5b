"""The district report's sections, in the order they are printed.

:class:`Builder` adds to :class:`mapping.views.pdf_layout.Layout` the
sections (headline figures, coverage classes, map, gaps, network, coverage
table, suggestions, brokers, topics, the four conditions, population) and the
legends under the two pictures. Every string that can hold user data reaches
the PDF through ``para``/``bullets`` (escaped) or a picture's ``String``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pandas as pd
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from mapping.analysis import coverage as cov_mod
from mapping.analysis import coverage_summary as cov_summary
from mapping.analysis import graph as g
from mapping.analysis import quality, topics
from mapping.analysis.population import families_by_hood, population_rows, population_sentences
from mapping.analysis.roles import broker_sentences
from mapping.domain.dataset import CONDITIONS
from mapping.i18n import format_number, format_percent
from mapping.views.palette import NO_DATA, label
from mapping.views.pdf_layout import Layout
from mapping.views.pdf_pictures import (
    CITY_LABELS,
    DETAIL_LIMIT,
    largest_piece,
    map_drawing,
    network_drawing,
    swatch,
)
from mapping.views.render_network import STRONG_QUALITY, WEAK_QUALITY

TABLE_ROWS = 60
"""Rows of the coverage table (worst first); the rest are counted in one sentence."""

LIST_ITEMS = 8
"""Items of the longer lists (brokers, taboo links, silent groups) before "and N more"."""


class Builder(Layout):
    """One report: the sections in print order, then :meth:`Layout.build` makes the PDF."""

    def compose(self) -> None:
        """The sections, in print order."""
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
        table = cov_summary.worst_first(cov_summary.coverage_table(self.cov))
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
            text = f"{self.t('taboo_silent')} {' · '.join(names)}."
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
                lines.append(self.t("taboo_partner", partners=cov_summary.join_names(
                    [net.name(p) for p in link["partners"]], self.lang), **values))
            elif link["candidates"]:
                lines.append(self.t("taboo_candidate", candidates=cov_summary.join_names(
                    [net.name(p) for p in link["candidates"][:3]], self.lang), **values))
            else:
                lines.append(self.t("taboo_alone", **values))
        self.bullets(lines, LIST_ITEMS)

    def conditions(self) -> None:
        self.heading("conditions")
        links = quality.link_quality(self.dataset)
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
        profile = quality.organisation_profile(self.dataset, links)
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
                drawing.add(swatch(shape, x0, y, size, colour, border))
                drawing.add(String(x0 + size + 3, y + 1, text, fontName=self.font,
                                   fontSize=7.5, fillColor=colors.HexColor(self.pal.text)))
        return drawing
