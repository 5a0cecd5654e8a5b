"""Benchmark: hostile uploads are refused fast, in bounded memory, without slowing others.

For each hostile upload -- the XLSX dimension bomb, the same bomb as two cells
without ``<dimension>``, zip bombs under the 50 MB upload limit, a 1M-row
CSV, a 10,000-column CSV -- this script plays the server: it reads the upload
as ``pages/_shared.load_upload`` does (``mapping.io.sandbox.load_files_isolated``)
and prints

* the time until the refusal message,
* the peak memory (RSS) of this "server" process during the refusal, and of
  the parse worker (sampled from ``/proc`` every 10 ms),
* the page-run latency of a second session meanwhile: an ``AppTest`` of the
  Overview page on the demo district, run over and over in a thread (median
  and worst run while the hostile upload is being refused, against the same
  page run with nothing else going on).

Before this work: the dimension bomb aborted the server (SIGABRT), a 6.6 MB
zip bomb took 123 s and 5.4 GB, a 1M-row CSV 112 s and 9 GB with other
sessions slowed from 0.4 s to 5-19 s, a 10,000-column CSV 70 s.

Run from the checkout root: ``.venv/bin/python -m bench.bench_hostile``
(it reuses the hostile files of ``tests/security/test_input.py``).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from mapping.io import sandbox
from tests.security.test_input import cell_bomb, dimension_bomb, sheet, workbook

ROOT = Path(__file__).resolve().parents[1]

MB = 1024 * 1024


def _rss_kb(pid: int | str = "self", field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Sampler(threading.Thread):
    """Peak RSS of this process and of its children while a refusal runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.server_kb = _rss_kb()
        self.worker_kb = 0

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            self.server_kb = max(self.server_kb, _rss_kb())
            for child in _children(me):
                self.worker_kb = max(self.worker_kb, _rss_kb(child))
            time.sleep(0.01)


class Session(threading.Thread):
    """A second session: the Overview page of the demo district, run again and again."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        from streamlit.testing.v1 import AppTest

        self.at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        self.at.run()  # the first run loads and caches the demo district
        self.times: list[float] = []
        self.stop = threading.Event()
        self.busy = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.busy.wait()
            start = time.perf_counter()
            self.at.run()
            self.times.append(time.perf_counter() - start)

    def measure(self, seconds: float | None = None, until: threading.Event | None = None
                ) -> list[float]:
        self.times = []
        self.busy.set()
        if until is not None:
            until.wait()
            deadline = time.monotonic() + 30
            while not self.times and time.monotonic() < deadline:
                time.sleep(0.01)  # the page run under way when the refusal ended counts too
        else:
            time.sleep(seconds or 0)
        self.busy.clear()
        time.sleep(0.05)
        return list(self.times)


def _zip_ratio_bomb() -> bytes:
    """1 GB of sheet XML that deflates to about 1 MB: refused from the zip directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        base = workbook(sheet("A1:A1"))
        with zipfile.ZipFile(io.BytesIO(base)) as source:
            for info in source.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    archive.writestr(info.filename, source.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            block = b"<row/>" * (MB // 6)
            for _ in range(1024):
                out.write(block)
            out.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _rows_bomb(rows: int = 2_000_000) -> bytes:
    """Real cells, modest ratio, no dimension: 2M rows (the kind that took 123 s and 5.4 GB)."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is>'
                   f'<t>organisatie {r}</t></is></c></row>' for r in range(1, rows + 1))
    return workbook(sheet(None, body))


def _csv_rows(rows: int = 1_000_000) -> bytes:
    return ("id,naam,soort\n" + "".join(f"W{i},Organisatie {i},formeel\n"
                                        for i in range(rows))).encode()


def _csv_columns(columns: int = 10_000, rows: int = 400) -> bytes:
    header = ",".join(["id", "naam", "soort", *(f"k{i}" for i in range(columns - 3))])
    line = ",".join(["W1", "A", "formeel", *("1" for _ in range(columns - 3))])
    return (header + "\n" + "\n".join(line for _ in range(rows)) + "\n").encode()


def main() -> None:
    os.environ.setdefault("MAPPING_DB", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite")
    print(f"machine: {os.cpu_count()} CPUs; parse worker limits: "
          f"{sandbox.LIMITS.parse_memory_bytes / 1024 ** 3:g} GB, "
          f"{sandbox.LIMITS.parse_seconds:g} s")
    print("building hostile files...", flush=True)
    cases = [
        ("dimension bomb (A1:XFD1048576)", "wijk.xlsx", dimension_bomb()),
        ("cell bomb (A1 + XFD1048576)", "wijk.xlsx", cell_bomb()),
        ("zip bomb, ratio (1 GB sheet)", "wijk.xlsx", _zip_ratio_bomb()),
        ("zip bomb, 2M real rows", "wijk.xlsx", _rows_bomb()),
        ("CSV, 1M rows", "organisaties.csv", _csv_rows()),
        ("CSV, 10,000 columns", "organisaties.csv", _csv_columns()),
    ]
    session = Session()
    session.start()
    sandbox.warm_up()
    time.sleep(3)
    baseline = session.measure(seconds=8)
    print(f"second session alone: {len(baseline)} page runs, median "
          f"{statistics.median(baseline):.2f} s, worst {max(baseline):.2f} s; "
          f"server RSS {_rss_kb() / 1024:.0f} MB\n")
    header = (f"{'upload':<32}{'size':>9}{'refused in':>12}{'server peak':>13}"
              f"{'worker peak':>13}{'2nd session median/worst':>27}  message")
    print(header)
    print("-" * len(header))
    for label, name, data in cases:
        time.sleep(2)  # the next spare worker has started and imported
        sampler = Sampler()
        sampler.start()
        done = threading.Event()
        box: dict = {}

        def refuse(name=name, data=data, box=box, done=done) -> None:
            start = time.perf_counter()
            box["result"] = sandbox.load_files_isolated([(name, data)], "en")
            box["seconds"] = time.perf_counter() - start
            done.set()

        worker = threading.Thread(target=refuse)
        worker.start()
        runs = session.measure(until=done)
        worker.join()
        sampler.stop.set()
        sampler.join()
        result = box["result"]
        message = result.errors[0].message if result.errors else "(accepted!)"
        meanwhile = (f"{statistics.median(runs):.2f} / {max(runs):.2f} s ({len(runs)})"
                     if runs else "no run finished")
        print(f"{label:<32}{len(data) / MB:>7.1f}MB{box['seconds']:>10.2f} s"
              f"{sampler.server_kb / 1024:>10.0f} MB{sampler.worker_kb / 1024:>10.0f} MB"
              f"{meanwhile:>27}  {message[:70]}", flush=True)
    session.stop.set()
    session.busy.set()


if __name__ == "__main__":
    main()
