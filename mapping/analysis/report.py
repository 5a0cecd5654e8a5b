"""The coverage-gap report: one dict with everything a team lead needs, and its text form.

:func:`build_report` returns a JSON-friendly dict (the shape of
``python -m mapping report --json``); :func:`format_report` turns it into text
that can be pasted into the minutes of a meeting (Dutch by default).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mapping.locales import catalog

if TYPE_CHECKING:
    from mapping.analysis.coverage import Coverage
    from mapping.domain.dataset import Dataset
    from mapping.i18n import Catalog

# The analyses, pandas and Babel are imported where they are used, not here: the
# ``report`` command registers (and starts its parse worker) before it imports them.
MESSAGES: Catalog = catalog.namespace("report")


def analyse(
    dataset: Dataset, min_quality: float | None = None, include_unrated: bool = True
) -> Coverage:
    """Coverage of ``dataset`` (pages cache this and pass it to the other functions).

    Built from the tables, not through the networkx graph, which only drawing needs.
    """
    from mapping.analysis.coverage import compute, network_from_dataset

    return compute(network_from_dataset(dataset, min_quality, include_unrated))


def build_report(
    dataset: Dataset,
    min_quality: float | None = None,
    include_unrated: bool = True,
    lang: str = "nl",
    suggestions: int = 5,
) -> dict[str, Any]:
    """Everything the report shows, as a JSON-friendly dict.

    Parameters
    ----------
    dataset
        The district.
    min_quality, include_unrated
        Which collaborations count as links.
    lang
        Language of the sentences (gaps, suggestion explanations).
    suggestions
        How many collaborations to suggest.

    Returns
    -------
    dict
        ``name``, ``min_quality``, ``groups`` (id, name, neighbourhood,
        families, coverage, distance, routes, fragile, route), ``summary``
        (per class ``{"groups", "families"}``), ``share`` (families with a
        route), ``neighbourhoods``, ``brokers``, ``suggestions``, ``gaps``
        (sentences) and ``topics``.
    """
    from mapping.analysis import graph as g

    # The analyses allocate many small objects that all stay alive until the
    # report is done; collector passes over them cost half the time of a city.
    with g.gc_paused():
        return _report(dataset, min_quality, include_unrated, lang, suggestions)


def _report(dataset: Dataset, min_quality: float | None, include_unrated: bool, lang: str,
            suggestions: int) -> dict[str, Any]:
    from mapping.analysis.brokers import brokers
    from mapping.analysis.coverage_summary import (
        gap_sentences,
        group_rows,
        helped_share,
        neighbourhood_shares,
        summary,
    )
    from mapping.analysis.suggest import suggest
    from mapping.analysis.topics import topics_from_dataset

    cov = analyse(dataset, min_quality, include_unrated)
    totals = summary(cov)
    return {
        "name": dataset.name,
        "min_quality": min_quality,
        "include_unrated": include_unrated,
        "groups": group_rows(cov),
        "summary": totals,
        "share": helped_share(cov),
        "neighbourhoods": neighbourhood_shares(cov),
        "brokers": [b for b in brokers(cov) if b["worse_groups"] or b["route_groups"]],
        "suggestions": suggest(cov, k=suggestions, lang=lang),
        "gaps": gap_sentences(cov, lang),
        "topics": topics_from_dataset(dataset, cov.network),
    }


def format_report(report: dict[str, Any], lang: str = "nl", brokers_shown: int = 5) -> str:
    """The report as plain text for the minutes of a meeting."""
    from mapping.analysis.coverage import CLASSES
    from mapping.i18n import format_percent

    t = _translator(lang)
    lines = [t("title", name=report.get("name", "")), ""]
    if report.get("min_quality") is not None:
        lines += [t("threshold", t=report["min_quality"]), ""]
    lines.append(t("summary"))
    for cls in CLASSES:
        s = report["summary"][cls]
        lines.append(t("line", label=t(cls), groups=s["groups"], families=s["families"]))
    if report.get("share") is not None:
        lines.append(t("share", share=format_percent(report["share"], lang)))
    lines += ["", t("gaps"), *([f"- {s}" for s in report["gaps"]] or [t("none")])]
    lines += ["", t("hoods"), *_hood_lines(report, t, lang)]
    lines += ["", t("brokers"), *_broker_lines(report, t, brokers_shown)]
    lines += ["", t("suggestions")]
    lines += [f"{i}. {s['explanation']}" for i, s in enumerate(report["suggestions"], 1)] or [
        t("none")]
    lines += ["", t("topics"), *_topic_lines(report, t, lang)]
    return "\n".join(lines) + "\n"


def _translator(lang: str) -> Any:
    from mapping.i18n import translate

    return lambda key, **values: translate(MESSAGES, key, lang, **values)


def _hood_lines(report: dict[str, Any], t: Any, lang: str) -> list[str]:
    from mapping.i18n import format_percent

    lines = []
    for entry in report["neighbourhoods"]:
        if entry["share"] is None:
            continue
        lines.append(t("hood_line", hood=entry.get("name") or entry["neighbourhood"]
                       or t("unknown_hood"),
                       share=format_percent(entry["share"], lang),
                       families=entry["families"]))
    return lines or [t("none")]


def _broker_lines(report: dict[str, Any], t: Any, shown: int) -> list[str]:
    lines = []
    for b in report["brokers"][:shown]:
        sole = t("sole", n=len(b["sole_bridge_for"])) if b["sole_bridge"] else ""
        lines.append(t("broker_line", name=b["name"],
                       groups=len(set(b["worse_groups"]) | set(b["route_groups"])),
                       families=b["worse_families"] or b["route_families"], sole=sole))
    return lines or [t("none")]


def _topic_lines(report: dict[str, Any], t: Any, lang: str) -> list[str]:
    from mapping.analysis.topics import topic_label

    return [t("topic_line", topic=topic_label(name, lang), groups=len(e["groups"]),
              families=e["families"], taboo=t("taboo") if e["taboo"] else "")
            for name, e in report["topics"].items()] or [t("none")]


# --- command line -------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``report PATH [--json] [--min-quality T] [--lang nl|en] [--pdf FILE]``."""
    parser = sub.add_parser("report", help="coverage-gap report of a dataset")
    parser.add_argument("path", help="CSV folder or XLSX workbook")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--min-quality", type=float, default=None, metavar="T",
                        help="only collaborations with a mean score of at least T count")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    parser.add_argument("--pdf", metavar="FILE", default=None,
                        help="write the printable district report (A4 PDF) to FILE")
    parser.add_argument("--hide-names", action="store_true",
                        help="leave contact persons out of the PDF")
    from mapping.io.worker_process import add_max_rows_option  # imports no pandas

    add_max_rows_option(parser)
    return "report", run


def run(args: argparse.Namespace) -> int:
    """Run ``report``: exit 1 (with the error report) when the data is invalid.

    The parse worker starts first, before this process imports pandas and the
    analyses (about 0.7 s), so the two processes' imports overlap; then numba's
    import and the route kernels' cache load (about 0.8 s) overlap the worker's
    reading instead of following it.
    """
    from mapping.analysis import kernels
    from mapping.io import worker_process

    lang = "en" if args.lang == "en" else "nl"  # argparse allows only these two
    if not worker_process.apply_max_rows(args, lang):
        return 2
    worker_process.start_job(worker_process.path_job(args.path, lang))
    kernels.warm_in_background(families=("routes",))
    from mapping.analysis import graph as g
    from mapping.io.load import load_for_command  # pandas, the readers: only now

    dataset = load_for_command(args.path, lang)
    if dataset is None:
        return 1
    if args.pdf:
        return _write_pdf(dataset, args, lang)
    if args.json and not _json_writer_present(lang):
        return 1
    # One command, one report: the collector stays off until the process ends, so it never
    # walks the millions of objects the report holds (0.3-0.4 s at national size).
    with g.gc_paused():
        report = build_report(dataset, min_quality=args.min_quality, lang=lang)
        # Kept until the process ends, which ``python -m mapping`` does without freeing
        # them (mapping.cli.exit_now): freeing them on return costs 0.3 s at national size.
        _LAST[:] = [dataset, report]
        if args.json:
            return _print_json(report, lang)
        print(format_report(report, lang), end="")
    return 0


_LAST: list[Any] = []
"""The dataset and report of the last :func:`run` (one command, one report)."""


def _json_writer_present(lang: str) -> bool:
    """Whether orjson imports; if not, say so on stderr (before a city's minute of work)."""
    import sys

    try:
        import orjson  # noqa: F401  (pinned; a broken install is a sentence, not a traceback)
    except ImportError as exc:
        from mapping.i18n import translate

        print(translate(MESSAGES, "json_missing", lang, error=exc), file=sys.stderr)
        return False
    return True


def _print_json(report: dict[str, Any], lang: str) -> int:
    """``report --json``: the text ``json.dumps(indent=2)`` wrote, 8x faster (orjson)."""
    from mapping.json_text import print_indented

    print_indented(report, default=_json_default)
    return 0


def _write_pdf(dataset: Dataset, args: argparse.Namespace, lang: str) -> int:
    """``report --pdf FILE``: write the district report; exit 1 with a message on failure."""
    import sys

    from mapping.views.report_pdf import message, page_count, report_pdf

    try:
        pdf = report_pdf(dataset, lang=lang, hide_names=args.hide_names,
                         min_quality=args.min_quality)
    except Exception as exc:  # any failure is a sentence, never a traceback
        print(message("failed", lang, error=exc), file=sys.stderr)
        return 1
    try:
        with open(args.pdf, "wb") as out:
            out.write(pdf)
    except OSError as exc:  # a missing folder, a full disk, no permission
        print(message("write_failed", lang, path=args.pdf, error=exc.strerror or exc),
              file=sys.stderr)
        return 1
    print(message("written", lang, path=args.pdf, pages=page_count(pdf)))
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if hasattr(value, "item"):
        return value.item()
    return str(value)
