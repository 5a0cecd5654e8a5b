"""Benchmark the dashboard pages; prints the figures for the README.

1. Server-side time of a filter change on the network page for the demo
   district (target < 300 ms): AppTest reruns of ``pages/network.py`` after a
   category filter change, the analysis already cached (as it is for a user).
2. Time until the network is drawn in Chromium for a 2,000-node synthetic
   district (target < 3 s): a real ``streamlit run`` server, headless
   Chromium, every non-local request aborted; from navigation start of the
   Streamlit page to vis-network's first drawn frame inside the iframe.
   "cold" includes the first analysis and layout of the district on the
   server; "warm" is a new visitor once the server has it cached.

    .venv/bin/python bench/bench_pages.py [--runs 10] [--nodes 2000] [--no-browser]
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from mapping.dataset import CONDITIONS, Dataset  # noqa: E402

FORMAL = ["wijkteam", "jeugdteam", "cjg", "jgz", "school", "ggd", "huisarts"]
INFORMAL = ["mzo", "moskee", "kerk", "buurtcentrum", "ouderkamer", "vrouwennetwerk",
            "sleutelfiguur", "vrijwilligers"]


def filter_change_ms(runs: int) -> list[float]:
    """Milliseconds per rerun of the network page after a filter change (demo district)."""
    sys.path.insert(0, str(ROOT / "tests" / "app"))
    from tests.app.conftest import open_page, shown_dataset

    _use_stub_loader_if_needed()
    at = open_page("network")
    categories = sorted(set(shown_dataset().organisations["category"]))
    choices = [[], categories[:1], categories[:2]]
    timings = []
    for i in range(runs + 1):
        widget = at.multiselect(key="net_cat.nl").set_value(choices[i % len(choices)])
        start = time.perf_counter()
        widget.run()
        elapsed = (time.perf_counter() - start) * 1000
        assert not at.exception, at.exception
        if i:  # the first rerun warms Streamlit's own caches; users never see it alone
            timings.append(elapsed)
    return timings


def _use_stub_loader_if_needed() -> None:
    try:
        import mapping.load  # noqa: F401
    except ImportError:
        from tests.app.conftest import _stub_load
        from tests.render.conftest import make_dataset

        sys.modules["mapping.load"] = _stub_load(make_dataset(evil=False))


def synthetic_city(nodes: int, seed: int = 7) -> Dataset:
    """A district-shaped dataset: 30% organisations, 70% parent groups, 40 neighbourhoods.

    Uses ``mapping.demo.generate`` when the demo module provides it.
    """
    try:
        from mapping import demo

        return demo.generate(nodes=nodes, seed=seed)
    except (ImportError, AttributeError, TypeError):
        pass
    rng = random.Random(seed)
    n_org, hoods = int(nodes * 0.3), [f"BU{i:08d}" for i in range(40)]
    n_group = nodes - n_org
    orgs = pd.DataFrame({
        "id": [str(i) for i in range(n_org)], "name": [f"Organisatie {i}" for i in range(n_org)],
        "kind": ["formal" if i % 3 == 0 else "informal" for i in range(n_org)],
        "category": [rng.choice(FORMAL if i % 3 == 0 else INFORMAL) for i in range(n_org)],
        "neighbourhood": [rng.choice(hoods) for _ in range(n_org)],
        "topics": [tuple(rng.sample(["school", "raising_children", "discrimination"], 1))
                   for _ in range(n_org)]})
    groups = pd.DataFrame({
        "id": [str(i) for i in range(n_group)],
        "name": [f"Oudergroep {i}" for i in range(n_group)],
        "neighbourhood": [rng.choice(hoods) for _ in range(n_group)],
        "families": pd.array([rng.randint(5, 80) for _ in range(n_group)], dtype="Int64")})
    reach = pd.DataFrame([{"organisation": str(o), "group": str(g), "strength": 3.0}
                          for g in range(n_group)
                          for o in rng.sample(range(n_org), rng.choice([0, 1, 1, 2, 3]))])
    collabs = pd.DataFrame([
        {"source": str(a), "target": str(b), "form": "referral",
         **{c: float(rng.randint(1, 5)) for c in CONDITIONS}, "reported_by": None}
        for a, b in (rng.sample(range(n_org), 2) for _ in range(int(n_org * 1.6)))])
    return Dataset(orgs, groups, reach, collabs, None, name=f"synthetic {nodes}")


def draw_seconds(nodes: int, runs: int) -> tuple[float, list[float]]:
    """Seconds to the first drawn network frame: (cold, [warm...])."""
    from tests.browser.conftest import NETWORK_DRAWN, frame_where, streamlit_server
    from tests.browser_support import VIEWPORT, block_external, launch

    dataset = synthetic_city(nodes)
    with tempfile.TemporaryDirectory() as tmp:
        app_args, env = _serve(dataset, Path(tmp))
        with streamlit_server(Path(tmp), app_args, env_extra=env) as server, \
                launch() as browser:
            results = []
            for _ in range(runs + 1):
                context = browser.new_context(viewport=VIEWPORT)
                block_external(context)
                page = context.new_page()
                page.goto(server.page_url("network"))
                frame = frame_where(page, NETWORK_DRAWN, timeout=120)
                drawn_epoch = frame.evaluate(
                    "performance.timeOrigin + window.wijknetwerk.drawnAt")
                results.append((drawn_epoch - page.evaluate("performance.timeOrigin")) / 1000)
                context.close()
    return results[0], results[1:]


def _serve(dataset: Dataset, tmp: Path) -> tuple[list[str], dict[str, str]]:
    """How to make the server show ``dataset``: a CSV folder, or the stub's pickle."""
    from tests.browser.conftest import loader_exists, write_folder

    if loader_exists():
        return ["--data", str(write_folder(dataset, tmp / "city"))], {}
    target = tmp / "city.pickle"
    target.write_bytes(pickle.dumps(dataset))
    return [], {"WIJK_STUB_PICKLE": str(target)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    ms = filter_change_ms(args.runs)
    print(f"network page, filter change (demo, AppTest rerun): median {statistics.median(ms):.0f}"
          f" ms, max {max(ms):.0f} ms over {len(ms)} reruns (target < 300 ms)")
    if not args.no_browser:
        cold, warm = draw_seconds(args.nodes, max(1, args.runs // 3))
        print(f"network drawn in Chromium, {args.nodes} nodes: cold {cold:.2f} s (first "
              f"analysis on the server), warm median {statistics.median(warm):.2f} s, "
              f"max {max(warm):.2f} s (target < 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
