"""The OpenAI Responses API (`/v1/responses`) through the real server, with the `openai` SDK.

Behind it: the mock as a Chat Completions upstream (`gpt-*`) and as an Anthropic upstream
(`anth-*`), and the embedded engine with a tiny random-weight model (`tiny`). Pinned: answers
and streams the SDK accepts (its stream helper checks item identity and order), the exact event
sequence with increasing `sequence_number`, function calls and their outputs on the next turn,
`instructions` as the upstream's system message, `max_output_tokens` → `incomplete`, stored
responses continued with `previous_response_id` and private to their key, PII scrubbed from
input items, content rules, rate limits, the response cache, usage rows, and 400s for what Sluice
cannot serve.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from mock_upstream import (
    JSONResponse,
    StreamResponse,
    anthropic_events,
    anthropic_message,
    anthropic_stream,
    anthropic_usage,
    openai_sse,
    openai_stream,
    openai_stream_chunks,
    openai_text,
    openai_tool_calls,
    openai_usage,
)
from protocol_checks import post_json
from schema_checks import FORECAST, validate
from sluice_harness import assert_openai_error, backend, iter_sse, poll, route, unique_name, write_text

MODEL = "gpt-resp-model"
ANTH = "anth-resp-model"
NATIVE = "oai-resp-model"  # an openai_responses backend: the mock speaks the Responses API
MAKE_TINY_GGUF = Path(__file__).with_name("make_tiny_gguf.py")
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "The weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
POLICIES = {"redact_email": "stages: [pii]\npii:\n  detectors: {email: redact}\n",
            "tokenize_email": "stages: [pii]\npii:\n  detectors: {email: tokenize}\n",
            "content": "stages: [content]\ncontent:\n  input:\n    - words: [project-x]\n"
                       "      message: \"Project X may not be discussed.\"\n",
            "rpm2": "stages: [rate_limit]\nrate_limit: {requests_per_minute: 2}\n",
            "cached": "stages: [cache]\ncache: {enabled: true}\n"}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("responses-model") / "chat.gguf"
    done = subprocess.run([sys.executable, str(MAKE_TINY_GGUF), str(path), "--template", "chat"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock, tiny_model):
    url = _module_mock.base_url
    s = module_sluice(
        start=False,
        backends=[backend("upstream", url, connect_timeout="2s", read_timeout="5s", max_attempts=1,
                          reasoning="reasoning_effort"),
                  backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s", max_attempts=1),
                  backend("native", url, type="openai_responses", connect_timeout="2s", read_timeout="5s",
                          max_attempts=1),
                  {"name": "local", "type": "llama", "model": str(tiny_model), "context": 2048, "threads": 2,
                   "parallel": 2}],
        routes=[route("anth-*", "anth"), route("oai-*", "native"), route("tiny", "local"), route("*", "upstream")])
    for name, text in POLICIES.items():
        write_text(s.policies_dir / f"{name}.yaml", text)
    s.start()
    return s


@pytest.fixture(scope="module")
def key_name(srv):
    return unique_name("responses")


@pytest.fixture(scope="module")
def key(srv, key_name):
    return srv.create_key(key_name)


@pytest.fixture
def client(srv, key):
    c = srv.openai(key, timeout=30)
    yield c
    c.close()


def raw_stream(srv, key, body) -> list[dict]:
    """The frames of a streamed response, each as {"event", "data" (parsed)}."""
    r = post_json(srv, "/v1/responses", key, {**body, "stream": True}, stream=True)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    frames = [{"event": f["event"], "data": json.loads(f["data"])} for f in iter_sse(r)]
    for frame in frames:
        assert frame["event"] == frame["data"]["type"], frame
    assert [f["data"]["sequence_number"] for f in frames] == list(range(len(frames)))
    return frames


def upstream_messages(mock) -> list[dict]:
    (request,) = mock.model_requests()
    return request.json["messages"]


# --------------------------------------------------------------------------
# Chat Completions upstream
# --------------------------------------------------------------------------


WEB_SEARCH_STEPS = ("in_progress", "searching", "completed")


def test_a_plain_answer_with_instructions_as_the_system_message(client, mock):
    mock.enqueue(JSONResponse(openai_text("Paris.", usage=openai_usage(12, 3, cached_tokens=4))))
    response = client.responses.create(model=MODEL, input="Capital of France?", instructions="Answer in one word.",
                                       store=False)
    assert response.id.startswith("resp_")
    assert response.object == "response" and response.status == "completed"
    assert response.output_text == "Paris."
    (item,) = response.output
    assert item.type == "message" and item.role == "assistant" and item.status == "completed"
    assert [part.type for part in item.content] == ["output_text"]
    assert response.usage.input_tokens == 12 and response.usage.output_tokens == 3
    assert response.usage.input_tokens_details.cached_tokens == 4
    assert response.usage.total_tokens == 15
    assert response.instructions == "Answer in one word."
    assert upstream_messages(mock) == [{"role": "system", "content": "Answer in one word."},
                                       {"role": "user", "content": "Capital of France?"}]


def test_the_stream_is_exactly_openais_event_sequence(srv, key, mock):
    mock.enqueue(openai_stream(openai_stream_chunks(["Hel", "lo ", "there."], usage=openai_usage(7, 3))))
    frames = raw_stream(srv, key, {"model": MODEL, "input": "hi", "store": False})
    assert [f["event"] for f in frames] == [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
    ]
    created, completed = frames[0]["data"]["response"], frames[-1]["data"]["response"]
    assert created["status"] == "in_progress" and created["output"] == []
    assert completed["id"] == created["id"] and completed["status"] == "completed"
    assert completed["output_text"] == "Hello there."
    assert completed["usage"]["input_tokens"] == 7 and completed["usage"]["output_tokens"] == 3
    item_id = frames[2]["data"]["item"]["id"]
    assert all(f["data"]["item_id"] == item_id for f in frames[3:9])
    assert frames[7]["data"]["text"] == "Hello there."
    assert frames[9]["data"]["item"] == completed["output"][0]


def test_the_sdk_stream_helper_accumulates_the_same_response(client, mock):
    mock.enqueue(openai_stream(openai_stream_chunks(["Streamed ", "answer."], reasoning=["Think", "ing."],
                                                    usage=openai_usage(5, 6))))
    with client.responses.stream(model=MODEL, input="go", store=False) as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == "Streamed answer."
    assert final.output_text == "Streamed answer."
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert final.output[0].content[0].text == "Thinking."


def test_a_reasoning_summary_streams_as_summary_events(srv, key, mock):
    mock.enqueue(openai_stream(openai_stream_chunks("Done.", reasoning=["Short ", "thought."])))
    frames = raw_stream(srv, key, {"model": MODEL, "input": "go", "store": False,
                                   "reasoning": {"effort": "low", "summary": "auto"}})
    events = [f["event"] for f in frames]
    assert events[2:8] == ["response.output_item.added", "response.reasoning_summary_part.added",
                           "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                           "response.reasoning_summary_text.done", "response.reasoning_summary_part.done"]
    reasoning = frames[-1]["data"]["response"]["output"][0]
    assert reasoning["type"] == "reasoning" and reasoning["summary"] == [{"type": "summary_text", "text": "Short thought."}]
    assert mock.model_requests()[0].json["reasoning_effort"] == "low"


def test_a_streamed_function_call_and_its_output_on_the_next_turn(client, mock):
    call = {"id": "call_zurich", "name": "get_weather", "arguments": {"city": "Zürich"}}
    mock.enqueue(openai_stream(openai_stream_chunks(None, tool_calls=[call], usage=openai_usage(20, 9))))
    with client.responses.stream(model=MODEL, input="Weather in Zürich?", tools=[WEATHER], store=False) as stream:
        argument_deltas = [e.delta for e in stream if e.type == "response.function_call_arguments.delta"]
        first = stream.get_final_response()
    (function_call,) = first.output
    assert function_call.type == "function_call" and function_call.call_id == "call_zurich"
    assert function_call.name == "get_weather" and json.loads(function_call.arguments) == {"city": "Zürich"}
    assert json.loads("".join(argument_deltas)) == {"city": "Zürich"}
    tool = mock.model_requests()[0].json["tools"][0]
    assert tool["function"]["name"] == "get_weather" and tool["function"]["parameters"] == WEATHER["parameters"]

    mock.reset()
    mock.enqueue(JSONResponse(openai_text("It is sunny in Zürich.")))
    second = client.responses.create(
        model=MODEL, tools=[WEATHER], store=False,
        input=[{"role": "user", "content": "Weather in Zürich?"}, function_call.model_dump(exclude_none=True),
               {"type": "function_call_output", "call_id": "call_zurich", "output": "sunny, 21°C"}])
    assert second.output_text == "It is sunny in Zürich."
    messages = upstream_messages(mock)
    assert messages[1]["role"] == "assistant" and messages[1]["tool_calls"][0]["id"] == "call_zurich"
    assert json.loads(messages[1]["tool_calls"][0]["function"]["arguments"]) == {"city": "Zürich"}
    assert messages[2] == {"role": "tool", "tool_call_id": "call_zurich", "content": "sunny, 21°C"}


def test_max_output_tokens_ends_incomplete(client, srv, key, mock):
    mock.enqueue(JSONResponse(openai_text("Cut sho", finish_reason="length")))
    response = client.responses.create(model=MODEL, input="Tell me a story", max_output_tokens=16, store=False)
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert mock.model_requests()[0].json["max_tokens"] == 16

    mock.enqueue(openai_stream(openai_stream_chunks("Cut", finish_reason="length")))
    frames = raw_stream(srv, key, {"model": MODEL, "input": "again", "max_output_tokens": 16, "store": False})
    assert frames[-1]["event"] == "response.incomplete"
    assert frames[-1]["data"]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}


def test_an_upstream_failing_mid_stream_ends_with_error_then_response_failed(srv, key, mock):
    data = openai_sse(openai_stream_chunks(["one ", "two ", "three"]), done=False)
    mock.enqueue(StreamResponse(data, die_after=2))
    frames = raw_stream(srv, key, {"model": MODEL, "input": "hi", "store": False})
    assert [f["event"] for f in frames[-2:]] == ["error", "response.failed"]
    failed = frames[-1]["data"]["response"]
    assert failed["status"] == "failed" and failed["error"]["message"]
    assert frames[-2]["data"]["message"] == failed["error"]["message"]


# --------------------------------------------------------------------------
# Stored responses
# --------------------------------------------------------------------------


def test_previous_response_id_continues_the_stored_conversation(client, srv, mock):
    mock.enqueue(JSONResponse(openai_text("Hi Ada.")))
    first = client.responses.create(model=MODEL, input="My name is Ada.", instructions="Be kind.")
    assert client.responses.retrieve(first.id).model_dump() == first.model_dump()

    mock.reset()
    mock.enqueue(openai_stream(openai_stream_chunks("Your name is Ada.")))
    with client.responses.stream(model=MODEL, input="What is my name?", previous_response_id=first.id) as stream:
        second = stream.get_final_response()
    assert second.previous_response_id == first.id and second.output_text == "Your name is Ada."
    # The earlier turns go upstream; the earlier instructions do not carry over.
    assert upstream_messages(mock) == [{"role": "user", "content": "My name is Ada."},
                                       {"role": "assistant", "content": "Hi Ada."},
                                       {"role": "user", "content": "What is my name?"}]
    # The streamed response was stored too, as the client saw it.
    assert client.responses.retrieve(second.id).output_text == "Your name is Ada."

    other = srv.openai(srv.create_key(unique_name("responses-other")), timeout=30)
    with pytest.raises(openai.NotFoundError):
        other.responses.retrieve(first.id)
    with pytest.raises(openai.NotFoundError) as refused:
        other.responses.create(model=MODEL, input="And mine?", previous_response_id=first.id)
    assert refused.value.body["param"] == "previous_response_id"
    with pytest.raises(openai.NotFoundError):
        other.responses.delete(first.id)
    other.close()

    client.responses.delete(first.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(first.id)
    assert len(mock.model_requests()) == 1, "a refused continuation must not reach the upstream"


def test_store_false_keeps_nothing(client, mock):
    mock.enqueue(JSONResponse(openai_text("Not kept.")))
    response = client.responses.create(model=MODEL, input="hi", store=False)
    assert response.store is False
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(response.id)


# --------------------------------------------------------------------------
# Anthropic upstream and the engine
# --------------------------------------------------------------------------


def test_an_anthropic_upstream_answers_plain_and_streamed(client, mock):
    mock.enqueue(JSONResponse(anthropic_message("Bonjour.", model=ANTH, usage=anthropic_usage(11, 2))))
    response = client.responses.create(model=ANTH, input="Say hello in French", instructions="Be brief.",
                                       store=False)
    assert response.output_text == "Bonjour." and response.usage.input_tokens == 11
    upstream = mock.model_requests()[0].json
    assert "Be brief." in json.dumps(upstream["system"])
    assert upstream["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Say hello in French"}]}]

    mock.enqueue(anthropic_stream(anthropic_events(["Sa", "lut."], thinking=["Hmm."], model=ANTH)))
    with client.responses.stream(model=ANTH, input="Again", store=False) as stream:
        final = stream.get_final_response()
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert final.output_text == "Salut."


def test_the_embedded_engine_answers_plain_and_streamed(client):
    response = client.responses.create(model="tiny", input="hi", max_output_tokens=12, store=False)
    assert response.status in ("completed", "incomplete")
    assert response.usage.input_tokens > 0 and 0 < response.usage.output_tokens <= 12
    # Random weights rarely stop on their own: the stream ends `response.incomplete`, which the
    # SDK's stream helper does not accept as an end, so the raw events are read.
    events = list(client.responses.create(model="tiny", input="hi", max_output_tokens=12, store=False, stream=True))
    assert events[-1].type in ("response.completed", "response.incomplete")
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    final = events[-1].response
    assert final.output_text == deltas and final.usage.output_tokens <= 12


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_a_strict_json_schema_format_on_the_engine_gives_json_that_validates(client, stream):
    # The tiny model's random weights write JSON only because the schema became a grammar.
    request = {"model": "tiny", "input": "Forecast?", "max_output_tokens": 1000, "store": False,
               "text": {"format": {"type": "json_schema", "name": "forecast", "schema": FORECAST, "strict": True}}}
    if stream:
        with client.responses.stream(**request) as events:
            deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
            response = events.get_final_response()
        assert deltas == response.output_text
    else:
        response = client.responses.create(**request)
    assert response.status == "completed", "the grammar's end must end generation, not max_output_tokens"
    assert response.text.format.type == "json_schema" and response.text.format.strict is True
    validate(json.loads(response.output_text), FORECAST, FORECAST)


# --------------------------------------------------------------------------
# Policy, usage and refusals
# --------------------------------------------------------------------------


def test_pii_is_scrubbed_from_input_items(srv, mock):
    client = srv.openai(srv.create_key(unique_name("responses-pii"), policy="redact_email"), timeout=30)
    mock.enqueue(JSONResponse(openai_text("Noted.")))
    client.responses.create(model=MODEL, store=False, input=[
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Mail ada@example.com"}]},
        {"type": "function_call", "call_id": "c1", "name": "lookup", "arguments": "{\"q\": \"bob@example.org\"}"},
        {"type": "function_call_output", "call_id": "c1", "output": "found carol@example.net"}])
    client.close()
    sent = json.dumps(mock.model_requests()[0].json)
    for email in ("ada@example.com", "bob@example.org", "carol@example.net"):
        assert email not in sent


def test_tokenized_pii_is_restored_in_the_streamed_output_and_the_stored_response(srv, mock):
    client = srv.openai(srv.create_key(unique_name("responses-tokens"), policy="tokenize_email"), timeout=30)
    mock.enqueue(JSONResponse(openai_text("unused")))
    client.responses.create(model=MODEL, input="Write to ada@example.com", store=False)
    placeholder = mock.model_requests()[0].json["messages"][0]["content"].removeprefix("Write to ")
    assert "ada@example.com" not in placeholder
    mock.reset()
    # The model echoes the placeholder, split across deltas; the client gets the address back.
    pieces = [f"Sent to {placeholder[:4]}", placeholder[4:], "."]
    mock.enqueue(openai_stream(openai_stream_chunks(pieces)))
    with client.responses.stream(model=MODEL, input="Write to ada@example.com") as stream:
        deltas = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert deltas == final.output_text == "Sent to ada@example.com."
    assert "ada@example.com" not in json.dumps(mock.model_requests()[0].json)
    assert client.responses.retrieve(final.id).output_text == "Sent to ada@example.com."
    client.close()


def test_content_rules_refuse_an_input_item_before_the_upstream(srv, mock):
    key = srv.create_key(unique_name("responses-content"), policy="content")
    r = post_json(srv, "/v1/responses", key, {"model": MODEL, "input": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "tell me about project-x"}]}]})
    assert_openai_error(r, 403, "permission_error", "content_policy_violation")
    assert not mock.model_requests()


def test_the_requests_per_minute_limit_answers_429(srv, mock):
    c = srv.openai(srv.create_key(unique_name("responses-rpm"), policy="rpm2"))
    for _ in range(2):
        c.responses.create(model=MODEL, input="hi")
    with pytest.raises(openai.RateLimitError) as caught:
        c.responses.create(model=MODEL, input="hi")
    c.close()
    assert caught.value.response.headers.get("retry-after")
    assert len(mock.model_requests()) == 2


def test_the_response_cache_answers_a_repeat_without_the_upstream(srv, mock):
    key = srv.create_key(unique_name("responses-cache"), policy="cached")
    mock.default = lambda request: openai_stream(openai_stream_chunks("cached words", usage=openai_usage(7, 2)))
    body = {"model": MODEL, "input": "the same question", "temperature": 0, "store": False}
    first = post_json(srv, "/v1/responses", key, body)
    second = post_json(srv, "/v1/responses", key, body)
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert (first.headers.get("x-sluice-cache"), second.headers.get("x-sluice-cache")) == ("miss", "hit")
    assert first.json()["output_text"] == second.json()["output_text"] == "cached words"
    assert first.json()["id"] != second.json()["id"], "a replay is a response of its own"
    assert len(mock.model_requests()) == 1
    streamed = [f["data"] for f in raw_stream(srv, key, body)]
    assert streamed[-1]["type"] == "response.completed"
    assert streamed[-1]["response"]["output"][0]["content"][0]["text"] == "cached words"
    assert len(mock.model_requests()) == 1


def test_usage_rows_name_the_responses_endpoint(srv, client, key_name, mock):
    before = srv.cli_json("usage", "--key", key_name)
    count = before[0]["requests"] if before else 0
    mock.enqueue(JSONResponse(openai_text("Counted.", usage=openai_usage(30, 4))))
    client.responses.create(model=MODEL, input="count me", store=False)
    rows, _ = poll(lambda: (lambda rs: rs if rs and rs[0]["requests"] == count + 1 else None)(
        srv.cli_json("usage", "--key", key_name)), timeout=3.0, interval=0.1)
    assert rows is not None
    with sqlite3.connect(srv.db) as db:
        endpoint, input_tokens = db.execute("SELECT endpoint, input_tokens FROM usage ORDER BY id DESC LIMIT 1").fetchone()
    assert endpoint == "responses" and input_tokens == 30


@pytest.mark.parametrize("body, param", [
    ({"model": MODEL, "input": "hi", "tools": [{"type": "web_search_preview"}]}, "tools"),
    ({"model": MODEL, "input": [{"type": "item_reference", "id": "x"}]}, "input[0].type"),
    ({"model": MODEL, "input": [{"role": "wizard", "content": "hi"}]}, "input[0].role"),
    ({"model": MODEL, "input": 42}, "input"),
    ({"model": MODEL}, "input"),
    ({"model": MODEL, "input": "hi", "temperature": 7}, "temperature"),
    ({"model": MODEL, "input": "hi", "text": {"format": {"type": "json_schema", "name": "x"}}}, "text.format.schema"),
])
def test_what_sluice_cannot_serve_is_a_400_naming_the_field(srv, key, mock, body, param):
    r = post_json(srv, "/v1/responses", key, body)
    message = assert_openai_error(r, 400, "invalid_request_error", param=param)
    if param == "tools":
        assert "web_search_preview" in message
    assert mock.model_requests() == []


# --------------------------------------------------------------------------
# An OpenAI Responses upstream, spoken natively
# --------------------------------------------------------------------------


def responses_upstream_stream(*items: dict, status: str = "completed", usage: dict | None = None,
                              fail: str | None = None) -> StreamResponse:
    """The SSE body a Responses upstream sends for `items` (each streamed the way OpenAI does)."""
    events: list[dict] = []
    response = {"id": "resp_up", "object": "response", "status": "in_progress", "model": "o-up", "output": []}
    events += [{"type": "response.created", "response": response}, {"type": "response.in_progress", "response": response}]
    for index, item in enumerate(items):
        events.append({"type": "response.output_item.added", "output_index": index, "item": {**item, "status": "in_progress"}})
        if item["type"] == "message":
            for part_index, part in enumerate(item["content"]):
                events.append({"type": "response.content_part.added", "item_id": item["id"], "output_index": index,
                               "content_index": part_index, "part": {**part, "text": "", "annotations": []}})
                for piece in (part["text"][:3], part["text"][3:]):
                    events.append({"type": "response.output_text.delta", "item_id": item["id"], "output_index": index,
                                   "content_index": part_index, "delta": piece})
                for annotation_index, annotation in enumerate(part.get("annotations", [])):
                    events.append({"type": "response.output_text.annotation.added", "item_id": item["id"],
                                   "output_index": index, "content_index": part_index,
                                   "annotation_index": annotation_index, "annotation": annotation})
                events.append({"type": "response.content_part.done", "item_id": item["id"], "output_index": index,
                               "content_index": part_index, "part": part})
        elif item["type"] == "reasoning":
            for summary in item["summary"]:
                events.append({"type": "response.reasoning_summary_text.delta", "item_id": item["id"],
                               "output_index": index, "summary_index": 0, "delta": summary["text"]})
        elif item["type"] == "function_call":
            events.append({"type": "response.function_call_arguments.delta", "item_id": item["id"],
                           "output_index": index, "delta": item["arguments"]})
        elif item["type"] == "web_search_call":
            for step in WEB_SEARCH_STEPS:
                events.append({"type": f"response.web_search_call.{step}", "item_id": item["id"], "output_index": index})
        events.append({"type": "response.output_item.done", "output_index": index, "item": {**item, "status": "completed"}})
    if fail:
        events.append({"type": "response.failed", "response": {**response, "status": "failed",
                                                                 "error": {"code": "server_error", "message": fail}}})
    else:
        final = {**response, "status": status, "output": list(items),
                 "usage": usage or {"input_tokens": 30, "input_tokens_details": {"cached_tokens": 10},
                                    "output_tokens": 8, "output_tokens_details": {"reasoning_tokens": 3},
                                    "total_tokens": 38}}
        if status == "incomplete":
            final["incomplete_details"] = {"reason": "max_output_tokens"}
        events.append({"type": f"response.{status}", "response": final})
    frames = [f"event: {e['type']}\ndata: {json.dumps({**e, 'sequence_number': n})}\n\n".encode()
              for n, e in enumerate(events)]
    return StreamResponse(frames, headers={"content-type": "text/event-stream"})


REASONING_ITEM = {"type": "reasoning", "id": "rs_up", "summary": [{"type": "summary_text", "text": "Searching."}],
                  "encrypted_content": "gAAAA-opaque"}
SEARCH_ITEM = {"type": "web_search_call", "id": "ws_up", "action": {"type": "search", "query": "paris weather"}}
ANSWER_ITEM = {"type": "message", "id": "msg_up", "role": "assistant",
               "content": [{"type": "output_text", "text": "Sunny in Paris.", "annotations": []}]}


def test_a_responses_upstream_runs_built_in_tools_and_gets_its_encrypted_reasoning_back(client, mock):
    mock.enqueue(responses_upstream_stream(REASONING_ITEM, SEARCH_ITEM, ANSWER_ITEM))
    with client.responses.stream(model=NATIVE, input="Weather in Paris?", tools=[{"type": "web_search"}],
                                 include=["reasoning.encrypted_content"], reasoning={"summary": "auto"},
                                 store=False) as stream:
        first = stream.get_final_response()
    assert first.output_text == "Sunny in Paris."
    reasoning = first.output[0]
    assert reasoning.type == "reasoning" and reasoning.encrypted_content == "gAAAA-opaque"
    assert reasoning.summary[0].text == "Searching."
    assert first.usage.input_tokens == 30 and first.usage.input_tokens_details.cached_tokens == 10
    (sent,) = [r for r in mock.requests if r.route.endswith("/responses")]
    assert sent.json["tools"] == [{"type": "web_search"}]
    assert sent.json["store"] is False and sent.json["stream"] is True
    assert "reasoning.encrypted_content" in sent.json["include"]
    assert sent.json["reasoning"]["summary"] == "auto"
    assert sent.json["input"] == [{"type": "message", "role": "user",
                                   "content": [{"type": "input_text", "text": "Weather in Paris?"}]}]

    mock.reset()
    mock.enqueue(responses_upstream_stream({**ANSWER_ITEM, "content": [{"type": "output_text", "text": "You're welcome."}]}))
    history = [{"role": "user", "content": "Weather in Paris?"},
               *(item.model_dump(exclude_none=True) for item in first.output)]
    second = client.responses.create(model=NATIVE, input=[*history, {"role": "user", "content": "Thanks!"}],
                                     tools=[{"type": "web_search"}], store=False)
    assert second.output_text == "You're welcome."
    (sent,) = [r for r in mock.requests if r.route.endswith("/responses")]
    reasoning_back = [item for item in sent.json["input"] if item["type"] == "reasoning"]
    assert [item["encrypted_content"] for item in reasoning_back] == ["gAAAA-opaque"]
    assert sent.json["input"][-1]["content"] == [{"type": "input_text", "text": "Thanks!"}]


def test_a_responses_upstream_serves_chat_completions_clients_and_function_calls(srv, key, client, mock):
    call = {"type": "function_call", "id": "fc_up", "call_id": "call_up", "name": "get_weather",
            "arguments": "{\"city\":\"Paris\"}"}
    mock.enqueue(responses_upstream_stream(call))
    completion = post_json(srv, "/v1/chat/completions", key, {
        "model": NATIVE, "messages": [{"role": "user", "content": "Weather?"}],
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": WEATHER["parameters"]}}]})
    assert completion.status_code == 200, completion.text
    choice = completion.json()["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"][0]["id"] == "call_up"
    assert json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"]) == {"city": "Paris"}
    (sent,) = [r for r in mock.requests if r.route.endswith("/responses")]
    assert sent.json["tools"] == [{"type": "function", "name": "get_weather", "parameters": WEATHER["parameters"]}]


def test_a_responses_upstream_failure_and_max_tokens_reach_the_client(srv, key, client, mock):
    mock.enqueue(responses_upstream_stream(ANSWER_ITEM, fail="the model crashed"))
    frames = raw_stream(srv, key, {"model": NATIVE, "input": "hi", "store": False})
    assert [f["event"] for f in frames[-2:]] == ["error", "response.failed"]
    assert "the model crashed" in frames[-1]["data"]["response"]["error"]["message"]

    mock.enqueue(responses_upstream_stream(ANSWER_ITEM, status="incomplete"))
    response = client.responses.create(model=NATIVE, input="hi", max_output_tokens=5, store=False)
    assert response.status == "incomplete" and response.incomplete_details.reason == "max_output_tokens"


SEARCH_DONE = {**SEARCH_ITEM, "status": "completed"}


def test_a_built_in_tool_item_reaches_a_plain_client_in_place_and_stays_in_the_stored_response(client, mock):
    # The upstream answers in one JSON document: its items go out in order, the search call unchanged.
    mock.enqueue(JSONResponse({"id": "resp_up", "object": "response", "status": "completed", "model": "o-up",
                               "output": [SEARCH_DONE, ANSWER_ITEM],
                               "usage": {"input_tokens": 12, "output_tokens": 5, "total_tokens": 17}}))
    response = client.responses.create(model=NATIVE, input="Weather in Paris?", tools=[{"type": "web_search"}])
    assert [item.type for item in response.output] == ["web_search_call", "message"]
    assert response.output[0].to_dict() == SEARCH_DONE
    assert response.output_text == "Sunny in Paris."
    stored = client.responses.retrieve(response.id)
    assert stored.output[0].to_dict() == SEARCH_DONE and stored.model_dump() == response.model_dump()

    # Continuing from the stored response sends the search call back to the upstream as it came.
    mock.reset()
    mock.enqueue(responses_upstream_stream({**ANSWER_ITEM, "content": [{"type": "output_text", "text": "Bye."}]}))
    client.responses.create(model=NATIVE, input="Thanks!", previous_response_id=response.id,
                            tools=[{"type": "web_search"}], store=False)
    (sent,) = [r for r in mock.requests if r.route.endswith("/responses")]
    assert [item["type"] for item in sent.json["input"]] == ["message", "web_search_call", "message", "message"]
    assert sent.json["input"][1] == SEARCH_DONE


def test_a_streamed_built_in_tool_call_passes_its_progress_events_on_in_order(srv, key, client, mock):
    mock.enqueue(responses_upstream_stream(SEARCH_ITEM, ANSWER_ITEM))
    with client.responses.stream(model=NATIVE, input="Weather in Paris?", tools=[{"type": "web_search"}]) as stream:
        events = list(stream)
        final = stream.get_final_response()
    assert [e.sequence_number for e in events] == list(range(len(events)))
    search = [e for e in events if getattr(e, "output_index", None) == 0]
    assert [e.type for e in search] == ["response.output_item.added",
                                        *(f"response.web_search_call.{step}" for step in WEB_SEARCH_STEPS),
                                        "response.output_item.done"]
    assert all(e.item_id == "ws_up" for e in search[1:-1])
    assert search[0].item.id == "ws_up" and search[-1].item.to_dict() == SEARCH_DONE
    assert {e.output_index for e in events if e.type.startswith("response.output_text")} == {1}
    assert final.output[0].to_dict() == SEARCH_DONE and final.output_text == "Sunny in Paris."
    # The streamed response was stored with the item.
    assert client.responses.retrieve(final.id).output[0].to_dict() == SEARCH_DONE


def test_a_built_in_tool_item_sent_back_by_hand_reaches_a_responses_upstream_unchanged(client, mock):
    history = [{"role": "user", "content": "Weather in Paris?"}, SEARCH_DONE, ANSWER_ITEM,
               {"role": "user", "content": "Thanks!"}]
    mock.enqueue(responses_upstream_stream({**ANSWER_ITEM, "content": [{"type": "output_text", "text": "Bye."}]}))
    client.responses.create(model=NATIVE, input=history, tools=[{"type": "web_search"}], store=False)
    (sent,) = [r for r in mock.requests if r.route.endswith("/responses")]
    assert sent.json["input"][1] == SEARCH_DONE

    # A Chat Completions backend cannot read the call: it is left out, and the conversation goes on,
    # the answer that followed the search saying what it found.
    mock.reset()
    mock.enqueue(JSONResponse(openai_text("Bye.")))
    assert client.responses.create(model=MODEL, input=history, store=False).output_text == "Bye."
    assert upstream_messages(mock) == [{"role": "user", "content": "Weather in Paris?"},
                                       {"role": "assistant", "content": "Sunny in Paris."},
                                       {"role": "user", "content": "Thanks!"}]


CITATION = {"type": "url_citation", "start_index": 0, "end_index": 15, "url": "https://weather.example/paris",
            "title": "Paris weather"}
CITED_ITEM = {**ANSWER_ITEM, "content": [{"type": "output_text", "text": "Sunny in Paris.", "annotations": [CITATION]}]}


def test_web_search_citations_reach_responses_clients_and_no_other_protocol(srv, key, client, mock):
    # Streamed: the annotation event at the text's place, and the part that carries it.
    mock.enqueue(responses_upstream_stream(SEARCH_ITEM, CITED_ITEM))
    with client.responses.stream(model=NATIVE, input="Weather in Paris?", tools=[{"type": "web_search"}]) as stream:
        events = list(stream)
        final = stream.get_final_response()
    (added,) = [e for e in events if e.type == "response.output_text.annotation.added"]
    assert (added.output_index, added.content_index, added.annotation_index) == (1, 0, 0)
    assert added.annotation.to_dict() == CITATION
    assert final.output[1].content[0].annotations[0].to_dict() == CITATION
    assert client.responses.retrieve(final.id).output[1].content[0].annotations[0].to_dict() == CITATION
    # Continuing sends the annotated answer back as it came.
    mock.reset()
    mock.enqueue(responses_upstream_stream({**ANSWER_ITEM, "content": [{"type": "output_text", "text": "Bye."}]}))
    client.responses.create(model=NATIVE, input="Thanks!", previous_response_id=final.id, store=False,
                            tools=[{"type": "web_search"}])
    (sent,) = [r for r in mock.requests if r.route.endswith("/responses")]
    assert sent.json["input"][2]["content"][0]["annotations"] == [CITATION]

    # Plain: from a one-document upstream answer.
    mock.reset()
    mock.enqueue(JSONResponse({"id": "resp_up", "object": "response", "status": "completed", "model": "o-up",
                               "output": [SEARCH_DONE, CITED_ITEM], "usage": {"input_tokens": 1, "output_tokens": 1}}))
    plain = client.responses.create(model=NATIVE, input="Weather?", tools=[{"type": "web_search"}], store=False)
    assert plain.output[1].content[0].annotations[0].to_dict() == CITATION

    # An Anthropic client of the same backend gets the text, and no citation it could not read.
    mock.reset()
    mock.enqueue(responses_upstream_stream(CITED_ITEM))
    r = post_json(srv, "/v1/messages", key, {"model": NATIVE, "max_tokens": 50,
                                             "messages": [{"role": "user", "content": "Weather?"}]})
    assert r.status_code == 200, r.text
    assert r.json()["content"] == [{"type": "text", "text": "Sunny in Paris."}]
