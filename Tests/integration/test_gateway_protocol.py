"""Claude Code's gateway protocol, through the real server: the connection probe, model discovery
per key, session headers in usage (SQLite and PostgreSQL), what an Anthropic upstream's headers and
error bodies look like to Anthropic clients, `serve --upstream` without a configuration file, and
betas reaching an Anthropic upstream verbatim.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

import mock_upstream as m
from postgres_cluster import PASSWORD, postgres_available
from sluice_harness import (
    ANTHROPIC,
    ANTHROPIC_VERSION,
    OPENAI,
    Sluice,
    backend,
    base_env,
    describe,
    http,
    iter_sse,
    poll,
    requires_claude,
    route,
    run_claude_code,
    run_sluice,
    write_text,
)

SESSION_HEADERS = ("x-claude-code-session-id", "x-claude-code-agent-id", "x-claude-code-parent-agent-id")


def anthropic_backend(url: str, **extra: Any) -> dict[str, Any]:
    return backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s", max_attempts=1, **extra)


def session_headers(session: str | None, agent: str | None = None, parent: str | None = None) -> dict[str, str]:
    values = dict(zip(SESSION_HEADERS, (session, agent, parent)))
    return {name: value for name, value in values.items() if value is not None}


def ask(srv: Sluice, key: str, proto=ANTHROPIC, *, headers: dict[str, str] | None = None, **kw: Any):
    return proto.post(srv, key, headers=headers, **kw)


def usage(srv: Sluice, *args: Any) -> list[dict[str, Any]]:
    return srv.cli_json("usage", *args)


def wait_for_usage(srv: Sluice, requests: int, *args: Any) -> list[dict[str, Any]]:
    """`sluice usage ARGS` once it counts `requests` rows (the journal commits in batches)."""
    rows, _ = poll(lambda: (lambda r: r if sum(x["requests"] for x in r) >= requests else None)(usage(srv, *args)),
                   timeout=10.0, interval=0.2)
    assert rows, f"usage never reached {requests} requests: {usage(srv, *args)}"
    return rows


# --------------------------------------------------------------------------
# The connection probe and model discovery
# --------------------------------------------------------------------------


def test_head_api_hello_answers_200_without_a_key(sluice):
    srv = sluice()
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-I", srv.url + "/api/hello"],
                         capture_output=True, text=True, timeout=30, env=base_env())
    assert out.stdout == "200", out


ADVERTISED_ROUTES = [
    {"match": "qwen3-coder", "backend": "upstream", "advertise": "claude-local-qwen", "display_name": "Qwen 3 (local)"},
    route("gpt-4o", "upstream"),
    route("*", "upstream", model="claude-sonnet-4-5"),
]


def listed(srv: Sluice, key: str, *, anthropic: bool) -> list[dict[str, Any]]:
    headers = {"anthropic-version": ANTHROPIC_VERSION} if anthropic else {}
    r = srv.get("/v1/models?limit=1000", key=key, headers=headers)
    assert r.status_code == 200, describe(r)
    return r.json()["data"]


def test_models_are_listed_per_key_with_display_names_and_an_advertised_id_routes(sluice, mock):
    srv = sluice(routes=ADVERTISED_ROUTES)
    everything = srv.create_key()
    claude_only = srv.create_key(models="claude-*")

    assert [(d["id"], d["display_name"], d["type"]) for d in listed(srv, everything, anthropic=True)] == [
        ("claude-local-qwen", "Qwen 3 (local)", "model"), ("gpt-4o", "gpt-4o", "model"),
        ("claude-sonnet-4-5", "claude-sonnet-4-5", "model")]
    assert [d["id"] for d in listed(srv, claude_only, anthropic=True)] == ["claude-local-qwen", "claude-sonnet-4-5"]
    assert [d["id"] for d in listed(srv, claude_only, anthropic=False)] == ["claude-local-qwen", "claude-sonnet-4-5"]
    assert [d["object"] for d in listed(srv, everything, anthropic=False)] == ["model"] * 3

    # The advertised id routes to its route, and the upstream is sent the name it knows.
    ANTHROPIC.assert_ok(ask(srv, claude_only, model="claude-local-qwen"))
    OPENAI.assert_ok(ask(srv, everything, OPENAI, model="claude-local-qwen"))
    assert [r.json["model"] for r in mock.model_requests()] == ["qwen3-coder", "qwen3-coder"]
    ANTHROPIC.assert_error(ask(srv, claude_only, model="gpt-4o"), "permission")


@requires_claude
def test_claude_code_discovers_the_advertised_models(sluice, mock, tmp_path):
    srv = sluice(routes=ADVERTISED_ROUTES)
    key = srv.create_key(models="claude-*")
    workdir = tmp_path / "project"
    workdir.mkdir()

    result = run_claude_code(srv.url, workdir, {"ANTHROPIC_AUTH_TOKEN": key}, "Say hi",
                             model="claude-local-qwen", extra_env={"CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY": "1"})

    assert result.returncode == 0, f"claude failed:\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert srv.wait_for_log(r"method=\S*GET\S* .*path=\S*/v1/models", timeout=10)
    cache = workdir.parent / f"{workdir.name}-home" / ".claude" / "cache" / "gateway-models.json"
    found, _ = poll(lambda: cache.is_file() or None, timeout=10.0, interval=0.2)
    assert found, f"Claude Code cached no gateway models; stderr: {result.stderr[-2000:]}"
    models = json.loads(cache.read_text())["models"]
    assert [(x["id"], x.get("display_name")) for x in models] == [
        ("claude-local-qwen", "Qwen 3 (local)"), ("claude-sonnet-4-5", "claude-sonnet-4-5")]
    # The model it was told to use went upstream under the name the backend knows.
    assert "qwen3-coder" in {r.json["model"] for r in mock.model_requests()}
    # Claude Code's session header reached the usage rows.
    rows = wait_for_usage(srv, 1, "--by", "session")
    assert any(row["session"] != "-" for row in rows), rows


# --------------------------------------------------------------------------
# Sessions in usage
# --------------------------------------------------------------------------

CACHED_POLICY = "stages: [cache]\ncache: {enabled: true, scope: shared}\n"


def send_a_session_mix(srv: Sluice, key: str) -> None:
    """Three requests in session s-1 (two agents), one in s-2, one without a session."""
    for headers in (session_headers("s-1", "main"), session_headers("s-1", "sub", "main"),
                    session_headers("s-1", "sub", "main"), session_headers("s-2", "main"), {}):
        ANTHROPIC.assert_ok(ask(srv, key, headers=headers))


def check_session_usage(srv: Sluice) -> None:
    rows = wait_for_usage(srv, 5, "--by", "session")
    assert {row["session"]: row["requests"] for row in rows} == {"s-1": 3, "s-2": 1, "-": 1}, rows
    assert all("model" not in row for row in rows), rows
    agents = usage(srv, "--by", "agent")
    assert {(row["session"], row["agent"]): row["requests"] for row in agents} == {
        ("s-1", "main"): 1, ("s-1", "sub"): 2, ("s-2", "main"): 1, ("-", "-"): 1}, agents
    table = srv.cli("usage", "--by", "session").stdout
    assert "SESSION" in table and "s-1" in table, table


def test_session_headers_are_recorded_never_sent_upstream_nor_part_of_the_cache_key(sluice, mock):
    srv = sluice(start=False)
    write_text(srv.policies_dir / "cached.yaml", CACHED_POLICY)
    srv.start()
    key = srv.create_key()
    send_a_session_mix(srv, key)
    check_session_usage(srv)

    for request in mock.model_requests():
        assert not any(name in request.headers for name in SESSION_HEADERS), request.headers
        assert "s-1" not in request.text and "session" not in json.dumps(request.json), request.json

    # A cached answer is shared across sessions: the session is no part of the key.
    cached = srv.create_key(policy="cached")
    mock.reset()
    first = ask(srv, cached, headers=session_headers("cache-a", "main"))
    second = ask(srv, cached, headers=session_headers("cache-b", "other"))
    ANTHROPIC.assert_ok(first)
    ANTHROPIC.assert_ok(second)
    assert len(mock.model_requests()) == 1
    assert second.headers.get("x-sluice-backend") == "cache", second.headers


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_session_usage_on_postgresql_and_through_db_copy(sluice, postgres):
    database = postgres.create_database()
    config = {"database": database, "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 4}
    replica = sluice(extra_config=config, env={"SLUICE_DB_PASSWORD": PASSWORD})
    info = replica.cli_json("keys", "create", "--name", "pg", "--config", replica.config_path)
    replica.keys["pg"] = info
    key = info["key"]
    send_a_session_mix(replica, key)
    rows, _ = poll(lambda: (lambda r: r if sum(x["requests"] for x in r) >= 5 else None)(
        replica.cli_json("usage", "--by", "session", "--config", replica.config_path)), timeout=10.0, interval=0.2)
    assert rows and {row["session"]: row["requests"] for row in rows} == {"s-1": 3, "s-2": 1, "-": 1}, rows
    agents = replica.cli_json("usage", "--by", "agent", "--config", replica.config_path)
    assert {(row["session"], row["agent"]): row["requests"] for row in agents}[("s-1", "sub")] == 2, agents

    # A single box's SQLite rows keep their sessions when copied into PostgreSQL.
    single = sluice()
    single_key = single.create_key("copied")
    for headers in (session_headers("copy-1", "main"), session_headers("copy-1", "sub", "main")):
        ANTHROPIC.assert_ok(ask(single, single_key, headers=headers))
    wait_for_usage(single, 2, "--by", "session")
    single.stop()
    target = database.replace("postgres://sluice@", f"postgres://sluice:{PASSWORD}@")
    copied = single.cli_json("db", "copy", "--from", single.db, "--to", target, database=False)
    assert copied["usage_copied"] == 2, copied
    after = replica.cli_json("usage", "--by", "agent", "--key", "copied", "--config", replica.config_path)
    assert {(row["session"], row["agent"]) for row in after} == {("copy-1", "main"), ("copy-1", "sub")}, after


# --------------------------------------------------------------------------
# An Anthropic upstream's headers and errors
# --------------------------------------------------------------------------

RATE_HEADERS = {
    "anthropic-ratelimit-output-tokens-remaining": "7900",
    "anthropic-ratelimit-unified-status": "allowed_warning",
    "anthropic-ratelimit-unified-5h-utilization": "0.91",
    "anthropic-ratelimit-unified-reset": "1767225600",
}


#: Also sent by Sluice's own rate-limit stage (the default policy), whose value stands.
OWN_HEADER = "anthropic-ratelimit-requests-remaining"


def check_rate_headers(r) -> None:
    for name, value in RATE_HEADERS.items():
        assert r.headers.get(name) == value, (name, dict(r.headers))
    assert r.headers.get(OWN_HEADER, "").isdigit() and r.headers[OWN_HEADER] != "49", dict(r.headers)


@pytest.fixture
def anth(sluice, mock):
    srv = sluice(backends=[anthropic_backend(mock.base_url)], routes=[route("*", "anth")])
    return srv, srv.create_key()


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_rate_limit_headers_of_an_anthropic_upstream_reach_anthropic_clients(anth, mock, stream):
    srv, key = anth
    mock.enqueue(m.anthropic_stream(m.anthropic_events("Hello"), headers={**RATE_HEADERS, OWN_HEADER: "49"}))
    r = ask(srv, key, stream=stream, body=ANTHROPIC.body(stream=stream))
    assert r.status_code == 200, describe(r)
    check_rate_headers(r)
    if stream:
        assert [f["event"] for f in iter_sse(r)][-1] == "message_stop"
    else:
        assert r.json()["content"][0]["text"] == "Hello"

    # An OpenAI client of the same upstream does not get Anthropic's headers.
    mock.enqueue(m.anthropic_stream(m.anthropic_events("Hello"), headers=RATE_HEADERS))
    r = ask(srv, key, OPENAI, body=OPENAI.body(stream=stream), stream=stream)
    assert r.status_code == 200, describe(r)
    assert not any(name in r.headers for name in RATE_HEADERS), dict(r.headers)


ERROR_BODY = (b'{"type":"error",  "error":{"type":"rate_limit_error","message":"This request would exceed your '
              b'account\'s rate limit. Please try again later."},"request_id":"req_011CUpstream"}')


def test_an_anthropic_upstreams_error_reaches_anthropic_clients_unmodified(anth, mock):
    srv, key = anth
    headers = {"retry-after": "2.5", "x-should-retry": "true", **RATE_HEADERS, OWN_HEADER: "49"}
    mock.enqueue(m.RawResponse(ERROR_BODY, status=429, content_type="application/json", headers=headers))
    r = ask(srv, key)
    assert r.status_code == 429, describe(r)
    assert r.content == ERROR_BODY
    assert r.headers["x-should-retry"] == "true"
    assert r.headers["retry-after"] == "3"  # whole seconds, rounded up
    check_rate_headers(r)

    # The same failure streamed: the status and body come before any event.
    mock.enqueue(m.RawResponse(ERROR_BODY, status=429, content_type="application/json", headers=headers))
    r = ask(srv, key, body=ANTHROPIC.body(stream=True), stream=True)
    assert (r.status_code, r.content) == (429, ERROR_BODY)

    # The Anthropic SDK reads it as Anthropic's own.
    import anthropic

    mock.enqueue(m.RawResponse(ERROR_BODY, status=429, content_type="application/json", headers=headers))
    with pytest.raises(anthropic.RateLimitError) as raised:
        srv.anthropic(key).messages.create(model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    assert raised.value.body["error"]["message"].startswith("This request would exceed your account's rate limit")

    # An OpenAI client gets Sluice's rendering in its own shape.
    mock.enqueue(m.RawResponse(ERROR_BODY, status=429, content_type="application/json", headers=headers))
    r = ask(srv, key, OPENAI)
    assert r.status_code == 429 and r.json()["error"]["message"].endswith("Please try again later."), describe(r)
    assert r.headers["retry-after"] == "3"


def test_an_upstream_credential_failure_is_not_passed_on_as_the_clients(anth, mock):
    srv, key = anth
    mock.enqueue(m.error_response(401, "invalid x-api-key", protocol="anthropic"))
    r = ask(srv, key)
    assert r.status_code == 502 and r.json()["error"]["type"] == "api_error", describe(r)
    assert b"invalid x-api-key" not in r.content


@pytest.mark.parametrize("proto", [ANTHROPIC, OPENAI], ids=str)
@pytest.mark.parametrize("retry_headers, expected", [
    ({"retry-after-ms": "1500"}, "2"),
    ({"retry-after": "0.2"}, "1"),
    ({"retry-after": "Wed, 21 Oct 2099 07:28:00 GMT"}, None),
], ids=["ms", "fraction", "http-date"])
def test_retry_after_is_whole_seconds_on_every_upstream_429(sluice, mock, proto, retry_headers, expected):
    srv = sluice(backends=[anthropic_backend(mock.base_url), backend("oai", mock.base_url, max_attempts=1)],
                 routes=[route("anth-*", "anth"), route("*", "oai")])
    key = srv.create_key()
    for model, protocol in (("anth-model", "anthropic"), ("oai-model", "openai")):
        mock.enqueue(m.error_response(429, "slow down", protocol=protocol, headers=retry_headers))
        r = ask(srv, key, proto, model=model)
        assert r.status_code == 429, describe(r)
        assert r.headers["retry-after"].isdigit(), dict(r.headers)
        if expected is not None:
            assert r.headers["retry-after"] == expected, dict(r.headers)


# --------------------------------------------------------------------------
# serve --upstream, without a configuration file
# --------------------------------------------------------------------------


@contextmanager
def serve_without_config(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """A key in a fresh database, then `sluice serve ARGS` with no configuration file: (url, key)."""
    db = tmp_path / "first.sqlite"
    info = json.loads(run_sluice(["keys", "create", "--name", "first", "--json", "--database", db], cwd=tmp_path).stdout)
    port = m.free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([str(Path(os.environ.get("SLUICE_BIN", ".build/debug/sluice")).resolve()), "serve",
                             "--database", str(db), "--port", str(port), *args],
                            cwd=tmp_path, env=base_env(env), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if http("GET", url + "/healthz", timeout=1).status_code == 200:
                    break
            except Exception:
                time.sleep(0.1)
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        yield url, info["key"]
    finally:
        proc.terminate()
        assert proc.wait(timeout=15) == 0, (tmp_path / "serve.log").read_text()
        log.close()


def test_serve_upstream_serves_an_anthropic_upstream_without_a_config_file(tmp_path, mock):
    assert not (tmp_path / "sluice.yaml").exists()
    with serve_without_config(tmp_path, "--upstream", mock.base_url, "--upstream-type", "anthropic",
                              "--upstream-key-env", "MY_UPSTREAM_KEY", env={"MY_UPSTREAM_KEY": "sk-up-1"}) as (url, key):
        r = http("POST", url + "/v1/messages", headers={"x-api-key": key, **ANTHROPIC.headers()},
                 data=json.dumps(ANTHROPIC.body("any-model-at-all")))
        ANTHROPIC.assert_ok(r)
        (up,) = mock.model_requests()
        assert up.route == "/v1/messages" and up.headers["x-api-key"] == "sk-up-1"
        assert up.json["model"] == "any-model-at-all"


def test_serve_upstream_defaults_to_an_openai_upstream(tmp_path, mock):
    with serve_without_config(tmp_path, "--upstream", mock.base_url) as (url, key):
        r = http("POST", url + "/v1/chat/completions", headers={"authorization": f"Bearer {key}", **OPENAI.headers()},
                 data=json.dumps(OPENAI.body()))
        OPENAI.assert_ok(r)
        (up,) = mock.model_requests()
        assert up.route == "/v1/chat/completions" and "authorization" not in up.headers


@pytest.mark.parametrize("args, message", [
    (["--upstream-type", "anthropic"], "go with --upstream"),
    (["--upstream", "ftp://example.com"], "http:// or https://"),
    (["--upstream", "http://127.0.0.1:1/v1", "--model", "x.gguf"], "give one"),
])
def test_serve_upstream_misuse_is_a_clear_error(tmp_path, args, message):
    out = run_sluice(["serve", "--database", tmp_path / "x.sqlite", *args], cwd=tmp_path, timeout=30)
    assert out.returncode != 0 and message in out.stderr, out


# --------------------------------------------------------------------------
# Betas to an Anthropic upstream
# --------------------------------------------------------------------------

BETAS = "claude-code-20250219,context-management-2025-06-27,tool-search-2099-01-01,some-future-beta-2100-12-31"


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_beta_header_and_paired_body_fields_reach_an_anthropic_upstream_verbatim(anth, mock, stream):
    srv, key = anth
    tools = [
        {"name": "Read", "description": "Reads a file", "strict": True,
         "input_schema": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                          "properties": {"path": {"type": "string"}}, "required": ["path"],
                          "additionalProperties": False}},
        {"name": "WebFetch", "defer_loading": True, "input_schema": {"type": "object"},
         "cache_control": {"type": "ephemeral"}},
    ]
    extra = {
        "context_management": {"edits": [{"type": "clear_tool_uses_20250919", "trigger": {"type": "input_tokens",
                                                                                          "value": 100000}}]},
        "output_config": {"effort": "medium", "format": {"type": "json_schema", "schema": {"type": "object"}}},
        "tools": tools,
        "some_future_field": {"kept": [1, 2, 3]},
    }
    body = ANTHROPIC.body("claude-opus-4-5", stream=stream, **extra)
    r = ask(srv, key, body=body, stream=stream, headers={"anthropic-beta": BETAS, **session_headers("s-beta", "main")})
    assert r.status_code == 200, describe(r)
    if stream:
        list(iter_sse(r))
    (up,) = mock.model_requests()
    assert up.headers["anthropic-beta"] == BETAS
    for field in ("context_management", "output_config", "tools", "some_future_field"):
        assert up.json[field] == extra[field], (field, up.json.get(field))
    assert not any(name in up.headers for name in SESSION_HEADERS)
    assert "s-beta" not in up.text
