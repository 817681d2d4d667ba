"""The `anthropic` Python SDK against Sluice, with the mock behind it as an OpenAI-type upstream.

What is pinned: plain and streamed text, the exact event order of a stream, tool calls whose
arguments arrive in many fragments cut at hostile byte offsets, tool results going back upstream,
thinking from `reasoning_content`, stop sequences, count_tokens, every error status as the SDK's
exception class, and that the SDK's stream accumulator and the non-streaming call agree.
"""

from __future__ import annotations

import json
import time
from email.utils import formatdate
from concurrent.futures import ThreadPoolExecutor

import anthropic
import pytest

from mock_upstream import (
    JSONResponse,
    Stall,
    error_response,
    openai_stream,
    openai_stream_chunks,
    openai_text,
    openai_tool_calls,
    openai_usage,
    rate_limited,
    server_error,
)
from protocol_checks import (
    anthropic_sse_events,
    block_text,
    check_anthropic_stream,
    fragments,
    post_json,
    stop_chunks,
    vllm_stop_completion,
)
from sluice_harness import assert_anthropic_error, backend, route, unique_name

MODEL = "claude-sonnet-test"
ONCE = "claude-once-test"  # a backend with max_attempts: 1
SLOW = "claude-slow-test"  # a backend with read_timeout: 1s, max_attempts: 1
BODY_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock):
    url = _module_mock.base_url
    return module_sluice(
        backends=[
            backend("upstream", url, connect_timeout="2s", read_timeout="5s", max_attempts=2),
            backend("once", url, connect_timeout="2s", read_timeout="5s", max_attempts=1),
            backend("slow", url, connect_timeout="2s", read_timeout="1s", max_attempts=1),
        ],
        # Only Claude names are routed: anything else has no route (404).
        routes=[route("claude-once-*", "once"), route("claude-slow-*", "slow"), route("claude-*", "upstream")],
        body_limit=BODY_LIMIT,
    )


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("anthropic-sdk"))


@pytest.fixture
def client(srv, key):
    c = anthropic.Anthropic(base_url=srv.url, api_key=key, max_retries=0, timeout=15)
    yield c
    c.close()


def ask(client, text="hi", *, model=MODEL, max_tokens=64, **kw):
    return client.messages.create(model=model, max_tokens=max_tokens, messages=[{"role": "user", "content": text}], **kw)


def streamed_final(client, text="hi", *, model=MODEL, max_tokens=64, **kw):
    with client.messages.stream(model=model, max_tokens=max_tokens, messages=[{"role": "user", "content": text}],
                                **kw) as s:
        return s.get_final_message()


def dumps(blocks) -> list[dict]:
    return [b.model_dump(exclude_none=True) for b in blocks]


WEATHER_CALLS = [
    {"id": "call_weather_zurich", "name": "get_weather",
     "arguments": {"city": "Zürich", "units": "celsius", "days": [1, 2, 3], "note": "☀️ or 🌧"}},
    {"id": "call_time_tokyo", "name": "get_time",
     "arguments": {"zone": "Asia/Tokyo", "format": {"h24": True, "seconds": None}}},
]


def calls_with_many_fragments(calls):
    out = []
    for c in calls:
        args = json.dumps(c["arguments"], ensure_ascii=False)
        out.append({**c, "fragments": fragments(args, 3)})
    return out


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def test_plain_text_message_comes_back_with_usage_and_end_turn(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Hello there, friend.", usage=openai_usage(13, 6))))
    msg = ask(client, "Say hello", max_tokens=50)
    assert msg.type == "message" and msg.role == "assistant"
    assert dumps(msg.content) == [{"type": "text", "text": "Hello there, friend."}]
    assert msg.stop_reason == "end_turn" and msg.stop_sequence is None
    assert (msg.usage.input_tokens, msg.usage.output_tokens) == (13, 6)
    (up,) = mock.model_requests()
    assert up.route == "/v1/chat/completions"
    assert up.json == {"model": MODEL, "messages": [{"role": "user", "content": "Say hello"}], "max_tokens": 50,
                       "stream": True, "stream_options": {"include_usage": True}}


def test_stream_helper_yields_the_text_and_a_final_message(client, mock):
    pieces = ["Streaming ", "works ", "fine, ", "thank ", "you."]
    mock.enqueue(openai_stream(openai_stream_chunks(pieces, usage=openai_usage(21, 8)), split="hostile"))
    with client.messages.stream(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "go"}]) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text == "".join(pieces)
    assert dumps(final.content) == [{"type": "text", "text": "".join(pieces)}]
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (21, 8)


def test_raw_stream_events_come_in_the_exact_order_the_sdk_requires(client, mock):
    pieces = ["One ", "two ", "three."]
    mock.enqueue(openai_stream(openai_stream_chunks(pieces, usage=openai_usage(9, 3))))
    events = list(ask(client, "count", stream=True))
    types = [e.type for e in events]
    n = len(types) - 5
    assert n >= 1 and types == (["message_start", "content_block_start"] + ["content_block_delta"] * n
                                + ["content_block_stop", "message_delta", "message_stop"]), types
    start = events[0].message
    assert isinstance(start.usage.input_tokens, int) and isinstance(start.usage.output_tokens, int)
    assert start.content == [] and start.stop_reason is None
    assert events[1].index == 0 and events[1].content_block.type == "text" and events[1].content_block.text == ""
    assert all(e.index == 0 and e.delta.type == "text_delta" for e in events[2:2 + n])
    assert "".join(e.delta.text for e in events[2:2 + n]) == "".join(pieces)
    assert events[-3].index == 0
    assert events[-2].delta.stop_reason == "end_turn" and events[-2].usage.output_tokens == 3


def test_raw_stream_bytes_are_named_frames_without_done(srv, key, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Frames only.", usage=openai_usage(5, 2)), split="bytes"))
    r = post_json(srv, "/v1/messages", key, {"model": MODEL, "max_tokens": 20, "stream": True,
                                              "messages": [{"role": "user", "content": "x"}]}, stream=True)
    raw_events = anthropic_sse_events(r)  # checks: every frame named, type == event name, no [DONE]
    blocks = check_anthropic_stream(raw_events)
    assert [b["start"] for b in blocks] == [{"type": "text", "text": ""}]
    assert block_text(blocks[0]) == "Frames only."
    start_usage = raw_events[0][1]["message"]["usage"]
    assert start_usage["output_tokens"] >= 0 and start_usage["input_tokens"] > 0
    assert raw_events[-2][1]["usage"]["output_tokens"] == 2


# --------------------------------------------------------------------------
# Tool calls
# --------------------------------------------------------------------------


@pytest.mark.parametrize("split", [None, "hostile", 5], ids=["frames", "hostile", "5-bytes"])
def test_two_streamed_tool_calls_with_fragmented_arguments_become_two_tool_use_blocks(client, srv, key, mock, split):
    calls = calls_with_many_fragments(WEATHER_CALLS)
    chunks = openai_stream_chunks("Checking both.", tool_calls=calls, usage=openai_usage(40, 30))
    mock.enqueue(openai_stream(chunks, split=split), openai_stream(chunks, split=split))

    final = streamed_final(client, "weather in Zürich, time in Tokyo?")
    assert dumps(final.content) == [
        {"type": "text", "text": "Checking both."},
        {"type": "tool_use", "id": "call_weather_zurich", "name": "get_weather", "input": WEATHER_CALLS[0]["arguments"]},
        {"type": "tool_use", "id": "call_time_tokyo", "name": "get_time", "input": WEATHER_CALLS[1]["arguments"]},
    ]
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens == 30

    r = post_json(srv, "/v1/messages", key, {"model": MODEL, "max_tokens": 200, "stream": True,
                                              "messages": [{"role": "user", "content": "again"}]}, stream=True)
    blocks = check_anthropic_stream(anthropic_sse_events(r))  # indices 0, 1, 2 in order, one open at a time
    assert [b["index"] for b in blocks] == [0, 1, 2]
    assert [b["start"] for b in blocks[1:]] == [
        {"type": "tool_use", "id": "call_weather_zurich", "name": "get_weather", "input": {}},
        {"type": "tool_use", "id": "call_time_tokyo", "name": "get_time", "input": {}},
    ]
    for b, c in zip(blocks[1:], calls):
        assert block_text(b) == "".join(c["fragments"]), "partial_json fragments must concatenate to the arguments"


def test_non_streaming_tool_calls_keep_the_upstream_ids_and_parsed_inputs(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks(None, tool_calls=calls_with_many_fragments(WEATHER_CALLS),
                                                    usage=openai_usage(40, 30)), split="hostile"))
    msg = ask(client, "both please", max_tokens=200)
    assert dumps(msg.content) == [
        {"type": "tool_use", "id": "call_weather_zurich", "name": "get_weather", "input": WEATHER_CALLS[0]["arguments"]},
        {"type": "tool_use", "id": "call_time_tokyo", "name": "get_time", "input": WEATHER_CALLS[1]["arguments"]},
    ]
    assert msg.stop_reason == "tool_use"


def test_tool_results_go_upstream_as_tool_messages_in_order_before_the_user_text(client, mock):
    tools = [{"name": "get_weather", "description": "Weather for a city",
              "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    messages = [
        {"role": "user", "content": "Weather in Paris and Atlantis?"},
        {"role": "assistant", "content": [
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_paris", "name": "get_weather", "input": {"city": "Paris"}},
            {"type": "tool_use", "id": "toolu_atlantis", "name": "get_weather", "input": {"city": "Atlantis"}},
        ]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_paris", "content": "18°C, sunny"},
            {"type": "tool_result", "tool_use_id": "toolu_atlantis", "is_error": True,
             "content": [{"type": "text", "text": "no such city"}]},
            {"type": "text", "text": "Summarise please."},
        ]},
    ]
    mock.enqueue(openai_stream(openai_stream_chunks("Paris is sunny; Atlantis does not exist.")))
    msg = client.messages.create(model=MODEL, max_tokens=100, tools=tools, messages=messages)
    assert msg.content[0].text == "Paris is sunny; Atlantis does not exist."

    (up,) = mock.model_requests()
    got = up.json["messages"]
    assert [m["role"] for m in got] == ["user", "assistant", "tool", "tool", "user"], got
    assert got[0] == {"role": "user", "content": "Weather in Paris and Atlantis?"}
    assistant = got[1]
    assert assistant["content"] == "Checking."
    assert [(c["id"], c["type"], c["function"]["name"], json.loads(c["function"]["arguments"]))
            for c in assistant["tool_calls"]] == [("toolu_paris", "function", "get_weather", {"city": "Paris"}),
                                                  ("toolu_atlantis", "function", "get_weather", {"city": "Atlantis"})]
    assert got[2] == {"role": "tool", "tool_call_id": "toolu_paris", "content": "18°C, sunny"}
    assert set(got[3]) == {"role", "tool_call_id", "content"} and got[3]["tool_call_id"] == "toolu_atlantis"
    assert "no such city" in got[3]["content"] and "error" in got[3]["content"].lower(), \
        f"is_error must be visible to the model: {got[3]['content']!r}"
    assert got[4] == {"role": "user", "content": "Summarise please."}
    assert up.json["tools"] == [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather for a city", "parameters": tools[0]["input_schema"]}}]


# --------------------------------------------------------------------------
# Thinking
# --------------------------------------------------------------------------

REASONING = "Six times seven. That is 42, clearly."


def test_reasoning_content_becomes_a_leading_thinking_block_without_streaming(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("The answer is 42.", reasoning=REASONING,
                                                    usage=openai_usage(30, 20))))
    msg = ask(client, "6*7?", thinking={"type": "enabled", "budget_tokens": 1024}, max_tokens=2048)
    assert [b.type for b in msg.content] == ["thinking", "text"]
    assert msg.content[0].thinking == REASONING
    assert isinstance(msg.content[0].signature, str), "thinking blocks must carry a signature field"
    assert msg.content[1].text == "The answer is 42."
    assert msg.stop_reason == "end_turn"


def test_reasoning_content_becomes_a_leading_thinking_block_when_streaming(client, srv, key, mock):
    chunks = openai_stream_chunks("The answer is 42.", reasoning=REASONING, usage=openai_usage(30, 20))
    mock.enqueue(openai_stream(chunks, split="hostile"), openai_stream(chunks))
    final = streamed_final(client, "6*7?", thinking={"type": "enabled", "budget_tokens": 1024}, max_tokens=2048)
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert final.content[0].thinking == REASONING
    assert isinstance(final.content[0].signature, str)
    assert final.content[1].text == "The answer is 42."

    r = post_json(srv, "/v1/messages", key, {"model": MODEL, "max_tokens": 2048, "stream": True,
                                              "thinking": {"type": "enabled", "budget_tokens": 1024},
                                              "messages": [{"role": "user", "content": "6*7?"}]}, stream=True)
    blocks = check_anthropic_stream(anthropic_sse_events(r))
    assert [b["start"] for b in blocks] == [{"type": "thinking", "thinking": "", "signature": ""},
                                            {"type": "text", "text": ""}]
    kinds = [d["type"] for d in blocks[0]["deltas"]]
    assert kinds.count("signature_delta") == 1 and kinds[-1] == "signature_delta", \
        f"a thinking block needs exactly one signature_delta, last, before it stops: {kinds}"
    assert block_text(blocks[0]) == REASONING and block_text(blocks[1]) == "The answer is 42."


# --------------------------------------------------------------------------
# Stop sequences
# --------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_vllm_stop_reason_string_becomes_stop_sequence(client, mock, stream):
    mock.enqueue(openai_stream(stop_chunks("Counting: 1 2 3 ", "END", usage=openai_usage(8, 7))))
    call = streamed_final if stream else ask
    msg = call(client, "count", stop_sequences=["END"])
    assert msg.stop_reason == "stop_sequence"
    assert msg.stop_sequence == "END"
    assert msg.content[0].text == "Counting: 1 2 3 "
    (up,) = mock.model_requests()
    assert up.json["stop"] == ["END"]


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_vllm_stop_reason_token_id_is_an_end_turn_not_a_stop_sequence(client, mock, stream):
    mock.enqueue(openai_stream(stop_chunks("Done.", 151645)))
    call = streamed_final if stream else ask
    msg = call(client, "x")
    assert (msg.stop_reason, msg.stop_sequence) == ("end_turn", None)


def test_vllm_stop_reason_in_a_json_completion_becomes_stop_sequence(client, mock):
    mock.enqueue(JSONResponse(vllm_stop_completion("abc ", "STOP")))
    msg = ask(client, "x", stop_sequences=["STOP", "HALT"])
    assert (msg.stop_reason, msg.stop_sequence) == ("stop_sequence", "STOP")
    assert mock.model_requests()[0].json["stop"] == ["STOP", "HALT"]


# --------------------------------------------------------------------------
# Usage
# --------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_cached_prompt_tokens_are_reported_as_cache_reads_not_input(client, mock, stream):
    mock.enqueue(openai_stream(openai_stream_chunks("ok", usage=openai_usage(100, 4, cached_tokens=80))))
    msg = (streamed_final if stream else ask)(client, "x")
    u = msg.usage
    assert (u.input_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens, u.output_tokens) == (20, 80, 0, 4)


# --------------------------------------------------------------------------
# count_tokens
# --------------------------------------------------------------------------


def test_count_tokens_is_a_positive_int_that_grows_with_the_prompt(client, mock):
    def count(text, **kw):
        r = client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": text}], **kw)
        assert isinstance(r.input_tokens, int)
        return r.input_tokens

    short = count("hi")
    long_text = "The quick brown fox jumps over the lazy dog. " * 40
    long = count(long_text)
    with_system = count(long_text, system="You are a careful assistant. " * 20)
    assert 0 < short < long < with_system
    # a deliberately high estimate: never below one token per four characters
    assert long >= len(long_text) // 4
    assert mock.model_requests() == [], "count_tokens must not run a generation upstream"


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def error_type(exc: anthropic.APIStatusError) -> str:
    body = exc.body
    assert isinstance(body, dict) and body.get("type") == "error", body
    return body["error"]["type"]


def test_malformed_json_body_is_400_invalid_request_error(srv, key, mock):
    r = srv.post("/v1/messages", key=key, data=b'{"model": "claude-x", "max_tokens": 5, "messages": [',
                 headers={"anthropic-version": "2023-06-01", "content-type": "application/json"})
    assert_anthropic_error(r, 400, "invalid_request_error")
    assert mock.model_requests() == []


def test_invalid_request_through_the_sdk_is_bad_request_error(client, mock):
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model=MODEL, max_tokens=5, messages=[{"role": "robot", "content": "beep"}])
    assert e.value.status_code == 400 and error_type(e.value) == "invalid_request_error"
    assert mock.model_requests() == []


def test_upstream_400_is_bad_request_error_with_the_upstream_message(client, mock):
    mock.enqueue(error_response(400, "temperature must be at most 2", type="invalid_request_error"))
    with pytest.raises(anthropic.BadRequestError) as e:
        ask(client, "x", model=ONCE)
    assert e.value.status_code == 400 and error_type(e.value) == "invalid_request_error"
    assert "temperature must be at most 2" in e.value.body["error"]["message"]


def test_unknown_key_is_authentication_error(srv, mock):
    c = anthropic.Anthropic(base_url=srv.url, api_key="sk-sluice-" + "x" * 40, max_retries=0, timeout=10)
    with pytest.raises(anthropic.AuthenticationError) as e:
        ask(c)
    assert e.value.status_code == 401 and error_type(e.value) == "authentication_error"
    assert mock.model_requests() == []


def test_model_outside_the_keys_globs_is_permission_denied(srv, mock):
    limited = srv.create_key(unique_name("haiku-only"), models="claude-haiku-*")
    c = anthropic.Anthropic(base_url=srv.url, api_key=limited, max_retries=0, timeout=10)
    with pytest.raises(anthropic.PermissionDeniedError) as e:
        ask(c, model="claude-opus-test")
    assert e.value.status_code == 403 and error_type(e.value) == "permission_error"
    assert mock.model_requests() == []


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_model_without_a_route_is_not_found(client, mock, stream):
    with pytest.raises(anthropic.NotFoundError) as e:
        if stream:
            streamed_final(client, model="gpt-4o")
        else:
            ask(client, model="gpt-4o")
    assert e.value.status_code == 404 and error_type(e.value) == "not_found_error"
    assert mock.model_requests() == []


def test_body_over_the_limit_is_413_request_too_large(client, mock):
    with pytest.raises(anthropic.APIStatusError) as e:
        ask(client, "x" * (BODY_LIMIT + 1000))
    assert e.value.status_code == 413
    assert isinstance(e.value, anthropic.ContentTooLargeError)
    assert error_type(e.value) == "request_too_large"
    assert mock.model_requests() == []


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_upstream_429_is_rate_limit_error_with_retry_after(client, mock, stream):
    mock.enqueue(rate_limited(retry_after=7))
    with pytest.raises(anthropic.RateLimitError) as e:
        if stream:
            streamed_final(client, model=ONCE)
        else:
            ask(client, model=ONCE)
    assert e.value.status_code == 429 and error_type(e.value) == "rate_limit_error"
    assert e.value.response.headers.get("retry-after") == "7"
    assert len(mock.model_requests()) == 1


def test_an_upstream_429s_wait_in_milliseconds_wins_over_seconds(client, mock):
    mock.enqueue(error_response(429, "slow down", headers={"retry-after-ms": "2500", "retry-after": "9"}))
    with pytest.raises(anthropic.RateLimitError) as e:
        ask(client, model=ONCE)
    headers = e.value.response.headers
    assert (headers.get("retry-after"), headers.get("retry-after-ms")) == ("3", "2500")


def test_an_upstream_429s_wait_as_an_http_date_is_read(client, mock):
    mock.enqueue(error_response(429, "slow down", headers={"retry-after": formatdate(time.time() + 20.5, usegmt=True)}))
    with pytest.raises(anthropic.RateLimitError) as e:
        ask(client, model=ONCE)
    headers = e.value.response.headers
    assert headers.get("retry-after") in ("20", "21"), headers
    assert 19_000 < int(headers.get("retry-after-ms")) <= 21_000, headers


def test_upstream_500_after_all_attempts_is_502(client, mock):
    mock.enqueue(server_error(500), server_error(500))
    with pytest.raises(anthropic.InternalServerError) as e:
        ask(client)
    assert e.value.status_code == 502 and error_type(e.value) == "api_error"
    assert len(mock.model_requests()) == 2, "max_attempts: 2 means exactly two tries"


def test_upstream_529_is_overloaded_error_with_retry_after(client, mock):
    mock.enqueue(error_response(529, "busy", headers={"retry-after": "4"}))
    with pytest.raises(anthropic.InternalServerError) as e:
        ask(client, model=ONCE)
    assert e.value.status_code == 529 and isinstance(e.value, anthropic.OverloadedError)
    assert error_type(e.value) == "overloaded_error"
    assert e.value.response.headers.get("retry-after") == "4"


def test_stalled_upstream_past_read_timeout_is_504(client, mock):
    mock.enqueue(Stall(6))
    t0 = time.monotonic()
    with pytest.raises(anthropic.InternalServerError) as e:
        ask(client, model=SLOW)
    elapsed = time.monotonic() - t0
    assert e.value.status_code == 504 and isinstance(e.value, anthropic.GatewayTimeoutError)
    assert error_type(e.value) in ("api_error", "timeout_error")
    assert 0.9 <= elapsed < 4, f"read_timeout is 1s; answered after {elapsed:.1f}s"


# --------------------------------------------------------------------------
# Fidelity: the SDK's stream accumulator and the non-streaming call agree
# --------------------------------------------------------------------------

ANSWERS = {
    "text": dict(text="Plain answer, nothing else.", usage=openai_usage(17, 6)),
    "thinking+text": dict(text="It is 42.", reasoning="Let me multiply six by seven.", usage=openai_usage(17, 25)),
    "two-tool-calls": dict(text=None, tool_calls=WEATHER_CALLS, usage=openai_usage(50, 33)),
    "text+tool-call": dict(text="Let me look that up.", tool_calls=WEATHER_CALLS[:1], usage=openai_usage(50, 21)),
}


def upstream_answer(name: str, form: str):
    a = ANSWERS[name]
    if form == "json":
        if a.get("tool_calls"):
            body = openai_tool_calls(a["tool_calls"], content=a["text"], usage=a["usage"])
        else:
            body = openai_text(a["text"], usage=a["usage"], reasoning=a.get("reasoning"))
        return JSONResponse(body)
    chunks = openai_stream_chunks(a["text"], reasoning=a.get("reasoning"),
                                  tool_calls=calls_with_many_fragments(a["tool_calls"]) if a.get("tool_calls") else None,
                                  usage=a["usage"])
    return openai_stream(chunks, split="hostile" if form == "sse-hostile" else None)


@pytest.mark.parametrize("form", ["sse", "sse-hostile", "json"])
@pytest.mark.parametrize("answer", list(ANSWERS))
def test_stream_accumulator_matches_the_non_streaming_message(client, mock, answer, form):
    mock.enqueue(upstream_answer(answer, form), upstream_answer(answer, form))
    plain = ask(client, "q", max_tokens=500)
    final = streamed_final(client, "q", max_tokens=500)
    assert dumps(final.content) == dumps(plain.content)
    assert final.stop_reason == plain.stop_reason
    assert final.stop_sequence == plain.stop_sequence
    assert final.usage.output_tokens == plain.usage.output_tokens == ANSWERS[answer]["usage"]["completion_tokens"]
    assert final.usage.input_tokens == plain.usage.input_tokens == ANSWERS[answer]["usage"]["prompt_tokens"]
    ids = [b.id for b in plain.content if b.type == "tool_use"]
    assert ids == [c["id"] for c in ANSWERS[answer].get("tool_calls") or []], "Sluice keeps the backend's call ids"
    expected_types = (["thinking"] if ANSWERS[answer].get("reasoning") else []) \
        + (["text"] if ANSWERS[answer]["text"] else []) + ["tool_use"] * len(ANSWERS[answer].get("tool_calls") or [])
    assert [b.type for b in plain.content] == expected_types


# --------------------------------------------------------------------------
# Retry hints and context overflow
# --------------------------------------------------------------------------


@pytest.mark.parametrize("case,status,retriable", [
    ("unknown-key", 401, False), ("no-route", 404, False), ("invalid", 400, False),
    ("upstream-429", 429, True), ("upstream-500", 502, True),
])
def test_x_should_retry_never_invites_retrying_a_request_that_cannot_succeed(srv, client, mock, case, status, retriable):
    """The SDKs honour x-should-retry: a 4xx that retrying cannot fix must not say "true"; a 429/5xx must not say "false"."""
    c = client
    if case == "unknown-key":
        c = anthropic.Anthropic(base_url=srv.url, api_key="sk-sluice-" + "z" * 40, max_retries=0, timeout=10)
    kw = {}
    if case == "no-route":
        kw["model"] = "gpt-4o"
    if case == "invalid":
        kw["extra_body"] = {"max_tokens": 0}
    if case == "upstream-429":
        mock.enqueue(rate_limited(retry_after=1))
        kw["model"] = ONCE
    if case == "upstream-500":
        mock.enqueue(server_error(500), server_error(500))
    with pytest.raises(anthropic.APIStatusError) as e:
        ask(c, **kw)
    assert e.value.status_code == status
    hint = e.value.response.headers.get("x-should-retry")
    assert hint != ("false" if retriable else "true"), f"x-should-retry: {hint} on a {status}"


VLLM_OVERFLOW = ("This model's maximum context length is 32768 tokens. However, you requested 41000 tokens "
                 "(40000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.")
VLLM_NEW_OVERFLOW = ("This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. "
                     "Please reduce the length of the input messages.")
SGLANG_OVERFLOW = "The input (40000 tokens) is longer than the model's context length (32768 tokens)."


@pytest.mark.parametrize("body", [
    {"object": "error", "message": VLLM_OVERFLOW, "type": "BadRequestError", "param": None, "code": 400},
    {"error": {"message": VLLM_NEW_OVERFLOW, "type": "BadRequestError", "param": None, "code": 400}},
    {"error": {"message": SGLANG_OVERFLOW, "type": "BadRequestError", "param": None, "code": 400}},
    {"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it",
               "type": "exceed_context_size_error", "n_prompt_tokens": 40000, "n_ctx": 32768}},
], ids=["vllm", "vllm-new", "sglang", "llama-server"])
def test_upstream_context_overflow_reads_as_prompt_is_too_long(client, mock, body):
    """Claude Code compacts its context when it sees `prompt is too long: N tokens > M maximum`."""
    mock.enqueue(JSONResponse(body, status=400))
    with pytest.raises(anthropic.BadRequestError) as e:
        ask(client, "a very long prompt", model=ONCE)
    assert error_type(e.value) == "invalid_request_error"
    assert "prompt is too long: 40000 tokens > 32768 maximum" in e.value.body["error"]["message"]


# --------------------------------------------------------------------------
# No state shared between streams
# --------------------------------------------------------------------------


def per_prompt_answer(req):
    """An answer computed from the prompt "stream N": its own reasoning, text and N % 2 + 1 tool calls."""
    n = int(req.json["messages"][-1]["content"].split()[-1])
    calls = [{"id": f"call_{n}_{j}", "name": f"tool_{n}", "arguments": {"n": n, "j": j}} for j in range(n % 2 + 1)]
    chunks = openai_stream_chunks([f"s{n}-{k} " for k in range(6)], reasoning=[f"r{n}-{k} " for k in range(4)],
                                  tool_calls=calls, usage=openai_usage(100 + n, 10 + n))
    return openai_stream(chunks, split=61, delay=0.005)


def test_interleaved_streams_do_not_share_state(client, mock):
    mock.default = per_prompt_answer
    n_streams = 6
    with ThreadPoolExecutor(n_streams) as ex:
        finals = list(ex.map(lambda n: streamed_final(client, f"stream {n}", max_tokens=300), range(n_streams)))
    for n, final in enumerate(finals):
        assert [b.type for b in final.content] == ["thinking", "text"] + ["tool_use"] * (n % 2 + 1), n
        assert final.content[0].thinking == "".join(f"r{n}-{k} " for k in range(4))
        assert final.content[1].text == "".join(f"s{n}-{k} " for k in range(6))
        assert [(b.id, b.name, b.input) for b in final.content[2:]] == \
            [(f"call_{n}_{j}", f"tool_{n}", {"n": n, "j": j}) for j in range(n % 2 + 1)]
        assert (final.stop_reason, final.usage.output_tokens) == ("tool_use", 10 + n)
    assert len(mock.model_requests()) == n_streams
