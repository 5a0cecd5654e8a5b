"""The facilitator's live view reruns alone for each new answer (an ``st.fragment``, issue 15).

Over Streamlit's own websocket protocol (the client of ``bench/bench_crowd.py``),
against a real server: the workshop page's polling fragment redraws the network
and the latest changes when an answer arrives, without a run of the whole page
(no forms, no history, no sidebar in that run); once the room is quiet, the
whole page reruns once, so the forms list the addition too. The rule that
decides when (:class:`mapping.workshop.live.CatchUp`) is tested without a clock.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import bench_crowd as crowd
from mapping.ui_text import t
from mapping.workshop.live import QUIET_SECONDS, STALE_SECONDS, CatchUp

FRAGMENT = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
FULL = ForwardMsg.FINISHED_SUCCESSFULLY
NEW = "Live Fragment Vereniging"


# --------------------------------------------------------------------------- the rule


def test_nothing_new_needs_no_full_run():
    rule = CatchUp()
    rule.drawn(5)
    assert not rule.due(5, 0.0) and not rule.due(5, 100.0)


def test_one_answer_catches_up_once_the_room_is_quiet():
    rule = CatchUp()
    rule.drawn(5)
    assert not rule.due(6, 10.0)  # the live part has just drawn it
    assert not rule.due(6, 10.0 + QUIET_SECONDS - 0.1)
    assert rule.due(6, 10.0 + QUIET_SECONDS)
    rule.drawn(6)  # the page reran
    assert not rule.due(6, 10.0 + 2 * QUIET_SECONDS)


def test_a_burst_of_answers_costs_one_full_run_after_it():
    rule = CatchUp()
    rule.drawn(1)
    polls = [(1 + n, 1.5 * n) for n in range(1, 5)]  # a new version at every poll
    assert [rule.due(head, now) for head, now in polls] == [False] * 4
    last = polls[-1][1]
    assert not rule.due(5, last + 1.5)
    assert rule.due(5, last + QUIET_SECONDS)


def test_a_steady_stream_still_catches_up_within_the_stale_limit():
    rule = CatchUp()
    rule.drawn(0)
    due_at = next(1.0 * n for n in range(1, 200) if rule.due(n, 1.0 * n))
    assert QUIET_SECONDS < due_at <= 1.0 + STALE_SECONDS


def test_before_the_page_was_drawn_nothing_is_due():
    assert not CatchUp().due(3, 50.0)


# --------------------------------------------------------------------------- the page


async def _room(base: str, db_url: str) -> dict:
    from mapping.store.repository import Store

    session = crowd.Session(base, "workshop", "ds=wijk")
    await session.connect()
    try:
        first = await session.run()
        assert session.auto_rerun, "the workshop page has no polling fragment"
        fragment, interval = next(iter(session.auto_rerun.items()))
        await asyncio.sleep(interval)
        idle = await session.run(fragment_id=fragment, auto=True)
        with Store(db_url) as store:
            store.add_organisation("wijk", {"id": "livefrag", "name": NEW, "kind": "informal"},
                                   author="tests")
            head = store.head("wijk")
        await asyncio.sleep(interval)
        answered = await session.run(fragment_id=fragment, auto=True)
        later = []
        deadline = time.monotonic() + QUIET_SECONDS + 6 * interval
        while time.monotonic() < deadline:
            await asyncio.sleep(interval)
            run = await session.run(fragment_id=fragment, auto=True)
            later.append(run)
            if run.status == FULL:
                break
        return {"first": first, "idle": idle, "answered": answered, "later": later,
                "head": head}
    finally:
        await session.close()


@pytest.mark.slow
def test_an_answer_reruns_only_the_live_part_and_the_page_catches_up(tmp_path):
    db_url = f"sqlite:///{tmp_path}/live.db"
    crowd.prepare(db_url)
    with crowd.servers(1, db_url, tmp_path, None) as bases:
        result = crowd.run_detached(_room(bases[0], db_url))
    first, idle, answered = result["first"], result["idle"], result["answered"]
    assert first.status == FULL and not first.exceptions
    history = t("ws_diff_from", "nl")  # a menu of the history panel, drawn by full runs only
    assert any(history in text for text in first.texts)
    # A poll with nothing new and a poll with the answer: both runs of the fragment alone.
    for run in (idle, answered):
        assert run.status == FRAGMENT and not run.exceptions
        assert not any(history in text for text in run.texts)  # no history, no forms
    status = t("ws_status", "nl", v=result["head"], orgs=61, groups=30)
    assert any(status in text for text in answered.texts), (status, answered.texts[:5])
    assert any(NEW in text for text in answered.texts)  # the latest changes name it
    # Once the room is quiet, one run of the whole page: its forms list the addition.
    later = result["later"]
    assert later and later[-1].status == FULL, [r.status for r in later]
    assert all(r.status == FRAGMENT for r in later[:-1])
    assert any(history in text for text in later[-1].texts)
