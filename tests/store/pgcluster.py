"""A throwaway PostgreSQL cluster for tests: start, stop (mid-session) and start again.

``initdb`` into a temporary directory, ``pg_ctl start`` on a free port on
127.0.0.1 with the Unix socket in that directory, run as the ``postgres`` OS
user when the tests run as root (the server refuses to run as root). Used by
``tests/store/conftest.py`` (one cluster per test session) and by
``tests/security/test_store_failures.py`` (its own cluster, which it stops and
restarts to prove that nothing stored is lost).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV_URL = "MAPPING_TEST_POSTGRES_URL"


def pg_bindir() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(found)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres(cmd: list[str]) -> list[str]:
    """``cmd`` run as the ``postgres`` OS user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Cluster:
    """One PostgreSQL server in a temporary directory.

    Parameters
    ----------
    bindir
        Where ``initdb`` and ``pg_ctl`` live.
    base
        The temporary directory (data, socket, log).
    port
        The TCP port on 127.0.0.1.
    """

    def __init__(self, bindir: Path, base: Path, port: int) -> None:
        self.bindir = bindir
        self.base = base
        self.port = port
        self.data = base / "data"
        self.log = base / "server.log"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the ``postgres`` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        """``initdb`` (trust authentication, UTF-8, no fsync)."""
        subprocess.run(as_postgres([str(self.bindir / "initdb"), "-D", str(self.data),
                                    "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                    "--no-sync"]),
                       check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run(as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                                    str(self.log), "-o", options, "-w", "-t", "60", "start"]),
                       check=True, capture_output=True, timeout=90)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: open sessions are ended, as an administrator would)."""
        subprocess.run(as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                    mode, "-w", "stop"]), capture_output=True, timeout=60)

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started :class:`Cluster`, stopped and deleted afterwards (skips without binaries)."""
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (install the Debian package "
                    f"'postgresql' or set {ENV_URL})")
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no 'postgres' OS user to run the server")
    base = Path(tempfile.mkdtemp(prefix="wijknetwerk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    cluster = Cluster(bindir, base, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    except subprocess.CalledProcessError as exc:
        text = exc.stderr.decode(errors="replace") if exc.stderr else ""
        pytest.fail(f"could not start PostgreSQL: {text}{cluster.server_log()}")
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
