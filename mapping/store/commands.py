"""The store's commands: ``import`` (validate a dataset and save it) and ``export``.

Registered by :mod:`mapping.cli` like every command, whose work lives in the
module of its concern. Every failure is one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mapping.i18n import normalise_lang, translate
from mapping.io.write import drop_personal, write_csv_folder
from mapping.store.errors import _LOG, MESSAGES, StoreError
from mapping.store.seed import open_store


def _db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db``, the same for both commands."""
    parser.add_argument("--db", default=None,
                        help="database URL or SQLite file (default: $MAPPING_DB or "
                             "~/.local/share/wijknetwerk/wijknetwerk.db)")


def register_import(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``import PATH [--db URL] [--name NAME] [--replace] [--author A]``."""
    parser = sub.add_parser("import", help="validate a dataset and save it in the store")
    parser.add_argument("path", help="CSV folder or XLSX workbook")
    _db_argument(parser)
    parser.add_argument("--name", default=None, help="dataset name (default: file name)")
    parser.add_argument("--replace", action="store_true",
                        help="add as a new version when the dataset exists")
    parser.add_argument("--author", default=None)
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "import", run_import


@contextlib.contextmanager
def _cli_log() -> Iterator[None]:
    """The CLI prints one line per failure: the store's log warning would be a second one."""
    level = _LOG.level
    _LOG.setLevel(logging.ERROR)
    try:
        yield
    finally:
        _LOG.setLevel(level)


def run_import(args: argparse.Namespace) -> int:
    """Run ``import``: exit 1 with the error report when the data is invalid.

    Every store failure (database down, disk full, read-only, text the store
    refuses) is one line on stderr and exit code 1; never a traceback, SQL or
    row data.
    """
    from mapping.io.load import load_for_command  # only this command needs the file readers

    lang = normalise_lang(args.lang)
    dataset = load_for_command(args.path, lang)
    if dataset is None:
        return 1
    name = args.name or Path(args.path).stem
    try:
        with _cli_log(), contextlib.closing(open_store(args.db)) as store:
            if args.replace:
                number = store.save(name, dataset, author=args.author,
                                    message=f"import {args.path}")
            else:
                number = store.create_dataset(name, dataset, author=args.author,
                                              message=f"import {args.path}")
    except StoreError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    print(f"{name}: version {number}")
    return 0


def register_export(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``export NAME --out DIR [--db URL] [--version V] [--no-personal]``."""
    parser = sub.add_parser("export", help="write a stored dataset as a canonical CSV folder")
    parser.add_argument("name", help="dataset name")
    _db_argument(parser)
    parser.add_argument("--out", required=True, help="folder to write")
    parser.add_argument("--version", default=None, help="version number or label (default: newest)")
    parser.add_argument("--no-personal", action="store_true",
                        help="leave out contact persons and respondents")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "export", run_export


def run_export(args: argparse.Namespace) -> int:
    """Run ``export``: exit 1 when the dataset or version does not exist, the
    database fails or the folder cannot be written (one line on stderr, no traceback).

    The CSV files are neutralised like every export (:func:`mapping.io.write.neutralise`).
    """
    lang = normalise_lang(args.lang)
    try:
        with _cli_log(), contextlib.closing(open_store(args.db)) as store:
            dataset = store.load(args.name, args.version)
    except StoreError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    if args.no_personal:
        dataset = drop_personal(dataset)
    try:
        write_csv_folder(dataset, Path(args.out))
    except OSError as exc:
        print(translate(MESSAGES, "export_failed", lang, path=args.out,
                        reason=exc.strerror or type(exc).__name__), file=sys.stderr)
        return 1
    print(f"{dataset.name} -> {args.out}")
    return 0
