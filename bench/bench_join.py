"""Benchmark: a room full of phones pressing "Versturen" at once, on the store's join path.

Run from the checkout root: ``.venv/bin/python -m bench.bench_join [--phones 30]
[--spread 1.5] [--servers 1] [--postgres URL] [--no-postgres]``.

What one tap on the join page costs the server, without a browser (issue 15:
"30 participants answering within 2 s, every answer acknowledged within 2 s (p95)"):
each phone is a thread (a Streamlit session) of one of ``--servers`` processes
(app servers sharing the database), and taps at a random moment within
``--spread`` seconds. Per tap it runs what ``pages/join.py`` runs:

1. the button's callback (``_submit``): the join session, the groups and the
   organisations offered, then :meth:`JoinSession.submit` of a new
   organisation with two groups and one partner (one version, with a token);
2. the rerun that draws the thank-you and a fresh form: the code check, the
   join session, the organisations and the groups.

Printed per backend: seconds from the tap to the end of the rerun (the
acknowledgement) p50/p95/max, the share of that spent in the save and in the
reads, and the losses (answers not stored exactly once). The Streamlit side
(script run, widgets, websocket) comes on top: ``bench/bench_crowd.py``
measures the whole path at the server, with 30 clients speaking Streamlit's
websocket protocol (browser tabs cannot: 30 Chromium tabs take both cores),
and ``bench/bench_two_servers.py`` with browsers.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import threading
import time
import uuid
from typing import Any

from bench.bench_store import backends, cpu_model, demo_district
from mapping.store.repository import Store
from mapping.workshop import live as ws

CTX = mp.get_context("fork")


def _phone(store: Store, code: str, phone: int, tap_at: float, out: list[dict[str, float]],
           ) -> None:
    """One participant: wait for the tap, then the callback and the rerun of the join page."""
    rng = random.Random(phone)
    time.sleep(max(0.0, tap_at - time.time()))
    tapped = time.time()
    session = store.join(code)
    groups = list(ws.names(session.parent_groups()))
    orgs = ws.names(session.organisations())
    partner = rng.choice(list(orgs))
    record = {"name": f"Telefoon {phone}", "kind": "informal"}
    read_1 = time.time()
    ws.add_with_new_id(
        lambda r: session.submit(r, rng.sample(groups, 2), [
            {"target": partner, "trust": 4, "shared_goals": 3, "role_clarity": 4,
             "equality": 5, "reported_by": f"R{phone}"}], token=uuid.uuid4().hex), record,
        orgs, "P")
    saved = time.time()
    # the rerun: _code_accepted, answer_form
    store.dataset_for_code(code)
    again = store.join(code)
    ws.names(again.organisations())
    ws.names(again.parent_groups())
    done = time.time()
    out.append({"ack": done - tapped, "save": saved - read_1,
                "reads": (read_1 - tapped) + (done - saved)})


def _server(url: str, code: str, phones: list[tuple[int, float]], queue: Any) -> None:
    """One app server: one store shared by its sessions (threads), as ``pages/_store``."""
    store = Store(url)
    out: list[dict[str, float]] = []
    threads = [threading.Thread(target=_phone, args=(store, code, p, at, out))
               for p, at in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    queue.put(out)


def run(url: str, phones: int, spread: float, servers: int) -> dict[str, float]:
    """The demo district in a fresh store, ``phones`` taps within ``spread`` s; the figures."""
    demo, _ = demo_district()
    with Store(url) as store:
        store.create_dataset("wijk", demo)
        code = store.open_join("wijk")
        before = len(store.load("wijk").organisations)
        # Warm: the first load of a version is a cold read for every server anyway.
        store.load("wijk")
    start = time.time() + 1.0
    rng = random.Random(0)
    taps = [(p, start + rng.uniform(0, spread)) for p in range(phones)]
    queue = CTX.Queue()
    procs = [CTX.Process(target=_server, args=(url, code, taps[i::servers], queue))
             for i in range(servers)]
    for proc in procs:
        proc.start()
    results = [r for _ in procs for r in queue.get()]
    for proc in procs:
        proc.join()
    with Store(url) as store:
        data = store.load("wijk")
        names = data.organisations["name"].tolist()
    lost = sum(names.count(f"Telefoon {p}") != 1 for p in range(phones))
    lost += abs(len(names) - before - phones)
    acks = sorted(r["ack"] for r in results)
    total = sum(acks)
    return {"p50": statistics.median(acks), "p95": acks[int(0.95 * (len(acks) - 1))],
            "max": acks[-1], "save_share": sum(r["save"] for r in results) / total,
            "read_share": sum(r["reads"] for r in results) / total, "lost": lost,
            "answers": len(results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--spread", type=float, default=1.5, help="seconds the taps spread over")
    parser.add_argument("--servers", type=int, default=1, help="app server processes")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (default: throwaway)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    demo, source = demo_district()
    print(f"demo district ({source}): {len(demo.organisations)} organisations, "
          f"{len(demo.parent_groups)} groups; machine: {os.cpu_count()} CPUs, {cpu_model()}")
    with backends(args.postgres, args.no_postgres) as found:
        for backend, fresh in found:
            r = run(fresh(), args.phones, args.spread, args.servers)
            print(f"{backend:<10} {args.phones} phones within {args.spread:g} s on "
                  f"{args.servers} server(s): ack p50 {r['p50']:.2f} s, p95 {r['p95']:.2f} s, "
                  f"max {r['max']:.2f} s; save {r['save_share']:.0%}, reads "
                  f"{r['read_share']:.0%} of the time; answers {r['answers']}, lost {r['lost']}")


if __name__ == "__main__":
    main()
