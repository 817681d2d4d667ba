"""Tests of the mock upstream itself (no sluice binary needed).

They prove that the mock records requests, speaks both protocols well enough
for the real SDKs, re-slices streams at arbitrary byte offsets, stalls, dies
mid-stream, streams slowly and notices when its client goes away.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time

import anthropic
import openai
import pytest
import requests

from mock_upstream import (
    DEFAULT_TEXT,
    JSONResponse,
    MockUpstream,
    Stall,
    StreamResponse,
    anthropic_events,
    anthropic_message,
    anthropic_stream,
    die_mid_stream,
    error_response,
    hostile_offsets,
    openai_sse,
    openai_stream,
    openai_stream_chunks,
    openai_text,
    openai_tool_calls,
    openai_usage,
    overloaded,
    parse_sse,
    rate_limited,
    server_error,
    slow_stream,
    split_at,
    unavailable,
)
from sluice_harness import http

T = 10  # generous per-call timeout


def oai(mock: MockUpstream, **kw) -> openai.OpenAI:
    return openai.OpenAI(base_url=mock.base_url, api_key="client-key", max_retries=0, timeout=T, **kw)


def ant(mock: MockUpstream) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=mock.url, api_key="client-key", max_retries=0, timeout=T)


CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def raw_exchange(port: int, request: bytes, timeout: float = T) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        out = b""
        while True:
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            out += data
        return out


def post_request(path: str, body: dict, extra: str = "") -> bytes:
    payload = json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n{extra}\r\n").encode() + payload


def parse_chunked(raw: bytes) -> tuple[bytes, list[bytes], bool]:
    """(head, chunk payloads, whether the terminating zero-length chunk arrived)."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    chunks = []
    while rest:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        size = int(line, 16)
        if size == 0:
            return head, chunks, True
        chunks.append(rest[:size])
        rest = rest[size + 2:]
    return head, chunks, False


# --------------------------------------------------------------------------
# Recording and queueing
# --------------------------------------------------------------------------


def test_records_method_path_query_headers_and_json_body(mock):
    r = http("POST", mock.url + "/v1/chat/completions?beta=true&x=1", json=CHAT,
             headers={"X-Custom-Thing": "abc", "Authorization": "Bearer upstream"}, timeout=T)
    assert r.status_code == 200
    (req,) = mock.wait_for_requests(1)
    assert req.method == "POST"
    assert req.path == "/v1/chat/completions?beta=true&x=1"
    assert req.route == "/v1/chat/completions"
    assert req.query == {"beta": ["true"], "x": ["1"]}
    assert req.headers["x-custom-thing"] == "abc"
    assert req.headers["X-CUSTOM-THING"] == "abc"
    assert req.headers.get("authorization") == "Bearer upstream"
    assert "content-length" in req.headers and "Content-Length" in req.headers
    assert req.json == CHAT
    assert json.loads(req.body) == CHAT
    assert mock.wait_idle(5)
    assert req.outcome == "completed"


def test_default_answer_is_an_openai_completion_the_sdk_accepts(mock):
    r = oai(mock).chat.completions.create(model="gpt-x", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == DEFAULT_TEXT
    assert r.model == "gpt-x"
    assert r.usage.prompt_tokens == 10
    (req,) = mock.requests
    assert req.headers["authorization"] == "Bearer client-key"


def test_enqueued_responses_are_served_fifo_then_default(mock):
    mock.enqueue(JSONResponse(openai_text("one")), JSONResponse(openai_text("two")))
    c = oai(mock)
    got = [c.chat.completions.create(**CHAT).choices[0].message.content for _ in range(3)]
    assert got == ["one", "two", DEFAULT_TEXT]
    assert mock.pending() == 0


def test_get_requests_do_not_consume_queued_post_answers(mock):
    mock.enqueue(JSONResponse(openai_text("queued")))
    models = oai(mock).models.list()
    assert [m.id for m in models.data] == ["mock-model", "mock-model-2"]
    assert mock.pending() == 1
    assert oai(mock).chat.completions.create(**CHAT).choices[0].message.content == "queued"


def test_enqueue_with_path_only_matches_that_path(mock):
    mock.enqueue(JSONResponse({"input_tokens": 99}), path="/messages/count_tokens")
    assert oai(mock).chat.completions.create(**CHAT).choices[0].message.content == DEFAULT_TEXT
    r = http("POST", mock.url + "/v1/messages/count_tokens", json={"model": "c", "messages": []}, timeout=T)
    assert r.json() == {"input_tokens": 99}


def test_callable_response_sees_the_request(mock):
    mock.enqueue(lambda req: JSONResponse(openai_text("echo:" + req.json["messages"][0]["content"])))
    r = oai(mock).chat.completions.create(model="m", messages=[{"role": "user", "content": "ping"}])
    assert r.choices[0].message.content == "echo:ping"


def test_chunked_request_body_is_read_and_parsed(mock):
    payload = json.dumps(CHAT).encode()
    gen = (payload[i:i + 7] for i in range(0, len(payload), 7))  # requests sends a generator chunked
    r = http("POST", mock.url + "/v1/chat/completions", data=gen, headers={"Content-Type": "application/json"},
             timeout=T)
    assert r.status_code == 200
    (req,) = mock.requests
    assert req.headers["transfer-encoding"] == "chunked"
    assert req.json == CHAT


def test_expect_100_continue_is_honoured(mock, tmp_path):
    body = tmp_path / "body.json"
    body.write_text(json.dumps({**CHAT, "pad": "x" * 5000}))
    cp = subprocess.run(["curl", "-sS", "--max-time", "10", "-H", "Expect: 100-continue", "-H",
                         "Content-Type: application/json", "--data-binary", f"@{body}",
                         mock.base_url + "/chat/completions"], capture_output=True, text=True, timeout=20)
    assert cp.returncode == 0, cp.stderr
    assert json.loads(cp.stdout)["choices"][0]["message"]["content"] == DEFAULT_TEXT
    assert mock.requests[0].json["pad"] == "x" * 5000


def test_keep_alive_serves_several_requests_on_one_connection(mock):
    with requests.Session() as s:
        s.trust_env = False
        for _ in range(3):
            assert s.post(mock.base_url + "/chat/completions", json=CHAT, timeout=T).status_code == 200
    ports = {r.client_address[1] for r in mock.requests}
    assert len(mock.requests) == 3 and len(ports) == 1


def test_wait_for_requests_fails_with_a_message_when_nothing_arrives(mock):
    t0 = time.monotonic()
    with pytest.raises(AssertionError, match="expected 1 request"):
        mock.wait_for_requests(1, timeout=0.3)
    assert time.monotonic() - t0 < 2


def test_two_instances_are_independent(mock, mock2):
    assert mock.port != mock2.port
    mock2.enqueue(JSONResponse(openai_text("from two")))
    assert oai(mock2).chat.completions.create(**CHAT).choices[0].message.content == "from two"
    assert oai(mock).chat.completions.create(**CHAT).choices[0].message.content == DEFAULT_TEXT
    assert len(mock.requests) == 1 and len(mock2.requests) == 1


def test_refused_url_refuses_connections(refused_url):
    with pytest.raises(requests.ConnectionError):
        http("GET", refused_url + "/models", timeout=5)


# --------------------------------------------------------------------------
# OpenAI shapes through the real SDK
# --------------------------------------------------------------------------


def test_openai_tool_calls_completion_parses_in_sdk(mock):
    mock.enqueue(JSONResponse(openai_tool_calls([{"name": "get_weather", "arguments": {"city": "Zürich"}}])))
    r = oai(mock).chat.completions.create(**CHAT)
    tc = r.choices[0].message.tool_calls[0]
    assert r.choices[0].finish_reason == "tool_calls"
    assert tc.function.name == "get_weather"
    assert json.loads(tc.function.arguments) == {"city": "Zürich"}


def test_openai_reasoning_content_in_completion(mock):
    mock.enqueue(JSONResponse(openai_text("answer", reasoning="because")))
    r = oai(mock).chat.completions.create(**CHAT)
    assert r.choices[0].message.content == "answer"
    assert r.choices[0].message.model_extra["reasoning_content"] == "because"


def collect_openai_stream(stream) -> dict:
    out = {"text": "", "reasoning": "", "args": {}, "names": {}, "finish": None, "usage": None}
    for ch in stream:
        if ch.usage:
            out["usage"] = ch.usage
        for c in ch.choices:
            d = c.delta
            out["text"] += d.content or ""
            out["reasoning"] += (d.model_extra or {}).get("reasoning_content") or ""
            for tc in d.tool_calls or []:
                out["args"][tc.index] = out["args"].get(tc.index, "") + (tc.function.arguments or "")
                if tc.function.name:
                    out["names"][tc.index] = tc.function.name
            if c.finish_reason:
                out["finish"] = c.finish_reason
    return out


def test_openai_stream_with_reasoning_text_tool_fragments_and_usage(mock):
    chunks = openai_stream_chunks(
        "Hello there world",
        reasoning=["Let me ", "think"],
        tool_calls=[{"name": "lookup", "arguments": {"q": "a b", "n": 3}},
                    {"name": "other", "arguments": '{"x": true}', "fragments": ['{"', 'x": ', "true}"]}],
        usage=openai_usage(12, 7, cached_tokens=4),
    )
    mock.enqueue(openai_stream(chunks))
    out = collect_openai_stream(oai(mock).chat.completions.create(**CHAT, stream=True))
    assert out["text"] == "Hello there world"
    assert out["reasoning"] == "Let me think"
    assert out["names"] == {0: "lookup", 1: "other"}
    assert json.loads(out["args"][0]) == {"q": "a b", "n": 3}
    assert out["args"][1] == '{"x": true}'
    assert out["finish"] == "tool_calls"
    assert out["usage"].prompt_tokens == 12 and out["usage"].prompt_tokens_details.cached_tokens == 4
    # the first fragment of a tool call's arguments is cut right after '{"'
    first_frag = [c for c in chunks if c["choices"] and "tool_calls" in c["choices"][0]["delta"]
                  and "id" not in c["choices"][0]["delta"]["tool_calls"][0]][0]
    assert first_frag["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] == '{"'


def test_openai_stream_ends_with_done_and_is_chunked(mock):
    raw = raw_exchange(mock.port, post_request("/v1/chat/completions", {**CHAT, "stream": True}))
    head, chunks, terminated = parse_chunked(raw)
    assert b"transfer-encoding: chunked" in head.lower()
    assert b"content-type: text/event-stream" in head.lower()
    assert terminated
    frames = parse_sse(b"".join(chunks))
    assert frames[-1]["data"] == "[DONE]"
    assert "".join(json.loads(f["data"])["choices"][0]["delta"].get("content", "")
                   for f in frames[:-1] if json.loads(f["data"])["choices"]) == DEFAULT_TEXT


# --------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------

UNICODE_TEXT = "héllo wörld 世界 🎉 done"


def test_split_at_explicit_offsets_reaches_the_wire_as_those_chunks(mock):
    frames = openai_sse(openai_stream_chunks(UNICODE_TEXT))
    whole = b"".join(frames)
    emoji = whole.index("🎉".encode())
    # inside "data:", twice inside the 4-byte emoji, inside "[DONE]"
    offsets = [3, emoji + 1, emoji + 2, len(whole) - 5]
    mock.enqueue(StreamResponse(frames, split=offsets))
    raw = raw_exchange(mock.port, post_request("/v1/chat/completions", {**CHAT, "stream": True}))
    _, chunks, terminated = parse_chunked(raw)
    assert terminated
    assert chunks == split_at(whole, offsets)
    assert chunks[0] == b"dat"
    assert chunks[-1] == b"NE]\n\n"
    assert chunks[2] == "🎉".encode()[1:2]  # one byte of the emoji on its own
    with pytest.raises(UnicodeDecodeError):
        chunks[1].decode("utf-8")
    text = "".join(json.loads(f["data"])["choices"][0]["delta"].get("content", "")
                   for f in parse_sse(b"".join(chunks))[:-1] if json.loads(f["data"])["choices"])
    assert text == UNICODE_TEXT


def test_split_helpers_cut_inside_every_multibyte_character():
    data = "data: {\"t\": \"é世🎉\"}\n\n".encode()
    offs = hostile_offsets(data, seed=None)
    for ch in "é世🎉":
        enc = ch.encode()
        start = data.index(enc)
        for k in range(1, len(enc)):
            assert start + k in offs
    assert len("data:") in offs
    assert data.index(b"\n\n") + 1 in offs
    assert b"".join(split_at(data, offs)) == data


@pytest.mark.parametrize("split", ["hostile", "bytes", 5, 1000])
def test_sdk_reassembles_a_stream_split_anywhere(mock, split):
    mock.enqueue(openai_stream(openai_stream_chunks(UNICODE_TEXT, tool_calls=[{"name": "f", "arguments": {"k": "ü"}}],
                                                    usage=openai_usage()), split=split))
    out = collect_openai_stream(oai(mock).chat.completions.create(**CHAT, stream=True))
    assert out["text"] == UNICODE_TEXT
    assert json.loads(out["args"][0]) == {"k": "ü"}
    assert out["usage"] is not None
    if split == "bytes":
        assert mock.requests[0].chunks_sent == mock.requests[0].bytes_sent


def test_split_with_delay_spaces_the_writes_in_time(mock):
    resp = StreamResponse([b"data: {\"a\": 1}\n\n", b"data: [DONE]\n\n"], delay=0.4)
    mock.enqueue(resp)
    with socket.create_connection(("127.0.0.1", mock.port), timeout=T) as s:
        s.sendall(post_request("/v1/chat/completions", {**CHAT, "stream": True}))
        t0 = time.monotonic()
        early = b""
        s.settimeout(0.05)
        while time.monotonic() - t0 < 0.25:
            try:
                d = s.recv(65536)
            except socket.timeout:
                continue
            if not d:
                break
            early += d
        assert b"\"a\": 1" in early
        assert b"[DONE]" not in early  # the second write is still 0.15 s away
        s.settimeout(T)
        rest = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            rest += d
        assert b"[DONE]" in rest
        assert time.monotonic() - t0 >= 0.35


# --------------------------------------------------------------------------
# Misbehaviour: stall, death, slowness, disconnects
# --------------------------------------------------------------------------


def test_stall_holds_the_request_then_closes_without_answer(mock):
    mock.enqueue(Stall(1.0))
    t0 = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        http("POST", mock.base_url + "/chat/completions", json=CHAT, timeout=T)
    assert 0.9 <= time.monotonic() - t0 < 5
    assert mock.wait_idle(5)
    (req,) = mock.requests
    assert req.json == CHAT
    assert req.outcome == "stalled"


def test_stall_notices_the_client_giving_up(mock):
    mock.enqueue(Stall(30))
    with pytest.raises(requests.ReadTimeout):
        http("POST", mock.base_url + "/chat/completions", json=CHAT, timeout=(2, 0.5))
    assert mock.wait_for_disconnect(timeout=5)
    assert mock.disconnects == 1
    assert mock.disconnect_log[0][1] == "eof_during_wait"
    assert mock.requests[0].outcome == "client_disconnected"


def test_stall_then_late_answer(mock):
    mock.enqueue(Stall(0.6, then=JSONResponse(openai_text("late"))))
    t0 = time.monotonic()
    r = oai(mock).chat.completions.create(**CHAT)
    assert r.choices[0].message.content == "late"
    assert time.monotonic() - t0 >= 0.55


def test_die_mid_stream_closes_without_the_terminating_chunk(mock):
    frames = openai_sse(openai_stream_chunks("one two three four five"))
    mock.enqueue(die_mid_stream(frames, after=2))
    raw = raw_exchange(mock.port, post_request("/v1/chat/completions", {**CHAT, "stream": True}))
    head, chunks, terminated = parse_chunked(raw)
    assert head.startswith(b"HTTP/1.1 200")
    assert not terminated
    assert chunks == frames[:2]
    assert mock.wait_idle(5)
    assert mock.requests[0].outcome == "died"


@pytest.mark.parametrize("abort", ["close", "rst"])
def test_die_mid_stream_surfaces_as_an_error_in_clients(mock, abort):
    frames = openai_sse(openai_stream_chunks("one two three four five"))
    mock.enqueue(die_mid_stream(frames, after=3, abort=abort))
    got = b""
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        r = http("POST", mock.base_url + "/chat/completions", json={**CHAT, "stream": True}, stream=True, timeout=T)
        for c in r.iter_content(chunk_size=None):
            got += c
    assert b"[DONE]" not in got
    mock.enqueue(die_mid_stream(frames, after=3, abort=abort))
    with pytest.raises(Exception):  # the SDK must not see a clean end of stream
        for _ in oai(mock).chat.completions.create(**CHAT, stream=True):
            pass


def test_slow_stream_delivers_everything_with_pauses(mock):
    frames = openai_sse(openai_stream_chunks(["a", "b", "c", "d"]))
    mock.enqueue(slow_stream(frames, delay=0.1))
    t0 = time.monotonic()
    out = collect_openai_stream(oai(mock).chat.completions.create(**CHAT, stream=True))
    assert out["text"] == "abcd"
    assert time.monotonic() - t0 >= 0.1 * (len(frames) - 1) * 0.9
    assert mock.wait_idle(5)
    assert mock.requests[0].outcome == "completed"
    assert mock.disconnects == 0


def test_slow_stream_records_the_client_disconnecting(mock):
    frames = openai_sse(openai_stream_chunks([f"w{i} " for i in range(40)]))
    mock.enqueue(slow_stream(frames, delay=0.1))
    r = http("POST", mock.base_url + "/chat/completions", json={**CHAT, "stream": True}, stream=True, timeout=T)
    first = next(r.iter_content(chunk_size=None))
    assert first.startswith(b"data: ")
    r.close()  # the client goes away mid-stream
    assert mock.wait_for_disconnect(timeout=5), mock.requests[0].outcome
    assert mock.disconnected.is_set()
    req = mock.requests[0]
    assert req.outcome == "client_disconnected"
    assert req.chunks_sent < len(frames)


def test_reset_aborts_a_stall_of_the_previous_test_without_counting_it(mock):
    mock.enqueue(Stall(30))
    errors = []

    def client():
        try:
            http("POST", mock.base_url + "/chat/completions", json=CHAT, timeout=T)
        except requests.RequestException as e:
            errors.append(e)

    t = threading.Thread(target=client)
    t0 = time.monotonic()
    t.start()
    mock.wait_for_requests(1)
    mock.reset()
    t.join(timeout=T)
    assert not t.is_alive() and errors, "the stalled client should have been cut off"
    assert time.monotonic() - t0 < 5
    assert mock.requests == [] and mock.disconnects == 0 and mock.pending() == 0


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resp,status,header",
    [
        (server_error(500), 500, None),
        (rate_limited(retry_after=2), 429, ("retry-after", "2")),
        (rate_limited(retry_after=None, retry_after_ms=1500), 429, ("retry-after-ms", "1500")),
        (overloaded(), 529, None),
        (unavailable(), 503, None),
        (error_response(502, "bad gateway here"), 502, None),
    ],
)
def test_error_statuses_with_bodies_and_headers(mock, resp, status, header):
    mock.enqueue(resp)
    r = http("POST", mock.base_url + "/chat/completions", json=CHAT, timeout=T)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    if status == 529:
        assert body == {"type": "error", "error": {"type": "overloaded_error", "message": "mock upstream overloaded"}}
    else:
        assert set(body["error"]) == {"message", "type", "param", "code"}
    if header:
        assert r.headers[header[0]] == header[1]


def test_error_statuses_map_to_sdk_exceptions(mock):
    mock.enqueue(rate_limited(retry_after=1))
    with pytest.raises(openai.RateLimitError):
        oai(mock).chat.completions.create(**CHAT)
    mock.enqueue(server_error(500))
    with pytest.raises(openai.InternalServerError):
        oai(mock).chat.completions.create(**CHAT)
    mock.enqueue(overloaded())
    with pytest.raises(anthropic.OverloadedError) as ei:
        ant(mock).messages.create(model="c", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
    assert ei.value.status_code == 529 and ei.value.type == "overloaded_error"


# --------------------------------------------------------------------------
# Anthropic shapes through the real SDK
# --------------------------------------------------------------------------

MSG = {"model": "claude-x", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}


def test_anthropic_default_message_and_stream(mock):
    c = ant(mock)
    m = c.messages.create(**MSG)
    assert m.content[0].text == DEFAULT_TEXT and m.model == "claude-x" and m.stop_reason == "end_turn"
    with c.messages.stream(**MSG) as s:
        assert "".join(s.text_stream) == DEFAULT_TEXT


def test_anthropic_stream_with_thinking_text_and_tool_use_split_hostile(mock):
    ev = anthropic_events("héllo 世界", thinking="hmm ok", tool_uses=[{"name": "t", "input": {"q": "ß", "n": [1]}}])
    names = [e for e, _ in ev]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    idx = [d["index"] for e, d in ev if e == "content_block_start"]
    assert idx == [0, 1, 2]
    mock.enqueue(anthropic_stream(ev, split="hostile"))
    with ant(mock).messages.stream(**MSG) as s:
        fm = s.get_final_message()
    assert [b.type for b in fm.content] == ["thinking", "text", "tool_use"]
    assert fm.content[0].thinking == "hmm ok" and fm.content[0].signature == "sig-mock"
    assert fm.content[1].text == "héllo 世界"
    assert fm.content[2].input == {"q": "ß", "n": [1]}
    assert fm.stop_reason == "tool_use"
    assert fm.usage.input_tokens == 10 and fm.usage.output_tokens == 5


def test_anthropic_message_json_with_tool_use(mock):
    mock.enqueue(JSONResponse(anthropic_message("x", tool_uses=[{"name": "t", "input": {"a": 1}}])))
    m = ant(mock).messages.create(**MSG)
    assert m.stop_reason == "tool_use" and m.content[1].input == {"a": 1}


def test_anthropic_frames_carry_event_and_data_lines(mock):
    raw = raw_exchange(mock.port, post_request("/v1/messages", {**MSG, "stream": True},
                                               extra="anthropic-version: 2023-06-01\r\n"))
    _, chunks, terminated = parse_chunked(raw)
    assert terminated
    frames = parse_sse(b"".join(chunks))
    assert all(f["event"] == json.loads(f["data"])["type"] for f in frames)
    assert frames[-1]["event"] == "message_stop"
    assert not any(f["data"] == "[DONE]" for f in frames)


def test_anthropic_models_list_when_anthropic_version_is_sent(mock):
    r = http("GET", mock.base_url + "/models", headers={"anthropic-version": "2023-06-01"}, timeout=T)
    body = r.json()
    assert body["has_more"] is False and body["data"][0]["type"] == "model"
    assert body["first_id"] == body["data"][0]["id"] and body["last_id"] == body["data"][-1]["id"]
    r = http("GET", mock.base_url + "/models", timeout=T)
    assert r.json()["object"] == "list"
