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
import sys
from pathlib import Path
from typing import Any

from mapping.domain.dataset import Dataset
from mapping.io.demo_city import by_nodes, generate  # noqa: F401  (re-exported)
from mapping.io.demo_district import demo_district
from mapping.io.demo_tables import DEMO_NAME, FICTIONAL_NOTE  # noqa: F401  (re-exported)

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
