"""A participant's whole answer as one version, and join-code status (both backends)."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.store.repository import EditError, JoinCodeError

SCORES = {"trust": 4, "shared_goals": 3, "role_clarity": 5, "equality": 2}


def test_submit_is_one_version(filled):
    code = filled.open_join("wijk")
    session = filled.join(code)
    number = session.submit({"id": "P1", "name": "Buurtmoeders", "kind": "informeel"},
                            ["G1", "G3"], [{"target": "W1", **SCORES}])
    assert number == 2 and filled.head("wijk") == 2
    data = filled.load("wijk")
    assert "P1" in set(data.organisations["id"])
    assert {("P1", "G1"), ("P1", "G3")} <= set(zip(data.reach["organisation"],
                                                   data.reach["group"], strict=True))
    rating = data.collaborations[data.collaborations["source"] == "P1"].iloc[0]
    assert rating["target"] == "W1" and rating["trust"] == 4.0
    counts = filled.diff("wijk", 1, 2).counts()
    assert counts["organisations"]["added"] == 1 and counts["reach"]["added"] == 2
    assert filled.versions("wijk")["action"].iloc[-1] == "join_submit"
    # Undo takes back the whole answer.
    filled.undo("wijk")
    assert "P1" not in set(filled.load("wijk").organisations["id"])


def test_submit_for_existing_org_skips_existing_links(filled):
    session = filled.join(filled.open_join("wijk"))
    # W1 already reaches G1 (make_dataset): ticking it again is not an error.
    session.submit("W1", ["G1", "G2"], [])
    reach = filled.load("wijk").reach
    assert len(reach[(reach["organisation"] == "W1") & (reach["group"] == "G1")]) == 1
    assert len(reach[(reach["organisation"] == "W1") & (reach["group"] == "G2")]) == 1


def test_submit_is_all_or_nothing(filled):
    session = filled.join(filled.open_join("wijk"))
    with pytest.raises(EditError) as err:
        session.submit({"id": "P2", "name": "X", "kind": "informal"}, ["G1"],
                       [{"target": "W1", **SCORES, "trust": 9}])
    assert err.value.key == "score_range"
    with pytest.raises(EditError):
        session.submit("NOPE", ["G1"], [])
    assert filled.head("wijk") == 1
    assert "P2" not in set(filled.load("wijk").organisations["id"])


def test_code_status_and_closed_code_stops_submit(filled):
    code = filled.open_join("wijk")
    session = filled.join(code)
    assert filled.code_status(code) == "open"
    assert filled.code_status(code.lower()) == "open"  # typed in lower case
    assert filled.code_status("QQQQQQ") == "unknown"
    filled.close_join(code)
    assert filled.code_status(code) == "closed"
    with pytest.raises(JoinCodeError):
        session.submit({"id": "P3", "name": "Te laat", "kind": "formal"})
    with pytest.raises(JoinCodeError):
        filled.join(code)
    assert filled.head("wijk") == 1


def test_submit_with_a_new_partner(filled):
    session = filled.join(filled.open_join("wijk"))
    session.submit("M1", [], [{"target": {"id": "P9", "name": "Buurthuis", "kind": "informal"},
                               **SCORES}])
    data = filled.load("wijk")
    assert "P9" in set(data.organisations["id"])
    rating = data.collaborations.iloc[-1]
    assert (rating["source"], rating["target"]) == ("M1", "P9")
    assert filled.head("wijk") == 2


def _expire(store, code):
    """Move ``code``'s expiry into the past (as if its hours had run out)."""
    from datetime import timedelta

    from mapping.store import tables as store_schema
    from mapping.store.repository import _now

    with store.engine.begin() as conn:
        conn.execute(store_schema.join_codes.update()
                     .where(store_schema.join_codes.c.code == code)
                     .values(expires_at=_now() - timedelta(seconds=1)))


def test_expired_code_stops_submit_and_a_new_one_is_made(filled):
    code = filled.open_join("wijk", hours=1)
    session = filled.join(code)
    _expire(filled, code)
    assert filled.code_status(code) == "expired"
    assert filled.dataset_for_code(code) is None and filled.join_code("wijk") is None
    with pytest.raises(JoinCodeError) as expired:
        session.submit({"id": "P3", "name": "Te laat", "kind": "formal"})
    with pytest.raises(JoinCodeError) as unknown:
        filled.join("QQQQ-QQQQ-QQ")
    assert expired.value.message("nl") == unknown.value.message("nl")  # one message
    assert filled.head("wijk") == 1
    fresh = filled.open_join("wijk")
    assert fresh != code and filled.code_status(code) == "closed"
    assert filled.join(fresh).dataset_name == "wijk"


def test_old_store_gets_the_expiry_column(db_url):
    """A database made before codes expired opens, and its open code still works."""
    import sqlalchemy as sa

    from mapping.store.repository import Store

    with Store(db_url) as first, first.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE join_codes DROP COLUMN expires_at"))
    with Store(db_url) as reopened:
        columns = {c["name"] for c in sa.inspect(reopened.engine).get_columns("join_codes")}
        assert "expires_at" in columns


def test_same_submission_token_saves_once(filled):
    """A double tap: two submissions of one rendered form give one version (issue 11)."""
    session = filled.join(filled.open_join("wijk"))
    answer = ({"id": "P5", "name": "Buurtvaders", "kind": "informal"}, ["G1"],
              [{"target": "W1", **SCORES}])
    first = session.submit(*answer, token="form-token-0001")
    second = session.submit(*answer, token="form-token-0001")
    assert first == second == 2 and filled.head("wijk") == 2
    assert list(filled.load("wijk").organisations["id"]).count("P5") == 1
    # Another rendered form (another token) is another answer.
    assert session.submit("P5", ["G2"], [], token="form-token-0002") == 3
    # The same token on the facilitator's add forms: one organisation, one version.
    record = {"id": "Q1", "name": "Kerk", "kind": "informal"}
    assert filled.add_organisation("wijk", record, token="ws-org-token-1") == 4
    assert filled.add_organisation("wijk", {**record, "id": "Q2"}, token="ws-org-token-1") == 4
    assert filled.head("wijk") == 4 and "Q2" not in set(filled.load("wijk").organisations["id"])


def test_refused_submission_does_not_use_up_its_token(filled):
    session = filled.join(filled.open_join("wijk"))
    with pytest.raises(EditError):
        session.submit("NOPE", ["G1"], [], token="form-token-0003")
    assert session.submit("W1", ["G2"], [], token="form-token-0003") == 2


def test_bad_submission_token_is_refused(filled):
    session = filled.join(filled.open_join("wijk"))
    for bad in ("short", "x" * 65, "has space inside", "<script>alert(1)</script>"):
        with pytest.raises(ValueError):
            session.submit("W1", ["G2"], [], token=bad)
    assert filled.head("wijk") == 1


def test_offered_lists_equal_the_newest_version(filled):
    """What the join page offers is read from the current rows only (issue 15: no whole
    version per phone); it equals the newest version's columns, cached or not."""
    code = filled.open_join("wijk")
    session = filled.join(code)
    session.submit({"id": "P1", "name": "Buurtmoeders", "kind": "informeel"}, ["G1"], [])
    for cold in (True, False):
        if cold:
            filled._cache.clear()
        orgs, groups = session.organisations(), session.parent_groups()
        if cold:
            assert not filled._cache  # nothing was loaded as a whole
        data = filled.load("wijk")
        pd.testing.assert_frame_equal(
            orgs, data.organisations[[c for c in ("id", "name", "kind", "category")
                                      if c in data.organisations.columns]])
        pd.testing.assert_frame_equal(
            groups, data.parent_groups[[c for c in ("id", "name", "community", "neighbourhood")
                                        if c in data.parent_groups.columns]])
    filled.close_join(code)
    with pytest.raises(JoinCodeError):
        session.organisations()
    with pytest.raises(JoinCodeError):
        session.parent_groups()


def test_offered_rows_follow_the_head_and_the_code(filled):
    """The rows offered to phones are built once per head (issue 15), never stale."""
    code = filled.open_join("wijk")
    session = filled.join(code)
    before = set(session.organisations()["id"])
    # A caller changing its copy does not change what the next phone is offered.
    copy = session.organisations()
    copy.loc[:, "name"] = "overwritten"
    assert "overwritten" not in set(session.organisations()["name"])
    session.submit({"id": "P7", "name": "Taalcafé", "kind": "informal"}, ["G1"], [])
    assert set(session.organisations()["id"]) == before | {"P7"}
    filled.undo("wijk")
    assert set(session.organisations()["id"]) == before
    assert len(session.parent_groups()) == len(filled.load("wijk").parent_groups)
    filled.close_join(code)
    with pytest.raises(JoinCodeError):
        session.organisations()
    with pytest.raises(JoinCodeError):
        session.parent_groups()
