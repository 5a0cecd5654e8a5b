"""The ``import-survey`` command."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from mapping.io.load import format_result
from mapping.io.surveys.build import import_files
from mapping.io.surveys.catalog import _text
from mapping.io.surveys.roles import SurveyMapping


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping import-survey FILE... [--mapping M] [--base DIR] --out DIR``."""
    parser = sub.add_parser(
        "import-survey", help="import a survey export (Qualtrics, Google/Microsoft Forms, "
                              "LimeSurvey, KoboToolbox, SurveyMonkey)",
        description="Guess (or read) which column means what, write the four tables as CSV. "
                    "Exit status: 0 imported, 1 errors, 2 usage error.")
    parser.add_argument("file", metavar="FILE", nargs="+",
                        help="CSV or XLSX export (or the CSV files of Network Canvas interviews)")
    parser.add_argument("--base", help="the district's own lists (organisations, parent groups "
                                       "with family counts): a folder or file the loader reads")
    parser.add_argument("--mapping", help="mapping JSON (from --write-mapping) to use")
    parser.add_argument("--write-mapping", help="write the mapping used to this JSON file")
    parser.add_argument("--secret-file", help="key of the respondent pseudonyms (created when "
                                              "missing; keep it to compare waves)")
    parser.add_argument("--out", help="folder for the CSV files")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "import-survey", run_import


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.file``; write the mapping and the four CSV tables."""
    from mapping.io.write import write_csv_folder

    try:
        files = [(Path(f).name, Path(f).read_bytes()) for f in args.file]
        mapping = (SurveyMapping.from_json(Path(args.mapping).read_text("utf-8"))
                   if args.mapping else None)
        secret = None
        if args.secret_file:
            path = Path(args.secret_file)
            if not path.exists():
                path.write_bytes(secrets.token_bytes(32))
                path.chmod(0o600)
            secret = path.read_bytes()
    except OSError as exc:
        print(f"{exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{args.mapping}: " + _text("mapping_invalid", args.lang, detail=exc),
              file=sys.stderr)
        return 1
    lists = None
    if args.base:
        from mapping.io.surveys.names import read_lists

        try:
            base = read_lists(args.base, args.lang)
        except OSError as exc:
            print(f"{exc.filename}: {exc.strerror}", file=sys.stderr)
            return 1
        if not base.ok:
            print(format_result(base, args.lang), file=sys.stderr)
            return 1
        lists = base.dataset
    result = import_files(files, mapping, args.lang, secret, lists)
    print(format_result(result, args.lang), file=sys.stdout if result.ok else sys.stderr)
    if result.dropped:
        print(_text("not_stored", args.lang,
                    columns=", ".join(f"{c} ({r})" for c, r in result.dropped)))
    if args.write_mapping and result.mapping is not None:
        Path(args.write_mapping).write_text(result.mapping.to_json(), "utf-8")
    if not result.ok or result.dataset is None:
        return 1
    if args.out:
        write_csv_folder(result.dataset, args.out)
    return 0
