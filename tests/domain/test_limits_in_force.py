"""The limits in force: one frozen value behind the LIMITS view, changed only by put_in_force.

``allow_rows`` (the CLI's ``--max-rows``) and ``limits_in_force`` (tests, benchmarks) put a
new frozen :class:`Limits` in force; every module that imported ``LIMITS`` by name sees it,
and nothing can write to ``LIMITS`` itself.
"""

from __future__ import annotations

import dataclasses
import os
import threading

import pytest

from mapping.domain import limits
from mapping.io import sandbox


@pytest.fixture
def restored():
    """Whatever a test puts in force, the limits and the variable are as before afterwards."""
    before, env = limits.current(), os.environ.get(limits.ROWS_ENV)
    yield
    limits.put_in_force(before)
    if env is None:
        os.environ.pop(limits.ROWS_ENV, None)
    else:
        os.environ[limits.ROWS_ENV] = env


def test_the_view_reads_the_value_in_force(restored):
    frozen = limits.current()
    rows_before = frozen.rows
    assert type(frozen) is limits.Limits
    assert all(getattr(limits.LIMITS, f.name) == getattr(frozen, f.name)
               for f in dataclasses.fields(limits.Limits))
    limits.allow_rows(600_000)
    assert limits.LIMITS.rows == 600_000 and limits.current().rows == 600_000
    assert limits.LIMITS.parse_memory_bytes == 3 * limits.Limits.parse_memory_bytes
    assert limits.LIMITS.columns == frozen.columns  # every other bound stays
    assert frozen.rows == rows_before  # a value: what was read before stays as it was
    assert os.environ[limits.ROWS_ENV] == "600000"
    # A module that imported LIMITS by name at its start sees it as well.
    assert sandbox.LIMITS is limits.LIMITS and sandbox._answer_rows() >= 600_000


def test_nothing_writes_to_the_limits(restored):
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.LIMITS.rows = 10**9
    with pytest.raises(AttributeError):
        object.__setattr__(limits.LIMITS, "rows", 10**9)  # the old back door is gone
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.current().rows = 10**9  # type: ignore[misc]
    with pytest.raises(TypeError):
        limits.put_in_force(limits.LIMITS)  # the view itself is not a value
    assert limits.LIMITS.rows == limits.current().rows < 10**9


def test_limits_in_force_restores_rows_and_variable(restored):
    os.environ.pop(limits.ROWS_ENV, None)
    before = limits.current()
    with limits.limits_in_force(100, cell_chars=5) as inside:
        assert limits.LIMITS.rows == 100 and limits.LIMITS.cell_chars == 5
        assert inside is limits.current() and os.environ[limits.ROWS_ENV] == "100"
        assert limits.text_problem("123456") == "text_too_long"
    assert limits.current() is before and limits.ROWS_ENV not in os.environ
    with pytest.raises(RuntimeError), limits.limits_in_force(7):
        raise RuntimeError("a failing test body")
    assert limits.current() is before


def test_replace_on_the_view_gives_a_frozen_value():
    lowered = dataclasses.replace(limits.LIMITS, upload_bytes=100, rows=1)
    assert type(lowered) is limits.Limits and (lowered.upload_bytes, lowered.rows) == (100, 1)
    assert limits.LIMITS.rows != 1  # nothing in force changed
    assert dataclasses.is_dataclass(limits.LIMITS)


def test_readers_on_other_threads_see_one_value_or_the_other(restored):
    seen: set[tuple[int, float]] = set()
    stop = threading.Event()
    first = limits.current()

    def read() -> None:
        while not stop.is_set():
            value = limits.current()  # one value: rows and memory always belong together
            seen.add((value.rows, value.parse_memory_bytes))

    reader = threading.Thread(target=read)
    reader.start()
    for rows in (200_000, 400_000, 600_000) * 50:
        limits.allow_rows(rows)
    stop.set()
    reader.join()
    pairs = {(r, limits._for_rows(r)["parse_memory_bytes"]) for r in (200_000, 400_000, 600_000)}
    assert seen and seen <= pairs | {(first.rows, first.parse_memory_bytes)}
