"""HTTP surface of sluice: body limits, malformed requests, unknown routes, the small
endpoints (/, /v1/models, count_tokens), graceful SIGTERM, JSON request logs."""

from __future__ import annotations

import json
import signal
import time
from datetime import datetime
from unittest.mock import ANY

import anthropic
import pytest

from mock_upstream import openai_sse, openai_stream_chunks, openai_usage, slow_stream
from sluice_harness import (
    ANTHROPIC,
    ANTHROPIC_VERSION,
    OPENAI,
    PROTOCOLS,
    assert_anthropic_error,
    describe,
    iter_sse,
    poll,
    route,
    unique_name,
)

proto_param = pytest.mark.parametrize("proto", PROTOCOLS, ids=str)

LISTED = ["claude-sonnet-test", "gpt-listed-test"]


@pytest.fixture(scope="module")
def srv(module_sluice):
    """Default backend; two concrete routes (listed as models) before the catch-all."""
    return module_sluice(routes=[route(LISTED[0]), route(LISTED[1]), route("*")])


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("basics"))


@pytest.fixture(scope="module")
def small(module_sluice):
    """body_limit: 1024."""
    return module_sluice(body_limit=1024)


@pytest.fixture(scope="module")
def small_key(small):
    return small.create_key(unique_name("small"))


def padded(proto, size: int) -> bytes:
    """A valid request body of exactly `size` bytes."""
    body = proto.body(text="")
    base = len(json.dumps(body).encode())
    body["messages"][0]["content"] = "x" * (size - base)
    data = json.dumps(body).encode()
    assert len(data) == size
    return data


# --------------------------------------------------------------------------
# Body limit
# --------------------------------------------------------------------------


@proto_param
def test_body_over_limit_is_413(small, small_key, mock, proto):
    r = proto.post(small, small_key, data=padded(proto, 2000))
    proto.assert_error(r, "too_large", secrets=[small_key])
    assert mock.model_requests() == []


@proto_param
def test_chunked_body_over_limit_is_413(small, small_key, mock, proto):
    data = padded(proto, 2000)
    gen = (data[i:i + 256] for i in range(0, len(data), 256))  # no Content-Length: Transfer-Encoding: chunked
    r = proto.post(small, small_key, data=gen)
    proto.assert_error(r, "too_large")
    assert mock.model_requests() == []


@proto_param
def test_body_under_limit_passes(small, small_key, mock, proto):
    proto.assert_ok(proto.post(small, small_key, data=padded(proto, 900)))
    assert len(mock.model_requests()) == 1


# --------------------------------------------------------------------------
# Malformed requests
# --------------------------------------------------------------------------


@proto_param
@pytest.mark.parametrize("data", [b'{"model": "m", "messages": [', b"not json at all", b'{"model": "m",}'],
                         ids=["truncated", "text", "trailing-comma"])
def test_malformed_json_is_400_naming_json(srv, key, mock, proto, data):
    msg = proto.assert_error(proto.post(srv, key, data=data), "invalid", param=ANY)
    assert "json" in msg.lower(), f"message does not say the problem is JSON: {msg!r}"
    assert mock.model_requests() == []


@proto_param
@pytest.mark.parametrize("data", [b"[1, 2, 3]", b'"a string"', b"null"])
def test_json_that_is_not_an_object_is_400(srv, key, mock, proto, data):
    proto.assert_error(proto.post(srv, key, data=data), "invalid", param=ANY)
    assert mock.model_requests() == []


@proto_param
@pytest.mark.parametrize("field", ["messages", "model"])
def test_missing_required_field_is_400_naming_the_field(srv, key, mock, proto, field):
    body = proto.body()
    del body[field]
    r = proto.post(srv, key, body=body)
    msg = proto.assert_error(r, "invalid", param=ANY)
    assert field in msg, f"message does not name {field!r}: {msg!r}"
    if not proto.is_anthropic:
        assert r.json()["error"]["param"] in (None, field)
    assert mock.model_requests() == []


def test_anthropic_missing_max_tokens_is_400_naming_the_field(srv, key, mock):
    body = ANTHROPIC.body()
    del body["max_tokens"]
    msg = ANTHROPIC.assert_error(ANTHROPIC.post(srv, key, body=body), "invalid")
    assert "max_tokens" in msg
    assert mock.model_requests() == []


# --------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------


def test_unknown_route_is_404_not_found(srv, key, mock):
    r = srv.get("/v1/nonexistent", key=key, headers={"anthropic-version": ANTHROPIC_VERSION})
    assert_anthropic_error(r, 404, "not_found_error")
    r = srv.post("/v1/frobnicate", key=key, json={"model": "m"})
    assert r.status_code == 404, describe(r)
    body = r.json()
    err_type = body["error"]["type"]
    assert err_type == "not_found_error", describe(r)
    r = srv.get("/definitely/not/here", key=key)
    assert r.status_code == 404, describe(r)
    assert mock.requests == []


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_root_answers_200_without_a_key(srv, method):
    r = srv.request(method, "/", auth=None)
    assert r.status_code == 200, describe(r)


def test_beta_query_parameter_is_ignored(srv, key, mock):
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, key, path="/v1/messages?beta=true"))
    (up,) = mock.model_requests()
    assert "beta" not in up.query
    r = ANTHROPIC.post(srv, key, path="/v1/messages/count_tokens?beta=true",
                       body={"model": ANTHROPIC.model, "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 200, describe(r)
    assert r.json()["input_tokens"] > 0


def test_count_tokens_returns_positive_count_that_grows_with_input(srv, key):
    def count(text: str) -> int:
        r = ANTHROPIC.post(srv, key, path="/v1/messages/count_tokens",
                           body={"model": ANTHROPIC.model, "messages": [{"role": "user", "content": text}]})
        assert r.status_code == 200, describe(r)
        body = r.json()
        assert set(body) == {"input_tokens"} and isinstance(body["input_tokens"], int), describe(r)
        return body["input_tokens"]

    short = count("hi")
    long = count("The quick brown fox jumps over the lazy dog. " * 50)
    assert 0 < short < long


def test_openai_models_list_shape(srv, key):
    r = srv.get("/v1/models", key=key)
    assert r.status_code == 200, describe(r)
    body = r.json()
    assert body["object"] == "list" and isinstance(body["data"], list)
    for m in body["data"]:
        assert m["object"] == "model" and isinstance(m["id"], str) and m["id"]
    ids = [m["id"] for m in body["data"]]
    assert set(LISTED) <= set(ids), ids
    assert [m.id for m in srv.openai(key).models.list().data] == ids


@pytest.mark.parametrize("path", ["/v1/models", "/anthropic/v1/models"])
def test_anthropic_models_list_shape(srv, key, path):
    r = srv.get(path, key=key, headers={"anthropic-version": ANTHROPIC_VERSION})
    assert r.status_code == 200, describe(r)
    body = r.json()
    assert set(body) == {"data", "has_more", "first_id", "last_id"}, describe(r)
    assert body["has_more"] is False
    for m in body["data"]:
        assert set(m) == {"type", "id", "display_name", "created_at"}, m
        assert m["type"] == "model" and m["id"] and m["display_name"]
        datetime.fromisoformat(m["created_at"].replace("Z", "+00:00"))
    ids = [m["id"] for m in body["data"]]
    assert set(LISTED) <= set(ids), ids
    assert body["first_id"] == ids[0] and body["last_id"] == ids[-1]


def test_anthropic_sdk_lists_models(srv, key):
    client = srv.anthropic(key)
    ids = [m.id for m in client.models.list()]
    assert set(LISTED) <= set(ids)


def test_anthropic_sdk_raises_not_found_for_unknown_route(srv, key):
    client = srv.anthropic(key)
    with pytest.raises(anthropic.NotFoundError):
        client.get("/v1/no-such-endpoint", cast_to=object)


# --------------------------------------------------------------------------
# Graceful shutdown
# --------------------------------------------------------------------------


@proto_param
def test_sigterm_lets_an_inflight_stream_finish_then_exits_0(sluice, mock, proto):
    srv = sluice()
    key = srv.create_key()
    pieces = [f"part{i} " for i in range(10)]
    mock.enqueue(slow_stream(openai_sse(openai_stream_chunks(pieces, usage=openai_usage())), delay=0.3))
    r = proto.post(srv, key, stream=True, timeout=(5, 20))
    assert r.status_code == 200, describe(r)
    frames = iter_sse(r)
    got = []
    for f in frames:  # wait for the first text to arrive: the stream is really in flight
        got.append(f)
        if proto.stream_text(got)[0]:
            break
    assert proto.stream_text(got)[0], "stream ended before any text"
    srv.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    got.extend(frames)
    text, terminal = proto.stream_text(got)
    assert text == "".join(pieces), "the in-flight stream was cut short by SIGTERM"
    assert terminal, "the in-flight stream lost its terminal event"
    rc = srv.stop(timeout=15)
    assert rc == 0, f"exit code {rc} after SIGTERM; log:\n{srv.log()[-2000:]}"
    assert time.monotonic() - signalled < 15


def test_sigterm_on_idle_server_exits_0_promptly(sluice):
    srv = sluice()
    t0 = time.monotonic()
    assert srv.stop() == 0
    assert time.monotonic() - t0 < 10


# --------------------------------------------------------------------------
# JSON logs
# --------------------------------------------------------------------------


def json_objects(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                flat = dict(obj)
                for v in obj.values():  # tolerate fields nested one level (e.g. under "metadata")
                    if isinstance(v, dict):
                        for k, vv in v.items():
                            flat.setdefault(k, vv)
                out.append(flat)
    return out


@pytest.fixture
def json_srv(sluice):
    srv = sluice(log_format="json", start=False)
    name = unique_name("jsonlog")
    key = srv.create_key(name)  # before start: no first-run hint
    srv.start()
    return srv, name, key


def test_json_log_has_one_line_per_request_with_method_path_status_duration_and_key_name(json_srv, mock):
    srv, name, key = json_srv
    OPENAI.assert_ok(OPENAI.post(srv, key))
    OPENAI.assert_error(OPENAI.post(srv, "sk-sluice-" + "Q" * 40), "auth")

    def request_lines():
        return [o for o in json_objects(srv.log()) if o.get("path") == OPENAI.path and "status" in o]

    poll(lambda: len(request_lines()) >= 2, timeout=5)
    time.sleep(0.2)  # a duplicate line would show up now
    lines = request_lines()
    assert len(lines) == 2, f"expected one log line per request:\n{lines}"
    ok = [o for o in lines if str(o["status"]) == "200"]
    denied = [o for o in lines if str(o["status"]) == "401"]
    assert len(ok) == 1 and len(denied) == 1, lines
    o = ok[0]
    assert o["method"] == "POST"
    assert isinstance(o["duration_ms"], (int, float)) and o["duration_ms"] >= 0
    assert o["key"] == name
    assert denied[0].get("key") != key


def test_json_log_format_writes_only_json_lines(json_srv, mock):
    srv, _, key = json_srv
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, key))
    srv.get("/healthz", auth=None)
    poll(lambda: any(o.get("path") == ANTHROPIC.path for o in json_objects(srv.log())), timeout=5)
    assert srv.stop() == 0
    for line in srv.log().splitlines():
        if line.strip():
            assert isinstance(json.loads(line), dict), f"not a JSON object line: {line!r}"

