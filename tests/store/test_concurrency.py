"""No lost edits: 20+ concurrent writers (threads and processes), and a writer killed mid-save.

The writers go through the same functions the pages call (``Store.add_*`` for
the facilitator, :class:`JoinSession` for participants). Afterwards every
write must be there, the version numbers must be gapless, and each version
must hold exactly one more change than the one before.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from typing import Any

import pytest

from mapping.store.repository import Store

WRITERS = 20
PER_WRITER = 4

# fork: children inherit the imported modules, so twenty start in well under a
# second on a shared two-core machine; each child opens its own engine.
CTX = mp.get_context("fork")


SCORES = {"trust": 4, "shared_goals": 4, "role_clarity": 3, "equality": 5}


def _write_as(store: Store, name: str, writer: int, per_writer: int, code: str | None) -> None:
    """One writer adds ``per_writer`` organisations, each with a reach link and a rating.

    The facilitator (no code) does it as the workshop page does: three edits
    per organisation. A participant (code) does it as the join page does: one
    :meth:`JoinSession.submit` per organisation.
    """
    for i in range(per_writer):
        org = f"w{writer}-{i}"
        record = {"id": org, "name": f"Org {org}", "kind": "informal"}
        rating = {"target": "W1", **SCORES, "reported_by": f"w{writer}"}
        if code:
            store.join(code).submit(record, ["G1"], [rating])
            continue
        store.add_organisation(name, record)
        store.add_reach(name, {"organisation": org, "group": "G1", "strength": 3})
        store.add_collaboration(name, {"source": org, **rating})


def _expected_versions(writers: int, per_writer: int) -> int:
    """Versions after the run: 1 + 3 per facilitator organisation + 1 per participant one."""
    participants = writers // 2  # odd writers hold the join code
    return 1 + (writers - participants) * per_writer * 3 + participants * per_writer


def _check_all_there(store: Store, name: str, writers: int, per_writer: int) -> None:
    data = store.load(name)
    expected = {f"w{w}-{i}" for w in range(writers) for i in range(per_writer)}
    orgs = set(data.organisations["id"])
    assert expected <= orgs, f"lost organisations: {sorted(expected - orgs)}"
    reach = set(data.reach["organisation"])
    assert expected <= reach, f"lost reach links: {sorted(expected - reach)}"
    rated = set(data.collaborations["source"])
    assert expected <= rated, f"lost collaborations: {sorted(expected - rated)}"
    head = _expected_versions(writers, per_writer)
    history = store.versions(name)
    assert history["number"].tolist() == list(range(1, head + 1))  # gapless, none twice
    assert store.head(name) == head
    # Spot-check the history: each version is the previous one plus one edit
    # (one row) or one participant's answer (three rows).
    for number in (2, head // 2, head):
        counts = store.diff(name, number - 1, number).counts()
        assert sum(c["added"] for c in counts.values()) in (1, 3), counts
        assert sum(c["removed"] + c["changed"] for c in counts.values()) == 0, counts


def test_twenty_threads_lose_nothing(store, dataset):
    store.create_dataset("wijk", dataset)
    code = store.open_join("wijk")
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def run(writer: int) -> None:
        try:
            barrier.wait()
            # Half the room are participants with the join code, half use the facilitator API.
            _write_as(store, "wijk", writer, PER_WRITER, code if writer % 2 else None)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    _check_all_there(store, "wijk", WRITERS, PER_WRITER)


def _process_writer(url: str, writer: int, per_writer: int, code: str | None,
                    barrier: Any) -> None:
    with Store(url, create=False) as store:
        barrier.wait()
        _write_as(store, "wijk", writer, per_writer, code)


def test_twenty_processes_lose_nothing(store, dataset, db_url):
    store.create_dataset("wijk", dataset)
    code = store.open_join("wijk")
    barrier = CTX.Barrier(WRITERS)
    procs = [CTX.Process(target=_process_writer,
                         args=(db_url, w, PER_WRITER, code if w % 2 else None, barrier))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    _check_all_there(store, "wijk", WRITERS, PER_WRITER)


def _endless_writer(url: str, prefix: str, started: Any) -> None:
    with Store(url, create=False) as store:
        i = 0
        while True:
            store.add_organisation("wijk", {"id": f"{prefix}{i}", "name": "K", "kind": "formal"})
            i += 1
            if i == 5:
                started.set()


def _stuck_writer(url: str, inside: Any) -> None:
    """Stops inside the save transaction, after every row is written, before COMMIT."""
    store = Store(url, create=False)
    original = store._commit

    def commit_and_hang(edit: Any, *args: Any, **kwargs: Any) -> None:
        original(edit, *args, **kwargs)
        inside.set()
        time.sleep(600)

    store._commit = commit_and_hang  # type: ignore[method-assign]
    store.add_organisation("wijk", {"id": "half", "name": "Half", "kind": "formal"})


def _assert_intact(store: Store, base_orgs: int) -> None:
    head, data = store.latest("wijk")
    # Every version of this test adds exactly one organisation.
    assert len(data.organisations) == base_orgs + head - 1
    assert store.versions("wijk")["number"].tolist() == list(range(1, head + 1))
    assert "half" not in set(data.organisations["id"])
    # The lock died with the process: the next writer gets through at once.
    assert store.add_organisation("wijk", {"id": f"after{head}", "name": "A",
                                           "kind": "formal"}) == head + 1


def test_killed_mid_save_leaves_the_last_version_intact(store, dataset, db_url):
    store.create_dataset("wijk", dataset)
    base = len(dataset.organisations)

    inside = CTX.Event()
    proc = CTX.Process(target=_stuck_writer, args=(db_url, inside))
    proc.start()
    assert inside.wait(60), "writer never reached the commit"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    _assert_intact(store, base)

    # And at unplanned moments while a process saves in a loop.
    for round_, delay in enumerate((0.05, 0.13, 0.29)):
        started = CTX.Event()
        proc = CTX.Process(target=_endless_writer, args=(db_url, f"k{round_}-", started))
        proc.start()
        assert started.wait(60)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        _assert_intact(store, base)


@pytest.mark.parametrize("writers", [WRITERS])
def test_concurrent_creates_of_one_name(db_url, dataset, writers):
    """Many processes opening a fresh database and creating the same dataset: one wins."""
    results = CTX.Queue()

    def create(writer: int) -> None:
        with Store(db_url) as store:
            try:
                store.create_dataset("zelfde", dataset)
                results.put("ok")
            except Exception as exc:  # the losers must get DatasetExists, nothing else
                results.put(type(exc).__name__)

    procs = [CTX.Process(target=create, args=(w,)) for w in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    outcomes = sorted(results.get(timeout=10) for _ in procs)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) == {"ok", "DatasetExists"}, outcomes
