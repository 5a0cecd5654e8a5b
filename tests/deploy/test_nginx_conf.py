"""``deploy/nginx_conf.py``: the generated nginx configuration, checked by nginx itself.

Unit tests of the renderer (routing maps, upstreams with backups, TLS) and
``nginx -t`` on every variant (skipped without nginx; ``tools/test.sh``
installs it). The proxy's behaviour with real app servers is in
``test_two_servers.py``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.harness import ROOT, nginx_binary

SCRIPT = ROOT / "deploy" / "nginx_conf.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nginx_conf", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["nginx_conf"] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


nc = _module()


def _nginx_t(tmp: Path, http_block: str) -> subprocess.CompletedProcess:
    """``nginx -t`` on ``http_block`` inside a minimal main configuration."""
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx not installed")
    (tmp / "logs").mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(f"pid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
                    "events {}\nhttp {\n" + http_block + "\n}\n", encoding="utf-8")
    return subprocess.run([nginx, "-t", "-p", str(tmp), "-c", str(conf)],
                          capture_output=True, text=True, timeout=30)


def test_every_server_gets_a_name_an_even_share_and_the_others_as_backup():
    config = nc.ProxyConfig(["127.0.0.1:8501", "127.0.0.1:8502", "10.0.0.7:8501"],
                            access_log="/tmp/wk.log")
    text = nc.render(config)
    assert config.names == ["app1", "app2", "app3"]
    assert "33.33% app1;" in text and "33.33% app2;" in text and "* app3;" in text
    for name in config.names:  # a valid cookie routes, and sets no new cookie
        assert f"    {name} {name};" in text and f'    {name} "";' in text
    block = re.search(r"upstream wijknetwerk_app2 \{(.*?)\}", text, re.S).group(1)
    assert block.split(";")[0].strip().startswith("server 127.0.0.1:8502 ")
    assert "server 10.0.0.7:8501 backup" in block and "server 127.0.0.1:8501 backup" in block
    assert "proxy_pass http://wijknetwerk_$wk_server;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "Secure" not in text and "ssl_certificate" not in text
    assert "@@" not in text  # every marker filled


def test_one_server_takes_every_browser():
    text = nc.render(nc.ProxyConfig(["127.0.0.1:8501"], access_log="/tmp/wk.log"))
    assert re.search(r"\$wk_new_server \{\s*\* app1;\s*\}", text)


def test_generated_configurations_pass_nginx_t(tmp_path):
    plain = nc.render(nc.ProxyConfig(["127.0.0.1:8501", "127.0.0.1:8502"], listen="8080",
                                     access_log=str(tmp_path / "access.log")))
    result = _nginx_t(tmp_path, plain)
    assert result.returncode == 0, result.stderr


def test_tls_configuration_passes_nginx_t(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=wijk.example.nl", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    text = nc.render(nc.ProxyConfig(["127.0.0.1:8501", "127.0.0.1:8502"],
                                    server_name="wijk.example.nl", listen="8443 ssl",
                                    tls_cert=str(cert), tls_key=str(key),
                                    access_log=str(tmp_path / "access.log")))
    assert "SameSite=Lax; Secure" in text
    assert "return 301 https://$host$request_uri;" in text
    result = _nginx_t(tmp_path, text.replace("listen 80;", "listen 8080;"))
    assert result.returncode == 0, result.stderr


def test_standalone_file_and_command_line(tmp_path):
    prefix = tmp_path / "proxy"
    done = subprocess.run([sys.executable, str(SCRIPT), "--ports", "8501", "8502",
                           "--listen", "127.0.0.1:8080", "--standalone", str(prefix)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    text = (prefix / "nginx.conf").read_text()
    assert "daemon off;" in text and f"access_log {prefix.resolve() / 'access.log'}" in text
    assert "listen 127.0.0.1:8080;" in text
    printed = subprocess.run([sys.executable, str(SCRIPT), "--ports", "8501"],
                             capture_output=True, text=True, timeout=30)
    assert printed.returncode == 0 and "upstream wijknetwerk_app1" in printed.stdout
    if nginx_binary() is not None:
        checked = subprocess.run([nginx_binary(), "-t", "-p", str(prefix), "-c", "nginx.conf"],
                                 capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(("argv", "key"), [
    ([], "no_servers"),
    (["--ports", "0"], "bad_port"),
    (["--ports", "70000"], "bad_port"),
    (["--ports", "85o1"], "bad_port"),
    (["--server", "8501"], "bad_server"),
    (["--ports", "8501", "--server", "127.0.0.1:8501"], "duplicate"),
    (["--ports", "8501", "--tls-cert", "/etc/a.pem"], "tls_pair"),
    (["--ports", "8501", "--listen", "ssl"], "bad_listen"),
])
def test_bad_values_are_refused_with_a_message_in_both_languages(argv, key):
    for lang in ("nl", "en"):
        done = subprocess.run([sys.executable, str(SCRIPT), *argv, "--lang", lang],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 2, (argv, done.stdout)
        assert done.stdout == ""  # nothing half-written
        fixed_part = nc.MESSAGES[lang][key].split("{")[0]
        assert done.stderr.startswith(fixed_part), (lang, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
