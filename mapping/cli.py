"""Command line: ``python -m mapping COMMAND ...``.

Exit codes: 0 success (warnings allowed), 1 the data has errors, 2 usage error.
Each command's work lives in the module of its concern; this file only wires
arguments to functions.

Commands are registered lazily: :data:`COMMANDS` names the module and the
registrar of each, and only the module of the command being run is imported
(``report`` never imports SQLAlchemy, ReportLab or Streamlit; about 0.3 s of
a command's start on this machine). ``--help`` without a command, or an
unknown command, imports them all so argparse can list every one.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

Command = Callable[[argparse.Namespace], int]
Registrar = Callable[[argparse._SubParsersAction], tuple[str, Command]]

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("mapping.io.load", "register"),
    "schema": ("mapping.domain.schema", "register"),
    "report": ("mapping.analysis.report", "register"),
    "import": ("mapping.store.repository", "register_import"),
    "export": ("mapping.store.repository", "register_export"),
    "demo": ("mapping.io.demo", "register"),
    "templates": ("mapping.io.write", "register_templates"),
    "import-graph": ("mapping.io.graph_import", "register"),
    "export-graph": ("mapping.io.graph_export", "register"),
    "compare": ("mapping.analysis.waves", "register"),
    "import-survey": ("mapping.io.surveys", "register"),
    "questionnaire": ("mapping.io.surveys.questionnaire", "register"),
}
"""Command name -> (module, registrar function), in the order ``--help`` lists them."""

_REGISTRARS: list[Registrar] = []
"""Registrars added eagerly (by import) on top of :data:`COMMANDS`; always registered."""


def _registrar(name: str) -> Registrar:
    module, function = COMMANDS[name]
    return getattr(importlib.import_module(module), function)


def build_parser(
    only: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    """The argument parser and the function behind each sub-command.

    Parameters
    ----------
    only
        Register just this command of :data:`COMMANDS` (imports only its
        module); ``None`` registers every command.
    """
    parser = argparse.ArgumentParser(
        prog="python -m mapping",
        description="Wijknetwerk: who reaches which parent groups in a district.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [only] if only in COMMANDS else list(COMMANDS)
    commands: dict[str, Command] = {}
    for register in [*(_registrar(n) for n in names), *_REGISTRARS]:
        name, command = register(sub)
        commands[name] = command
    return parser, commands


QUICK_EXIT = frozenset({"report", "validate"})
"""Commands that only read files and print: their process ends through :func:`exit_now`.
The others (the store, file writers) end as Python ends, with every exit handler."""


def exit_now(code: int) -> NoReturn:
    """End the process of ``python -m mapping`` with ``code``: output flushed, no teardown.

    A command holds a district's objects (a national report: millions of them);
    Python's exit would free them one by one (0.4-0.8 s at national size) after the
    output is complete, for nothing. Called only by :mod:`mapping.__main__` after a
    command of :data:`QUICK_EXIT`, never by code that goes on. A reader that went
    away (``| head``) gives 120, as Python's own exit does.
    """
    import logging
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader left, or the stream was closed
        code = 120
    logging.shutdown()  # what Python's exit does for the handlers (the only atexit work)
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    first = argv[0] if argv else None
    parser, commands = build_parser(first if first in COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    # worker_process, not sandbox: sandbox imports pandas, and a command may start its
    # parse worker before it imports anything that heavy (see report's run()).
    from mapping.io import worker_process

    with worker_process.one_shot():  # one command, one read: no spare parse worker kept warm
        return commands[args.command](args)
