"""The join page over Streamlit's own websocket protocol (the client of ``bench/bench_crowd.py``).

One real server, one participant session without a browser: a tap in the
answer form reruns only the form (an ``st.fragment``, issue 15), the thank-you
arrives, and and the answer is stored once.
"""

from __future__ import annotations

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import bench_crowd as crowd
from mapping.session import md_escape
from mapping.store.repository import JoinCodeError
from mapping.ui_text import t

pytestmark = pytest.mark.slow


async def _answer(base: str, code: str, name: str) -> dict:
    session = crowd.Session(base, "join", f"code={code}")
    await session.connect()
    try:
        first = await session.run()
        org = next(k for k in session.widgets if k.startswith("join_org_"))
        form = org.removeprefix("join_org_")
        session.set(org, "string_value", crowd.label_of(session, org, t("new_org", "nl")))
        chose = await session.run()
        session.set(f"join_name_{form}", "string_value", name)
        await session.run()
        group = next(k for k in session.widgets if k.startswith(f"join_g_{form}_"))
        session.set(group, "bool_value", True)
        await session.run()
        thanks = md_escape(t("thanks", "nl"))
        sent = await session.run(trigger=f"join_send_{form}", watch=(thanks,))
        return {"first": first, "chose": chose, "sent": sent, "thanks": thanks,
                "fragment": session.widgets[org].fragment_id,
                "renewed": any(k.startswith("join_org_") and k != org for k in session.widgets)}
    finally:
        await session.close()


def test_a_tap_reruns_only_the_form_and_is_stored_once(tmp_path):
    db_url = f"sqlite:///{tmp_path}/crowd.db"
    code = crowd.prepare(db_url)
    with crowd.servers(1, db_url, tmp_path, None) as bases:
        result = crowd.run_detached(_answer(bases[0], code, "Protocol Telefoon"))
    first, chose, sent = result["first"], result["chose"], result["sent"]
    assert first.status == ForwardMsg.FINISHED_SUCCESSFULLY and not first.exceptions
    assert result["fragment"], "the answer form is drawn inside a fragment"
    assert chose.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert sent.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert result["thanks"] in sent.first_seen and not sent.exceptions
    assert result["renewed"], "a fresh form follows the answer"
    assert crowd.stored(db_url, "Protocol Telefoon") == ["Protocol Telefoon"]


def test_no_full_garbage_collection_after_every_run():
    """``runner.postScriptGC`` off: with it on, the crowd bench measured 0.20 s of server CPU
    per answer instead of 0.04 s (a full collection of the heap after every script run)."""
    import tomllib

    config = tomllib.loads((crowd.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


async def _closed_meanwhile(base: str, code: str, db_url: str) -> dict:
    from mapping.store.repository import Store

    session = crowd.Session(base, "join", f"code={code}")
    await session.connect()
    try:
        await session.run()
        org = next(k for k in session.widgets if k.startswith("join_org_"))
        form = org.removeprefix("join_org_")
        with Store(db_url) as store:
            store.close_join(code)
        sent = await session.run(trigger=f"join_send_{form}")
        other = await session.run(trigger="join_other")
        return {"sent": sent, "other": other, "entry": "join_code_input" in session.widgets}
    finally:
        await session.close()


def test_a_code_closed_meanwhile_is_refused_in_the_form(tmp_path):
    """The form's own runs skip the page's code check; its reads still refuse a closed code,
    and "other code" there brings back the code entry (a run of the whole page)."""
    db_url = f"sqlite:///{tmp_path}/crowd.db"
    code = crowd.prepare(db_url)
    with crowd.servers(1, db_url, tmp_path, None) as bases:
        result = crowd.run_detached(_closed_meanwhile(bases[0], code, db_url))
    refused = md_escape(JoinCodeError("join_invalid").message("nl"))  # drawn as Markdown
    sent, other = result["sent"], result["other"]
    assert sent.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY and not sent.exceptions
    assert any(refused in text for text in sent.texts)
    assert other.status == ForwardMsg.FINISHED_SUCCESSFULLY and not other.exceptions
    assert result["entry"], "the code entry is back"
