"""Demo data: a hand-made fictional district and a generator of synthetic cities.

* :func:`demo_district` is "Wijk De Vaart (fictief)": four invented
  neighbourhoods near (52.0 N, 4.3 E) with fictional CBS-like codes
  (``BU9999000x``), 25 formal and 35 informal organisations, 30 parent groups
  of different communities, reach links and rated collaborations. It is made so
  that every coverage class of ``docs/domain.md`` occurs (unreached, direct,
  bridged at distance 1 and 2, informal only), with fragile groups (one route)
  and groups with several routes, one organisation that works with nobody, and
  collaborations rated from both sides, unrated, and by three or more raters.
  All names are invented; key figures are roles, never persons; contacts are
  roles ("coördinator"); respondents are pseudonyms (``R01``).
* :func:`generate` builds a synthetic city of any size (default 5,000
  organisations, 1,500 groups, about 40,000 links), deterministic per seed,
  with neighbourhood polygons on a grid and all coverage classes present.
  :func:`by_nodes` sizes one by its total number of nodes.
* :func:`write_demo` writes one of them as CSV (UTF-8 or Dutch Excel) or XLSX, with a
  README saying it is fictional (``python -m mapping demo``).

Every text is Windows-1252 encodable, so the data can be written as a
Dutch-Excel CSV (:func:`mapping.io.write.write_csv` with ``dialect="excel-nl"``).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapping.analysis.topics import TOPICS
from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS, Dataset

DEMO_NAME = "Wijk De Vaart (fictief)"
"""Name of the demo district; the word "fictief" is part of it on purpose."""

FICTIONAL_NOTE = "Fictief voorbeeld: alle namen en cijfers zijn verzonnen."
"""Note repeated on the demo data so that no screenshot can be mistaken for real data."""

# Column order and types come from the schema, so a generated dataset has
# exactly the columns (and dtypes) that loading its files gives back.
ORG_COLUMNS = sc.ORGANISATIONS.output_columns()
GROUP_COLUMNS = sc.PARENT_GROUPS.output_columns()
REACH_COLUMNS = sc.REACH.output_columns()
COLLAB_COLUMNS = sc.COLLABORATIONS.output_columns()

_DTYPES: dict[str, str] = {c.name: c.dtype for s in sc.SCHEMAS.values() for c in s.columns}


# --------------------------------------------------------------------------- frames


def _frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A table following the :mod:`mapping.domain.dataset` dtype conventions.

    Text stays ``object`` (pandas would otherwise infer its string dtype and
    turn ``None`` into ``NaN``), numbers are float64 with NaN, families Int64,
    list cells tuples.
    """
    data: dict[str, pd.Series] = {}
    for col in columns:
        values = [r.get(col) for r in rows]
        dtype = _DTYPES.get(col, "text")
        if dtype == "count":
            data[col] = pd.Series(values, dtype="Int64")
        elif dtype in ("score", "lat", "lon"):
            data[col] = pd.Series([math.nan if v is None else float(v) for v in values],
                                  dtype="float64")
        elif dtype == "list":
            data[col] = pd.Series([tuple(v) if v else () for v in values], dtype=object)
        else:
            data[col] = pd.Series([None if v is None else str(v) for v in values], dtype=object)
    return pd.DataFrame(data, columns=list(columns), index=pd.RangeIndex(len(rows)))


def _polygon(ring: Sequence[tuple[float, float]], code: str, name: str) -> dict[str, Any]:
    """A GeoJSON polygon feature from (lon, lat) corners, closed, counter-clockwise."""
    coords = [[round(lon, 6), round(lat, 6)] for lon, lat in ring]
    # RFC 7946: exterior rings are counter-clockwise (positive signed area).
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in
               zip(coords, coords[1:] + coords[:1], strict=True))
    if area < 0:
        coords.reverse()
    coords.append(coords[0])
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


# --------------------------------------------------------------------------- demo district

# Four neighbourhoods in a 2 x 2 block whose inner corner is pulled off-centre,
# so that the polygons do not look like a spreadsheet grid.
_HOODS: tuple[tuple[str, str], ...] = (
    ("BU99990001", "Vaartkwartier (fictief)"),  # north-west
    ("BU99990002", "Havenkwartier (fictief)"),  # north-east
    ("BU99990003", "Molenhoek (fictief)"),  # south-west
    ("BU99990004", "Rietveld (fictief)"),  # south-east
)
_LATS = (52.016, 52.008, 52.000)  # north, middle, south edge
_LONS = (4.290, 4.304, 4.318)     # west, middle, east edge
_BEND = (0.0012, -0.0015)         # offset of the inner corner (lat, lon)
_MARGIN = (0.0018, 0.0025)        # keeps points inside the bent polygons

# id, name, category, neighbourhood (1-4), languages, topics, contact, notes
_FORMAL: tuple[tuple[Any, ...], ...] = (
    ("F01", "Wijkteam Vaartkwartier", "wijkteam", 1, "Nederlands|Engels|Turks",
     "raising_children|domestic_violence", "teamleider", None),
    ("F02", "Wijkteam Havenkwartier", "wijkteam", 2, "Nederlands|Arabisch|Engels",
     "raising_children|domestic_violence|honour_violence", "teamleider", None),
    ("F03", "Wijkteam Molenhoek", "wijkteam", 3, "Nederlands|Arabisch",
     "raising_children|domestic_violence", "coördinator", None),
    ("F04", "Wijkteam Rietveld", "wijkteam", 4, "Nederlands|Engels",
     "raising_children|domestic_violence", "coördinator", None),
    ("F05", "Jeugdteam De Vaart-Noord", "jeugdteam", 1, "Nederlands|Turks",
     "raising_children|harmful_influences", "coördinator", None),
    ("F06", "Jeugdteam De Vaart-Zuid", "jeugdteam", 3, "Nederlands|Tamazight",
     "raising_children|harmful_influences", "coördinator", None),
    ("F07", "CJG De Vaart", "cjg", 2, "Nederlands|Somalisch|Engels",
     "raising_children|school", "coördinator", "Inloopspreekuur op dinsdag."),
    ("F08", "Consultatiebureau Molenhoek", "jgz", 3, "Nederlands|Arabisch",
     "raising_children", "jeugdverpleegkundige", None),
    ("F09", "JGZ-team Rietveld", "jgz", 4, "Nederlands|Arabisch",
     "raising_children", "jeugdverpleegkundige", None),
    ("F10", "Basisschool Het Kompas", "school", 1, "Nederlands",
     "school|discrimination", "intern begeleider", None),
    ("F11", "Basisschool De Vaartkant", "school", 2, "Nederlands",
     "school", "intern begeleider", None),
    ("F12", "Basisschool De Zeilboot", "school", 3, "Nederlands",
     "school", "intern begeleider", None),
    ("F13", "Basisschool Molenwiek", "school", 3, "Nederlands|Pools",
     "school", "directeur", None),
    ("F14", "Basisschool Het Rietland", "school", 4, "Nederlands|Papiaments",
     "school", "intern begeleider", None),
    ("F15", "Vaartcollege (voortgezet onderwijs)", "school", 2, "Nederlands|Engels",
     "school|harmful_influences|discrimination", "zorgcoördinator", None),
    ("F16", "Rietveld Lyceum", "school", 4, "Nederlands|Engels",
     "school|harmful_influences", "zorgcoördinator", None),
    ("F17", "GGD-team De Vaart", "ggd", 1, "Nederlands",
     "raising_children|harmful_influences", "sociaal verpleegkundige", None),
    ("F18", "Veilig Thuis steunpunt De Vaart", "veilig_thuis", 2, "Nederlands|Engels",
     "domestic_violence|honour_violence", "aandachtsfunctionaris", None),
    ("F19", "Huisartsenpraktijk Vaartsingel", "huisarts", 1, "Nederlands",
     (), "praktijkondersteuner", None),
    ("F20", "Gezondheidscentrum Molenhoek", "huisarts", 3, "Nederlands|Arabisch",
     (), "praktijkondersteuner", None),
    ("F21", "Huisartsen Havenplein", "huisarts", 2, "Nederlands",
     (), "praktijkondersteuner", None),
    ("F22", "Schoolmaatschappelijk werk De Vaart", "jeugdteam", 4, "Nederlands|Turks",
     "school|raising_children", "coördinator", None),
    ("F23", "CJG Rietveld", "cjg", 4, "Nederlands",
     "raising_children", "coördinator", None),
    ("F24", "Huisartsenpraktijk Rietveld", "huisarts", 4, "Nederlands",
     (), "praktijkondersteuner", None),
    ("F25", "Jeugdverpleegkundigen Havenkwartier", "jgz", 2, "Nederlands|Somalisch",
     "raising_children", "jeugdverpleegkundige", None),
)

_INFORMAL: tuple[tuple[Any, ...], ...] = (
    ("I01", "Turkse Vereniging Anadolu De Vaart", "mzo", 1, "Turks|Nederlands",
     "raising_children|school|discrimination", "voorzitter", None),
    ("I02", "Marokkaanse Vereniging Atlas", "mzo", 3, "Arabisch|Tamazight|Nederlands",
     "raising_children|harmful_influences", "voorzitter", None),
    ("I03", "Somalische Stichting Hiddo", "mzo", 2, "Somalisch|Nederlands",
     "raising_children|school", "coördinator", None),
    ("I04", "Eritrese Vereniging Selam", "mzo", 4, "Tigrinya|Nederlands",
     "raising_children", "voorzitter", None),
    ("I05", "Syrisch Huis De Vaart", "mzo", 2, "Arabisch|Nederlands",
     "raising_children|school|discrimination", "coördinator", None),
    ("I06", "Poolse Stichting Razem", "mzo", 3, "Pools|Nederlands",
     "school", "voorzitter", None),
    ("I07", "Antilliaanse Vereniging Union Kòrsou", "mzo", 4, "Papiaments|Nederlands",
     "raising_children", "voorzitter", None),
    ("I08", "Surinaamse Stichting Makandra", "mzo", 1, "Nederlands|Sranantongo",
     "raising_children|discrimination", "voorzitter", None),
    ("I09", "Moskee Mevlana De Vaart", "moskee", 1, "Turks|Nederlands",
     "raising_children|harmful_influences", "bestuurslid", None),
    ("I10", "Moskee Al-Fath", "moskee", 3, "Arabisch|Tamazight",
     "raising_children|harmful_influences|honour_violence", "imam", None),
    ("I11", "Moskee Al-Huda", "moskee", 2, "Somalisch|Arabisch",
     "raising_children|domestic_violence", "bestuurslid", None),
    ("I12", "Protestantse Gemeente De Vaart", "kerk", 1, "Nederlands",
     "raising_children", "diaken", None),
    ("I13", "Eritrees-orthodoxe kerk Kidane Mehret", "kerk", 4, "Tigrinya",
     "raising_children|domestic_violence", "bestuurslid", None),
    ("I14", "Poolse parochie Sint-Jozef", "kerk", 3, "Pools",
     "raising_children", "pastoraal werker", None),
    ("I15", "Pinkstergemeente Nieuw Leven", "kerk", 4, "Papiaments|Nederlands|Engels",
     "raising_children|homosexuality", "voorganger", None),
    ("I16", "Buurtcentrum De Sluis", "buurtcentrum", 1, "Nederlands",
     "raising_children|school", "opbouwwerker", None),
    ("I17", "Buurthuis Molenhoek", "buurtcentrum", 3, "Nederlands",
     "raising_children", "beheerder", None),
    ("I18", "Wijkhuis Rietveld", "buurtcentrum", 4, "Nederlands",
     "raising_children|discrimination", "opbouwwerker", None),
    ("I19", "Ouderkamer Het Kompas", "ouderkamer", 1, "Nederlands|Arabisch|Turks",
     "school|raising_children", "ouderconsulent", None),
    ("I20", "Ouderkamer De Vaartkant", "ouderkamer", 2, "Nederlands|Somalisch",
     "school", "ouderconsulent", None),
    ("I21", "Ouderkamer De Zeilboot", "ouderkamer", 3, "Nederlands|Arabisch",
     "school|raising_children", "ouderconsulent", None),
    ("I22", "Vrouwennetwerk De Vaart", "vrouwennetwerk", 2, "Nederlands|Arabisch|Engels",
     "raising_children|domestic_violence|honour_violence", "coördinator", None),
    ("I23", "Somalische vrouwengroep Hooyo", "vrouwennetwerk", 2, "Somalisch",
     "raising_children|domestic_violence|honour_violence", "coördinator", None),
    ("I24", "Moedergroep Molenhoek", "vrouwennetwerk", 3, "Arabisch|Tamazight|Nederlands",
     "raising_children|harmful_influences", "vrijwilliger", None),
    ("I25", "Vrouwencafé Rietveld", "vrouwennetwerk", 4, "Nederlands|Arabisch|Dari",
     "raising_children|discrimination", "vrijwilliger", None),
    ("I26", "Sleutelfiguur Eritrese gemeenschap", "sleutelfiguur", 4, "Tigrinya",
     "raising_children|domestic_violence", None, "Een rol, geen persoon."),
    ("I27", "Sleutelfiguur Syrische gemeenschap", "sleutelfiguur", 2, "Arabisch",
     "raising_children", None, "Een rol, geen persoon."),
    ("I28", "Sleutelfiguur Somalische gemeenschap", "sleutelfiguur", 2, "Somalisch",
     "raising_children|homosexuality", None, "Een rol, geen persoon."),
    ("I29", "Sleutelfiguur Afghaanse gemeenschap", "sleutelfiguur", 4, "Dari|Pasjtoe",
     "raising_children", None, "Een rol, geen persoon."),
    ("I30", "Opvoedcafé De Vaart", "vrijwilligers", 1, "Nederlands|Turks|Arabisch",
     "raising_children|school|harmful_influences", "vrijwilliger", None),
    ("I31", "Vadergroep Samen Sterk", "vrijwilligers", 3, "Arabisch|Tamazight|Nederlands",
     "raising_children|harmful_influences|discrimination", "vrijwilliger", None),
    ("I32", "Huiswerkklas Havenkwartier", "vrijwilligers", 2, "Nederlands|Somalisch",
     "school", "vrijwilliger", None),
    ("I33", "Taalmaatjes De Vaart", "vrijwilligers", 1, "Nederlands",
     "school", "vrijwilliger", None),
    ("I34", "Voorleesproject Rietveld", "vrijwilligers", 4, "Nederlands|Papiaments",
     "school", "vrijwilliger", None),
    ("I35", "Ghanese Stichting Akwaaba", "mzo", 4, "Engels|Twi",
     "raising_children|school", "voorzitter",
     "Werkt (nog) met niemand samen."),
)

# id, name, community, neighbourhood, families, languages, children_age
_GROUPS: tuple[tuple[Any, ...], ...] = (
    ("G01", "Nederlandse ouders Vaartkwartier", "Nederlandse", 1, 180, "Nederlands", "0-12"),
    ("G02", "Turkse ouders Vaartkwartier", "Turkse", 1, 95, "Turks|Nederlands", "0-18"),
    ("G03", "Marokkaanse ouders Molenhoek", "Marokkaanse", 3, 120,
     "Arabisch|Tamazight|Nederlands", "0-18"),
    ("G04", "Nederlandse ouders Molenhoek", "Nederlandse", 3, 140, "Nederlands", "0-12"),
    ("G05", "Surinaamse ouders Vaartkwartier", "Surinaamse", 1, 60, "Nederlands", "0-18"),
    ("G06", "Antilliaanse ouders Rietveld", "Antilliaanse", 4, 45, "Papiaments|Nederlands",
     "4-12"),
    ("G07", "Poolse ouders Molenhoek", "Poolse", 3, 40, "Pools", "0-12"),
    ("G08", "Nederlandse ouders Havenkwartier", "Nederlandse", 2, 110, "Nederlands", "0-18"),
    ("G09", "Turkse ouders Havenkwartier", "Turkse", 2, 70, "Turks|Nederlands", "4-12"),
    ("G10", "Jonge ouders Rietveld", "Gemengd", 4, 55, "Nederlands|Engels", "0-4"),
    ("G11", "Marokkaanse ouders Havenkwartier", "Marokkaanse", 2, 85,
     "Arabisch|Tamazight|Nederlands", "0-18"),
    ("G12", "Somalische moeders Havenkwartier", "Somalische", 2, 50, "Somalisch", "0-12"),
    ("G13", "Syrische ouders Havenkwartier", "Syrische", 2, 65, "Arabisch", "0-18"),
    ("G14", "Eritrese ouders Rietveld", "Eritrese", 4, 55, "Tigrinya", "0-18"),
    ("G15", "Marokkaanse vaders Molenhoek", "Marokkaanse", 3, 40,
     "Arabisch|Tamazight|Nederlands", "12-18"),
    ("G16", "Afghaanse ouders Rietveld", "Afghaanse", 4, 25, "Dari|Pasjtoe", "0-18"),
    ("G17", "Somalische vaders Havenkwartier", "Somalische", 2, 30, "Somalisch", "4-18"),
    ("G18", "Ghanese ouders Rietveld", "Ghanese", 4, 30, "Engels|Twi", "0-12"),
    ("G19", "Antilliaanse en Surinaamse gelovige gezinnen Rietveld", "Antilliaanse", 4, 40,
     "Papiaments|Nederlands", "0-18"),
    ("G20", "Bulgaarse gezinnen Havenkwartier", "Bulgaarse", 2, 70, "Bulgaars|Turks", "0-12"),
    ("G21", "Jemenitische statushouders Rietveld", "Jemenitische", 4, 15, "Arabisch", "0-18"),
    ("G22", "Chinese ouders Vaartkwartier", "Chinese", 1, 20, "Mandarijn|Kantonees", "0-12"),
    ("G23", "Turkse ouders Rietveld", "Turkse", 4, 50, "Turks|Nederlands", "0-18"),
    ("G24", "Marokkaanse moeders Vaartkwartier", "Marokkaanse", 1, 75,
     "Arabisch|Tamazight|Nederlands", "0-12"),
    ("G25", "Poolse ouders Rietveld", "Poolse", 4, 20, "Pools", "0-12"),
    ("G26", "Nederlandse ouders Rietveld", "Nederlandse", 4, 130, "Nederlands", "0-18"),
    ("G27", "Surinaamse ouders Havenkwartier", "Surinaamse", 2, 55, "Nederlands|Sranantongo",
     "0-18"),
    ("G28", "Syrische ouders Rietveld", "Syrische", 4, 30, "Arabisch", "0-12"),
    ("G29", "Turkse ouders met pubers Vaartkwartier", "Turkse", 1, 45, "Turks|Nederlands",
     "12-18"),
    ("G30", "Marokkaanse ouders met pubers Havenkwartier", "Marokkaanse", 2, 60,
     "Arabisch|Tamazight|Nederlands", "12-18"),
)

# organisation, group, strength, topics ("" = the organisation's own), since
_REACH: tuple[tuple[Any, ...], ...] = (
    # direct: reached by at least one professional
    ("F10", "G01", 4, "school", "2015"), ("F19", "G01", 3, "", "2010"),
    ("F01", "G01", 3, "raising_children", "2018"), ("I12", "G01", 2, "", None),
    ("F10", "G02", 3, "school", "2016"), ("I01", "G02", 5, "raising_children|discrimination",
                                          "2012"),
    ("I09", "G02", 4, "raising_children|harmful_influences", "2014"),
    ("F08", "G03", 4, "raising_children", "2017"), ("F12", "G03", 3, "school", "2016"),
    ("I02", "G03", 5, "", "2011"), ("I10", "G03", 4, "harmful_influences|honour_violence",
                                    "2013"),
    ("I24", "G03", 4, "raising_children", "2020"),
    ("F13", "G04", 4, "school", None), ("F20", "G04", 3, "", None),
    ("F01", "G05", 2, "raising_children", "2021"), ("I08", "G05", 4, "discrimination", "2015"),
    ("F14", "G06", 3, "school", "2019"),  # one professional only: fragile
    ("F13", "G07", 3, "school", "2020"), ("I06", "G07", 4, "school", "2018"),
    ("I14", "G07", 4, "raising_children", "2016"),
    ("F11", "G08", 4, "school", None), ("F15", "G08", 3, "school|harmful_influences", None),
    ("F21", "G08", 3, "", None),
    ("F11", "G09", 3, "school", "2019"), ("F07", "G09", 3, "raising_children", "2020"),
    ("F09", "G10", 5, "raising_children", "2018"), ("F23", "G10", 3, "", "2022"),
    ("F07", "G11", 3, "raising_children", "2019"),
    ("I22", "G11", 4, "domestic_violence|honour_violence", "2017"),
    ("F15", "G30", 3, "school|harmful_influences", "2018"), ("I32", "G30", 3, "school", "2021"),
    ("F04", "G23", 3, "raising_children", "2019"), ("F22", "G23", 3, "school", "2020"),
    ("I19", "G24", 4, "school", "2017"), ("I30", "G24", 4, "raising_children", "2016"),
    ("F17", "G24", 2, "harmful_influences", "2022"),
    ("F14", "G26", 4, "school", None), ("F16", "G26", 3, "school", None),
    ("F24", "G26", 3, "", None), ("I18", "G26", 2, "", None), ("I34", "G26", 3, "school", None),
    # bridged, distance 1
    ("I23", "G12", 5, "raising_children|domestic_violence|honour_violence", "2016"),
    ("I11", "G12", 4, "raising_children", "2014"),
    ("I05", "G13", 5, "raising_children|school", "2017"),
    ("I27", "G13", 4, "raising_children|discrimination", "2018"),
    ("I31", "G15", 4, "harmful_influences|discrimination", "2019"),
    ("I14", "G25", 3, "raising_children", "2020"),
    ("I08", "G27", 3, "raising_children|discrimination", "2018"),
    ("I22", "G27", 3, "domestic_violence", "2019"),
    ("I25", "G28", 4, "raising_children", "2021"), ("I27", "G28", 3, "", "2021"),
    ("I09", "G29", 4, "harmful_influences", "2015"), ("I16", "G29", 3, "school", "2019"),
    # bridged, distance 2
    ("I29", "G16", 4, "raising_children", "2022"),
    ("I28", "G17", 4, "raising_children|homosexuality", "2020"),
    ("I32", "G17", 3, "school", "2021"),
    # informal only
    ("I13", "G14", 5, "raising_children|domestic_violence", "2010"),
    ("I26", "G14", 4, "", "2015"), ("I04", "G14", 4, "", "2012"),
    ("I35", "G18", 5, "raising_children|school", "2019"),
    ("I15", "G19", 5, "raising_children|homosexuality", "2013"),
    ("I07", "G19", 3, "", "2016"),
    # G20, G21, G22: unreached
)

# source, target, form, trust, shared_goals, role_clarity, equality, reported_by.
# Forms are free text, in Dutch as a Dutch district writes them.
# Scores None = not rated. Several rows about one pair = rated from both sides
# or by several respondents; respondents are pseudonyms.
_COLLABS: tuple[tuple[Any, ...], ...] = (
    # professionals among themselves
    ("F01", "F05", "referral", 4.2, 4.0, 3.8, 4.0, "R01"),
    ("F05", "F01", "referral", 3.9, 4.1, 3.5, 3.8, "R02"),
    ("F02", "F07", "referral", 4.0, 3.5, 3.5, 4.0, "R03"),
    ("F03", "F06", "referral", 3.8, 4.0, 4.0, 3.6, "R04"),
    ("F07", "F18", "expertise", 4.5, 4.2, 4.0, 4.1, "R05"),
    ("F18", "F07", "expertise", 4.1, 4.4, 3.6, 3.9, "R06"),
    ("F07", "F18", "expertise", 4.3, 4.0, 3.8, 4.2, "R07"),
    ("F04", "F09", "referral", 3.5, 3.8, 3.0, 3.5, "R08"),
    ("F09", "F04", "referral", 3.7, 3.5, 3.2, 3.4, "R09"),
    ("F04", "F09", "referral", 3.9, 3.6, 3.4, 3.8, "R10"),
    ("F10", "F01", "referral", 3.5, 3.0, 3.0, 3.5, "R11"),
    ("F11", "F02", "referral", None, None, None, None, None),
    ("F12", "F03", "referral", 3.0, 3.5, 2.5, 3.0, "R12"),
    ("F13", "F06", "referral", 4.0, 4.0, 3.5, 4.0, "R13"),
    ("F14", "F04", "referral", 3.5, 3.5, 3.0, 3.5, "R14"),
    ("F15", "F07", "referral", None, None, None, None, None),
    ("F16", "F22", "expertise", 4.0, 4.5, 4.0, 4.0, "R15"),
    ("F19", "F01", "referral", 3.0, 3.0, 2.5, 3.0, "R16"),
    ("F20", "F08", "referral", 4.0, 4.0, 4.0, 4.0, "R17"),
    ("F21", "F02", "referral", None, None, None, None, None),
    ("F23", "F04", "referral", 4.2, 4.0, 3.8, 4.0, "R18"),
    ("F24", "F09", "referral", 3.5, 3.0, 3.5, 3.5, "R19"),
    ("F25", "F07", "joint_project", 4.5, 4.5, 4.0, 4.5, "R20"),
    ("F17", "F08", "expertise", 4.0, 3.5, 3.5, 3.5, "R21"),
    ("F22", "F04", "referral", 3.5, 3.5, 3.0, 3.5, "R22"),
    ("F18", "F05", "expertise", 4.0, 4.0, 3.5, 3.5, "R23"),
    # informal partners with professionals (accessibility vs. civil-society view:
    # the informal side often rates equality and role clarity lower)
    ("I01", "F01", "advice", 3.0, 2.5, 2.0, 2.5, "R30"),
    ("F01", "I01", "advice", 4.0, 3.5, 3.0, 4.0, "R31"),
    ("I02", "F06", "mediation", 3.5, 3.0, 3.0, 3.0, "R32"),
    ("I02", "F08", "joint_project", 4.0, 4.0, 3.5, 3.5, "R33"),
    ("I03", "F05", "expertise", 3.5, 3.5, 2.5, 3.0, "R34"),
    ("F05", "I03", "expertise", 4.0, 4.0, 3.5, 4.0, "R35"),
    ("I05", "F02", "referral", 3.0, 3.5, 2.5, 2.5, "R36"),
    ("I06", "F13", "mediation", 4.0, 4.0, 3.5, 4.0, "R37"),
    ("I08", "F01", "advice", 3.5, 3.0, 3.0, 3.0, "R38"),
    ("I09", "F01", "joint_project", 3.5, 3.5, 3.0, 3.0, "R39"),
    ("I09", "F05", "mediation", None, None, None, None, None),
    ("I10", "F03", "mediation", 2.5, 2.0, 2.0, 2.0, "R40"),
    ("F03", "I10", "mediation", 3.5, 3.0, 3.0, 3.5, "R41"),
    ("I11", "F07", "referral", 3.0, 3.0, 2.5, 3.0, "R42"),
    ("I12", "F19", "referral", None, None, None, None, None),
    ("I14", "F03", "referral", 3.5, 3.5, 3.0, 3.5, "R43"),
    ("I16", "F01", "joint_project", 4.0, 4.0, 3.5, 4.0, "R44"),
    ("I17", "F03", "joint_project", 4.0, 3.5, 3.5, 4.0, "R45"),
    ("I18", "F04", "joint_project", 4.2, 4.0, 3.8, 4.0, "R46"),
    ("I19", "F10", "joint_project", 4.5, 4.0, 4.0, 3.5, "R47"),
    ("F10", "I19", "joint_project", 4.5, 4.5, 4.0, 4.0, "R48"),
    ("I20", "F11", "joint_project", 4.0, 4.0, 3.5, 3.5, "R49"),
    ("I21", "F12", "joint_project", 3.5, 3.5, 3.5, 3.0, "R50"),
    ("I22", "F02", "expertise", 4.0, 4.0, 3.0, 3.5, "R51"),
    ("F02", "I22", "expertise", 4.5, 4.0, 4.0, 4.0, "R52"),
    ("I22", "F02", "expertise", 3.5, 3.5, 3.0, 3.0, "R53"),
    ("I22", "F18", "expertise", 3.5, 4.0, 3.0, 3.5, "R54"),
    ("I23", "F02", "mediation", 3.0, 3.5, 2.0, 2.5, "R55"),
    ("F02", "I23", "mediation", 4.0, 4.0, 3.0, 4.0, "R56"),
    ("I24", "F08", "advice", 3.5, 3.5, 3.0, 3.5, "R57"),
    ("I25", "F09", "joint_project", 4.0, 3.5, 3.5, 4.0, "R58"),
    ("I30", "F05", "joint_project", 4.0, 4.0, 4.0, 4.0, "R59"),
    ("I30", "F17", "expertise", 3.5, 4.0, 3.5, 3.5, "R60"),
    ("I31", "F06", "mediation", 3.0, 3.5, 2.5, 3.0, "R61"),
    ("I33", "F10", "joint_project", None, None, None, None, None),
    ("I34", "F14", "joint_project", None, None, None, None, None),
    # informal partners among themselves
    ("I27", "I05", "advice", 4.5, 4.0, 4.0, 4.5, "R70"),
    ("I28", "I03", "advice", 4.5, 4.5, 4.0, 4.5, "R71"),
    ("I29", "I18", "advice", 4.0, 3.5, 3.5, 4.0, "R72"),
    ("I32", "I20", "joint_project", 4.0, 4.0, 3.5, 4.0, "R73"),
    ("I01", "I09", "joint_project", 4.5, 4.5, 4.0, 4.5, "R74"),
    ("I02", "I10", "joint_project", 4.5, 4.0, 4.0, 4.5, "R75"),
    ("I24", "I21", "joint_project", 4.0, 4.0, 3.5, 4.0, "R76"),
    ("I16", "I33", "joint_project", None, None, None, None, None),
    ("I19", "I30", "advice", 4.0, 4.0, 4.0, 4.0, "R77"),
    # a closed circle: the Eritrean community organisations only know each other
    ("I04", "I13", "joint_project", 5.0, 4.5, 4.5, 5.0, "R80"),
    ("I13", "I26", "advice", 5.0, 5.0, 4.5, 5.0, "R81"),
    ("I26", "I04", "advice", None, None, None, None, None),
    # and another one: a church and an association, without any professional
    ("I07", "I15", "joint_project", 4.0, 4.0, 3.5, 4.0, "R82"),
    # I35 (Ghanese Stichting Akwaaba) works with nobody.
)


def _hood_polygons() -> list[dict[str, Any]]:
    """The four bent quadrilaterals of the demo district."""
    lat_n, lat_m, lat_s = _LATS
    lon_w, lon_m, lon_e = _LONS
    c_lat, c_lon = lat_m + _BEND[0], lon_m + _BEND[1]
    # midpoints of the outer edges, shifted a little too
    n_mid, s_mid = (lat_n, lon_m + 0.0008), (lat_s, lon_m - 0.0006)
    w_mid, e_mid = (lat_m - 0.0007, lon_w), (lat_m + 0.0005, lon_e)
    quads = (
        ((lat_n, lon_w), n_mid, (c_lat, c_lon), w_mid),   # north-west
        (n_mid, (lat_n, lon_e), e_mid, (c_lat, c_lon)),   # north-east
        (w_mid, (c_lat, c_lon), s_mid, (lat_s, lon_w)),   # south-west
        ((c_lat, c_lon), e_mid, (lat_s, lon_e), s_mid),   # south-east
    )
    return [_polygon([(lon, lat) for lat, lon in quad], code, name)
            for quad, (code, name) in zip(quads, _HOODS, strict=True)]


def _demo_point(hood: int, index: int) -> tuple[float, float]:
    """A deterministic spot inside neighbourhood ``hood`` (1-4) for organisation ``index``."""
    row, col = divmod(hood - 1, 2)
    lat_top, lat_bottom = _LATS[row], _LATS[row + 1]
    lon_left, lon_right = _LONS[col], _LONS[col + 1]
    # a low-discrepancy sequence spreads the organisations without randomness
    fx = (index * 0.618034) % 1.0
    fy = (index * 0.754878 + 0.31) % 1.0
    lat = lat_bottom + _MARGIN[0] + fy * (lat_top - lat_bottom - 2 * _MARGIN[0])
    lon = lon_left + _MARGIN[1] + fx * (lon_right - lon_left - 2 * _MARGIN[1])
    return round(lat, 6), round(lon, 6)


def _split(cell: Any) -> tuple[str, ...]:
    if not cell:
        return ()
    if isinstance(cell, tuple):
        return cell
    return tuple(str(cell).split("|"))


def demo_district() -> Dataset:
    """The hand-made fictional demo district "Wijk De Vaart (fictief)".

    Deterministic: every call returns equal tables. See the module docstring
    for what it is made to show.
    """
    orgs = []
    for index, (oid, name, category, hood, langs, topics, contact, notes) in enumerate(
            (*_FORMAL, *_INFORMAL)):
        lat, lon = _demo_point(hood, index)
        orgs.append({"id": oid, "name": name, "kind": "formal" if oid[0] == "F" else "informal",
                     "category": category, "neighbourhood": _HOODS[hood - 1][0],
                     "lat": lat, "lon": lon, "languages": _split(langs),
                     "topics": _split(topics), "contact": contact, "notes": notes})
    groups = [{"id": gid, "name": name, "community": community,
               "neighbourhood": _HOODS[hood - 1][0], "families": families,
               "languages": _split(langs), "children_age": age,
               "notes": FICTIONAL_NOTE if gid == "G01" else None}
              for gid, name, community, hood, families, langs, age in _GROUPS]
    reach = [{"organisation": o, "group": gr, "strength": s, "topics": _split(t), "since": since}
             for o, gr, s, t, since in _REACH]
    collabs = [{"source": a, "target": b, "form": form,
                **dict(zip(CONDITIONS, scores, strict=True)), "reported_by": who}
               for a, b, form, *scores, who in _COLLABS]
    return Dataset(
        organisations=_frame(orgs, ORG_COLUMNS),
        parent_groups=_frame(groups, GROUP_COLUMNS),
        reach=_frame(reach, REACH_COLUMNS),
        collaborations=_frame(collabs, COLLAB_COLUMNS),
        neighbourhoods={"type": "FeatureCollection", "features": _hood_polygons()},
        name=DEMO_NAME,
    )


# --------------------------------------------------------------------------- generator

_FORMAL_WEIGHTS = {"wijkteam": 0.12, "jeugdteam": 0.10, "cjg": 0.06, "jgz": 0.08,
                   "school": 0.38, "ggd": 0.04, "veilig_thuis": 0.02, "huisarts": 0.20}
_INFORMAL_WEIGHTS = {"mzo": 0.20, "moskee": 0.08, "kerk": 0.10, "buurtcentrum": 0.10,
                     "ouderkamer": 0.14, "vrouwennetwerk": 0.12, "sleutelfiguur": 0.10,
                     "vrijwilligers": 0.16}
_LABELS = {"wijkteam": "Wijkteam", "jeugdteam": "Jeugdteam", "cjg": "CJG", "jgz": "JGZ-team",
           "school": "Basisschool", "ggd": "GGD-team", "veilig_thuis": "Veilig Thuis steunpunt",
           "huisarts": "Huisartsenpraktijk", "mzo": "Stichting", "moskee": "Moskee",
           "kerk": "Kerk", "buurtcentrum": "Buurtcentrum", "ouderkamer": "Ouderkamer",
           "vrouwennetwerk": "Vrouwennetwerk", "sleutelfiguur": "Sleutelfiguur",
           "vrijwilligers": "Vrijwilligersgroep"}
# community: (weight, languages)
_COMMUNITIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "Nederlandse": (0.25, ("Nederlands",)),
    "Turkse": (0.14, ("Turks", "Nederlands")),
    "Marokkaanse": (0.16, ("Arabisch", "Tamazight", "Nederlands")),
    "Surinaamse": (0.08, ("Nederlands", "Sranantongo")),
    "Antilliaanse": (0.05, ("Papiaments", "Nederlands")),
    "Somalische": (0.05, ("Somalisch",)),
    "Eritrese": (0.05, ("Tigrinya",)),
    "Syrische": (0.07, ("Arabisch",)),
    "Poolse": (0.06, ("Pools",)),
    "Afghaanse": (0.04, ("Dari", "Pasjtoe")),
    "Ghanese": (0.03, ("Engels", "Twi")),
    "Bulgaarse": (0.02, ("Bulgaars", "Turks")),
}
_AGES = ("0-4", "4-12", "12-18", "0-18")
_FORMS = ("referral", "expertise", "advice", "mediation", "joint_project")

# Informal organisation roles in the synthetic city. "connected" ones have a
# professional partner (distance 1); "peripheral" ones only know connected
# informal ones (distance 2); "closed" ones only know each other (no route);
# "loner" ones work with nobody.
_ROLES = ("connected", "peripheral", "closed", "loner")
_ROLE_P = (0.70, 0.15, 0.10, 0.05)
# Parent-group types: how their reachers are drawn.
_GTYPES = ("unreached", "closed", "peripheral", "informal", "mixed")
_GTYPE_P = (0.04, 0.06, 0.08, 0.20, 0.62)

_GRID = (0.006, 0.009)  # cell size in degrees (lat, lon): about 670 m x 620 m
_ORIGIN = (52.0, 4.3)   # grid centre


def _grid_hoods(n: int) -> tuple[list[dict[str, Any]], np.ndarray]:
    """``n`` rectangular neighbourhoods on a grid and their (south, west) corners."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    south0 = _ORIGIN[0] - rows * _GRID[0] / 2
    west0 = _ORIGIN[1] - cols * _GRID[1] / 2
    corners = np.empty((n, 2))
    features = []
    for k in range(n):
        r, c = divmod(k, cols)
        s, w = south0 + r * _GRID[0], west0 + c * _GRID[1]
        corners[k] = (s, w)
        ring = [(w, s), (w + _GRID[1], s), (w + _GRID[1], s + _GRID[0]), (w, s + _GRID[0])]
        features.append(_polygon(ring, _hood_code(k), f"Synthetische buurt {k + 1}"))
    return features, corners


def _hood_code(k: int) -> str:
    """Fictional CBS-like buurt code; 9998 marks synthetic data (9999 is the demo district)."""
    return f"BU9998{k:04d}" if k < 10_000 else f"BU9998{k}"


def _pick(rng: np.random.Generator, options: dict[str, Any], n: int) -> np.ndarray:
    names = list(options)
    weights = np.array([options[k] if isinstance(options[k], float) else options[k][0]
                        for k in names])
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=weights / weights.sum())]


def _subset(rng: np.random.Generator, pool: Sequence[str], low: int, high: int) -> tuple[str, ...]:
    k = int(rng.integers(low, high + 1))
    idx = sorted(rng.choice(len(pool), size=min(k, len(pool)), replace=False))
    return tuple(pool[i] for i in idx)


def generate(organisations: int = 5000, groups: int = 1500, seed: int = 0,
             links: int | None = None) -> Dataset:
    """A synthetic, fictional city of ``organisations`` and ``groups``.

    Parameters
    ----------
    organisations, groups
        Table sizes (at least 5 organisations and 5 groups, so that every
        coverage class can occur).
    seed
        Equal seeds give equal datasets.
    links
        Reach plus collaboration rows; default ``40,000 * (organisations +
        groups) / 6,500`` (about 40,000 at the default size), about 35% reach.

    Returns
    -------
    Dataset
        About 40% formal organisations; ~1 neighbourhood polygon per 60
        organisations (at least 3) on a grid near (52.0 N, 4.3 E), every
        organisation inside its polygon. Unreached, direct, bridged (distance
        1 and 2) and informal-only groups all occur.
    """
    n_o, n_g = max(int(organisations), 5), max(int(groups), 5)
    rng = np.random.default_rng(seed)
    total = int(links) if links is not None else round(40_000 * (n_o + n_g) / 6_500)
    n_reach_target = round(total * 0.35)
    n_hoods = max(3, round(n_o / 60))
    features, corners = _grid_hoods(n_hoods)
    codes = np.array([_hood_code(k) for k in range(n_hoods)], dtype=object)

    # --- organisations: the first five are fixed so that small cities still
    # hold every role (formal, connected, peripheral, closed, loner).
    formal = rng.random(n_o) < 0.4
    roles = np.array(_ROLES, dtype=object)[rng.choice(4, size=n_o, p=_ROLE_P)]
    formal[:5] = (True, False, False, False, False)
    roles[1:5] = _ROLES
    roles[formal] = "formal"
    org_hood = rng.integers(0, n_hoods, size=n_o)
    org_hood[:5] = 0
    category = np.where(formal, _pick(rng, _FORMAL_WEIGHTS, n_o),
                        _pick(rng, _INFORMAL_WEIGHTS, n_o))
    lat = corners[org_hood, 0] + _GRID[0] * (0.05 + 0.9 * rng.random(n_o))
    lon = corners[org_hood, 1] + _GRID[1] * (0.05 + 0.9 * rng.random(n_o))
    org_ids = np.array([f"O{i:05d}" for i in range(n_o)], dtype=object)
    org_comm = _pick(rng, _COMMUNITIES, n_o)
    orgs = []
    for i in range(n_o):
        langs = ("Nederlands",) if formal[i] else _COMMUNITIES[org_comm[i]][1]
        orgs.append({
            "id": org_ids[i],
            "name": f"{_LABELS[category[i]]} {i + 1} (fictief)",
            "kind": "formal" if formal[i] else "informal",
            "category": category[i], "neighbourhood": codes[org_hood[i]],
            "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
            "languages": langs, "topics": _subset(rng, TOPICS, 1, 3),
            "contact": "coördinator" if i % 3 == 0 else None, "notes": None})

    # --- parent groups: the first five again cover every type
    gtype = np.array(_GTYPES, dtype=object)[rng.choice(5, size=n_g, p=_GTYPE_P)]
    # the fifth is reached by professionals only, so "direct" occurs even in a tiny city
    gtype[:5] = ("unreached", "closed", "peripheral", "informal", "direct")
    g_hood = rng.integers(0, n_hoods, size=n_g)
    g_hood[:5] = 0
    g_comm = _pick(rng, _COMMUNITIES, n_g)
    families = rng.integers(5, 150, size=n_g)
    ages = rng.integers(0, len(_AGES), size=n_g)
    group_ids = [f"G{j:05d}" for j in range(n_g)]
    parent_groups = [{
        "id": group_ids[j], "name": f"{g_comm[j]} ouders {j + 1} (fictief)",
        "community": g_comm[j], "neighbourhood": codes[g_hood[j]],
        "families": int(families[j]), "languages": _COMMUNITIES[g_comm[j]][1],
        "children_age": _AGES[ages[j]], "notes": None} for j in range(n_g)]

    # pools of organisation indices per (role, neighbourhood)
    pools: dict[str, list[list[int]]] = {}
    for role in ("formal", *_ROLES):
        per_hood: list[list[int]] = [[] for _ in range(n_hoods)]
        for i in np.flatnonzero(roles == role):
            per_hood[org_hood[i]].append(int(i))
        pools[role] = per_hood
    every = {role: [i for h in per_hood for i in h] for role, per_hood in pools.items()}
    group_pool = {"closed": ("closed", "loner"), "peripheral": ("peripheral",),
                  "informal": ("connected",), "direct": ("formal",),
                  "mixed": ("formal", "connected", "peripheral")}

    # --- reach: reachers drawn from the group's neighbourhood (any when it has none)
    reached = n_g - int((gtype == "unreached").sum())
    mean = max(n_reach_target / max(reached, 1), 1.0)
    # skewed: many groups have one or two reachers (fragile), some a dozen
    counts = 1 + rng.poisson(rng.exponential(mean - 1, size=n_g))
    reach = []
    for j in range(n_g):
        if gtype[j] == "unreached":
            continue
        local = [i for role in group_pool[gtype[j]] for i in pools[role][g_hood[j]]]
        if not local:
            local = [i for role in group_pool[gtype[j]] for i in every[role]]
        k = min(int(counts[j]), len(local))
        for i in sorted(rng.choice(len(local), size=k, replace=False)):
            reach.append({"organisation": org_ids[local[i]], "group": group_ids[j],
                          "strength": float(rng.integers(1, 6)), "topics": (), "since": None})

    # --- collaborations as index pairs
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()

    def add(a: int, b: int) -> None:
        key = (a, b) if a < b else (b, a)
        if a != b and key not in seen:
            seen.add(key)
            pairs.append((a, b))

    def partner(role: str, hood: int) -> int | None:
        pool = pools[role][hood] or every[role]
        return pool[int(rng.integers(len(pool)))] if pool else None

    for i in every["connected"]:  # each has a professional partner: distance 1
        p = partner("formal", org_hood[i])
        if p is not None:
            add(i, p)
    for i in every["peripheral"]:  # only informal partners that have one: distance 2
        for _ in range(int(rng.integers(1, 3))):
            p = partner("connected", org_hood[i])
            if p is not None:
                add(i, p)
    for hood_members in pools["closed"]:  # closed circles within a neighbourhood
        for a, b in itertools.pairwise(hood_members):
            add(a, b)
    # the rest of the budget: random links among professionals and connected
    # informal organisations, 85% within the neighbourhood
    main = np.array(sorted(every["formal"] + every["connected"]), dtype=np.int64)
    budget = total - len(reach)
    extra = int(max(budget / 1.2 - len(pairs), 0))  # ~20% of pairs get a second row
    if len(main) > 1 and extra:
        by_hood = main[np.argsort(org_hood[main], kind="stable")]
        hood_of = org_hood[by_hood]
        start = np.searchsorted(hood_of, np.arange(n_hoods))
        size = np.searchsorted(hood_of, np.arange(n_hoods), side="right") - start
        m = int(extra * 1.1) + 10  # a few draws are duplicates or self-pairs
        src = main[rng.integers(0, len(main), size=m)]
        h = org_hood[src]
        offset = (rng.random(m) * np.maximum(size[h], 1)).astype(np.int64)
        # clipped: a neighbourhood without such organisations starts past the end
        local = by_hood[np.minimum(start[h] + offset, len(by_hood) - 1)]
        anywhere = main[rng.integers(0, len(main), size=m)]
        dst = np.where((rng.random(m) < 0.85) & (size[h] > 0), local, anywhere)
        goal = len(pairs) + extra
        for a, b in zip(src.tolist(), dst.tolist(), strict=True):
            if len(pairs) >= goal:
                break
            add(a, b)

    # --- rating rows: ~75% rated, ~20% rated from both sides as well
    n_p = len(pairs)
    both = rng.random(n_p) < 0.2
    rows_a = [*pairs, *((b, a) for (a, b), x in zip(pairs, both, strict=True) if x)]
    n_rows = len(rows_a)
    rated = rng.random(n_rows) < 0.75
    base = np.clip(rng.normal(3.6, 0.6, size=n_rows), 1.0, 5.0)
    scores = np.clip(base[:, None] + rng.normal(0, 0.4, size=(n_rows, 4)), 1.0, 5.0).round(1)
    forms = rng.integers(0, len(_FORMS), size=n_rows)
    collabs = []
    for r, (a, b) in enumerate(rows_a):
        row = {"source": org_ids[a], "target": org_ids[b], "form": _FORMS[forms[r]],
               "reported_by": f"R{r:05d}" if rated[r] else None}
        for c, condition in enumerate(CONDITIONS):
            row[condition] = float(scores[r, c]) if rated[r] else None
        collabs.append(row)

    return Dataset(
        organisations=_frame(orgs, ORG_COLUMNS),
        parent_groups=_frame(parent_groups, GROUP_COLUMNS),
        reach=_frame(reach, REACH_COLUMNS),
        collaborations=_frame(collabs, COLLAB_COLUMNS),
        neighbourhoods={"type": "FeatureCollection", "features": features},
        name=f"Synthetische stad {n_o}x{n_g} seed {seed} (fictief)",
    )


def by_nodes(nodes: int, seed: int = 0) -> Dataset:
    """A synthetic city of about ``nodes`` organisations plus groups (the 5000:1500 mix)."""
    nodes = max(int(nodes), 8)
    organisations = round(nodes * 5000 / 6500)
    return generate(organisations=organisations, groups=nodes - organisations, seed=seed)


# --------------------------------------------------------------------------- writing


def write_demo(out_dir: str | Path, dataset: Dataset | None = None, fmt: str = "csv") -> Path:
    """Write ``dataset`` (default: the demo district) to ``out_dir``.

    ``fmt``: ``"csv"`` (UTF-8, English headers), ``"csv-nl"`` (Dutch Excel:
    ``;``, Windows-1252, decimal comma, Dutch headers) or ``"xlsx"``
    (``<out_dir>/<name>.xlsx`` with Dutch headers plus ``wijken.geojson``
    beside it). A ``README.md`` saying the data is fictional is written too.
    Returns the folder (or the workbook for ``xlsx``).
    """
    from mapping.io import write  # late: write imports the schema, which is heavier

    data = dataset if dataset is not None else demo_district()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result: Path = out
    if fmt == "csv":
        write.write_csv(data, out, dialect="utf8", headers="en")
    elif fmt == "csv-nl":
        write.write_csv(data, out, dialect="excel-nl", headers="nl")
    elif fmt == "xlsx":
        result = out / "wijknetwerk.xlsx"
        write.write_xlsx(data, result, headers="nl")
        write.write_geojson(data, out / "wijken.geojson")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    (out / "README.md").write_text(_readme(data, fmt), encoding="utf-8")
    return result


def _readme(dataset: Dataset, fmt: str) -> str:
    counts = dataset.counts()
    return (
        f"# {dataset.name}\n\n"
        "**Fictief.** Deze gegevens zijn verzonnen voor demonstratie en tests; namen van\n"
        "organisaties, groepen, buurten en codes (`BU9999...`/`BU9998...`) bestaan niet.\n"
        "Sleutelfiguren zijn rollen, geen personen; contactpersonen zijn functies;\n"
        "respondenten zijn pseudoniemen.\n\n"
        "**Fictional.** This data is invented for demonstration and tests.\n\n"
        f"- organisations: {counts['organisations']}\n"
        f"- parent groups: {counts['parent_groups']}\n"
        f"- reach links: {counts['reach']}\n"
        f"- collaboration ratings: {counts['collaborations']}\n"
        f"- neighbourhoods: {counts['neighbourhoods']}\n\n"
        f"Format: {fmt}. Regenerate with `python -m mapping demo --out <folder>`"
        " (deterministic).\n"
    )


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``demo --out DIR [--organisations N] [--groups M] [--seed S] [--format]``."""
    parser = sub.add_parser(
        "demo", help="write the fictional demo district, or a synthetic city with -n/-g")
    parser.add_argument("--out", required=True, help="folder to write")
    parser.add_argument("--organisations", "-n", type=int, default=None, metavar="N",
                        help="generate a synthetic city with N organisations")
    parser.add_argument("--groups", "-g", type=int, default=None, metavar="M",
                        help="number of parent groups of the synthetic city")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument("--format", choices=("csv", "csv-nl", "xlsx"), default="csv",
                        help="csv: UTF-8 with English headers; csv-nl: Dutch Excel "
                             "(; Windows-1252, decimal comma); xlsx: one workbook")
    return "demo", run


def run(args: argparse.Namespace) -> int:
    """Run ``demo``: the demo district, or a synthetic city when a size is given."""
    if args.organisations is None and args.groups is None:
        dataset = demo_district()
    else:
        n_o = args.organisations if args.organisations is not None else 5000
        n_g = args.groups if args.groups is not None else round(n_o * 1500 / 5000)
        if n_o < 1 or n_g < 1:
            print("--organisations and --groups must be at least 1", file=sys.stderr)
            return 2
        dataset = generate(organisations=n_o, groups=n_g, seed=args.seed)
    try:
        path = write_demo(args.out, dataset, args.format)
    except (OSError, UnicodeEncodeError) as exc:
        print(f"cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    counts = dataset.counts()
    print(f"{dataset.name} -> {path} ({counts['organisations']} organisations, "
          f"{counts['parent_groups']} groups, {counts['reach']} reach, "
          f"{counts['collaborations']} collaborations)")
    return 0
