"""Command line: ``python -m mapping COMMAND ...``.

Exit codes: 0 success (warnings allowed), 1 the data has errors, 2 usage error.
Each command's work lives in the module of its concern; this file only wires
arguments to functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Command = Callable[[argparse.Namespace], int]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    """The argument parser and the function behind each sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m mapping",
        description="Wijknetwerk: who reaches which parent groups in a district.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, Command] = {}
    for register in _REGISTRARS:
        name, command = register(sub)
        commands[name] = command
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser, commands = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    return commands[args.command](args)


# Each registrar adds one sub-command to the parser and returns (name, function).
# They live in the modules that own the work (validate, demo, report, store).
_REGISTRARS: list[Callable[[argparse._SubParsersAction], tuple[str, Command]]] = []

from mapping.analysis.report import register as _register_report  # noqa: E402
from mapping.domain.schema import register as _register_schema  # noqa: E402
from mapping.io.load import register as _register_validate  # noqa: E402

_REGISTRARS.extend([_register_validate, _register_schema])

_REGISTRARS.append(_register_report)

from mapping.store.repository import register_export as _register_export  # noqa: E402
from mapping.store.repository import register_import as _register_import  # noqa: E402

_REGISTRARS.extend([_register_import, _register_export])

from mapping.io.demo import register as _register_demo  # noqa: E402
from mapping.io.write import register_templates as _register_templates  # noqa: E402

_REGISTRARS.extend([_register_demo, _register_templates])

from mapping.analysis.waves import register as _register_compare  # noqa: E402
from mapping.io.graph_export import register as _register_export_graph  # noqa: E402
from mapping.io.graph_import import register as _register_import_graph  # noqa: E402

_REGISTRARS.extend([_register_import_graph, _register_export_graph, _register_compare])

from mapping.io.surveys import register as _register_import_survey  # noqa: E402

_REGISTRARS.append(_register_import_survey)
