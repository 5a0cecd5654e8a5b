"""The data format, declared once.

Every table a district is made of, every column, its Dutch header, the other
headers people use for it, its type, whether it is required and its allowed
range. The same declaration drives loading (:mod:`mapping.io.load`), validation
messages (:mod:`mapping.io.validate`), the templates (:mod:`mapping.io.write`) and
the README's format table (``python -m mapping schema --markdown``).

Header matching ignores case, accents, spaces, hyphens, underscores and
apostrophes (:func:`normalise_header`): ``"Thema's"`` matches ``themas`` and
``"Gezamenlijke doelen"`` matches ``gezamenlijke_doelen``.

Column types (``Column.dtype``):

``id``        identifier of a row; text; required and unique in its table
``ref``       identifier of a row in another table (``Column.refers_to``)
``text``      free text; an empty cell is ``None``
``kind``      ``formal`` or ``informal`` (``formeel``/``informeel`` accepted)
``category``  a word from :data:`CATEGORIES` (others are kept, with a warning)
``score``     a number from 1 to 5, decimals allowed (decimal comma in ``;`` files)
``count``     a whole number, at least 0
``lat``/``lon``  WGS84 degrees
``rd``        RD New (EPSG:28992) metres, converted to ``lat``/``lon``
``list``      several values in one cell, separated by ``|``
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from mapping import i18n
from mapping.domain.dataset import TABLES
from mapping.domain.vocabulary import (  # noqa: F401  (re-exported: callers import them from here)
    CATEGORIES,
    CATEGORY_ALIASES,
    FORM_ALIASES,
    FORMAL_CATEGORIES,
    FORMS,
    INFORMAL_CATEGORIES,
    KINDS,
    TOPIC_ALIASES,
    canonical_category,
    canonical_form,
    canonical_kind,
    canonical_topic,
    normalise_header,
    normalise_word,
)

LIST_SEPARATOR = "|"
"""Separator of the values in a list cell (``Arabisch|Somalisch``)."""


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes
    ----------
    name
        Canonical English name, as it appears in a :class:`~mapping.domain.dataset.Dataset`.
    dutch
        The Dutch header used in templates and Dutch exports.
    aliases
        Further headers accepted for this column (English and Dutch).
    dtype
        One of the types in the module docstring.
    required
        A value must be present in every row (and the column in the file).
    minimum, maximum
        Allowed range for numbers (inclusive), or ``None``.
    refers_to
        For ``ref`` columns: the table whose ``id`` this column names.
    help_nl, help_en
        One line for people: what goes in the column.
    """

    name: str
    dutch: str
    aliases: tuple[str, ...] = ()
    dtype: str = "text"
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    refers_to: str | None = None
    help_nl: str = ""
    help_en: str = ""

    def headers(self) -> tuple[str, ...]:
        """Every accepted header, canonical name first."""
        return (self.name, self.dutch, *self.aliases)

    def help(self, lang: str) -> str:
        """The column's explanation in ``lang`` (``nl`` or ``en``)."""
        return self.help_en if lang == "en" else self.help_nl


@dataclass(frozen=True)
class TableSchema:
    """One table of a district: its file or sheet names and its columns.

    Attributes
    ----------
    name
        Canonical English name (one of :data:`mapping.domain.dataset.TABLES`).
    dutch
        Dutch file and sheet name (``organisaties``...).
    aliases
        Further accepted file or sheet names.
    columns
        The declared columns, in output order.
    required
        Whether a dataset without this table is an error (otherwise a warning
        and an empty table).
    key
        Columns that must be unique together (``("id",)``), or ``()``.
    """

    name: str
    dutch: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    key: tuple[str, ...] = ()
    help_nl: str = ""
    help_en: str = ""

    def names(self) -> tuple[str, ...]:
        """Every accepted file or sheet name, canonical first."""
        return (self.name, self.dutch, *self.aliases)

    def column(self, name: str) -> Column:
        """The column called ``name`` (canonical name)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def output_columns(self) -> tuple[str, ...]:
        """Canonical columns of the validated table (RD ``x``/``y`` become ``lat``/``lon``)."""
        return tuple(c.name for c in self.columns if c.dtype != "rd")

    def help(self, lang: str) -> str:
        """The table's explanation in ``lang``."""
        return self.help_en if lang == "en" else self.help_nl


_SCORE = {"dtype": "score", "minimum": 1.0, "maximum": 5.0}
# Where a place may lie: the globe for WGS84, the Dutch RD New grid for x (y: _RD_Y).
_LAT = {"dtype": "lat", "minimum": -90.0, "maximum": 90.0}
_LON = {"dtype": "lon", "minimum": -180.0, "maximum": 180.0}
_RD_X = {"dtype": "rd", "minimum": -7000.0, "maximum": 300000.0}

# Columns that organisations and parent groups declare alike.
_LANGUAGES = Column("languages", "talen", ("taal", "language"), "list",
                    help_nl="Talen, gescheiden door |.", help_en="Languages, separated by |.")
_NOTES = Column("notes", "opmerkingen", ("opmerking", "toelichting", "note"), "text",
                help_nl="Opmerkingen.", help_en="Notes.")
_RD_Y = Column("y", "y", ("rd_y", "y_rd"), "rd", minimum=289000.0, maximum=629000.0,
               help_nl="RD-coördinaat y in meters.", help_en="RD New y in metres.")

ORGANISATIONS = TableSchema(
    name="organisations", dutch="organisaties",
    aliases=("organizations", "organisatie", "organisation", "orgs"),
    key=("id",),
    help_nl="Eén rij per organisatie in de wijk, formeel of informeel.",
    help_en="One row per organisation in the district, formal or informal.",
    columns=(
        Column("id", "id", ("code", "nr", "nummer"), "id", True,
               help_nl="Unieke code van de organisatie.",
               help_en="Unique code of the organisation."),
        Column("name", "naam", ("organisatie", "organisation_name", "naam_organisatie"), "text",
               True,
               help_nl="Naam van de organisatie.", help_en="Name of the organisation."),
        Column("kind", "soort", ("formeel_informeel", "type_organisatie", "formal_informal"),
               "kind", True,
               help_nl="formeel of informeel.", help_en="formal or informal."),
        Column("category", "categorie", ("type",), "category",
               help_nl="Bijvoorbeeld wijkteam, cjg, school, moskee, kerk, mzo, buurtcentrum.",
               help_en="For example wijkteam, cjg, school, moskee, kerk, mzo, buurtcentrum."),
        Column("neighbourhood", "wijk", ("buurt", "neighborhood", "buurtcode", "wijkcode"), "text",
               help_nl="CBS-code (BU/WK) of naam van de wijk of buurt.",
               help_en="CBS code (BU/WK) or name of the neighbourhood."),
        Column("lat", "breedtegraad", ("latitude", "lat_wgs84"), **_LAT,
               help_nl="Breedtegraad (WGS84), bijvoorbeeld 52,08.",
               help_en="Latitude (WGS84), for example 52.08."),
        Column("lon", "lengtegraad", ("longitude", "lng", "lon_wgs84"), **_LON,
               help_nl="Lengtegraad (WGS84), bijvoorbeeld 4,30.",
               help_en="Longitude (WGS84), for example 4.30."),
        Column("x", "x", ("rd_x", "x_rd"), **_RD_X,
               help_nl="RD-coördinaat x in meters (in plaats van breedte/lengte).",
               help_en="RD New x in metres (instead of lat/lon)."),
        _RD_Y,
        Column("postcode", "postcode", ("zip", "postal_code"), "text",
               help_nl="Postcode.", help_en="Postcode."),
        _LANGUAGES,
        Column("topics", "themas", ("onderwerpen", "thema", "topic"), "list",
               help_nl="Thema's die de organisatie bespreekt, gescheiden door |.",
               help_en="Topics the organisation discusses, separated by |."),
        Column("contact", "contactpersoon", ("contact_person", "contactpersonen"), "text",
               help_nl="Contactpersoon (optioneel; persoonsgegeven, kan verborgen worden).",
               help_en="Contact person (optional; personal data, can be hidden)."),
        _NOTES,
    ),
)

PARENT_GROUPS = TableSchema(
    name="parent_groups", dutch="oudergroepen",
    aliases=("parentgroups", "groups", "groepen", "oudergroep", "ouders", "parents"),
    key=("id",),
    help_nl="Eén rij per groep ouders (nooit individuele ouders).",
    help_en="One row per group of parents (never individual parents).",
    columns=(
        Column("id", "id", ("code", "nr", "nummer"), "id", True,
               help_nl="Unieke code van de groep.", help_en="Unique code of the group."),
        Column("name", "naam", ("groep", "group_name", "oudergroep"), "text", True,
               help_nl="Naam van de groep, bijvoorbeeld Somalische moeders.",
               help_en="Name of the group, for example Somali mothers."),
        Column("community", "gemeenschap", ("achtergrond", "background"), "text",
               help_nl="Gemeenschap of achtergrond.", help_en="Community or background."),
        Column("neighbourhood", "wijk", ("buurt", "neighborhood", "buurtcode", "wijkcode"), "text",
               help_nl="CBS-code of naam van de wijk of buurt.",
               help_en="CBS code or name of the neighbourhood."),
        Column("families", "gezinnen", ("aantal_gezinnen", "households", "number_of_families"),
               "count", minimum=0.0,
               help_nl="Geschat aantal gezinnen (0 of meer).",
               help_en="Estimated number of families (0 or more)."),
        Column("lat", "breedtegraad", ("latitude",), **_LAT,
               help_nl="Eigen locatie (optioneel), breedtegraad.",
               help_en="Own location (optional), latitude."),
        Column("lon", "lengtegraad", ("longitude", "lng"), **_LON,
               help_nl="Eigen locatie (optioneel), lengtegraad.",
               help_en="Own location (optional), longitude."),
        Column("x", "x", ("rd_x", "x_rd"), **_RD_X,
               help_nl="RD-coördinaat x in meters.", help_en="RD New x in metres."),
        _RD_Y,
        _LANGUAGES,
        Column("children_age", "leeftijd_kinderen", ("age_children", "leeftijd"), "text",
               help_nl="Leeftijd van de kinderen, bijvoorbeeld 0-12.",
               help_en="Age of the children, for example 0-12."),
        _NOTES,
    ),
)

REACH = TableSchema(
    name="reach", dutch="bereik",
    aliases=("reaches", "bereikt", "reach_links"),
    required=False,
    help_nl="Welke organisatie bereikt welke oudergroep.",
    help_en="Which organisation reaches which parent group.",
    columns=(
        Column("organisation", "organisatie", ("organization", "organisatie_id", "org"), "ref",
               True,
               refers_to="organisations",
               help_nl="Id van de organisatie.", help_en="Id of the organisation."),
        Column("group", "oudergroep", ("groep", "parent_group", "oudergroep_id", "group_id"),
               "ref", True, refers_to="parent_groups",
               help_nl="Id van de oudergroep.", help_en="Id of the parent group."),
        Column("strength", "sterkte", ("intensiteit", "intensity"), **_SCORE,
               help_nl="Hoe sterk het contact is, 1 tot 5.",
               help_en="How strong the contact is, 1 to 5."),
        Column("topics", "themas", ("onderwerpen", "thema", "topic"), "list",
               help_nl="Thema's die met deze groep besproken worden, gescheiden door |.",
               help_en="Topics discussed with this group, separated by |."),
        Column("since", "sinds", ("vanaf", "start"), "text",
               help_nl="Sinds wanneer (jaar of datum).", help_en="Since when (year or date)."),
    ),
)

COLLABORATIONS = TableSchema(
    name="collaborations", dutch="samenwerkingen",
    aliases=("collaboration", "samenwerking", "links", "partners"),
    required=False,
    help_nl="Wie werkt met wie samen, en hoe goed (vier voorwaarden, 1 tot 5).",
    help_en="Who works with whom, and how well (four conditions, 1 to 5).",
    columns=(
        Column("source", "organisatie_a", ("van", "from", "organisation_a", "bron"), "ref", True,
               refers_to="organisations",
               help_nl="Id van de organisatie die de samenwerking meldt.",
               help_en="Id of the organisation reporting the collaboration."),
        Column("target", "organisatie_b", ("naar", "to", "organisation_b", "partner"), "ref", True,
               refers_to="organisations",
               help_nl="Id van de partnerorganisatie.", help_en="Id of the partner organisation."),
        Column("form", "vorm", ("soort_samenwerking", "type_samenwerking"), "text",
               help_nl="Vorm: doorverwijzing, expertise, advies, bemiddeling, "
                       "gezamenlijk project...",
               help_en="Form: referral, expertise, advice, mediation, joint project..."),
        Column("trust", "vertrouwen", ("wederzijds_vertrouwen", "mutual_trust"), **_SCORE,
               help_nl="Wederzijds vertrouwen, 1 tot 5.", help_en="Mutual trust, 1 to 5."),
        Column("shared_goals", "gezamenlijke_doelen", ("doelen", "goals"), **_SCORE,
               help_nl="Gezamenlijke doelen, 1 tot 5.", help_en="Shared goals, 1 to 5."),
        Column("role_clarity", "duidelijkheid_rollen",
               ("duidelijkheid", "rollen", "duidelijkheid_over_verwachtingen_en_rollen",
                "clarity", "roles"), **_SCORE,
               help_nl="Duidelijkheid over verwachtingen en rollen, 1 tot 5.",
               help_en="Clarity about expectations and roles, 1 to 5."),
        Column("equality", "gelijkwaardigheid", ("gelijkheid",), **_SCORE,
               help_nl="Gelijkwaardigheid, 1 tot 5.", help_en="Equality, 1 to 5."),
        Column("reported_by", "gemeld_door", ("respondent", "beoordelaar", "rater"), "text",
               help_nl="Wie de beoordeling gaf (gepseudonimiseerd).",
               help_en="Who gave the rating (pseudonymised)."),
    ),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (ORGANISATIONS, PARENT_GROUPS, REACH, COLLABORATIONS)
}
"""The four tables, by canonical name, in :data:`mapping.domain.dataset.TABLES` order."""

assert tuple(SCHEMAS) == TABLES

NEIGHBOURHOOD_FILES: tuple[str, ...] = (
    "neighbourhoods", "neighborhoods", "wijken", "buurten", "wijkenbuurten", "wijk", "buurt",
)
"""Accepted names (without extension) of the neighbourhoods GeoJSON file."""

NEIGHBOURHOOD_CODE_KEYS: tuple[str, ...] = (
    "code", "BU_CODE", "WK_CODE", "buurtcode", "wijkcode", "statcode", "id",
)
NEIGHBOURHOOD_NAME_KEYS: tuple[str, ...] = (
    "name", "BU_NAAM", "WK_NAAM", "buurtnaam", "wijknaam", "naam", "statnaam",
)
"""GeoJSON feature properties accepted for a neighbourhood's code and name (CBS or own)."""


def extra_column_name(header: object) -> str:
    """The column name an undeclared header gets in the dataset (kept, never dropped)."""
    return normalise_word(header) or "column"


def _lookup(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for alias, target in pairs:
        table.setdefault(normalise_header(alias), target)
    return table


_TABLE_BY_NAME = _lookup((alias, s.name) for s in SCHEMAS.values() for alias in s.names())
_NEIGHBOURHOOD_NAMES = frozenset(normalise_header(n) for n in NEIGHBOURHOOD_FILES)


def table_for_name(name: str) -> str | None:
    """The table a file or sheet name stands for (``"Organisaties"`` -> ``organisations``).

    ``name`` may carry an extension and a folder; returns ``None`` when the
    name is not one of the accepted names.
    """
    stem = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    return _TABLE_BY_NAME.get(normalise_header(stem))


def is_neighbourhoods_name(name: str) -> bool:
    """Whether a file name (with or without extension) names the neighbourhoods file."""
    stem = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    return normalise_header(stem) in _NEIGHBOURHOOD_NAMES


@functools.cache
def column_lookup(table: str) -> dict[str, str]:
    """Normalised header -> canonical column name, for one table (shared: do not modify)."""
    return _lookup((h, c.name) for c in SCHEMAS[table].columns for h in c.headers())


def markdown_table(lang: str = "en") -> str:
    """The format as a Markdown table, for the README (``python -m mapping schema``)."""
    head = i18n.t("schema.table_head", lang)
    lines = [head, "|---|---|---|---|---|---|---|"]
    for schema in SCHEMAS.values():
        label = f"**{schema.name}** (`{schema.name}`, `{schema.dutch}`)"
        if not schema.required:
            label += " " + i18n.t("schema.optional", lang)
        for i, column in enumerate(schema.columns):
            extra = ", ".join(f"`{a}`" for a in column.aliases)
            rng = ""
            if column.minimum is not None and column.dtype in ("score", "count"):
                rng = f" ({column.minimum:g}-{column.maximum:g})" if column.maximum else " (>= 0)"
            yes = i18n.t("schema.yes", lang) if column.required else ""
            lines.append(f"| {label if i == 0 else ''} | `{column.name}` | `{column.dutch}` | "
                         f"{extra} | {column.dtype}{rng} | {yes} | {column.help(lang)} |")
    hood = ("| **neighbourhoods** (`neighbourhoods.geojson`, `wijken.geojson`, `buurten.geojson`) "
            "optional | `code`, `name` | | `BU_CODE`/`BU_NAAM`, `WK_CODE`/`WK_NAAM` | GeoJSON "
            "polygons, WGS84 or RD New | | |")
    lines.append(hood)
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> tuple[str, object]:
    """CLI: ``python -m mapping schema [--lang nl|en]`` prints the format table."""
    parser = sub.add_parser("schema", help="print the data format as a Markdown table")
    parser.add_argument("--lang", choices=("nl", "en"), default="en")
    return "schema", run


def run(args: argparse.Namespace) -> int:
    """Print :func:`markdown_table`."""
    print(markdown_table(args.lang))
    return 0
