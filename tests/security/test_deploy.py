"""Hostile values for ``deploy/nginx_conf.py``: refused, never written into nginx's configuration.

A value that reached the file unchecked could add directives (a newline or
``;`` starts one: ``include``, ``alias``, another ``server``), so every value
is matched whole against a narrow pattern. Each attack from the shared corpus,
and a few aimed at nginx's syntax, must end in :class:`ConfigError` with a
message in both languages that shows the value quoted and escaped.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.deploy.harness import ROOT
from tests.security.corpus import CONTROL, INVISIBLE, TEXT_ATTACKS

spec = importlib.util.spec_from_file_location("nginx_conf", ROOT / "deploy" / "nginx_conf.py")
nc = importlib.util.module_from_spec(spec)
sys.modules["nginx_conf"] = nc
spec.loader.exec_module(nc)

NGINX_SYNTAX = (
    "wijk.example.nl\n",  # "$" in a pattern would let a final newline through
    "wijk.example.nl;\ninclude /etc/shadow;",
    "wijk.example.nl; location / { alias /; }",
    "x }\nserver { listen 81",
    "wijk.example.nl # comment",
    "$host",
    "'quoted'",
)
ATTACKS = (*TEXT_ATTACKS, *CONTROL, *INVISIBLE, *NGINX_SYNTAX)


def _refused(**values: object) -> nc.ConfigError:
    kwargs = {"servers": ["127.0.0.1:8501"], **values}
    with pytest.raises(nc.ConfigError) as caught:
        nc.ProxyConfig(**kwargs)
    for lang in ("nl", "en"):
        text = caught.value.message(lang)
        assert "\n" not in text and text.isprintable(), text
    return caught.value


@pytest.mark.parametrize("value", ATTACKS)
def test_hostile_server_name_listen_and_servers_are_refused(value):
    assert _refused(server_name=value).key == "bad_name"
    assert _refused(listen=f"80 {value}").key == "bad_listen"
    assert _refused(servers=[f"{value}:8501"]).key == "bad_server"
    assert _refused(servers=[f"127.0.0.1:8501{value}"]).key == "bad_server"


@pytest.mark.parametrize("value", ATTACKS)
def test_hostile_paths_are_refused_or_stay_one_word(value):
    """A path is refused, or (``%s`` is a valid file name) it stays one word of one directive."""
    path = f"/etc/ssl/{value}.pem"
    baseline = nc.render(nc.ProxyConfig(["127.0.0.1:8501"], access_log="/x.log")).splitlines()
    try:
        text = nc.render(nc.ProxyConfig(["127.0.0.1:8501"], access_log=path))
    except nc.ConfigError as exc:
        assert exc.key == "bad_path"
        assert _refused(tls_cert=path, tls_key="/etc/ssl/k.pem").key == "bad_path"
        return
    lines = text.splitlines()
    assert len(lines) == len(baseline)
    assert f"    access_log {path} wijknetwerk;" in lines
    assert not any(c in value for c in " ;{}#$'\"\n\\")


def test_unicode_digits_are_no_port():
    assert _refused(servers=["127.0.0.1:\uff18\uff15\uff10\uff11"]).key == "bad_server"
    with pytest.raises(nc.ConfigError):
        nc.config_from_args(nc.parse_args(["--ports", "\u0668\u0665\u0660\u0661"]))
