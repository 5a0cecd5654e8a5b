"""The district report's own texts, in Dutch and English.

Labels the dashboard already has (column heads, the four conditions, the
taboo-topic sentences...) are not copied here: :func:`text` takes them from
:data:`mapping.ui_text.TEXT` (:data:`SHARED` lists them), so the report and
the pages always say the same.
"""

from __future__ import annotations

from typing import Any

from mapping import ui_text
from mapping.i18n import Catalog, translate

MESSAGES: Catalog = {
    "nl": {
        "title": "Wijkrapport {name}",
        "made": "Gemaakt op {when}",
        "version": "versie {v}",
        "page": "pagina {n} van {total}",
        "product": "Wijknetwerk · wijkrapport",
        "threshold": "Alleen samenwerkingen met een gemiddelde score van minstens {t} tellen "
                     "mee.",
        "families_detail": "geschat, in de bekende groepen",
        "share": "Gezinnen met een route",
        "share_detail": "naar professionele hulp",
        "classes": "Dekking per klasse",
        "col_class": "Klasse",
        "direct": "direct bereikt door een professional",
        "bridged": "via informele partners verbonden met professionele hulp",
        "informal_only": "alleen informeel bereikt, zonder route naar professionele hulp",
        "unreached": "door niemand bereikt",
        "gaps": "Grootste gaten",
        "no_gaps": "Geen gaten: elke groep heeft minstens twee routes naar professionele hulp.",
        "map": "Kaart: aandeel gezinnen met een route, per wijk",
        "no_map": "Geen kaart: de gegevens hebben geen wijkgrenzen en geen coördinaten.",
        "map_note": "Wijken gekleurd naar het aandeel gezinnen met een route naar "
                    "professionele hulp; cirkels: oudergroepen (grootte: gezinnen, kleur: "
                    "dekking), stippen: organisaties (formeel met dikke rand).",
        "network": "Netwerk",
        "network_note": "Dezelfde posities en kleuren als in het dashboard. Vierkant: "
                        "formeel, rond: informeel, driehoek: oudergroep; grootte: aantal "
                        "gezinnen.",
        "network_capped": "Dezelfde posities en kleuren als in het dashboard. Met {n} knopen "
                          "toont de tekening het verbonden netwerk ({core} knopen; {left} "
                          "knopen in losse stukjes zijn weggelaten), elke knoop zonder naam "
                          "en alleen de samenwerkingen (geen bereiklijnen); alleen de {k} "
                          "organisaties waar de dekking het meest van afhangt zijn benoemd.",
        "no_network": "Geen netwerk: de gegevens hebben geen organisaties.",
        "table": "Dekking per groep, grootste gaten eerst",
        "col_group": "Groep", "col_hood": "Wijk",
        "fragile": "kwetsbaar",
        "table_more": "En nog {n} groepen met een betere dekking; de volledige tabel staat "
                      "in het dashboard (Gaten in de dekking).",
        "none": "Geen.",
        "brokers": "Organisaties waar de dekking van afhangt",
        "no_brokers": "Geen organisatie waarvan het vertrek een groep zijn route kost.",
        "contact": "contact: {contact}",
        "more": "En nog {n}.",
        "topics": "Thema's",
        "col_topic": "Thema",
        "conditions": "De vier voorwaarden voor samenwerking",
        "col_mean": "Gemiddelde", "col_rated": "Beoordeeld",
        "conditions_rated": "{rated} van de {links} samenwerkingen zijn beoordeeld; "
                            "gemiddelden over de beoordeelde samenwerkingen (schaal 1–5).",
        "conditions_none": "Geen enkele samenwerking is beoordeeld op de vier voorwaarden.",
        "weakest": "Zwakste voorwaarde: {condition} (gemiddeld {mean}).",
        "few_raters": "{n} samenwerkingen hebben minder dan {min} beoordelaars: hun "
                      "gemiddelden zijn indicatief en kunnen een respondent herkenbaar maken.",
        "weakest_orgs": "Organisaties met de laagste gemiddelde score: {items}.",
        "org_weakest": "{name} ({mean}, zwakst: {condition})",
        "population": "Bevolking van de wijk",
        "legend_share": "aandeel met route",
        "no_data": "geen gegevens",
        "reach": "bereik",
        "collab_strong": "samenwerking ≥ {strong}",
        "collab_medium": "samenwerking {weak}–{strong}",
        "collab_weak": "zwak (< {weak})",
        "collab_unrated": "niet beoordeeld",
        "download": "Download het wijkrapport (PDF)",
        "building": "Het wijkrapport wordt gemaakt…",
        "failed": "Het wijkrapport kon niet worden gemaakt: {error}",
        "written": "Wijkrapport geschreven naar {path} ({pages} pagina's).",
        "write_failed": "Kan het wijkrapport niet schrijven naar {path}: {error}",
    },
    "en": {
        "title": "District report {name}",
        "made": "Made on {when}",
        "version": "version {v}",
        "page": "page {n} of {total}",
        "product": "Wijknetwerk · district report",
        "threshold": "Only collaborations with a mean score of at least {t} count.",
        "families_detail": "estimated, in the known groups",
        "share": "Families with a route",
        "share_detail": "to professional help",
        "classes": "Coverage per class",
        "col_class": "Class",
        "direct": "reached directly by a professional",
        "bridged": "linked to professional help through informal partners",
        "informal_only": "reached only informally, no route to professional help",
        "unreached": "reached by nobody",
        "gaps": "Largest gaps",
        "no_gaps": "No gaps: every group has at least two routes to professional help.",
        "map": "Map: share of families with a route, per neighbourhood",
        "no_map": "No map: the data has no neighbourhood polygons and no coordinates.",
        "map_note": "Neighbourhoods coloured by the share of families with a route to "
                    "professional help; circles: parent groups (size: families, colour: "
                    "coverage), dots: organisations (formal with a thick border).",
        "network": "Network",
        "network_note": "The same positions and colours as on the dashboard. Square: formal, "
                        "round: informal, triangle: parent group; size: number of families.",
        "network_capped": "The same positions and colours as on the dashboard. With {n} nodes "
                          "the picture shows the connected network ({core} nodes; {left} "
                          "nodes in separate small pieces are left out), every node without "
                          "its name and only the collaborations (no reach lines); only the "
                          "{k} organisations the coverage depends on most are named.",
        "no_network": "No network: the data has no organisations.",
        "table": "Coverage per group, largest gaps first",
        "col_group": "Group", "col_hood": "Neighbourhood",
        "fragile": "fragile",
        "table_more": "And {n} more groups with better coverage; the full table is on the "
                      "dashboard (Gaps in coverage).",
        "none": "None.",
        "brokers": "Organisations the coverage depends on",
        "no_brokers": "No organisation whose departure costs a group its route.",
        "contact": "contact: {contact}",
        "more": "And {n} more.",
        "topics": "Topics",
        "col_topic": "Topic",
        "conditions": "The four conditions for collaboration",
        "col_mean": "Mean", "col_rated": "Rated",
        "conditions_rated": "{rated} of the {links} collaborations are rated; means over the "
                            "rated collaborations (scale 1–5).",
        "conditions_none": "No collaboration is rated on the four conditions.",
        "weakest": "Weakest condition: {condition} (mean {mean}).",
        "few_raters": "{n} collaborations have fewer than {min} raters: their means are "
                      "indicative and could identify a respondent.",
        "weakest_orgs": "Organisations with the lowest mean score: {items}.",
        "org_weakest": "{name} ({mean}, weakest: {condition})",
        "population": "The district's population",
        "legend_share": "share with a route",
        "no_data": "no data",
        "reach": "reach",
        "collab_strong": "collaboration ≥ {strong}",
        "collab_medium": "collaboration {weak}–{strong}",
        "collab_weak": "weak (< {weak})",
        "collab_unrated": "not rated",
        "download": "Download district report (PDF)",
        "building": "Building the district report…",
        "failed": "The district report could not be made: {error}",
        "written": "District report written to {path} ({pages} pages).",
        "write_failed": "Cannot write the district report to {path}: {error}",
    },
}

"""The report's texts; :data:`SHARED` keys come from :data:`mapping.ui_text.TEXT`."""

SHARED: tuple[str, ...] = (
    "organisations",
    "orgs_split",
    "groups",
    "families",
    "col_groups",
    "col_families",
    "col_coverage",
    "col_distance",
    "col_routes",
    "suggestions",
    "taboo_mark",
    "taboo",
    "taboo_all",
    "taboo_partner",
    "taboo_candidate",
    "taboo_alone",
    "no_taboo_links",
    "col_condition",
    "trust",
    "shared_goals",
    "role_clarity",
    "equality",
    "taboo_silent",
)
"""Keys the report takes from the dashboard's catalog instead of keeping a copy."""


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """The report's text ``key`` in ``lang``: its own catalog first, then the dashboard's."""
    catalog = MESSAGES if key in MESSAGES["nl"] else ui_text.TEXT
    return translate(catalog, key, lang, **values)
