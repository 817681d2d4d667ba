"""Money through the real server: what each request cost, usage by team and session, budgets on
keys and teams that stop spending (on SQLite and across PostgreSQL replicas), budgets resetting at
their period's end, the metrics and warnings about them, and the audit log of every admin change.

Time is the injectable clock's: the server and the CLI read SLUICE_CLOCK_FILE, so a test moves
to a period's last minute and past it without waiting.
"""

from __future__ import annotations

import getpass
import json
import re
import time
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from mock_upstream import JSONResponse, anthropic_events, anthropic_message, anthropic_stream, anthropic_usage, openai_sse, \
    openai_stream_chunks, openai_usage, slow_stream
from postgres_cluster import PASSWORD, postgres_available
from sluice_harness import ANTHROPIC, KEY_RE, OPENAI, Sluice, assert_anthropic_error, assert_openai_error, backend, \
    describe, iter_sse, parse_prometheus, poll, route, unique_name, write_text

#: $3/$15 per million input/output tokens, $0.30 cache reads, $3.75 cache writes: Claude Sonnet's shape.
CLAUDE_PRICE = {"match": "claude-*", "input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75}
#: The mock's default usage (10 input, 5 output tokens) costs exactly one cent under this price.
CENT_PRICE = {"match": "gpt-*", "input": 600, "output": 800}
NOON = "2030-01-15T12:00:00Z"


def set_clock(path: Path, when: str) -> None:
    path.write_text(when + "\n", encoding="utf-8")


@pytest.fixture
def clock(tmp_path: Path) -> Path:
    path = tmp_path / "clock"
    set_clock(path, NOON)
    return path


def money_server(sluice, clock: Path, *, prices: list[dict[str, Any]], upstream_type: str = "openai", **kw: Any) -> Sluice:
    srv = sluice(start=False, extra_config={"prices": prices, **kw.pop("extra_config", {})},
                 env={"SLUICE_CLOCK_FILE": str(clock), **kw.pop("env", {})}, **kw)
    if upstream_type != "openai":
        srv.config["backends"] = [backend("upstream", srv.config["backends"][0]["url"], type=upstream_type,
                                          connect_timeout="2s", read_timeout="5s")]
        srv.write_config()
    return srv


def make_key(srv: Sluice, *flags: str, name: str | None = None) -> tuple[str, str]:
    """`sluice keys create` with extra flags; returns (name, key)."""
    name = name or unique_name("money")
    info = srv.cli_json("keys", "create", "--name", name, *flags)
    srv.keys[name] = info
    return name, info["key"]


def usage(srv: Sluice, *args: str) -> list[dict[str, Any]]:
    return srv.cli_json("usage", *args)


def wait_for_usage(srv: Sluice, requests: int, *args: str) -> list[dict[str, Any]]:
    """The usage rows once `requests` requests are recorded (the journal commits every 200 ms)."""
    rows, _ = poll(lambda: (lambda r: r if sum(x["requests"] for x in r) >= requests else None)(usage(srv, *args)), 5.0, 0.1)
    assert rows, f"fewer than {requests} requests recorded: {usage(srv, *args)}"
    return rows


# --------------------------------------------------------------------------
# Prices and spend
# --------------------------------------------------------------------------


def test_each_usage_row_costs_its_tokens_with_cache_reads_and_writes_priced_on_their_own(sluice, mock, clock):
    srv = money_server(sluice, clock, upstream_type="anthropic",
                       prices=[CLAUDE_PRICE, {"match": "gpt-*", "input": 2, "output": 8, "cache_read": 0.5}])
    srv.start()
    name, key = make_key(srv)
    cached = anthropic_usage(1000, 200, cache_read_input_tokens=10_000, cache_creation_input_tokens=400)
    mock.enqueue(JSONResponse(anthropic_message("priced", usage=cached)),
                 anthropic_stream(anthropic_events("priced", usage=cached)),
                 JSONResponse(anthropic_message("priced", usage=cached)),
                 JSONResponse(anthropic_message("free", usage=cached)))

    claude = srv.anthropic(key)
    assert claude.messages.create(model="claude-test-model", max_tokens=64,
                                  messages=[{"role": "user", "content": "hi"}]).content[0].text == "priced"
    with claude.messages.stream(model="claude-test-model", max_tokens=64,
                                messages=[{"role": "user", "content": "hi"}]) as stream:
        assert stream.get_final_text() == "priced"
    gpt = srv.openai(key).chat.completions.create(model="gpt-test-model", messages=[{"role": "user", "content": "hi"}])
    assert gpt.choices[0].message.content == "priced"
    # A model no price matches (the embedded engine's, say) costs nothing.
    r = ANTHROPIC.post(srv, key, model="local-model")
    assert r.status_code == 200, describe(r)

    rows = {row["model"]: row for row in wait_for_usage(srv, 4, "--by", "model", "--key", name)}
    # Sonnet: 1000 × $3 + 200 × $15 + 10 000 × $0.30 + 400 × $3.75 per million = $0.0105 a request.
    assert rows["claude-test-model"]["requests"] == 2
    assert rows["claude-test-model"]["cost_usd"] == pytest.approx(0.021, abs=1e-9)
    # Cache writes left unpriced cost what input costs: 2000 + 1600 + 5000 + 800 per million.
    assert rows["gpt-test-model"]["cost_usd"] == pytest.approx(0.0094, abs=1e-9)
    assert rows["local-model"]["cost_usd"] == 0
    assert rows["claude-test-model"]["cache_read_input_tokens"] == 20_000
    by_key = usage(srv, "--by", "key", "--key", name)
    assert by_key == [{"key": name, "requests": 4, "errors": 0, "input_tokens": 4000, "output_tokens": 800,
                       "cache_read_input_tokens": 40_000, "cache_hits": 0,
                       "cost_usd": pytest.approx(0.0304, abs=1e-9)}]
    text = srv.cli("usage", "--by", "key", "--key", name).stdout
    assert re.search(rf"{re.escape(name)}\s+4\s+0\s+4000\s+800\s+40000\s+0\s+\$0\.0304\b", text), text


def test_usage_is_totalled_by_team_session_and_day(sluice, mock, clock):
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    srv.start()
    srv.cli("teams", "create", "platform")
    srv.cli("teams", "create", "research")
    alice, alice_key = make_key(srv, "--team", "platform")
    bob, bob_key = make_key(srv, "--team", "platform")
    carol, carol_key = make_key(srv, "--team", "research")
    dave, dave_key = make_key(srv)
    for key, session, count in [(alice_key, "s-1", 2), (bob_key, "s-1", 1), (carol_key, "s-2", 1), (dave_key, None, 1)]:
        for _ in range(count):
            headers = {"x-claude-code-session-id": session} if session else None
            assert OPENAI.post(srv, key, headers=headers).status_code == 200

    teams = {row["team"]: row for row in wait_for_usage(srv, 5, "--by", "team")}
    assert set(teams) == {"platform", "research", "-"}
    assert (teams["platform"]["requests"], teams["platform"]["cost_usd"]) == (3, pytest.approx(0.03))
    assert (teams["research"]["requests"], teams["research"]["cost_usd"]) == (1, pytest.approx(0.01))
    assert "key" not in teams["platform"], "a team total is not split by key"
    sessions = {(row["key"], row["session"]): row["requests"] for row in usage(srv, "--by", "session")}
    assert sessions == {(alice, "s-1"): 2, (bob, "s-1"): 1, (carol, "s-2"): 1, (dave, "-"): 1}
    days = usage(srv, "--by", "day")
    assert len(days) == 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", days[0]["day"]), days
    assert (days[0]["requests"], days[0]["cost_usd"]) == (5, pytest.approx(0.05))
    text = srv.cli("usage", "--by", "team").stdout
    assert re.search(r"platform\s+3\s+0\s+30\s+15\s+0\s+0\s+\$0\.03\b", text), text


# --------------------------------------------------------------------------
# Budgets
# --------------------------------------------------------------------------


def assert_budget_refusal(r, proto_name: str, message: str) -> None:
    if proto_name == "anthropic":
        got = assert_anthropic_error(r, 429, "rate_limit_error")
    else:
        got = assert_openai_error(r, 429, "insufficient_quota", "insufficient_quota")
    assert got == message, describe(r)
    assert r.headers.get("x-should-retry") == "false", describe(r)


@pytest.mark.parametrize("api", ["anthropic", "openai", "responses"])
def test_a_key_budget_refuses_exactly_the_request_after_the_one_that_spent_it(sluice, mock, clock, api):
    srv = money_server(sluice, clock, prices=[CENT_PRICE, {**CENT_PRICE, "match": "claude-*"}])
    srv.start()
    name, key = make_key(srv, "--budget", "0.03", "--period", "day")

    def ask(stream: bool = False):
        if api == "anthropic":
            return ANTHROPIC.post(srv, key, stream=stream)
        if api == "openai":
            return OPENAI.post(srv, key, stream=stream)
        body = {"model": "gpt-test-model", "input": "hi", "store": False, **({"stream": True} if stream else {})}
        return srv.post("/v1/responses", key=key, json=body, stream=stream)

    for stream in (False, True, False):
        r = ask(stream)
        assert r.status_code == 200, describe(r)
        if stream:
            list(iter_sse(r))
    message = f"the daily budget of $0.03 for key '{name}' is spent ($0.03 so far); it resets at 2030-01-16T00:00:00Z"
    for stream in (False, True):
        r = ask(stream)
        assert_budget_refusal(r, "anthropic" if api == "anthropic" else "openai", message)
        assert r.headers["retry-after"] == "43200", describe(r)
    assert len(mock.model_requests()) == 3, "a refused request must not reach the upstream"

    # The SDKs see a rate-limit error they do not retry (x-should-retry: false): one more usage row only.
    if api == "anthropic":
        with pytest.raises(anthropic.RateLimitError) as refused:
            anthropic.Anthropic(base_url=srv.url, api_key=key, max_retries=2).messages.create(
                model="claude-test-model", max_tokens=8, messages=[{"role": "user", "content": "hi"}])
        assert refused.value.body["error"]["message"] == message
    else:
        client = openai.OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=2)
        with pytest.raises(openai.RateLimitError) as refused:
            if api == "openai":
                client.chat.completions.create(model="gpt-test-model", messages=[{"role": "user", "content": "hi"}])
            else:
                client.responses.create(model="gpt-test-model", input="hi", store=False)
        assert refused.value.code == "insufficient_quota" and refused.value.type == "insufficient_quota"
    assert len(mock.model_requests()) == 3
    statuses = {row["key"]: row for row in wait_for_usage(srv, 6, "--by", "key")}
    assert (statuses[name]["requests"], statuses[name]["errors"]) == (6, 3)
    assert statuses[name]["cost_usd"] == pytest.approx(0.03)


def test_a_team_budget_is_shared_by_its_keys_and_shown_against_spending(sluice, mock, clock):
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    srv.start()
    srv.cli("teams", "create", "platform", "--budget", "0.02", "--period", "week")
    alice, alice_key = make_key(srv, "--team", "platform")
    bob, bob_key = make_key(srv, "--team", "platform", "--budget", "5")
    assert OPENAI.post(srv, alice_key).status_code == 200
    assert OPENAI.post(srv, bob_key).status_code == 200
    # 2030-01-15 is a Tuesday: the week ends on Monday the 21st.
    message = "the weekly budget of $0.02 for team 'platform' is spent ($0.02 so far); it resets at 2030-01-21T00:00:00Z"
    for key in (alice_key, bob_key):
        assert_budget_refusal(OPENAI.post(srv, key), "openai", message)
        r = ANTHROPIC.post(srv, key)
        assert_budget_refusal(r, "anthropic", message)
        assert r.headers["retry-after"] == str(5 * 86400 + 12 * 3600)
    assert len(mock.model_requests()) == 2

    budgets = {(row["scope"], row["name"]): row for row in srv.cli_json("usage", "--budgets")}
    assert budgets[("team", "platform")] == {"scope": "team", "name": "platform", "period": "week", "budget_usd": 0.02,
                                             "spent_usd": pytest.approx(0.02), "resets_at": "2030-01-21T00:00:00Z"}
    assert budgets[("key", bob)]["spent_usd"] == pytest.approx(0.01)
    assert ("key", alice) not in budgets, "a key without a budget of its own has no budget row"
    shown = srv.cli_json("teams", "show", "platform")
    assert (shown["spent_usd"], sorted(shown["keys"])) == (pytest.approx(0.02), sorted([alice, bob]))

    # The metrics show spending against the budgets.
    samples = parse_prometheus(srv.get("/metrics", auth=None).text)
    gauges = {(n, lab.get("scope"), lab.get("name")): v for n, lab, v in samples if n.startswith("sluice_budget_")}
    assert gauges[("sluice_budget_spent_usd", "team", "platform")] == pytest.approx(0.02)
    assert gauges[("sluice_budget_limit_usd", "team", "platform")] == pytest.approx(0.02)
    assert gauges[("sluice_budget_limit_usd", "key", bob)] == pytest.approx(5)

    # Raising the budget lets the team's keys spend again (within the authentication cache's age).
    srv.cli("teams", "update", "platform", "--budget", "0.03")
    r, _ = poll(lambda: (lambda x: x if x.status_code == 200 else None)(OPENAI.post(srv, alice_key)), 3.0, 0.2)
    assert r is not None, "the raised team budget was not applied"


def test_budgets_reset_at_the_period_boundary(sluice, mock, clock):
    set_clock(clock, "2030-01-31T23:59:00Z")
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    srv.start()
    name, key = make_key(srv, "--budget", "0.01")  # monthly by default
    assert OPENAI.post(srv, key).status_code == 200
    r = ANTHROPIC.post(srv, key)
    assert_budget_refusal(r, "anthropic", f"the monthly budget of $0.01 for key '{name}' is spent ($0.01 so far); "
                                          "it resets at 2030-02-01T00:00:00Z")
    assert r.headers["retry-after"] == "60"

    set_clock(clock, "2030-02-01T00:00:01Z")
    assert OPENAI.post(srv, key).status_code == 200
    assert_budget_refusal(OPENAI.post(srv, key), "openai", f"the monthly budget of $0.01 for key '{name}' is spent "
                                                           "($0.01 so far); it resets at 2030-03-01T00:00:00Z")
    # A daily budget on the same key resets at midnight.
    srv.cli("keys", "update", name, "--period", "day")
    r, _ = poll(lambda: (lambda x: x if x.status_code == 200 else None)(OPENAI.post(srv, key)), 3.0, 0.2)
    assert r is not None
    set_clock(clock, "2030-02-01T23:59:59Z")
    r = OPENAI.post(srv, key)
    assert r.status_code == 429 and r.headers["retry-after"] == "1", describe(r)
    set_clock(clock, "2030-02-02T00:00:00Z")
    assert OPENAI.post(srv, key).status_code == 200
    assert len(mock.model_requests()) == 4


def test_a_warning_is_logged_once_when_a_budget_passes_80_percent(sluice, mock, clock):
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    srv.start()
    name, key = make_key(srv, "--budget", "0.05", "--period", "day")
    for _ in range(3):
        assert OPENAI.post(srv, key).status_code == 200
    assert "budget 80% spent" not in srv.log()
    for _ in range(2):
        assert OPENAI.post(srv, key).status_code == 200
    srv.wait_for_log(r"budget 80% spent")
    time.sleep(0.3)
    warnings = [line for line in srv.log().splitlines() if "budget 80% spent" in line]
    assert len(warnings) == 1, warnings
    assert f"key '{name}'" in warnings[0] and "$0.04" in warnings[0], warnings[0]


def test_a_request_under_budget_finishes_and_is_charged_when_it_ends(sluice, mock, clock):
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    srv.start()
    name, key = make_key(srv, "--budget", "0.01", "--period", "day")
    # Two streams start within budget; both finish, and both are charged: the overspend bound.
    frames = openai_sse(openai_stream_chunks("slow answer", usage=openai_usage()))
    mock.enqueue(slow_stream(frames, delay=0.3), slow_stream(frames, delay=0.3))
    body = OPENAI.body(stream=True, stream_options={"include_usage": True})
    first = OPENAI.post(srv, key, body=body, stream=True)
    second = OPENAI.post(srv, key, body=body, stream=True)
    assert (first.status_code, second.status_code) == (200, 200)
    assert OPENAI.stream_text(iter_sse(first)) == ("slow answer", True)
    assert OPENAI.stream_text(iter_sse(second)) == ("slow answer", True)
    r = OPENAI.post(srv, key)
    assert r.status_code == 429, describe(r)
    assert "($0.02 so far)" in r.json()["error"]["message"]


# --------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------


def test_every_admin_change_is_in_the_audit_log_with_who_and_no_secret(sluice, mock, clock):
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    srv.start()
    srv.cli("teams", "create", "platform", "--budget", "10")
    name, key = make_key(srv, "--team", "platform", "--budget", "2", "--period", "week")
    srv.cli("keys", "update", name, "--no-team", "--budget", "3", "--models", "gpt-*")
    rotated = srv.rotate_key(name)
    srv.cli("teams", "update", "platform", "--budget", "20", "--period", "day")
    srv.cli("teams", "remove", "platform")
    srv.revoke_key(name)
    write_text(srv.policies_dir / "broken.yaml", "stages: [no_such_stage]\n")
    entries, _ = poll(lambda: (lambda e: e if any(x["action"] == "policy.refused" for x in e) else None)(
        srv.cli_json("audit")), 5.0, 0.1)
    assert entries, srv.log()[-2000:]
    me = getpass.getuser()
    cli = [e for e in entries if e["actor"] == me]
    assert [(e["action"], e["target"]) for e in cli] == [
        ("team.created", "platform"), ("key.created", name), ("key.updated", name), ("key.rotated", name),
        ("team.updated", "platform"), ("team.removed", "platform"), ("key.revoked", name)]
    assert all(e["at"] == "2030-01-15T12:00:00Z" for e in cli), cli
    created = cli[1]["details"]
    assert (created["team"], created["budget_usd"], created["budget_period"]) == ("platform", 2, "week")
    assert cli[2]["details"]["team"] == {"from": "platform", "to": None}
    assert cli[2]["details"]["budget_usd"] == {"from": 2, "to": 3}
    assert cli[2]["details"]["models"] == {"from": [], "to": ["gpt-*"]}
    assert "policy" not in cli[2]["details"], "unchanged fields are not listed"
    assert cli[4]["details"]["budget_usd"] == {"from": 10, "to": 20}
    assert cli[4]["details"]["budget_period"] == {"from": "month", "to": "day"}

    server = [(e["action"], e["target"]) for e in entries if e["actor"] == "sluice serve"]
    assert ("policy.loaded", "default") in server and ("policy.refused", "broken") in server, server
    refused = next(e for e in entries if e["action"] == "policy.refused")
    assert "no_such_stage" in refused["details"]["reason"]

    text = json.dumps(entries) + srv.cli("audit").stdout
    assert not KEY_RE.search(text), "a key appears in the audit log"
    assert key not in text and rotated not in text
    assert "hash" not in text
    # --since counts back from the (injected) clock.
    set_clock(clock, "2030-01-25T12:00:00Z")
    assert srv.cli_json("audit", "--since", "1d") == []
    assert len(srv.cli_json("audit", "--since", "11d")) == len(entries)


# --------------------------------------------------------------------------
# PostgreSQL: budgets across replicas
# --------------------------------------------------------------------------


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_key_and_team_budgets_hold_across_replicas_on_postgresql(sluice, mock, clock, postgres):
    url = postgres.create_database()
    config = {"database": url, "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 4}
    replicas = [money_server(sluice, clock, prices=[CENT_PRICE, {**CENT_PRICE, "match": "claude-*"}], extra_config=config,
                             env={"SLUICE_DB_PASSWORD": PASSWORD}, migrate=False) for _ in range(2)]
    for replica in replicas:
        replica.start()
    admin = replicas[0]

    def cli(*args: str) -> Any:
        return admin.cli_json(*args, "--config", admin.config_path)

    cli("teams", "create", "platform", "--budget", "0.03", "--period", "day")
    key_name = unique_name("pg")
    key = cli("keys", "create", "--name", key_name, "--budget", "0.03", "--period", "day")["key"]
    admin.collect_keys(key)
    # Alternating replicas: each reads the spending the other charged.
    statuses = [OPENAI.post(replicas[i % 2], key).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429], statuses

    members = []
    for _ in range(2):
        name = unique_name("pg-team")
        members.append(cli("keys", "create", "--name", name, "--team", "platform")["key"])
        admin.collect_keys(members[-1])
    statuses = [ANTHROPIC.post(replicas[i % 2], members[i % 2]).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429], statuses
    r = OPENAI.post(replicas[1], members[0])
    assert_budget_refusal(r, "openai", "the daily budget of $0.03 for team 'platform' is spent ($0.03 so far); "
                                       "it resets at 2030-01-16T00:00:00Z")
    assert len(mock.model_requests()) == 6
    rows = {row["team"]: row for row in wait_for_usage(admin, 11, "--by", "team", "--config", str(admin.config_path))}
    assert rows["platform"]["cost_usd"] == pytest.approx(0.03)
    budgets = {(b["scope"], b["name"]): b["spent_usd"] for b in cli("usage", "--budgets")}
    assert budgets == {("team", "platform"): pytest.approx(0.03), ("key", key_name): pytest.approx(0.03)}


# --------------------------------------------------------------------------
# Teams' policies, cached answers, and moving to PostgreSQL
# --------------------------------------------------------------------------


def test_a_teams_policy_applies_to_its_keys_without_one_and_a_cached_answer_costs_nothing(sluice, mock, clock):
    srv = money_server(sluice, clock, prices=[CENT_PRICE])
    write_text(srv.policies_dir / "cached.yaml", "stages: [cache]\ncache: {enabled: true, scope: shared}\n")
    srv.start()
    srv.cli("teams", "create", "platform", "--policy", "cached")
    member, member_key = make_key(srv, "--team", "platform")
    own, own_key = make_key(srv, "--team", "platform", "--policy", "default")
    for key in (member_key, member_key, own_key, own_key):
        assert OPENAI.post(srv, key, body=OPENAI.body(text="same question")).status_code == 200
    # The member's second request came from the team policy's cache; the key with its own policy
    # (no cache) asked the upstream both times.
    assert len(mock.model_requests()) == 3
    rows = {row["key"]: row for row in wait_for_usage(srv, 4, "--by", "key")}
    assert (rows[member]["cache_hits"], rows[member]["cost_usd"]) == (1, pytest.approx(0.01))
    assert (rows[own]["cache_hits"], rows[own]["cost_usd"]) == (0, pytest.approx(0.02))


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_db_copy_brings_teams_key_budgets_and_the_audit_log_to_postgresql(sluice, clock, postgres):
    single = money_server(sluice, clock, prices=[CENT_PRICE])
    single.cli("migrate")
    single.cli("teams", "create", "platform", "--budget", "40", "--period", "week")
    name, _ = make_key(single, "--team", "platform", "--budget", "5")
    target = postgres.create_database().replace("postgres://sluice@", f"postgres://sluice:{PASSWORD}@")
    copied = single.cli_json("db", "copy", "--from", single.db, "--to", target, database=False)
    assert (copied["teams_copied"], copied["keys_copied"], copied["audit_entries_copied"]) == (1, 1, 2), copied
    again = single.cli_json("db", "copy", "--from", single.db, "--to", target, database=False)
    assert (again["teams_copied"], again["keys_already_there"], again["audit_entries_copied"]) == (0, 1, 0), again

    teams = single.cli_json("teams", "list", "--database", target)
    assert teams == [{"name": "platform", "policy": None, "budget_usd": 40, "budget_period": "week",
                      "created_at": "2030-01-15T12:00:00Z", "keys": [name]}]
    key = single.cli_json("keys", "show", name, "--database", target)
    assert (key["team"], key["budget_usd"], key["budget_period"]) == ("platform", 5, "month")
    actions = [e["action"] for e in single.cli_json("audit", "--database", target)]
    assert actions == ["team.created", "key.created"]
