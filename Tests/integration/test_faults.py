"""Upstream faults and client disconnects: what each front's client sees, and what the upstream sees.

Refused connections, 5xx with retries, stalls past `read_timeout`, streams that stall or die after
some chunks, fallback to a second backend, a client that goes away mid-stream, keep-alive pings.
(SIGTERM with a stream in flight is covered by test_http_basics.py.)
"""

from __future__ import annotations

import json
import socket
import time
from unittest.mock import ANY

import anthropic
import openai
import pytest

from mock_upstream import (
    Auto,
    anthropic_events,
    anthropic_sse,
    Stall,
    StreamResponse,
    die_mid_stream,
    openai_sse,
    openai_stream,
    openai_stream_chunks,
    openai_usage,
    rate_limited,
    refused_url as make_refused_url,
    server_error,
    slow_stream,
)
from protocol_checks import (
    accumulate_openai_chunks,
    anthropic_sse_events,
    block_text,
    check_anthropic_stream,
    openai_sse_data,
)
from sluice_harness import (
    parse_prometheus,
    ANTHROPIC,
    OPENAI,
    PROTOCOLS,
    assert_anthropic_error,
    assert_openai_error,
    backend,
    describe,
    route,
    unique_name,
)

proto_param = pytest.mark.parametrize("proto", PROTOCOLS, ids=str)
stream_param = pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])

DEAD, RETRY, SLOW = "dead-model", "retry-model", "slow-model"
RETRY_ATTEMPTS = 3


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock):
    url = _module_mock.base_url
    return module_sluice(
        backends=[
            backend("dead", make_refused_url("/v1"), connect_timeout="2s", read_timeout="5s", max_attempts=1),
            backend("retry", url, connect_timeout="2s", read_timeout="5s", max_attempts=RETRY_ATTEMPTS),
            backend("slow", url, connect_timeout="2s", read_timeout="1s", max_attempts=1),
            backend("plain", url, connect_timeout="2s", read_timeout="5s", max_attempts=1),
            backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s", max_attempts=1),
        ],
        routes=[route("dead-*", "dead"), route("retry-*", "retry"), route("slow-*", "slow"), route("anth-*", "anth"),
                route("*", "plain")],
        extra_config={"keepalive_interval": "1s"},
    )


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("faults"))


def assert_upstream_error(proto, r, status: int) -> str:
    """A plain (non-stream) error response in the front's protocol."""
    if proto.is_anthropic:
        return assert_anthropic_error(r, status, "api_error" if status == 502 else ANY)
    msg = assert_openai_error(r, status, ANY, ANY)
    assert r.json()["error"]["type"] in ("api_error", "server_error"), describe(r)
    return msg


def assert_anthropic_504(r):
    assert_anthropic_error(r, 504, ANY)
    assert r.json()["error"]["type"] in ("api_error", "timeout_error"), describe(r)


# --------------------------------------------------------------------------
# Before the first byte: plain error responses
# --------------------------------------------------------------------------


@proto_param
@stream_param
def test_refused_upstream_is_a_protocol_correct_502(srv, key, mock, proto, stream):
    t0 = time.monotonic()
    r = proto.post(srv, key, body=proto.body(DEAD, stream=stream))
    assert_upstream_error(proto, r, 502)
    assert r.headers.get("request-id")
    assert time.monotonic() - t0 < 3
    assert mock.requests == []


@proto_param
def test_upstream_500_is_retried_max_attempts_times_then_502(srv, key, mock, proto):
    mock.enqueue(*[server_error(500) for _ in range(RETRY_ATTEMPTS + 1)])
    r = proto.post(srv, key, body=proto.body(RETRY))
    assert_upstream_error(proto, r, 502)
    assert len(mock.model_requests()) == RETRY_ATTEMPTS
    assert mock.pending() == 1


def test_failed_backend_attempts_are_counted_on_the_metrics_endpoint(srv, key, mock):
    def failures() -> float:
        return sum(value for name, labels, value in parse_prometheus(srv.get("/metrics").text)
                   if name == "sluice_backend_failures_total" and labels == {"backend": "retry", "category": "upstream_failed"})

    before = failures()
    mock.enqueue(*[server_error(500) for _ in range(RETRY_ATTEMPTS)])
    assert_upstream_error(OPENAI, OPENAI.post(srv, key, body=OPENAI.body(RETRY)), 502)
    assert failures() - before == RETRY_ATTEMPTS


@proto_param
def test_upstream_500_then_success_is_retried_transparently(srv, key, mock, proto):
    mock.enqueue(server_error(503), server_error(500))  # the third attempt gets the default answer
    proto.assert_ok(proto.post(srv, key, body=proto.body(RETRY)))
    assert len(mock.model_requests()) == 3


@proto_param
def test_upstream_stalling_past_read_timeout_is_504(srv, key, mock, proto):
    mock.enqueue(Stall(6))
    t0 = time.monotonic()
    r = proto.post(srv, key, body=proto.body(SLOW))
    elapsed = time.monotonic() - t0
    if proto.is_anthropic:
        assert_anthropic_504(r)
    else:
        assert_upstream_error(proto, r, 504)
    assert 0.9 <= elapsed < 4, f"read_timeout is 1s, answered after {elapsed:.1f}s"
    assert mock.wait_for_disconnect(3), "Sluice must drop the stalled upstream connection"


# --------------------------------------------------------------------------
# After the first byte: in-stream errors
# --------------------------------------------------------------------------

FIRST = ["Partial ", "answer ", "before "]
REST = ["the ", "failure."]


def stalling_stream(stall: float = 4.0) -> StreamResponse:
    """Sends FIRST at once, then stays silent for `stall` seconds before the rest."""
    frames = openai_sse(openai_stream_chunks(FIRST + REST, usage=openai_usage()))
    head = b"".join(frames[: 1 + len(FIRST)])  # role chunk + FIRST
    return StreamResponse([head, b"".join(frames[1 + len(FIRST):])], delay=stall)


def dying_stream(abort: str) -> StreamResponse:
    frames = openai_sse(openai_stream_chunks(FIRST + REST, usage=openai_usage()))
    return die_mid_stream(frames, after=1 + len(FIRST), abort=abort)


def check_anthropic_failed_stream(r, error_types: tuple[str, ...]):
    events = anthropic_sse_events(r)
    blocks = check_anthropic_stream(events, complete=False)  # error last, after the open block was closed
    names = [n for n, _ in events]
    assert names[-1] == "error", f"stream must end with an error event: {names}"
    assert "message_stop" not in names and "message_delta" not in names, names
    assert len(blocks) == 1 and blocks[0]["stopped"], "the open text block is closed before the error"
    assert block_text(blocks[0]) == "".join(FIRST)
    err = events[-1][1]
    assert err["error"]["type"] in error_types, err
    assert err["error"]["message"].strip()


def check_openai_failed_stream(r):
    datas = openai_sse_data(r)
    assert "[DONE]" not in datas, "a failed stream must not look complete"
    last = json.loads(datas[-1])
    assert set(last) == {"error"} and set(last["error"]) == {"message", "type", "param", "code"}, last
    assert last["error"]["message"].strip()
    acc = accumulate_openai_chunks([json.loads(d) for d in datas[:-1]])
    assert acc["content"] == "".join(FIRST) and acc["finish_reason"] is None


@proto_param
def test_stream_that_stalls_after_some_chunks_ends_with_an_in_stream_error(srv, key, mock, proto):
    mock.enqueue(stalling_stream())
    t0 = time.monotonic()
    r = proto.post(srv, key, body=proto.body(SLOW, stream=True), stream=True)
    if proto.is_anthropic:
        check_anthropic_failed_stream(r, ("api_error", "timeout_error"))
    else:
        check_openai_failed_stream(r)
    assert time.monotonic() - t0 < 4
    assert mock.wait_for_disconnect(3), "Sluice must drop the stalled upstream connection"


@proto_param
@pytest.mark.parametrize("abort", ["close", "rst"])
def test_upstream_dying_mid_stream_ends_with_an_in_stream_error(srv, key, mock, proto, abort):
    mock.enqueue(dying_stream(abort))
    r = proto.post(srv, key, body=proto.body(stream=True), stream=True)
    if proto.is_anthropic:
        check_anthropic_failed_stream(r, ("api_error",))
    else:
        check_openai_failed_stream(r)


@proto_param
def test_anthropic_upstream_error_event_mid_stream_reaches_the_client_with_its_type(srv, key, mock, proto):
    events = anthropic_events(FIRST)
    cut = [n for n, _ in events].index("content_block_stop")  # the text block is still open upstream
    frames = anthropic_sse(events[:cut] + [("error", {"type": "error", "error": {
        "type": "overloaded_error", "message": "Overloaded"}})])
    mock.enqueue(StreamResponse(frames))
    r = proto.post(srv, key, body=proto.body("anth-model", stream=True), stream=True)
    if proto.is_anthropic:
        check_anthropic_failed_stream(r, ("overloaded_error",))
    else:
        check_openai_failed_stream(r)


def test_anthropic_sdk_raises_on_a_stream_that_dies_after_text(srv, key, mock):
    mock.enqueue(dying_stream("close"))
    c = anthropic.Anthropic(base_url=srv.url, api_key=key, max_retries=0, timeout=10)
    text = []
    with pytest.raises(anthropic.APIStatusError) as e:
        with c.messages.stream(model="m", max_tokens=50, messages=[{"role": "user", "content": "x"}]) as s:
            for t in s.text_stream:
                text.append(t)
    assert "".join(text) == "".join(FIRST)
    assert e.value.body["type"] == "error" and e.value.body["error"]["type"] == "api_error"


def test_openai_sdk_raises_on_a_stream_that_dies_after_text(srv, key, mock):
    mock.enqueue(dying_stream("close"))
    c = openai.OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0, timeout=10)
    text = []
    with pytest.raises(openai.APIError) as e:
        for ch in c.chat.completions.create(model="m", stream=True, messages=[{"role": "user", "content": "x"}]):
            if ch.choices and ch.choices[0].delta.content:
                text.append(ch.choices[0].delta.content)
    assert "".join(text) == "".join(FIRST)
    assert e.value.message.strip()


def test_non_streaming_request_whose_upstream_stream_dies_is_502(srv, key, mock):
    mock.enqueue(dying_stream("close"))
    r = ANTHROPIC.post(srv, key)
    assert_anthropic_error(r, 502, "api_error")


# --------------------------------------------------------------------------
# Fallback
# --------------------------------------------------------------------------

GOOD_TEXT = "Answer from the good backend"


@pytest.fixture(params=["refused", "500", "429"])
def fallback_srv(request, sluice, mock, mock2, refused_url):
    kind = request.param
    mock2.default = Auto(text=GOOD_TEXT)
    if kind == "refused":
        bad = backend("bad", refused_url, connect_timeout="2s", read_timeout="5s", max_attempts=2)
    elif kind == "500":
        bad = backend("bad", mock.base_url, connect_timeout="2s", read_timeout="5s", max_attempts=2)
        mock.enqueue(server_error(500), server_error(502))
    else:
        bad = backend("bad", mock.base_url, connect_timeout="2s", read_timeout="5s", max_attempts=1)
        mock.enqueue(rate_limited(retry_after=30))
    good = backend("good", mock2.base_url, connect_timeout="2s", read_timeout="5s", max_attempts=1)
    srv = sluice(backends=[bad, good], routes=[route("*", backends=["bad", "good"])])
    return kind, srv, srv.create_key()


@proto_param
@stream_param
def test_fallback_answers_from_the_good_backend_without_an_error(fallback_srv, mock, mock2, proto, stream):
    kind, srv, key = fallback_srv
    t0 = time.monotonic()
    r = proto.post(srv, key, body=proto.body(stream=stream), stream=stream)
    if stream:
        assert r.status_code == 200, describe(r)
        if proto.is_anthropic:
            events = anthropic_sse_events(r)
            blocks = check_anthropic_stream(events)
            assert [block_text(b) for b in blocks] == [GOOD_TEXT]
        else:
            datas = openai_sse_data(r)
            assert datas[-1] == "[DONE]"
            assert accumulate_openai_chunks([json.loads(d) for d in datas[:-1]])["content"] == GOOD_TEXT
    else:
        proto.assert_ok(r, text=GOOD_TEXT)
    assert r.headers.get("x-sluice-backend") in (None, "good")
    assert time.monotonic() - t0 < 3, "a 429's retry-after must not hold up the fallback"
    assert len(mock2.model_requests()) == 1
    assert len(mock.model_requests()) == {"refused": 0, "500": 2, "429": 1}[kind]


# --------------------------------------------------------------------------
# Client disconnects
# --------------------------------------------------------------------------


def raw_streaming_request(srv, key, proto) -> socket.socket:
    body = json.dumps(proto.body(stream=True)).encode()
    headers = [f"POST {proto.path} HTTP/1.1", f"Host: 127.0.0.1:{srv.port}", "Content-Type: application/json",
               f"Content-Length: {len(body)}", f"x-api-key: {key}", "Connection: close"]
    if proto.is_anthropic:
        headers.append("anthropic-version: 2023-06-01")
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
    return s


@proto_param
def test_client_disconnect_mid_stream_closes_the_upstream_connection(srv, key, mock, proto):
    pieces = [f"word{i} " for i in range(40)]
    mock.enqueue(slow_stream(openai_sse(openai_stream_chunks(pieces, usage=openai_usage())), delay=0.3))
    r = proto.post(srv, key, body=proto.body(stream=True), stream=True, timeout=(5, 10))
    assert r.status_code == 200, describe(r)
    got = b""
    for chunk in r.iter_content(chunk_size=None):
        got += chunk
        if b"word0" in got:
            break
    assert b"word0" in got
    r.close()  # an unfinished streamed response: urllib3 closes the connection
    assert mock.wait_for_disconnect(timeout=2.0), "the upstream did not see its connection close within 2 s"
    (up,) = mock.model_requests()
    assert up.outcome == "client_disconnected" and up.chunks_sent < len(pieces)


@proto_param
def test_client_disconnect_on_a_raw_socket_closes_the_upstream_connection(srv, key, mock, proto):
    pieces = [f"tok{i} " for i in range(40)]
    mock.enqueue(slow_stream(openai_sse(openai_stream_chunks(pieces, usage=openai_usage())), delay=0.3))
    s = raw_streaming_request(srv, key, proto)
    got = b""
    while b"tok0" not in got:
        data = s.recv(4096)
        assert data, "server closed before the first text"
        got += data
    assert got.startswith(b"HTTP/1.1 200")
    s.close()
    assert mock.wait_for_disconnect(timeout=2.0), "the upstream did not see its connection close within 2 s"


# --------------------------------------------------------------------------
# Keep-alive
# --------------------------------------------------------------------------


def test_anthropic_stream_gets_pings_while_the_upstream_is_silent(srv, key, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Finally.", usage=openai_usage()), first_delay=2.6))
    r = ANTHROPIC.post(srv, key, stream=True, timeout=(5, 10))
    events = anthropic_sse_events(r)
    blocks = check_anthropic_stream(events)
    names = [n for n, _ in events]
    first_block = names.index("content_block_start")
    assert names[0] == "message_start", "message_start goes out at once, before the model's first token"
    pings = [n for n in names[:first_block] if n == "ping"]
    assert len(pings) >= 1, f"no ping during 2.6 s of silence with keepalive_interval 1s: {names}"
    assert all(d == {"type": "ping"} for n, d in events if n == "ping")
    assert [block_text(b) for b in blocks] == ["Finally."]


def test_openai_stream_survives_upstream_silence_without_garbage(srv, key, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Finally.", usage=openai_usage()), first_delay=1.5))
    r = OPENAI.post(srv, key, stream=True, timeout=(5, 10))
    datas = openai_sse_data(r)  # data-only frames, no named ping events
    assert datas[-1] == "[DONE]"
    assert accumulate_openai_chunks([json.loads(d) for d in datas[:-1]])["content"] == "Finally."
