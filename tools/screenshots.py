"""Screenshots of every page at 1920x1080 for the README: ``python -m tools.screenshots``.

Starts ``streamlit run app.py`` on a free port (the demo district, or
``--data PATH``), opens each page in headless Chromium with every non-local
request aborted, waits until the network and map have drawn, and writes
``docs/screenshots/<page>.png``. Also writes ``overview-presentation.png`` to
show presentation mode.

    .venv/bin/python -m tools.screenshots [--data PATH] [--out DIR] [--lang en]

Run it from the checkout root with ``-m``: it reuses the browser-test helpers in
``tests/``, which are not part of the installed package.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.browser.conftest import (
    MAP_DRAWN,
    NETWORK_DRAWN,
    frame_where,
    open_app,
    streamlit_server,
)
from tests.browser_support import VIEWPORT, block_external, launch

ROOT = Path(__file__).resolve().parents[1]

SHOTS = (
    ("overview", "", ""),
    ("network", "network", ""),
    ("map", "map", "base=none"),
    ("gaps", "gaps", ""),
    ("collaboration", "collaboration", ""),
    ("roles", "roles", ""),
    ("topics", "topics", ""),
    ("data", "data", ""),
    ("workshop", "workshop", ""),
    ("compare", "compare", ""),
    ("survey", "survey", ""),
    *((f"{page or 'overview'}-presentation", page, "present=1" + ("&base=none" if page == "map"
                                                                  else ""))
      for page in ("", "network", "map", "gaps", "collaboration", "roles", "topics", "data",
                   "workshop", "compare", "survey")),
)


def take(server, browser, out: Path, lang: str, only: set[str] | None = None) -> list[Path]:
    """One PNG per entry of :data:`SHOTS` (or those named in ``only``); the files written."""
    written = []
    for name, page_path, query in SHOTS:
        if only and name not in only:
            continue
        context = browser.new_context(viewport=VIEWPORT)
        block_external(context)
        page = context.new_page()
        full_query = "&".join(q for q in (query, "" if lang == "nl" else f"lang={lang}") if q)
        open_app(page, server.page_url(page_path, full_query))
        if page_path == "network":
            frame_where(page, NETWORK_DRAWN)
        if page_path == "map":
            frame_where(page, MAP_DRAWN, timeout=30)
        page.wait_for_timeout(800)  # physics-free drawings settle at once; fonts may not
        target = out / f"{name}.png"
        page.screenshot(path=str(target))
        written.append(target)
        context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="CSV folder or XLSX workbook (default: the demo)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    parser.add_argument("--only", nargs="*", help="names of the shots to take (default: all)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app_args = ["--data", args.data] if args.data else []
    with tempfile.TemporaryDirectory() as tmp, \
            streamlit_server(Path(tmp), app_args) as server, launch() as browser:
        for path in take(server, browser, out, args.lang, set(args.only or ())):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
