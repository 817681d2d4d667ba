"""The request path under hostile clients (issue #9): bodies built to be slow to parse, out-of-range
sampling values on the OpenAI front, and bodies that are not JSON at all.

Each case goes through the real server; whatever is refused must be a 4xx in the caller's
protocol and must not reach the upstream."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from sluice_harness import (
    ANTHROPIC,
    ANTHROPIC_VERSION,
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

#: The parser's cap on the keys of one object (JSONParser.Limits.maximumKeysPerObject).
KEYS_PER_OBJECT_CAP = 10_000
#: Generous for a debug build on a busy machine; a quadratic parser took 10 s for 80,000 keys.
FAST = 2.0


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock):
    """An OpenAI upstream for most models, an Anthropic one for `claude-anth-*` (extra fields travel there)."""
    return module_sluice(
        backends=[backend("upstream", _module_mock.base_url), backend("anth", _module_mock.base_url, type="anthropic")],
        routes=[route("claude-anth-*", "anth"), route("*")])


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("hostile"))


def many_keys(count: int, prefix: str = "k") -> dict[str, str]:
    return {f"{prefix}{i}": "v" for i in range(count)}


def timed_post(proto, srv, key, body: dict[str, Any]):
    data = json.dumps(body).encode()
    started = time.monotonic()
    r = proto.post(srv, key, data=data)
    return r, time.monotonic() - started


# --------------------------------------------------------------------------
# Objects with many keys
# --------------------------------------------------------------------------


@proto_param
def test_80000_keys_in_one_object_are_refused_quickly_naming_the_cap(srv, key, mock, proto):
    body = proto.body(metadata=many_keys(80_000))
    r, elapsed = timed_post(proto, srv, key, body)
    msg = proto.assert_error(r, "invalid", param=ANY_PARAM)
    assert str(KEYS_PER_OBJECT_CAP) in msg and "keys" in msg, msg
    assert elapsed < FAST, f"80,000 keys took {elapsed:.2f} s to refuse"
    assert mock.model_requests() == []


@proto_param
def test_80000_keys_under_the_cap_travel_the_whole_path_quickly(srv, key, mock, proto):
    """Eight tool schemas of 10,000 properties each: decoded, walked by the policy stages, encoded
    for the upstream; nothing on the way may be quadratic in the keys of an object."""
    properties = [{f"p{i}_{j}": {"type": "string"} for j in range(KEYS_PER_OBJECT_CAP)} for i in range(8)]
    if proto.is_anthropic:
        tools = [{"name": f"tool{i}", "input_schema": {"type": "object", "properties": p}} for i, p in enumerate(properties)]
    else:
        tools = [{"type": "function", "function": {"name": f"tool{i}", "parameters": {"type": "object", "properties": p}}}
                 for i, p in enumerate(properties)]
    r, elapsed = timed_post(proto, srv, key, proto.body(tools=tools, metadata={"user_id": "u"}))
    proto.assert_ok(r)
    assert elapsed < 4 * FAST, f"80,000 keys took {elapsed:.2f} s"
    (up,) = mock.model_requests()
    sent = up.json["tools"]
    assert len(sent) == 8
    schema = sent[0]["input_schema"] if "input_schema" in sent[0] else sent[0]["function"]["parameters"]
    assert len(schema["properties"]) == KEYS_PER_OBJECT_CAP


@proto_param
def test_80000_keys_in_a_tool_call_of_the_history_travel_the_whole_path_quickly(srv, key, mock, proto):
    """Tool inputs are walked by the PII stage and re-encoded as argument strings for OpenAI upstreams
    (OpenAI clients send them as strings, which the decoder parses)."""
    tool_input = {f"a{i}": many_keys(KEYS_PER_OBJECT_CAP, prefix=f"k{i}_") for i in range(8)}
    if proto.is_anthropic:
        messages = [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "write", "input": tool_input}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "done"}]},
        ]
    else:
        messages = [
            {"role": "user", "content": "go"},
            {"role": "assistant", "tool_calls": [
                {"id": "t1", "type": "function", "function": {"name": "write", "arguments": json.dumps(tool_input)}}]},
            {"role": "tool", "tool_call_id": "t1", "content": "done"},
        ]
    r, elapsed = timed_post(proto, srv, key, proto.body(messages=messages))
    proto.assert_ok(r)
    assert elapsed < 4 * FAST, f"80,000 keys took {elapsed:.2f} s"
    (up,) = mock.model_requests()
    (call,) = up.json["messages"][1]["tool_calls"]
    assert json.loads(call["function"]["arguments"]) == tool_input


def test_thousands_of_unknown_top_level_fields_reach_an_anthropic_upstream_quickly(srv, key, mock):
    """Unknown top-level fields are kept for Anthropic upstreams one by one: that must not be quadratic."""
    body = ANTHROPIC.body(model="claude-anth-x", **many_keys(KEYS_PER_OBJECT_CAP - 10, prefix="x_"))
    r, elapsed = timed_post(ANTHROPIC, srv, key, body)
    ANTHROPIC.assert_ok(r)
    assert elapsed < FAST, f"{KEYS_PER_OBJECT_CAP - 10} top-level fields took {elapsed:.2f} s"
    (up,) = mock.model_requests()
    assert up.json["x_0"] == "v" and up.json[f"x_{KEYS_PER_OBJECT_CAP - 11}"] == "v"


@proto_param
def test_duplicate_keys_in_a_large_object_are_refused(srv, key, mock, proto):
    keys = many_keys(500)
    data = json.dumps(proto.body(metadata=keys)).encode()
    data = data.replace(b'"k499": "v"', b'"k499": "v", "k7": "w"')
    r = proto.post(srv, key, data=data)
    msg = proto.assert_error(r, "invalid", param=ANY_PARAM)
    assert "duplicate key" in msg and "k7" in msg, msg
    assert mock.model_requests() == []


def test_healthz_is_not_delayed_while_two_huge_objects_are_posted(srv, key, mock):
    data = json.dumps(ANTHROPIC.body(metadata=many_keys(80_000))).encode()
    statuses: list[int] = []

    def post() -> None:
        statuses.append(ANTHROPIC.post(srv, key, data=data).status_code)

    posters = [threading.Thread(target=post) for _ in range(2)]
    for poster in posters:
        poster.start()
    slowest = 0.0
    while any(poster.is_alive() for poster in posters):
        started = time.monotonic()
        r = srv.get("/healthz", auth=None)
        slowest = max(slowest, time.monotonic() - started)
        assert r.status_code == 200, describe(r)
        time.sleep(0.02)
    for poster in posters:
        poster.join()
    assert statuses == [400, 400]
    assert slowest < 0.5, f"/healthz took {slowest:.2f} s while two huge bodies were parsed"


def test_deep_nesting_at_the_cap_travels_the_whole_path_and_past_it_is_refused(srv, key, mock):
    """A tool schema nested to just under the parser's cap (512) is decoded, walked, encoded and sent
    without exhausting a stack; one level more is a 400."""
    def body(depth: int) -> bytes:
        schema = '{"type":"object","properties":{"a":' + '{"a":' * depth + "1" + "}" * depth + "}}"
        tools = '[{"name":"t","input_schema":' + schema + "}]"
        return json.dumps(ANTHROPIC.body()).encode()[:-1] + b', "tools": ' + tools.encode() + b"}"

    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, key, data=body(506)))
    assert len(mock.model_requests()) == 1
    msg = ANTHROPIC.assert_error(ANTHROPIC.post(srv, key, data=body(507)), "invalid")
    assert "nesting deeper than 512 levels" in msg, msg


# --------------------------------------------------------------------------
# OpenAI-front validation
# --------------------------------------------------------------------------

BAD_OPENAI_VALUES = [
    ("max_tokens", -1), ("max_tokens", 0), ("max_tokens", -(2**63)), ("max_tokens", 2**64), ("max_tokens", 1.5),
    ("max_completion_tokens", -1), ("max_completion_tokens", 0),
    ("temperature", -1), ("temperature", 1e308), ("temperature", 2.5), ("temperature", "hot"),
    ("top_p", -1), ("top_p", 2), ("top_k", -1), ("top_k", -2),
    ("n", 0), ("n", 2), ("n", -1),
    ("presence_penalty", -3), ("presence_penalty", 2.5), ("frequency_penalty", 1e308), ("frequency_penalty", -2.01),
    ("seed", 1.5), ("seed", 2**64), ("seed", "x"),
    ("stop", 5), ("stop", [1]), ("stop", {"a": 1}),
    ("stream", "yes"), ("parallel_tool_calls", 1), ("user", 5), ("reasoning_effort", 3),
    ("min_p", 2), ("repetition_penalty", 0),
]


def with_field(field: str, value: Any) -> dict[str, Any]:
    body = OPENAI.body()
    body[field] = value
    return body


@pytest.mark.parametrize("field,value", BAD_OPENAI_VALUES, ids=[f"{f}={v!r}"[:40] for f, v in BAD_OPENAI_VALUES])
def test_openai_out_of_range_value_is_400_naming_the_param(srv, key, mock, field, value):
    r = OPENAI.post(srv, key, body=with_field(field, value))
    param = f"{field}[0]" if isinstance(value, list) else field  # an element at fault is named by its index
    msg = assert_openai_error(r, 400, "invalid_request_error", param=param)
    assert msg.startswith(f"{param}: "), msg
    assert mock.model_requests() == []


GOOD_OPENAI_VALUES = [
    ("max_tokens", 1), ("max_completion_tokens", 128000), ("temperature", 0), ("temperature", 2), ("top_p", 0),
    ("top_p", 1), ("top_k", 0), ("top_k", 40), ("n", 1), ("presence_penalty", -2), ("frequency_penalty", 2),
    ("seed", -(2**63)), ("stop", "x"), ("stop", ["a", "b", "c", "d", "e"]),
]


@pytest.mark.parametrize("field,value", GOOD_OPENAI_VALUES, ids=[f"{f}={v!r}" for f, v in GOOD_OPENAI_VALUES])
def test_openai_edge_of_range_value_is_accepted(srv, key, mock, field, value):
    OPENAI.assert_ok(OPENAI.post(srv, key, body=with_field(field, value)))
    assert len(mock.model_requests()) == 1


def test_openai_nested_error_names_its_path_as_param(srv, key, mock):
    body = OPENAI.body(messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": 5}])
    r = OPENAI.post(srv, key, body=body)
    assert_openai_error(r, 400, "invalid_request_error", param="messages[1].content")
    assert mock.model_requests() == []


# --------------------------------------------------------------------------
# Content type
# --------------------------------------------------------------------------

REFUSED_CONTENT_TYPES = [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/jsonp", "application/json-seq", "json"]
ACCEPTED_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "Application/JSON",
                          "application/json;charset=UTF-8", "application/vnd.api+json"]


def post_with_content_type(proto, srv, key, content_type: str | None):
    headers = {"anthropic-version": ANTHROPIC_VERSION} if proto.is_anthropic else {}
    if content_type is not None:
        headers["content-type"] = content_type
    return srv.post(proto.path, key=key, headers=headers, data=json.dumps(proto.body()).encode())


@proto_param
@pytest.mark.parametrize("content_type", REFUSED_CONTENT_TYPES, ids=repr)
def test_non_json_content_type_is_415_in_the_protocol_shape(srv, key, mock, proto, content_type):
    r = post_with_content_type(proto, srv, key, content_type)
    assert r.request.headers.get("content-type") == content_type, r.request.headers
    if proto.is_anthropic:
        msg = assert_anthropic_error(r, 415, "invalid_request_error")
    else:
        msg = assert_openai_error(r, 415, "invalid_request_error", "unsupported_media_type")
    assert "application/json" in msg, msg
    assert mock.model_requests() == []


@proto_param
@pytest.mark.parametrize("content_type", ACCEPTED_CONTENT_TYPES)
def test_json_content_types_are_accepted(srv, key, mock, proto, content_type):
    proto.assert_ok(post_with_content_type(proto, srv, key, content_type))


def test_count_tokens_checks_the_content_type_too(srv, key, mock):
    r = srv.post("/v1/messages/count_tokens", key=key, data=json.dumps(ANTHROPIC.body()).encode(),
                 headers={"anthropic-version": ANTHROPIC_VERSION, "content-type": "text/plain"})
    assert_anthropic_error(r, 415, "invalid_request_error")


class _AnyParam:
    """The parser's errors carry no field, so `param` may be null; anything else must be a string."""

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, str)


ANY_PARAM = _AnyParam()
