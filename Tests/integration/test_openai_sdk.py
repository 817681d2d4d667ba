"""The `openai` Python SDK against Sluice's Chat Completions front.

Behind it the mock plays an OpenAI-type upstream (model names `gpt-*`) and, for `anth-*`, an
Anthropic-type upstream speaking Anthropic SSE: what comes out must be OpenAI shapes either way.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import ANY

import openai
import pytest

from mock_upstream import (
    JSONResponse,
    Stall,
    anthropic_events,
    anthropic_message,
    anthropic_stream,
    anthropic_usage,
    error_response,
    openai_stream,
    openai_stream_chunks,
    openai_usage,
    rate_limited,
    server_error,
)
from protocol_checks import accumulate_openai_chunks, fragments, openai_sse_data, ordered_dumps, post_json
from sluice_harness import UPSTREAM_SECRET, assert_openai_error, backend, route, unique_name

MODEL = "gpt-test-model"
ONCE = "gpt-once-test"  # backend with max_attempts: 1
SLOW = "gpt-slow-test"  # backend with read_timeout: 1s, max_attempts: 1
ANTH = "anth-test-model"  # an anthropic-type backend
BODY_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock):
    url = _module_mock.base_url
    return module_sluice(
        backends=[
            backend("upstream", url, connect_timeout="2s", read_timeout="5s", max_attempts=2),
            backend("once", url, connect_timeout="2s", read_timeout="5s", max_attempts=1),
            backend("slow", url, connect_timeout="2s", read_timeout="1s", max_attempts=1),
            backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s", max_attempts=1),
        ],
        routes=[route("gpt-once-*", "once"), route("gpt-slow-*", "slow"), route("anth-*", "anth"),
                route("gpt-*", "upstream")],
        body_limit=BODY_LIMIT,
    )


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("openai-sdk"))


@pytest.fixture
def client(srv, key):
    c = openai.OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0, timeout=15)
    yield c
    c.close()


def chat(client, text="hi", *, model=MODEL, **kw):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}], **kw)


def chat_stream(client, text="hi", *, model=MODEL, **kw) -> list:
    return list(client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}],
                                               stream=True, **kw))


CALLS = [
    {"id": "call_weather_zurich", "name": "get_weather",
     "arguments": {"city": "Zürich", "units": "celsius", "days": [1, 2, 3], "note": "☀️ or 🌧"}},
    {"id": "call_time_tokyo", "name": "get_time",
     "arguments": {"zone": "Asia/Tokyo", "format": {"h24": True, "seconds": None}}},
]


def fragmented(calls):
    return [{**c, "fragments": fragments(json.dumps(c["arguments"], ensure_ascii=False), 3)} for c in calls]


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def test_plain_completion_has_text_finish_reason_and_usage(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Hi from upstream.", usage=openai_usage(12, 4))))
    c = chat(client, "hello", max_tokens=30)
    assert c.object == "chat.completion" and c.id.startswith("chatcmpl-")
    assert len(c.choices) == 1 and c.choices[0].index == 0
    m = c.choices[0].message
    assert (m.role, m.content, m.tool_calls) == ("assistant", "Hi from upstream.", None)
    assert c.choices[0].finish_reason == "stop"
    assert (c.usage.prompt_tokens, c.usage.completion_tokens, c.usage.total_tokens) == (12, 4, 16)
    (up,) = mock.model_requests()
    assert up.json == {"model": MODEL, "messages": [{"role": "user", "content": "hello"}], "max_tokens": 30,
                       "stream": True, "stream_options": {"include_usage": True}}


def test_stream_with_include_usage_ends_with_a_usage_only_chunk(client, mock):
    pieces = ["Streamed ", "text ", "über ", "alles."]
    mock.enqueue(openai_stream(openai_stream_chunks(pieces, usage=openai_usage(12, 4)), split="hostile"))
    chunks = chat_stream(client, stream_options={"include_usage": True})
    acc = accumulate_openai_chunks(chunks)
    assert acc["content"] == "".join(pieces)
    assert acc["roles"] == ["assistant"] and chunks[0].choices[0].delta.role == "assistant"
    assert acc["finish_reason"] == "stop"
    assert len(acc["ids"]) == 1 and next(iter(acc["ids"])).startswith("chatcmpl-")
    last = chunks[-1]
    assert last.choices == [] and acc["usage_chunks"] == 1
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (12, 4, 16)
    assert chunks[-2].choices[0].finish_reason == "stop", "the finish_reason chunk comes right before the usage chunk"
    assert all(ch.usage is None for ch in chunks[:-1])


def test_stream_without_include_usage_has_no_usage_chunk(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("No usage here.", usage=openai_usage(3, 3))))
    chunks = chat_stream(client)
    assert all(len(ch.choices) == 1 for ch in chunks), "no usage-only chunk without include_usage"
    assert all(ch.usage is None for ch in chunks)
    acc = accumulate_openai_chunks(chunks)
    assert acc["content"] == "No usage here." and acc["finish_reason"] == "stop"
    assert mock.model_requests()[0].json["stream_options"] == {"include_usage": True}, \
        "Sluice still asks its upstream for usage"


def test_raw_stream_is_data_only_frames_ending_with_done(srv, key, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Raw bytes.", usage=openai_usage(2, 2)), split="bytes"))
    r = post_json(srv, "/v1/chat/completions", key, {"model": MODEL, "stream": True,
                                                      "stream_options": {"include_usage": True},
                                                      "messages": [{"role": "user", "content": "x"}]}, stream=True)
    raw = b"".join(r.iter_content(chunk_size=None))
    assert raw.endswith(b"data: [DONE]\n\n"), raw[-200:]
    assert b"event:" not in raw
    frames = [f for f in raw.decode().split("\n\n") if f]
    assert all(f.startswith("data: ") for f in frames), frames
    datas = [f[len("data: "):] for f in frames]
    assert datas.count("[DONE]") == 1 and datas[-1] == "[DONE]"
    objs = [json.loads(d) for d in datas[:-1]]
    acc = accumulate_openai_chunks(objs)
    assert acc["content"] == "Raw bytes." and acc["usage"]["completion_tokens"] == 2


# --------------------------------------------------------------------------
# Tool calls
# --------------------------------------------------------------------------


@pytest.mark.parametrize("split", [None, "hostile", 5], ids=["frames", "hostile", "5-bytes"])
def test_streamed_tool_calls_accumulate_by_index_into_the_arguments_json(client, mock, split):
    mock.enqueue(openai_stream(openai_stream_chunks("Checking both.", tool_calls=fragmented(CALLS),
                                                    usage=openai_usage(40, 30)), split=split))
    chunks = chat_stream(client, tools=[{"type": "function", "function": {"name": c["name"]}} for c in CALLS])
    acc = accumulate_openai_chunks(chunks)
    assert acc["content"] == "Checking both."
    assert sorted(acc["tool_calls"]) == [0, 1]
    for i, call in enumerate(CALLS):
        got = acc["tool_calls"][i]
        assert (got["id"], got["type"], got["name"]) == (call["id"], "function", call["name"])
        assert json.loads(got["arguments"]) == call["arguments"]
        assert ordered_dumps(json.loads(got["arguments"])) == ordered_dumps(call["arguments"]), "key order kept"
    assert acc["finish_reason"] == "tool_calls"
    # the first delta of each call carries its id, type and name
    first = {}
    for ch in chunks:
        for tc in (ch.choices[0].delta.tool_calls or []) if ch.choices else []:
            first.setdefault(tc.index, tc)
    assert [(first[i].id, first[i].type, first[i].function.name) for i in (0, 1)] == \
        [(c["id"], "function", c["name"]) for c in CALLS]


def test_non_streaming_tool_calls_have_ids_and_json_arguments(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks(None, tool_calls=fragmented(CALLS), usage=openai_usage(40, 30)),
                               split="hostile"))
    c = chat(client, tools=[{"type": "function", "function": {"name": c["name"]}} for c in CALLS])
    m = c.choices[0].message
    assert m.content is None
    assert [(t.id, t.type, t.function.name, json.loads(t.function.arguments)) for t in m.tool_calls] == \
        [(c["id"], "function", c["name"], c["arguments"]) for c in CALLS]
    assert c.choices[0].finish_reason == "tool_calls"


def test_tool_results_round_trip_to_the_upstream_in_order(client, mock):
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Weather in Paris and Rome?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_p", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
            {"id": "call_r", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}},
        ]},
        {"role": "tool", "tool_call_id": "call_p", "content": "18°C"},
        {"role": "tool", "tool_call_id": "call_r", "content": "25°C"},
        {"role": "user", "content": "Which is warmer?"},
    ]
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                                               "parameters": {"type": "object",
                                                              "properties": {"city": {"type": "string"}}}}}]
    mock.enqueue(openai_stream(openai_stream_chunks("Rome.")))
    c = client.chat.completions.create(model=MODEL, messages=messages, tools=tools)
    assert c.choices[0].message.content == "Rome."
    (up,) = mock.model_requests()
    got = up.json["messages"]
    for m in got:
        for tc in m.get("tool_calls") or []:
            tc["function"]["arguments"] = json.loads(tc["function"]["arguments"])
    expected = json.loads(json.dumps(messages))
    for tc in expected[2]["tool_calls"]:
        tc["function"]["arguments"] = json.loads(tc["function"]["arguments"])
    assert got == expected
    assert up.json["tools"] == tools


# --------------------------------------------------------------------------
# Reasoning
# --------------------------------------------------------------------------

REASONING = "First, compare 18 and 25."


def test_reasoning_from_the_backend_is_reasoning_content_in_the_message(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Rome is warmer.", reasoning=REASONING)))
    m = chat(client).choices[0].message
    assert m.content == "Rome is warmer."
    assert (m.model_extra or {}).get("reasoning_content") == REASONING


def test_reasoning_from_the_backend_streams_as_reasoning_content_deltas(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Rome is warmer.", reasoning=REASONING), split="hostile"))
    chunks = chat_stream(client)
    acc = accumulate_openai_chunks([ch.model_dump() for ch in chunks])
    assert acc["reasoning"] == REASONING and acc["content"] == "Rome is warmer."
    kinds = []
    for ch in chunks:
        d = ch.choices[0].delta.model_dump() if ch.choices else {}
        if d.get("reasoning_content"):
            kinds.append("r")
        if d.get("content"):
            kinds.append("c")
    assert kinds == sorted(kinds, reverse=True) and "r" in kinds, f"reasoning must come before content: {kinds}"


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def test_unknown_key_is_authentication_error(srv, mock):
    c = openai.OpenAI(base_url=srv.url + "/v1", api_key="sk-sluice-" + "y" * 40, max_retries=0, timeout=10)
    with pytest.raises(openai.AuthenticationError) as e:
        chat(c)
    assert e.value.status_code == 401 and e.value.code == "invalid_api_key"
    assert e.value.type == "authentication_error"
    assert mock.model_requests() == []


def test_model_outside_the_keys_globs_is_permission_denied(srv, mock):
    limited = srv.create_key(unique_name("mini-only"), models="gpt-4o-mini")
    c = openai.OpenAI(base_url=srv.url + "/v1", api_key=limited, max_retries=0, timeout=10)
    with pytest.raises(openai.PermissionDeniedError) as e:
        chat(c, model="gpt-test-other")
    assert e.value.status_code == 403 and e.value.code == "model_not_allowed"
    assert mock.model_requests() == []


def test_invalid_request_is_bad_request_error(client, mock):
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=MODEL, messages=[{"role": "robot", "content": "beep"}])
    assert e.value.status_code == 400 and e.value.type == "invalid_request_error"
    assert mock.model_requests() == []


def test_malformed_json_is_400_in_openai_shape(srv, key, mock):
    r = srv.post("/v1/chat/completions", key=key, data=b'{"model": "gpt-x", "messages": [}',
                 headers={"content-type": "application/json"})
    assert_openai_error(r, 400, "invalid_request_error", param=ANY)
    assert mock.model_requests() == []


def test_upstream_400_is_bad_request_error_with_the_upstream_message(client, mock):
    mock.enqueue(error_response(400, "'temperature' must be at most 2"))
    with pytest.raises(openai.BadRequestError) as e:
        chat(client, model=ONCE)
    assert e.value.status_code == 400
    assert "'temperature' must be at most 2" in e.value.message


def test_model_without_a_route_is_not_found(client, mock):
    with pytest.raises(openai.NotFoundError) as e:
        chat(client, model="llama-3-unrouted")
    assert e.value.status_code == 404 and e.value.type == "not_found_error"
    assert mock.model_requests() == []


def test_body_over_the_limit_is_413(client, mock):
    with pytest.raises(openai.APIStatusError) as e:
        chat(client, "x" * (BODY_LIMIT + 1000))
    assert e.value.status_code == 413 and e.value.code == "request_too_large"
    assert mock.model_requests() == []


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_upstream_429_is_rate_limit_error_with_retry_after(client, mock, stream):
    mock.enqueue(rate_limited(retry_after=7))
    with pytest.raises(openai.RateLimitError) as e:
        (chat_stream if stream else chat)(client, model=ONCE)
    assert e.value.status_code == 429 and e.value.code == "rate_limit_exceeded"
    assert e.value.response.headers.get("retry-after") == "7"
    assert len(mock.model_requests()) == 1


def test_upstream_500_after_all_attempts_is_502(client, mock):
    mock.enqueue(server_error(500), server_error(500))
    with pytest.raises(openai.InternalServerError) as e:
        chat(client)
    assert e.value.status_code == 502
    assert len(mock.model_requests()) == 2


def test_stalled_upstream_past_read_timeout_is_504(client, mock):
    mock.enqueue(Stall(6))
    t0 = time.monotonic()
    with pytest.raises(openai.InternalServerError) as e:
        chat(client, model=SLOW)
    assert e.value.status_code == 504
    assert 0.9 <= time.monotonic() - t0 < 4


# --------------------------------------------------------------------------
# An Anthropic-type backend behind the OpenAI front
# --------------------------------------------------------------------------

ANTH_CALLS = [
    {"id": "toolu_weather_1", "name": "get_weather", "input": {"city": "Zürich", "days": [1, 2]}},
    {"id": "toolu_time_2", "name": "get_time", "input": {"zone": "Asia/Tokyo"}},
]


def test_anthropic_backend_text_comes_out_as_a_chat_completion(client, mock):
    usage = anthropic_usage(12, 4, cache_read_input_tokens=30, cache_creation_input_tokens=5)
    mock.enqueue(anthropic_stream(anthropic_events("Bonjour de Claude.", usage=usage), split="hostile"))
    c = client.chat.completions.create(model=ANTH, max_tokens=100, messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}])
    m = c.choices[0].message
    assert (c.object, m.role, m.content, m.tool_calls) == ("chat.completion", "assistant", "Bonjour de Claude.", None)
    assert c.choices[0].finish_reason == "stop"
    assert (c.usage.prompt_tokens, c.usage.completion_tokens) == (47, 4), "prompt_tokens counts cached tokens too"
    assert c.usage.prompt_tokens_details.cached_tokens == 30
    (up,) = mock.model_requests()
    assert up.route == "/v1/messages"
    assert up.headers.get("x-api-key") == UPSTREAM_SECRET and up.headers.get("anthropic-version") == "2023-06-01"
    assert up.json == {"model": ANTH, "max_tokens": 100, "system": "Be brief.",
                       "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}], "stream": True}


def test_anthropic_backend_text_streams_as_chunks_with_done(srv, key, mock):
    mock.enqueue(anthropic_stream(anthropic_events(["Bonjour ", "de ", "Claude."], usage=anthropic_usage(12, 4)),
                                  split="hostile"))
    r = post_json(srv, "/v1/chat/completions", key, {"model": ANTH, "stream": True,
                                                      "stream_options": {"include_usage": True},
                                                      "messages": [{"role": "user", "content": "hi"}]}, stream=True)
    datas = openai_sse_data(r)
    assert datas[-1] == "[DONE]" and datas.count("[DONE]") == 1
    acc = accumulate_openai_chunks([json.loads(d) for d in datas[:-1]])
    assert acc["content"] == "Bonjour de Claude." and acc["finish_reason"] == "stop"
    assert acc["usage"]["prompt_tokens"] == 12 and acc["usage"]["completion_tokens"] == 4
    assert mock.model_requests()[0].json["max_tokens"] == 4096, "Anthropic needs max_tokens; Sluice supplies one"


def test_anthropic_backend_tool_calls_come_out_as_openai_tool_calls(client, mock):
    mock.enqueue(anthropic_stream(anthropic_events(None, tool_uses=ANTH_CALLS)))
    c = chat(client, model=ANTH, tools=[{"type": "function", "function": {"name": t["name"]}} for t in ANTH_CALLS])
    m = c.choices[0].message
    assert m.content is None
    assert [(t.id, t.type, t.function.name, json.loads(t.function.arguments)) for t in m.tool_calls] == \
        [(t["id"], "function", t["name"], t["input"]) for t in ANTH_CALLS]
    assert c.choices[0].finish_reason == "tool_calls"
    up = mock.model_requests()[0].json
    assert up["tools"] == [{"name": t["name"], "input_schema": {"type": "object", "properties": {}}} for t in ANTH_CALLS]


def test_anthropic_backend_tool_calls_stream_with_indices(client, mock):
    calls = [{**t, "fragments": fragments(json.dumps(t["input"], ensure_ascii=False), 2)} for t in ANTH_CALLS]
    mock.enqueue(anthropic_stream(anthropic_events("Looking.", tool_uses=calls), split="hostile"))
    acc = accumulate_openai_chunks(chat_stream(client, model=ANTH))
    assert acc["content"] == "Looking."
    assert sorted(acc["tool_calls"]) == [0, 1]
    assert [(acc["tool_calls"][i]["id"], acc["tool_calls"][i]["name"], json.loads(acc["tool_calls"][i]["arguments"]))
            for i in (0, 1)] == [(t["id"], t["name"], t["input"]) for t in ANTH_CALLS]
    assert acc["finish_reason"] == "tool_calls"


def test_anthropic_backend_json_answer_is_converted_too(client, mock):
    mock.enqueue(JSONResponse(anthropic_message("Plain JSON answer.", thinking="hmm", usage=anthropic_usage(7, 3))))
    c = chat(client, model=ANTH)
    m = c.choices[0].message
    assert m.content == "Plain JSON answer."
    assert (m.model_extra or {}).get("reasoning_content") == "hmm"
    assert (c.usage.prompt_tokens, c.usage.completion_tokens) == (7, 3)


def test_anthropic_backend_429_is_rate_limit_error(client, mock):
    mock.enqueue(rate_limited(retry_after=3, protocol="anthropic"))
    with pytest.raises(openai.RateLimitError) as e:
        chat(client, model=ANTH)
    assert e.value.status_code == 429 and e.value.response.headers.get("retry-after") == "3"


# --------------------------------------------------------------------------
# No state shared between streams
# --------------------------------------------------------------------------


def per_prompt_answer(req):
    n = int(req.json["messages"][-1]["content"].split()[-1])
    calls = [{"id": f"call_{n}_{j}", "name": f"tool_{n}", "arguments": {"n": n, "j": j}} for j in range(n % 3 + 1)]
    chunks = openai_stream_chunks([f"s{n}-{k} " for k in range(5)], reasoning=f"r{n}", tool_calls=calls,
                                  usage=openai_usage(100 + n, 10 + n))
    return openai_stream(chunks, split=61, delay=0.005)


def test_interleaved_streams_keep_their_own_tool_call_indices(client, mock):
    mock.default = per_prompt_answer
    n_streams = 6
    with ThreadPoolExecutor(n_streams) as ex:
        accs = list(ex.map(lambda n: accumulate_openai_chunks(
            chat_stream(client, f"stream {n}", stream_options={"include_usage": True})), range(n_streams)))
    for n, acc in enumerate(accs):
        assert acc["content"] == "".join(f"s{n}-{k} " for k in range(5))
        assert sorted(acc["tool_calls"]) == list(range(n % 3 + 1)), n
        assert [(acc["tool_calls"][j]["id"], json.loads(acc["tool_calls"][j]["arguments"]))
                for j in range(n % 3 + 1)] == [(f"call_{n}_{j}", {"n": n, "j": j}) for j in range(n % 3 + 1)]
        assert acc["usage"]["completion_tokens"] == 10 + n and acc["finish_reason"] == "tool_calls"
