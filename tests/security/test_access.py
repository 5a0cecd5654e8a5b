"""Sign-in and roles (issue 9, item 2): the access rules, join codes, and the app's gate.

Unit tests of :mod:`mapping.access` (constant-time comparison, back-off,
loopback rule, password source, client identity, OpenID Connect switch) and of
the join-code functions of :mod:`mapping.store.repository` (generation, normalisation,
expiry, one message, old databases), then AppTests showing that a session
without sign-in, and a participant session, never render another page or any
dataset. The same is checked in a real browser in ``test_access_browser.py``.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from mapping import access
from mapping.session import parse_cli
from mapping.store import tables as schema
from mapping.store.repository import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    JOIN_HOURS_DEFAULT,
    JoinCodeError,
    Store,
    code_state,
    format_code,
    new_code,
    normalise_code,
)
from tests.security.corpus import CONTROL, HTML_INJECTION, INVISIBLE, TEMPLATE_INJECTION

ROOT = Path(__file__).resolve().parents[2]

APP = str(ROOT / "app.py")
PASSWORD = "correct horse battery staple"
PAGES = ("overview", "network", "map", "gaps", "collaboration", "data", "workshop")


# --------------------------------------------------------------------------- password


def test_check_password_uses_constant_time_compare(monkeypatch):
    calls = []
    real = access.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert access.check_password(PASSWORD, PASSWORD)
    assert not access.check_password(PASSWORD + "x", PASSWORD)
    assert not access.check_password("x", PASSWORD)
    # Digests of equal length are compared, whatever the lengths typed.
    assert calls == [(32, 32)] * 3


@pytest.mark.parametrize("typed, expected", [("", ""), (None, None), ("", "x"), ("x", ""),
                                             ("x", None), (None, "x")])
def test_empty_passwords_never_match(typed, expected):
    assert not access.check_password(typed, expected)


def test_hostile_passwords_are_just_wrong():
    for text in (*TEMPLATE_INJECTION, *HTML_INJECTION, *CONTROL, *INVISIBLE, "\udcff"):
        assert not access.check_password(text, PASSWORD)


def test_password_source_env_then_file_then_generated(tmp_path):
    announced: list[str] = []
    secret_file = tmp_path / "password.txt"
    secret_file.write_text("from-the-file\nsecond line ignored\n", encoding="utf-8")
    source = access.PasswordSource(env={"WIJKNETWERK_PASSWORD": " from-env "},
                                   password_file=str(secret_file), announce=announced.append)
    assert source.current() == access.Password("from-env", "env")
    source = access.PasswordSource(env={}, password_file=str(secret_file),
                                   announce=announced.append)
    assert source.current() == access.Password("from-the-file", "file")
    assert announced == []


def test_missing_or_empty_password_file_means_a_generated_password(tmp_path):
    announced: list[str] = []
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    for path in (str(tmp_path / "missing.txt"), str(empty), str(tmp_path)):
        source = access.PasswordSource(env={"WIJKNETWERK_PASSWORD": ""}, password_file=path,
                                       announce=announced.append)
        assert source.configured() is None
        assert source.current().origin == "generated"
    assert len(announced) == 3  # one per source, i.e. one per server process


def test_generated_password_is_strong_and_announced_once():
    announced: list[str] = []
    source = access.PasswordSource(env={}, announce=announced.append)
    seen = set()
    threads = [threading.Thread(target=lambda: seen.add(source.current().value))
               for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 1 and announced == [next(iter(seen))]
    password = announced[0]
    assert len(password) >= 24
    assert set(password) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789-_")
    assert access.generate_password() != access.generate_password()


def test_default_announce_goes_to_stderr_only(capsys):
    source = access.PasswordSource(env={})
    password = source.current().value
    captured = capsys.readouterr()
    assert password in captured.err and password not in captured.out


def test_password_file_option_after_double_dash():
    options = parse_cli(["--data", "x", "--password-file", "/etc/wijk.pw", "--db", "y"])
    assert options.password_file == "/etc/wijk.pw"
    assert parse_cli([]).password_file is None


# --------------------------------------------------------------------------- loopback rule


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("LOCALHOST", True),
    ("::1", True), ("[::1]", True), ("unix:///tmp/s.sock", True),
    (None, False), ("", False), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False),
    ("10.0.0.1", False), ("wijk.example.nl", False), ("localhost.evil.example", False),
])
def test_is_loopback(address, loopback):
    assert access.is_loopback(address) is loopback


def test_open_only_on_loopback_without_password_oidc_or_proxy():
    def is_open(address, **kw):
        options = {"server_running": True, "password_set": False, "oidc": False,
                   "headers": None, **kw}
        return access.is_open(address, **options)

    assert is_open("127.0.0.1") and is_open("localhost") and is_open("::1")
    # Streamlit's default (unset) address listens on every interface.
    assert not is_open(None) and not is_open("") and not is_open("0.0.0.0")
    assert not is_open("127.0.0.1", password_set=True)
    assert not is_open("127.0.0.1", oidc=True)
    assert not is_open("127.0.0.1", headers={"X-Forwarded-For": "203.0.113.9"})
    assert not is_open("127.0.0.1", headers={"Forwarded": "for=203.0.113.9"})
    assert is_open("127.0.0.1", headers={"User-Agent": "x"})
    # No web server at all (test harness): nobody can connect.
    assert is_open(None, server_running=False)
    assert not is_open(None, server_running=False, password_set=True)


# --------------------------------------------------------------------------- attempts


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_backs_off_exponentially_with_a_cap():
    clock = FakeClock()
    limiter = access.AttemptLimiter(free=3, base=2.0, cap=30.0, forget_after=600, clock=clock)
    pauses = [limiter.failure("a") for _ in range(8)]
    assert pauses == [0, 0, 0, 2, 4, 8, 16, 30]
    assert limiter.wait("a") == 30 and limiter.wait_seconds("a") == 30
    assert limiter.wait("b") == 0  # per client
    clock.now += 10
    assert limiter.wait_seconds("a") == 20
    clock.now += 20
    assert limiter.wait("a") == 0
    assert limiter.failure("a") == 30  # the count is remembered: still slow
    assert limiter.failures("a") == 9


def test_limiter_forgets_after_a_quiet_period_and_on_success():
    clock = FakeClock()
    limiter = access.AttemptLimiter(free=1, base=1.0, cap=100.0, forget_after=60, clock=clock)
    limiter.failure("a")
    limiter.failure("a")
    assert limiter.wait("a") == 1
    clock.now += 61
    assert limiter.failures("a") == 0 and limiter.wait("a") == 0
    limiter.failure("b")
    limiter.failure("b")
    limiter.success("b")
    assert limiter.failures("b") == 0 and limiter.wait("b") == 0


def test_limiter_is_bounded_in_size():
    limiter = access.AttemptLimiter(max_clients=100, clock=FakeClock())
    for i in range(1000):
        limiter.failure(f"client-{i}")
    assert len(limiter) == 100
    assert limiter.failures("client-999") == 1 and limiter.failures("client-0") == 0


def test_limiter_counts_every_failure_under_threads():
    limiter = access.AttemptLimiter(free=10_000, clock=FakeClock())
    threads = [threading.Thread(target=lambda: [limiter.failure("x") for _ in range(500)])
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert limiter.failures("x") == 4000


def test_huge_failure_counts_do_not_overflow():
    limiter = access.AttemptLimiter(free=0, base=1.0, cap=300.0, clock=FakeClock())
    assert limiter.delay(10_000) == 300.0


def test_client_identity():
    assert access.client_id("203.0.113.9", {}, "s1") == "ip:203.0.113.9"
    # Loopback connection (Streamlit reports no address) through a local proxy:
    assert access.client_id(None, {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"},
                            "s1") == "fwd:203.0.113.9"
    assert access.client_id(None, {}, "s1") == "session:s1"
    assert access.client_id(None, None, None) == "session:unknown"


# --------------------------------------------------------------------------- OpenID Connect


def test_oidc_switch():
    assert not access.oidc_configured(None) and not access.oidc_configured({})
    section = {"redirect_uri": "https://wijk.example.nl/oauth2callback",
               "cookie_secret": "x", "client_id": "c", "client_secret": "s",
               "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    assert access.oidc_configured(section)
    assert access.oidc_providers(section) == [None]
    named = {"redirect_uri": "r", "cookie_secret": "x", "gemeente": {"client_id": "c"},
             "microsoft": {"client_id": "m"}}
    assert access.oidc_providers(named) == ["gemeente", "microsoft"]
    assert access.oidc_providers({}) == []


def test_oidc_allow_list():
    assert access.oidc_allowed("anna@gemeente.nl", None)
    rules = ["@gemeente.nl", "bob@partner.org"]
    assert access.oidc_allowed("Anna@Gemeente.nl", rules)
    assert access.oidc_allowed("bob@partner.org", rules)
    assert not access.oidc_allowed("eve@partner.org", rules)
    assert not access.oidc_allowed("eve@gemeente.nl.evil.example", rules)
    assert not access.oidc_allowed(None, rules) and not access.oidc_allowed("anna", rules)


def test_oidc_switch_in_the_app(monkeypatch):
    """``pages/_auth.oidc_on`` follows the ``[auth]`` section of the secrets."""
    from pages import _auth

    monkeypatch.setattr(_auth, "auth_section", lambda: None)
    assert not _auth.oidc_on()
    monkeypatch.setattr(_auth, "auth_section", lambda: {"redirect_uri": "r",
                                                        "cookie_secret": "c"})
    assert _auth.oidc_on()


# --------------------------------------------------------------------------- join codes


def test_code_generation():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == JOIN_CODE_LENGTH and set(c) <= set(JOIN_ALPHABET) for c in codes)
    assert JOIN_CODE_LENGTH >= 10 and len(JOIN_ALPHABET) ** JOIN_CODE_LENGTH > 5e14
    # No look-alikes to misread on a projector.
    assert not set(JOIN_ALPHABET) & set("01ILOU")


def test_code_display_and_normalisation():
    code = "ABCDEFGHJK"
    assert format_code(code) == "ABCD-EFGH-JK"
    for typed in ("ABCD-EFGH-JK", "abcd-efgh-jk", " abcd efgh jk ", "ABCDEFGHJK", "abcd.efgh.jk",
                  "ABCD\u2013EFGH-JK"):
        assert normalise_code(typed) == code
    assert normalise_code(format_code(code)) == code
    assert normalise_code(None) == "" and normalise_code("") == ""
    # Non-ASCII look-alikes (full-width letters) are dropped, not matched.
    assert normalise_code("\uff21BCD") == "BCD"
    assert len(normalise_code("A" * 1_000_000)) <= 64
    for text in (*TEMPLATE_INJECTION, *HTML_INJECTION, *CONTROL, *INVISIBLE):
        plain = normalise_code(text)
        assert plain == "" or (plain.isascii() and plain.isalnum())


@pytest.fixture
def db(tmp_path):
    from mapping.workshop.live import create_dataset

    with Store(f"sqlite:///{tmp_path / 'access.sqlite'}") as opened:
        create_dataset(opened, "wijk", "empty")
        opened.add_organisation("wijk", {"id": "W1", "name": "Wijkteam Zuid", "kind": "formal"})
        opened.add_group("wijk", {"id": "G1", "name": "Somalische moeders", "families": 30})
        yield opened


def _set_expiry(db: Store, code: str, delta: timedelta) -> None:
    from mapping.store.repository import _now

    with db.engine.begin() as conn:
        conn.execute(schema.join_codes.update().where(schema.join_codes.c.code == code)
                     .values(expires_at=_now() + delta))


def test_code_expiry_is_stored_and_enforced(db):
    code = db.open_join("wijk", hours=2)
    found, expires = db.join_code_info("wijk")
    assert found == code
    from mapping.store.repository import _now

    assert timedelta(hours=1.9) < expires - _now() <= timedelta(hours=2)
    session = db.join(code)
    session.submit({"id": "P1", "name": "Buurtvaders", "kind": "informal"})
    _set_expiry(db, code, timedelta(seconds=-1))
    assert db.code_status(code) == "expired"
    assert db.dataset_for_code(code) is None and db.join_code("wijk") is None
    with pytest.raises(JoinCodeError):
        db.join(code)
    with pytest.raises(JoinCodeError):  # an open form cannot save after expiry either
        session.submit({"id": "P2", "name": "Te laat", "kind": "informal"})
    assert "P2" not in set(db.load("wijk").organisations["id"])
    fresh = db.open_join("wijk")
    assert fresh != code and db.code_status(code) == "closed"
    assert db.code_status(fresh) == "open"


def test_default_expiry_and_bounds(db):
    db.open_join("wijk")
    _, expires = db.join_code_info("wijk")
    from mapping.store.repository import _now

    assert expires - _now() <= timedelta(hours=JOIN_HOURS_DEFAULT)
    for hours in (0, -1, float("nan"), 24 * 365):
        with pytest.raises(ValueError):
            db.open_join("wijk", hours=hours)


def test_code_state_of_a_row():
    from types import SimpleNamespace

    from mapping.store.repository import _now

    now = _now()
    row = SimpleNamespace(closed_at=None, created_at=now, expires_at=now + timedelta(hours=1))
    assert code_state(row, now) == "open"
    assert code_state(row, now + timedelta(hours=1)) == "expired"
    old = SimpleNamespace(closed_at=None, created_at=now, expires_at=None)  # before expiry
    assert code_state(old, now + timedelta(hours=JOIN_HOURS_DEFAULT - 0.1)) == "open"
    assert code_state(old, now + timedelta(hours=JOIN_HOURS_DEFAULT)) == "expired"
    assert code_state(SimpleNamespace(closed_at=now, created_at=now, expires_at=None),
                      now) == "closed"


def test_one_message_for_unknown_closed_and_expired(db):
    code = db.open_join("wijk")
    messages = set()
    for attempt in ("ZZZZZZZZZZ", "", "nonsense"):
        with pytest.raises(JoinCodeError) as raised:
            db.join(attempt)
        messages.add(raised.value.message("nl"))
    db.close_join(code)
    with pytest.raises(JoinCodeError) as raised:
        db.join(code)
    messages.add(raised.value.message("nl"))
    expiring = db.open_join("wijk")
    _set_expiry(db, expiring, timedelta(seconds=-1))
    with pytest.raises(JoinCodeError) as raised:
        db.join(expiring)
    messages.add(raised.value.message("nl"))
    assert len(messages) == 1


def test_old_database_without_expiry_column_still_opens(tmp_path):
    """A store made before codes expired: the column is added, its open code keeps working."""
    from mapping.store.repository import _now
    from mapping.workshop.live import create_dataset

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with Store(url) as first:
        create_dataset(first, "wijk", "empty")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE join_codes DROP COLUMN expires_at"))
        conn.execute(sa.text(
            "INSERT INTO join_codes (code, dataset_id, created_at, created_by) VALUES "
            "('ABC234', 1, :now, 'old'), ('DEF567', 1, :then, 'old')"),
            {"now": _now().replace(tzinfo=None),
             "then": (_now() - timedelta(hours=JOIN_HOURS_DEFAULT + 1)).replace(tzinfo=None)})
        columns = {c["name"] for c in sa.inspect(conn).get_columns("join_codes")}
        assert "expires_at" not in columns
    engine.dispose()
    with Store(url) as reopened:
        columns = {c["name"] for c in sa.inspect(reopened.engine).get_columns("join_codes")}
        assert "expires_at" in columns
        assert reopened.code_status("ABC234") == "open"  # NULL expiry: opened + default
        assert reopened.code_status("DEF567") == "expired"
        assert reopened.join("abc-234").dataset_name == "wijk"
    with Store(url) as again:  # a second open does not add the column again
        assert again.code_status("ABC234") == "open"


# --------------------------------------------------------------------------- the app's gate


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh store (``MAPPING_DB``), a facilitator password, empty caches and limiters."""
    import streamlit as st

    from mapping.workshop.live import create_dataset
    from pages import _shared

    path = tmp_path / "gate.sqlite"
    monkeypatch.setenv("MAPPING_DB", str(path))
    monkeypatch.setenv("WIJKNETWERK_PASSWORD", PASSWORD)
    st.cache_resource.clear()
    _shared.CALLS.clear()
    # Frozen clocks: a wait never runs out during the test (no timing in assertions).
    monkeypatch.setattr(access, "SIGNIN_LIMITER", access.AttemptLimiter(free=5, clock=FakeClock()))
    monkeypatch.setattr(access, "JOIN_LIMITER", access.AttemptLimiter(free=8, clock=FakeClock()))
    with Store(str(path)) as db:
        create_dataset(db, "wijk", "empty")
        db.add_organisation("wijk", {"id": "W1", "name": "Wijkteam Zuid", "kind": "formal"})
        db.add_group("wijk", {"id": "G1", "name": "Somalische moeders", "families": 30})
        yield db


def _app(query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _everything(at) -> str:
    parts = [getattr(e, "value", "") for e in (*at.markdown, *at.caption, *at.error, *at.info,
                                               *at.title, *at.subheader, *at.success)]
    parts += [str(getattr(w, "label", "")) for w in (*at.selectbox, *at.checkbox, *at.button)]
    for box in at.selectbox:
        parts += [str(o) for o in box.options]
    return "\n".join(str(p) for p in parts)


def _demo_names() -> list[str]:
    import pandas as pd

    return list(pd.read_csv(ROOT / "data" / "demo" / "organisations.csv")["name"])


def _assert_gate(at) -> None:
    """Only the sign-in form: no sidebar, no dataset choice, nothing loaded."""
    from pages import _shared

    assert at.title[0].value in ("Aanmelden", "Sign in")
    assert [t.key for t in at.text_input] == ["signin_password"]
    assert not list(at.sidebar.selectbox) and not list(at.sidebar.button)
    text = _everything(at)
    for name in _demo_names():
        assert name not in text
    assert "Wijkteam Zuid" not in text
    assert sum(_shared.CALLS.values()) == 0, _shared.CALLS  # no dataset was computed


def test_without_sign_in_only_the_form_is_rendered(app_env, monkeypatch):
    from pages import _shared

    def forbidden(*_args, **_kwargs):
        raise AssertionError("the sidebar ran before the gate")

    monkeypatch.setattr(_shared, "sidebar", forbidden)
    for query in ({}, {"src": "store", "sds": "demo", "names": "1"}, {"ds": "wijk"},
                  {"lang": "en"}):
        at = _app(query)
        _assert_gate(at)
        for page in PAGES:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"pages/{page}.py")


def test_sign_in_opens_the_app_and_sign_out_closes_it(app_env):
    at = _app()
    _submit(at, "wrong")
    assert any("klopt niet" in e.value for e in at.error)
    _assert_gate(at)
    _submit(at, PASSWORD)
    assert not at.exception
    assert at.title[0].value != "Aanmelden"
    assert any(b.key == "sign_out" for b in at.sidebar.button)
    for page in ("workshop", "data", "network"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/workshop.py").run()
    assert any(w.key == "ws_dataset" for w in at.selectbox) or "wijk" in _everything(at)
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "Aanmelden"
    with pytest.raises(ValueError):
        at.switch_page("pages/workshop.py")


def _submit(at, password: str) -> None:
    at.text_input(key="signin_password").input(password)
    form_buttons = [b for b in at.button if b.proto.is_form_submitter]
    assert form_buttons, "no sign-in button"
    form_buttons[0].click()
    at.run()


def test_sign_in_attempts_are_limited_per_client(app_env, monkeypatch):
    from pages import _auth

    monkeypatch.setattr(_auth, "client", lambda: "ip:203.0.113.9")
    at = _app()
    for _ in range(5):
        _submit(at, "guess")
        assert any("klopt niet" in e.value for e in at.error)
    _submit(at, "guess")
    assert any("Te veel pogingen" in e.value for e in at.error)
    # While the client waits even the right password is not looked at.
    _submit(at, PASSWORD)
    assert any("Te veel pogingen" in e.value for e in at.error)
    assert at.title[0].value == "Aanmelden"
    # Another client is not slowed down.
    monkeypatch.setattr(_auth, "client", lambda: "ip:198.51.100.7")
    other = _app()
    _submit(other, PASSWORD)
    assert other.title[0].value != "Aanmelden"


def test_participant_gets_only_the_join_form(app_env):
    code = app_env.open_join("wijk")
    at = _app({"code": format_code(code)})
    assert at.title[0].value == "Doe mee"
    assert any(str(b.key).startswith("join_send") for b in at.button)
    for page in PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")
    del at.query_params["code"]
    at.query_params["src"] = "store"
    at.query_params["names"] = "1"
    at.run()
    assert at.title[0].value == "Doe mee"
    assert not any(w.key in ("ws_dataset", "signin_password") for w in
                   (*at.selectbox, *at.text_input))
    text = _everything(at)
    for name in _demo_names():
        assert name not in text


def test_participant_session_cannot_sign_in_to_more(app_env):
    """A session that entered a code stays a participant even with the password."""
    code = app_env.open_join("wijk")
    at = _app({"code": code})
    at.session_state["_signed_in"] = True  # even a forged flag does not leave the join page
    at.run()
    assert at.title[0].value == "Doe mee"
    with pytest.raises(ValueError):
        at.switch_page("pages/workshop.py")


def test_join_page_says_one_thing_for_every_bad_code(app_env):
    closed = app_env.open_join("wijk")
    app_env.close_join(closed)
    expired = app_env.open_join("wijk")
    _set_expiry(app_env, expired, timedelta(seconds=-1))
    shown = set()
    for code in ("ZZZZ-ZZZZ-ZZ", closed, expired, "<script>x</script>"):
        at = _app({"code": code})
        errors = [e.value for e in at.error]
        assert len(errors) == 1, errors
        shown.add(errors[0])
        assert not any(str(b.key).startswith("join_send") for b in at.button)
    assert len(shown) == 1
    assert app_env.head("wijk") == 3


def test_join_attempts_are_limited_per_client(app_env):
    good = app_env.open_join("wijk")
    at = _app({"code": "AAAA-AAAA-A1"})
    for i in range(2, 9):
        at.button(key="join_other").click().run()
        at.text_input(key="join_code_input").input(f"AAAA-AAAA-A{i}")
        at.button(key="join_enter").click().run()
        assert not any("Te veel" in e.value for e in at.error)
    at.button(key="join_other").click().run()
    at.text_input(key="join_code_input").input("AAAA-AAAA-B2")
    at.button(key="join_enter").click().run()
    assert any("Te veel pogingen" in e.value for e in at.error)
    # Blocked: even the right code is not looked up until the wait is over.
    at.button(key="join_other").click().run()
    at.text_input(key="join_code_input").input(format_code(good))
    at.button(key="join_enter").click().run()
    assert any("Te veel pogingen" in e.value for e in at.error)
    assert not any(str(b.key).startswith("join_send") for b in at.button)


def test_facilitator_chooses_how_long_a_code_works(tmp_path, monkeypatch):
    """Workshop page (open laptop case): the validity choice is stored with the code."""
    import streamlit as st

    from mapping.store.repository import _now
    from mapping.workshop.live import create_dataset
    from tests.workshop.conftest import open_workshop

    path = tmp_path / "expiry.sqlite"
    monkeypatch.setenv("MAPPING_DB", str(path))
    monkeypatch.delenv("WIJKNETWERK_PASSWORD", raising=False)
    st.cache_resource.clear()
    with Store(str(path)) as db:
        create_dataset(db, "wijk", "empty")
        at = open_workshop("wijk")
        assert not at.exception, [e.value for e in at.exception]
        at.selectbox(key="ws_join_hours").set_value(1.0)
        at.button(key="ws_open_join").click().run()
        code, expires = db.join_code_info("wijk")
        assert timedelta(minutes=55) < expires - _now() <= timedelta(hours=1)
        shown = "\n".join(h.value for h in at.subheader)
        assert format_code(code) in shown and "-" in format_code(code)
        assert f"/join?code={code}" in "\n".join(c.value for c in at.code)
