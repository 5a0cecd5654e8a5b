"""Write the nginx configuration for several Wijknetwerk app servers (sticky sessions).

Fills ``deploy/nginx/wijknetwerk.conf.template`` with the app servers, the
address nginx listens on and, optionally, a TLS certificate::

    python deploy/nginx_conf.py --ports 8501 8502 8503 --server-name wijk.example.nl \\
        --tls-cert /etc/letsencrypt/live/wijk.example.nl/fullchain.pem \\
        --tls-key /etc/letsencrypt/live/wijk.example.nl/privkey.pem \\
        > /etc/nginx/conf.d/wijknetwerk.conf
    nginx -t && systemctl reload nginx

``--standalone DIR`` writes a whole ``DIR/nginx.conf`` instead (pid file, logs
and temporary files inside ``DIR``, in the foreground), to try the setup
without touching the system's nginx: ``nginx -p DIR -c nginx.conf``. The
two-server test (``tests/deploy/test_two_servers.py``) runs nginx that way.

Only the standard library: the proxy machine needs no Python packages. Every
value is checked before it goes into the file (ports are numbers, names are
host names, paths hold no characters nginx treats as syntax), so a typo gives
a message, never a broken or widened configuration.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "wijknetwerk.conf.template"
COOKIE = "wijknetwerk_server"
"""Name of the routing cookie (also in the template)."""

_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)")
_SERVER_NAME = re.compile(r"_|[A-Za-z0-9*.-]{1,253}")
_LISTEN = re.compile(r"[A-Za-z0-9.:\[\]_ ]{1,100}")
_PATH = re.compile(r"[^\s;{}'\"#$\\]{1,4096}")
# Used with fullmatch only: "$" in a pattern would also match before a final newline,
# and a newline is exactly what would start a new nginx directive.

MESSAGES = {
    "nl": {
        "no_servers": "Geef minstens één app-server op (--ports of --server).",
        "bad_port": "Poort {value!r} is geen getal van 1 tot en met 65535.",
        "bad_server": "App-server {value!r} is geen HOST:POORT (bijvoorbeeld 127.0.0.1:8501).",
        "duplicate": "App-server {value!r} staat er twee keer in.",
        "bad_name": "Servernaam {value!r} is geen geldige hostnaam.",
        "bad_listen": "Luisteradres {value!r} is niet geldig (bijvoorbeeld 80, 443 ssl of "
                      "127.0.0.1:8080).",
        "bad_path": "Pad {value!r} mag geen spaties, aanhalingstekens, $, #, ;, accolades of "
                    "onzichtbare tekens bevatten.",
        "tls_pair": "Geef --tls-cert en --tls-key samen op.",
    },
    "en": {
        "no_servers": "Give at least one app server (--ports or --server).",
        "bad_port": "Port {value!r} is not a number from 1 to 65535.",
        "bad_server": "App server {value!r} is not HOST:PORT (for example 127.0.0.1:8501).",
        "duplicate": "App server {value!r} is listed twice.",
        "bad_name": "Server name {value!r} is not a valid host name.",
        "bad_listen": "Listen address {value!r} is not valid (for example 80, 443 ssl or "
                      "127.0.0.1:8080).",
        "bad_path": "Path {value!r} may not contain spaces, quotes, $, #, ;, braces or "
                    "invisible characters.",
        "tls_pair": "Give --tls-cert and --tls-key together.",
    },
}


class ConfigError(ValueError):
    """A value that cannot go into the configuration; ``message(lang)`` says why."""

    def __init__(self, key: str, value: object = "") -> None:
        super().__init__(key)
        self.key, self.value = key, value

    def message(self, lang: str = "nl") -> str:
        """The explanation in Dutch (``nl``) or English (``en``)."""
        catalog = MESSAGES.get(lang, MESSAGES["nl"])
        # Our own fixed message texts; the value goes in through !r (quoted, escaped).
        return catalog[self.key].format(value=str(self.value))


@dataclass
class ProxyConfig:
    """What the generated configuration says.

    Parameters
    ----------
    servers
        The app servers as ``host:port`` (``127.0.0.1:8501``), in order; they
        are named ``app1``, ``app2``, ... in the routing cookie.
    listen
        nginx's ``listen`` parameters (``80``, ``443 ssl``, ``127.0.0.1:8080``).
    server_name
        The public host name (``_``: any).
    tls_cert, tls_key
        Certificate and key files; with them the cookie is ``Secure`` and port
        80 redirects to HTTPS.
    access_log
        Where nginx logs each request with the server that answered.
    """

    servers: list[str]
    listen: str = "80"
    server_name: str = "_"
    tls_cert: str | None = None
    tls_key: str | None = None
    access_log: str = "/var/log/nginx/wijknetwerk.access.log"
    names: list[str] = field(init=False)

    def __post_init__(self) -> None:
        if not self.servers:
            raise ConfigError("no_servers")
        seen: set[str] = set()
        for server in self.servers:
            _check_server(server)
            if server in seen:
                raise ConfigError("duplicate", server)
            seen.add(server)
        if not _SERVER_NAME.fullmatch(self.server_name):
            raise ConfigError("bad_name", self.server_name)
        if not _LISTEN.fullmatch(self.listen) or not re.search(r"\d", self.listen):
            raise ConfigError("bad_listen", self.listen)
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ConfigError("tls_pair")
        for path in (self.tls_cert, self.tls_key, self.access_log):
            if path is not None and not (_PATH.fullmatch(path) and path.isprintable()):
                raise ConfigError("bad_path", path)
        self.names = [f"app{i}" for i in range(1, len(self.servers) + 1)]


def _check_port(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 65535:
        raise ConfigError("bad_port", value)
    return int(value)


def _check_server(server: str) -> None:
    host, sep, port = server.rpartition(":")
    if not sep or not _HOST.fullmatch(host):
        raise ConfigError("bad_server", server)
    try:
        _check_port(port)
    except ConfigError:
        raise ConfigError("bad_server", server) from None


def _split(names: Sequence[str]) -> str:
    """``split_clients`` lines: an even share each, the last one takes the rest."""
    share = int(10000 / len(names)) / 100  # nginx allows two decimals
    lines = [f"    {share:.2f}% {name};" for name in names[:-1]]
    lines.append(f"    * {names[-1]};")
    return "\n".join(lines)


def _upstreams(config: ProxyConfig) -> str:
    """One upstream per server, the others as backups (a browser moves on when it is down)."""
    blocks = []
    for i, (name, server) in enumerate(zip(config.names, config.servers, strict=True)):
        others = config.servers[i + 1:] + config.servers[:i]
        lines = [f"upstream wijknetwerk_{name} {{",
                 f"    server {server} max_fails=1 fail_timeout=10s;"]
        lines += [f"    server {other} backup;" for other in others]
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render(config: ProxyConfig) -> str:
    """The configuration text (for nginx's ``http`` block)."""
    tls = ""
    redirect = ""
    if config.tls_cert:
        tls = (f"    ssl_certificate {config.tls_cert};\n"
               f"    ssl_certificate_key {config.tls_key};\n"
               "    ssl_protocols TLSv1.2 TLSv1.3;\n")
        redirect = ("\n# Phones that type the address without https:// land on the right page.\n"
                    "server {\n    listen 80;\n"
                    f"    server_name {config.server_name};\n"
                    "    return 301 https://$host$request_uri;\n}\n")
    values = {
        "@@SPLIT@@": _split(config.names),
        "@@KNOWN@@": "\n".join(f"    {name} {name};" for name in config.names),
        "@@KNOWN_EMPTY@@": "\n".join(f'    {name} "";' for name in config.names),
        "@@SECURE@@": "; Secure" if config.tls_cert else "",
        "@@UPSTREAMS@@": _upstreams(config),
        "@@LISTEN@@": config.listen,
        "@@SERVER_NAME@@": config.server_name,
        "@@TLS@@": tls.rstrip("\n"),
        "@@ACCESS_LOG@@": config.access_log,
        "@@REDIRECT@@": redirect,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    # Plain replacement of fixed markers with checked values (never a format template).
    for marker, value in values.items():
        text = text.replace(marker, value)
    return text


def render_standalone(config: ProxyConfig, prefix: Path) -> str:
    """A whole ``nginx.conf`` that keeps everything inside ``prefix`` (runs in the foreground)."""
    prefix = prefix.resolve()
    if not _PATH.fullmatch(str(prefix)):
        raise ConfigError("bad_path", str(prefix))
    temp = "\n".join(f"    {kind}_temp_path {prefix / (kind + '_temp')};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"# Standalone Wijknetwerk proxy: nginx -p {prefix} -c nginx.conf\n"
            "daemon off;\n"
            "worker_processes 1;\n"
            f"pid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} info;\n"
            "events {\n    worker_connections 1024;\n}\n"
            "http {\n"
            f"{temp}\n"
            + "\n".join("    " + line if line else "" for line in render(config).splitlines())
            + "\n}\n")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", nargs="+", default=[], metavar="PORT",
                        help="app servers on 127.0.0.1 (e.g. 8501 8502)")
    parser.add_argument("--server", action="append", default=[], metavar="HOST:PORT",
                        help="an app server elsewhere (repeatable)")
    parser.add_argument("--listen", default=None, help="nginx listen (default 80, or 443 ssl)")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--access-log", default=None)
    parser.add_argument("--standalone", metavar="DIR", type=Path,
                        help="write DIR/nginx.conf to run nginx -p DIR -c nginx.conf")
    parser.add_argument("--lang", choices=("nl", "en"),
                        default="en" if os.environ.get("LANG", "").startswith("en") else "nl")
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> ProxyConfig:
    """A checked :class:`ProxyConfig` from :func:`parse_args`."""
    servers = [f"127.0.0.1:{_check_port(p)}" for p in args.ports] + list(args.server)
    access_log = args.access_log or (str(args.standalone.resolve() / "access.log")
                                     if args.standalone else
                                     "/var/log/nginx/wijknetwerk.access.log")
    listen = args.listen or ("443 ssl" if args.tls_cert else "80")
    return ProxyConfig(servers, listen=listen, server_name=args.server_name,
                       tls_cert=args.tls_cert, tls_key=args.tls_key, access_log=access_log)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the configuration (or write ``--standalone DIR/nginx.conf``); 2 on a bad value."""
    args = parse_args(argv)
    try:
        config = config_from_args(args)
        if args.standalone:
            args.standalone.mkdir(parents=True, exist_ok=True)
            target = args.standalone / "nginx.conf"
            target.write_text(render_standalone(config, args.standalone), encoding="utf-8")
            print(target)
        else:
            sys.stdout.write(render(config))
    except ConfigError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
