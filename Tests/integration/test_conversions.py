"""What the upstream RECEIVES, asserted exactly, for the tricky Anthropic → OpenAI conversions, and
for an Anthropic-type backend that must get Claude Code's request natively.

Requests are sent raw with `requests`, shaped like Claude Code 2.1's (see PROTOCOL-NOTES.md):
`/v1/messages?beta=true`, `anthropic-beta`, `x-app: cli`, a billing line first in `system`, a
`role: system` message after the first user turn, tool results followed by `<system-reminder>` text,
tools with `$schema` / `additionalProperties` / `defer_loading`.
"""

from __future__ import annotations

import copy
import json

import pytest

import mock_upstream as m

from protocol_checks import BILLING_LINE, CLAUDE_CODE_HEADERS, ordered_dumps, post_json
from sluice_harness import UPSTREAM_SECRET, backend, describe, route, unique_name

CC_PATH = "/v1/messages?beta=true"
SYSTEM_PROMPT = "You are Claude Code, Anthropic's official CLI for Claude."
USER_ID = json.dumps({"device_id": "d3adb33f", "account_uuid": "", "session_id": "5e55-10n"})
CONTEXT_MANAGEMENT = {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]}
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

READ_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "file_path": {"type": "string", "description": "The absolute path to the file to read"},
        "offset": {"type": "number"},
        "limit": {"type": "number"},
    },
    "required": ["file_path"],
    "additionalProperties": False,
}
# Keys deliberately out of any canonical order: they must reach the upstream in this order.
BASH_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["command"],
    "properties": {"timeout": {"type": "number"}, "command": {"type": "string"}, "description": {"type": "string"}},
    "$schema": "http://json-schema.org/draft-07/schema#",
}
FETCH_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"url": {"type": "string", "format": "uri"}, "prompt": {"type": "string"}},
    "required": ["url", "prompt"],
    "additionalProperties": False,
}
TOOLS = [
    {"name": "Read", "description": "Reads a file from the local filesystem.", "input_schema": READ_SCHEMA},
    {"name": "Bash", "description": "Executes a bash command.", "input_schema": BASH_SCHEMA},
    {"name": "WebFetch", "description": "Fetches a URL.", "input_schema": FETCH_SCHEMA, "defer_loading": True,
     "cache_control": {"type": "ephemeral"}},
]
BASH_INPUT = {"description": "list files", "command": "ls -la", "timeout": 5000}


def cc_request(model: str, **overrides) -> dict:
    """A Claude-Code-2.1-shaped request body: second turn, after one Bash call."""
    body = {
        "model": model,
        "max_tokens": 32000,
        "system": [
            {"type": "text", "text": BILLING_LINE},
            {"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}},
        ],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "List the files", "cache_control": {"type": "ephemeral"}}]},
            {"role": "system", "content": [{"type": "text", "text": "Respond in English."}],
             "output_config": {"effort": "low"}},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "I should run ls.", "signature": "EqQBCkYIBxgCKkD-sig"},
                {"type": "text", "text": "Listing."},
                {"type": "tool_use", "id": "toolu_01Bash", "name": "Bash", "input": BASH_INPUT},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01Bash",
                 "content": [{"type": "text", "text": "a.txt\nb.txt"}]},
                {"type": "text", "text": "<system-reminder>The todo list is empty.</system-reminder>"},
            ]},
        ],
        "tools": TOOLS,
        "tool_choice": {"type": "auto"},
        "metadata": {"user_id": USER_ID},
        "thinking": {"type": "adaptive", "display": "omitted"},
        "output_config": {"effort": "medium"},
        "context_management": CONTEXT_MANAGEMENT,
        "temperature": 0,
        "stream": True,
    }
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock):
    url = _module_mock.base_url
    b = dict(connect_timeout="2s", read_timeout="5s", max_attempts=1)
    return module_sluice(
        backends=[
            backend("inline", url, **b),
            backend("fold", url, system_messages="fold", **b),
            backend("effort", url, reasoning="reasoning_effort", **b),
            backend("kwargs", url, reasoning="chat_template_kwargs", **b),
            backend("billing", url, keep_billing_header=True, **b),
            backend("vllm", url, extended_sampling=True, **b),
            backend("anth", url, type="anthropic", **b),
        ],
        routes=[
            route("glm-5.2[1m]", "inline", model="glm-upstream-5.2"),
            route("fold-*", "fold"),
            route("effort-*", "effort"),
            route("kwargs-*", "kwargs"),
            route("billing-*", "billing"),
            route("vllm-*", "vllm"),
            route("anth-*", "anth"),
            route("*", "inline"),
        ],
    )


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("conversions"))


def send(srv, key, body, *, path=CC_PATH, headers=CLAUDE_CODE_HEADERS):
    """POST, read the whole answer (streamed or not), require 200."""
    r = post_json(srv, path, key, body, headers=headers, stream=bool(body.get("stream")))
    content = r.content  # drains a stream
    assert r.status_code == 200, describe(r)
    return r, content


def received(mock):
    (up,) = mock.model_requests()
    return up


def normalized_arguments(body: dict) -> dict:
    """The body with every tool call's `arguments` string parsed (its formatting is free; key order is checked apart)."""
    body = copy.deepcopy(body)
    for m in body.get("messages", []):
        for tc in m.get("tool_calls") or []:
            tc["function"]["arguments"] = json.loads(tc["function"]["arguments"])
    return body


def flat_text(content) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(p["text"] for p in content if p.get("type") == "text")


EXPECTED_FUNCTION_TOOLS = [
    {"type": "function", "function": {"name": t["name"], "description": t["description"], "parameters": t["input_schema"]}}
    for t in TOOLS
]


# --------------------------------------------------------------------------
# The whole Claude Code request, OpenAI-type backend
# --------------------------------------------------------------------------


def test_claude_code_request_reaches_openai_backend_exactly(srv, key, mock):
    send(srv, key, cc_request("claude-sonnet-4-5"))
    up = received(mock)
    assert up.route == "/v1/chat/completions"
    body = normalized_arguments(up.json)
    assistant = body["messages"][3]
    # Earlier thinking may travel back as reasoning_content (templates read or drop it) or not at all.
    assert assistant.pop("reasoning_content", "I should run ls.") == "I should run ls."
    assert body == {
        "model": "claude-sonnet-4-5",
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": "List the files"},
            {"role": "system", "content": "Respond in English."},
            {"role": "assistant", "content": "Listing.", "tool_calls": [
                {"id": "toolu_01Bash", "type": "function", "function": {"name": "Bash", "arguments": BASH_INPUT}}]},
            {"role": "tool", "tool_call_id": "toolu_01Bash", "content": "a.txt\nb.txt"},
            {"role": "user", "content": "<system-reminder>The todo list is empty.</system-reminder>"},
        ],
        "tools": EXPECTED_FUNCTION_TOOLS,
        "tool_choice": "auto",
        "max_tokens": 32000,
        "temperature": 0,
        "user": USER_ID,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    assert "x-anthropic-billing-header" not in up.text
    assert "cache_control" not in up.text and "defer_loading" not in up.text
    assert up.headers.get("authorization") == f"Bearer {UPSTREAM_SECRET}"
    assert "anthropic-beta" not in up.headers and "x-app" not in up.headers


def test_tool_schemas_and_tool_call_arguments_keep_their_key_order(srv, key, mock):
    send(srv, key, cc_request("claude-sonnet-4-5"))
    up = received(mock).json  # json.loads keeps key order
    for got, tool in zip(up["tools"], TOOLS):
        assert ordered_dumps(got["function"]["parameters"]) == ordered_dumps(tool["input_schema"]), tool["name"]
    args = up["messages"][3]["tool_calls"][0]["function"]["arguments"]
    assert ordered_dumps(json.loads(args)) == ordered_dumps(BASH_INPUT)


def test_same_conversation_encodes_to_identical_bytes_twice(srv, key, mock):
    """Prefix caching: the billing line's hash changes per request, nothing else may."""
    send(srv, key, cc_request("claude-sonnet-4-5"))
    first = mock.model_requests()[0].body
    second_body = cc_request("claude-sonnet-4-5")
    second_body["system"][0]["text"] = BILLING_LINE.replace("cch=ab12f", "cch=9c0de")
    send(srv, key, second_body)
    second = mock.model_requests()[1].body
    assert first == second


def test_temperature_zero_is_sent_as_zero_not_dropped(srv, key, mock):
    send(srv, key, {"model": "m", "max_tokens": 10, "temperature": 0, "messages": [{"role": "user", "content": "x"}]})
    assert "temperature" in received(mock).json and received(mock).json["temperature"] == 0


OPEN_MODEL_SAMPLING = {"top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1}


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/chat/completions"])
def test_open_model_sampling_fields_reach_an_upstream_that_takes_them(srv, key, mock, path):
    body = {"model": "vllm-qwen", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}], **OPEN_MODEL_SAMPLING}
    send(srv, key, body, path=path, headers={})
    got = received(mock).json
    assert {name: got.get(name) for name in OPEN_MODEL_SAMPLING} == OPEN_MODEL_SAMPLING


def test_open_model_sampling_fields_stay_away_from_an_upstream_that_refuses_them(srv, key, mock):
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}], "repeat_penalty": 1.2, **OPEN_MODEL_SAMPLING}
    send(srv, key, body, path="/v1/chat/completions", headers={})
    assert not set(received(mock).json) & {*OPEN_MODEL_SAMPLING, "repeat_penalty"}


def test_an_out_of_range_sampling_field_is_refused_before_the_upstream(srv, key, mock):
    r = post_json(srv, "/v1/chat/completions", key, {"model": "vllm-x", "messages": [{"role": "user", "content": "x"}],
                                                     "min_p": 2})
    assert r.status_code == 400, describe(r)
    assert r.json()["error"]["message"] == "min_p: must be between 0 and 1"
    assert mock.model_requests() == []


def test_metadata_user_id_becomes_user(srv, key, mock):
    send(srv, key, {"model": "m", "max_tokens": 10, "metadata": {"user_id": USER_ID},
                    "messages": [{"role": "user", "content": "x"}]})
    assert received(mock).json["user"] == USER_ID
    assert "metadata" not in received(mock).json


# --------------------------------------------------------------------------
# System messages
# --------------------------------------------------------------------------


def test_billing_line_is_removed_leaving_one_leading_system_message(srv, key, mock):
    send(srv, key, cc_request("claude-sonnet-4-5"))
    msgs = received(mock).json["messages"]
    assert msgs[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert msgs[1]["role"] != "system"


def test_keep_billing_header_true_keeps_the_billing_line(srv, key, mock):
    send(srv, key, cc_request("billing-model"))
    msgs = received(mock).json["messages"]
    assert msgs[0]["role"] == "system"
    lines = msgs[0]["content"].split("\n")
    assert lines[0] == BILLING_LINE and lines[-1] == SYSTEM_PROMPT
    assert "cache_control" not in received(mock).text


def test_mid_conversation_system_message_stays_in_place_inline(srv, key, mock):
    send(srv, key, cc_request("claude-sonnet-4-5"))
    roles = [m["role"] for m in received(mock).json["messages"]]
    assert roles == ["system", "user", "system", "assistant", "tool", "user"]
    assert received(mock).json["messages"][2] == {"role": "system", "content": "Respond in English."}


def test_mid_conversation_system_message_folds_into_the_preceding_user_turn(srv, key, mock):
    send(srv, key, cc_request("fold-model"))
    msgs = received(mock).json["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "tool", "user"], msgs
    assert msgs[0] == {"role": "system", "content": SYSTEM_PROMPT}, "folding must never hoist to the head"
    assert flat_text(msgs[1]["content"]) == "List the files\nRespond in English."


def test_first_request_shape_system_after_user_turn_is_not_hoisted(srv, key, mock):
    """Claude Code's very first request: user turn, then a system message, nothing else."""
    body = cc_request("claude-sonnet-4-5", messages=[
        {"role": "user", "content": [{"type": "text", "text": "hello"}]},
        {"role": "system", "content": [{"type": "text", "text": "Be brief."}], "output_config": {"effort": "low"}},
    ])
    send(srv, key, body)
    msgs = received(mock).json["messages"]
    assert msgs == [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "hello"},
                    {"role": "system", "content": "Be brief."}]


def test_system_message_between_a_tool_call_and_its_result_waits_until_after_the_results(srv, key, mock):
    body = cc_request("claude-sonnet-4-5")
    msgs = body["messages"]
    # move the system message between the assistant's call and the user turn holding its result
    body["messages"] = [msgs[0], msgs[2], {"role": "system", "content": "Mind the sandbox."}, msgs[3]]
    send(srv, key, body)
    got = received(mock).json["messages"]
    roles = [m["role"] for m in got]
    i = roles.index("assistant")
    assert roles[i + 1] == "tool", f"nothing may come between a tool call and its result: {roles}"
    assert {"role": "system", "content": "Mind the sandbox."} in got[i + 2:]


# --------------------------------------------------------------------------
# Tool results, images
# --------------------------------------------------------------------------


def test_tool_results_come_first_even_when_the_client_put_text_before_them(srv, key, mock):
    body = {"model": "m", "max_tokens": 10, "messages": [
        {"role": "user", "content": "run both"},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_a", "name": "Bash", "input": {"command": "ls"}},
            {"type": "tool_use", "id": "toolu_b", "name": "Bash", "input": {"command": "pwd"}}]},
        {"role": "user", "content": [
            {"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
            {"type": "tool_result", "tool_use_id": "toolu_a", "content": "a.txt"},
            {"type": "tool_result", "tool_use_id": "toolu_b", "content": [{"type": "text", "text": "/work"}]},
        ]},
    ]}
    send(srv, key, body)
    got = received(mock).json["messages"]
    assert got[2:] == [
        {"role": "tool", "tool_call_id": "toolu_a", "content": "a.txt"},
        {"role": "tool", "tool_call_id": "toolu_b", "content": "/work"},
        {"role": "user", "content": "<system-reminder>ctx</system-reminder>"},
    ]


def test_base64_image_becomes_a_data_url_part(srv, key, mock):
    send(srv, key, {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
        {"type": "text", "text": "What is in this image?"},
    ]}]})
    assert received(mock).json["messages"] == [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG_B64}},
        {"type": "text", "text": "What is in this image?"},
    ]}]


# --------------------------------------------------------------------------
# tool_choice
# --------------------------------------------------------------------------


@pytest.mark.parametrize("choice,expected", [
    ({"type": "auto"}, ("auto", None)),
    ({"type": "any"}, ("required", None)),
    ({"type": "none"}, ("none", None)),
    ({"type": "tool", "name": "Read"}, ({"type": "function", "function": {"name": "Read"}}, None)),
    ({"type": "auto", "disable_parallel_tool_use": True}, ("auto", False)),
    ({"type": "tool", "name": "Bash", "disable_parallel_tool_use": True},
     ({"type": "function", "function": {"name": "Bash"}}, False)),
], ids=["auto", "any", "none", "tool", "auto-no-parallel", "tool-no-parallel"])
def test_tool_choice_variants(srv, key, mock, choice, expected):
    send(srv, key, {"model": "m", "max_tokens": 10, "tools": TOOLS[:2], "tool_choice": choice,
                    "messages": [{"role": "user", "content": "x"}]})
    body = received(mock).json
    assert (body.get("tool_choice"), body.get("parallel_tool_calls")) == expected


# --------------------------------------------------------------------------
# Thinking → the backend's reasoning control
# --------------------------------------------------------------------------


@pytest.mark.parametrize("thinking,output_config,expected", [
    ({"type": "adaptive", "display": "omitted"}, {"effort": "medium"}, "medium"),
    ({"type": "adaptive"}, {"effort": "low"}, "low"),
    ({"type": "enabled", "budget_tokens": 2048}, {"effort": "high"}, "high"),
    ({"type": "disabled"}, None, None),
], ids=["adaptive-medium", "adaptive-low", "enabled-high", "disabled"])
def test_thinking_and_effort_become_reasoning_effort(srv, key, mock, thinking, output_config, expected):
    body = {"model": "effort-model", "max_tokens": 4096, "thinking": thinking,
            "messages": [{"role": "user", "content": "x"}]}
    if output_config:
        body["output_config"] = output_config
    send(srv, key, body)
    got = received(mock).json
    assert got.get("reasoning_effort") == expected
    assert "chat_template_kwargs" not in got and "thinking" not in got and "output_config" not in got


@pytest.mark.parametrize("thinking,expected", [
    ({"type": "adaptive", "display": "omitted"}, {"enable_thinking": True}),
    ({"type": "enabled", "budget_tokens": 2048}, {"enable_thinking": True}),
    ({"type": "disabled"}, {"enable_thinking": False}),
    (None, None),
], ids=["adaptive", "enabled", "disabled", "absent"])
def test_thinking_becomes_chat_template_kwargs_enable_thinking(srv, key, mock, thinking, expected):
    body = {"model": "kwargs-model", "max_tokens": 4096, "output_config": {"effort": "high"},
            "messages": [{"role": "user", "content": "x"}]}
    if thinking:
        body["thinking"] = thinking
    send(srv, key, body)
    got = received(mock).json
    assert got.get("chat_template_kwargs") == expected
    assert "reasoning_effort" not in got


# --------------------------------------------------------------------------
# Unknown fields, model names
# --------------------------------------------------------------------------


def request_full_of_unknown_fields(model: str) -> dict:
    body = cc_request(model)
    body["brand_new_top_level"] = {"x": 1}
    body["service_tier"] = "auto"
    body["mcp_servers"] = []
    body["system"][1]["citations"] = None
    body["system"][1]["future_flag"] = True
    body["metadata"]["trace"] = "abc"
    body["thinking"]["future_knob"] = 3
    body["tool_choice"]["future_choice_field"] = "y"
    body["tools"] = copy.deepcopy(TOOLS) + [{"type": "web_search_20250305", "name": "web_search", "max_uses": 5}]
    body["tools"][0]["eager_input_streaming"] = True
    body["tools"][1]["strict"] = True
    msgs = body["messages"]
    msgs[0]["future_message_field"] = 1
    msgs[0]["content"].append({"type": "future_block", "payload": {"a": 1}})
    msgs[0]["content"][0]["citations"] = []
    msgs[2]["content"][2]["caller"] = {"type": "direct"}
    msgs[2]["content"].insert(2, {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
                                  "input": {"query": "x"}})
    msgs[2]["content"].insert(3, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []})
    msgs[3]["content"][0]["future_result_field"] = "z"
    msgs[3]["content"].append({"type": "container_upload", "file_id": "file_1"})
    return body


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "anth-model"], ids=["openai-backend", "anthropic-backend"])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "non-stream"])
def test_unknown_fields_everywhere_are_accepted(srv, key, mock, model, stream):
    body = request_full_of_unknown_fields(model)
    body["stream"] = stream
    r, _ = send(srv, key, body)
    assert r.status_code == 200
    assert len(mock.model_requests()) == 1


def test_unknown_fields_do_not_reach_an_openai_backend(srv, key, mock):
    send(srv, key, request_full_of_unknown_fields("claude-sonnet-4-5"))
    text = received(mock).text
    for name in ("brand_new_top_level", "service_tier", "mcp_servers", "future_", "eager_input_streaming",
                 "server_tool_use", "web_search", "container_upload", "context_management"):
        assert name not in text, f"{name} leaked to an OpenAI-type backend: {text[:2000]}"


def test_model_with_brackets_routes_by_literal_glob_and_is_rewritten(srv, key, mock):
    send(srv, key, {"model": "glm-5.2[1m]", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]})
    assert received(mock).json["model"] == "glm-upstream-5.2"


def test_brackets_in_a_route_glob_are_not_a_character_class(srv, key, mock):
    # as a character class, "glm-5.2[1m]" would match "glm-5.21" and rewrite it
    send(srv, key, {"model": "glm-5.21", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]})
    assert received(mock).json["model"] == "glm-5.21"


# --------------------------------------------------------------------------
# Anthropic-type backend: the request goes natively
# --------------------------------------------------------------------------


def test_anthropic_backend_receives_the_claude_code_request_natively(srv, key, mock):
    send(srv, key, cc_request("anth-sonnet"))
    up = received(mock)
    assert up.route == "/v1/messages"
    assert up.headers.get("x-api-key") == UPSTREAM_SECRET
    assert up.headers.get("anthropic-version") == "2023-06-01"
    assert up.headers.get("anthropic-beta") == CLAUDE_CODE_HEADERS["anthropic-beta"]
    assert "authorization" not in up.headers
    sent = cc_request("anth-sonnet")
    expected = {
        "model": "anth-sonnet",
        "max_tokens": 32000,
        "system": sent["system"],  # billing line kept: only Anthropic reads it
        "messages": [
            sent["messages"][0],
            sent["messages"][1],  # with its own output_config
            sent["messages"][2],  # thinking with its signature, text, tool_use
            sent["messages"][3],
        ],
        "tools": TOOLS,  # defer_loading and cache_control included
        "tool_choice": {"type": "auto"},
        "thinking": {"type": "adaptive", "display": "omitted"},
        "temperature": 0,
        "metadata": {"user_id": USER_ID},
        "output_config": {"effort": "medium"},
        "stream": True,
        "context_management": CONTEXT_MANAGEMENT,
    }
    assert up.json == expected


def test_anthropic_backend_keeps_defer_loading_on_tools(srv, key, mock):
    """README: unknown fields reach Anthropic-type backends unchanged; Claude Code marks deferred tools."""
    send(srv, key, cc_request("anth-sonnet"))
    tools = received(mock).json["tools"]
    assert [t.get("defer_loading") for t in tools] == [None, None, True], tools


def test_anthropic_backend_keeps_fields_of_a_mid_conversation_system_message(srv, key, mock):
    """Claude Code's system message carries its own output_config; an Anthropic upstream must get it."""
    send(srv, key, cc_request("anth-sonnet"))
    msg = received(mock).json["messages"][1]
    assert msg == cc_request("anth-sonnet")["messages"][1]


PDF_DOCUMENT = {"type": "document", "title": "Q3 report", "citations": {"enabled": True},
                "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQK"},
                "cache_control": {"type": "ephemeral"}}


def pdf_request(model: str) -> dict:
    """Claude Code's Read of a PDF: the document comes back inside the tool result."""
    body = cc_request(model)
    body["messages"][3]["content"][0]["content"] = [{"type": "text", "text": "PDF file read"}, PDF_DOCUMENT]
    return body


def test_a_pdf_reaches_an_anthropic_backend_as_sent(srv, key, mock):
    send(srv, key, pdf_request("anth-sonnet"))
    result = received(mock).json["messages"][3]["content"][0]
    assert result["content"] == [{"type": "text", "text": "PDF file read"}, PDF_DOCUMENT]


def test_a_pdf_becomes_a_note_for_an_openai_backend(srv, key, mock):
    send(srv, key, pdf_request("claude-sonnet-4-5"))
    tool = next(m for m in received(mock).json["messages"] if m["role"] == "tool")
    assert tool["content"] == ('PDF file read\n[Attached document "Q3 report" (application/pdf) omitted: '
                               'this model cannot read documents.]')
    assert "JVBERi0x" not in json.dumps(received(mock).json)


SEARCH_RESULT = {"type": "search_result", "source": "https://wiki/vacation", "title": "Vacation policy",
                 "content": [{"type": "text", "text": "25 days a year."}], "citations": {"enabled": True}}


def test_a_search_result_reaches_anthropic_as_sent_and_others_as_text(srv, key, mock):
    body = {"model": "anth-sonnet", "max_tokens": 10,
            "messages": [{"role": "user", "content": [SEARCH_RESULT, {"type": "text", "text": "How many days?"}]}]}
    send(srv, key, body, path="/v1/messages", headers={})
    assert received(mock).json["messages"][0]["content"][0] == SEARCH_RESULT
    mock.reset()
    send(srv, key, {**body, "model": "claude-sonnet-4-5"}, path="/v1/messages", headers={})
    assert received(mock).json["messages"] == [{"role": "user", "content": (
        'Search result "Vacation policy" (https://wiki/vacation):\n25 days a year.\nHow many days?')}]


def tool_search_request(model: str) -> dict:
    """Claude Code's tool search: the result names a deferred tool for Anthropic to load."""
    body = cc_request(model)
    body["messages"][3]["content"][0]["content"] = [{"type": "tool_reference", "tool_name": "WebFetch"}]
    return body


def test_a_tool_reference_reaches_an_anthropic_backend_and_no_other(srv, key, mock):
    send(srv, key, tool_search_request("anth-sonnet"))
    assert received(mock).json["messages"][3]["content"][0]["content"] == [{"type": "tool_reference", "tool_name": "WebFetch"}]
    mock.reset()
    send(srv, key, tool_search_request("claude-sonnet-4-5"))
    assert "tool_reference" not in json.dumps(received(mock).json)


WEB_SEARCH_BLOCKS = [
    {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
     "content": [{"type": "web_search_result", "url": "https://swift.org", "title": "Swift", "encrypted_content": "Eo8B",
                  "page_age": None}]},
]
CITATION = {"type": "web_search_result_location", "url": "https://swift.org", "title": "Swift",
            "cited_text": "Swift 6.3 is available", "encrypted_index": "Eo8"}


def web_search_stream() -> list[tuple[str, dict]]:
    """Anthropic's stream of an answer that used web search: the call, its result, then cited text."""
    events = m.anthropic_events(text=None)
    start, ending = events[:2], events[2:]
    middle = [
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": WEB_SEARCH_BLOCKS[0]}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "input_json_delta", "partial_json": '{"query": "swift 6.3"}'}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("content_block_start", {"type": "content_block_start", "index": 1, "content_block": WEB_SEARCH_BLOCKS[1]}),
        ("content_block_stop", {"type": "content_block_stop", "index": 1}),
        ("content_block_start", {"type": "content_block_start", "index": 2,
                                 "content_block": {"type": "text", "text": "", "citations": []}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 2,
                                 "delta": {"type": "citations_delta", "citation": CITATION}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 2,
                                 "delta": {"type": "text_delta", "text": "Swift 6.3 is out."}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 2}),
    ]
    return start + middle + ending


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_web_search_results_and_citations_reach_anthropic_clients(srv, key, mock, stream):
    mock.enqueue(m.anthropic_stream(web_search_stream()))
    with srv.anthropic(key) as client:
        request = dict(model="anth-sonnet", max_tokens=100, messages=[{"role": "user", "content": "Swift news?"}],
                       tools=[{"type": "web_search_20250305", "name": "web_search"}])
        if stream:
            with client.messages.stream(**request) as events:
                reply = events.get_final_message()
        else:
            reply = client.messages.create(**request)
    blocks = [block.model_dump(exclude_none=True) for block in reply.content]
    assert [block["type"] for block in blocks] == ["server_tool_use", "web_search_tool_result", "text"]
    assert blocks[0]["input"] == {"query": "swift 6.3"}
    assert blocks[1]["content"][0]["url"] == "https://swift.org"
    assert blocks[2]["text"] == "Swift 6.3 is out."
    assert blocks[2]["citations"] == [CITATION]


def test_web_search_blocks_stay_away_from_openai_clients(srv, key, mock):
    mock.enqueue(m.anthropic_stream(web_search_stream()))
    with srv.openai(key) as client:
        reply = client.chat.completions.create(model="anth-sonnet", max_tokens=100,
                                               messages=[{"role": "user", "content": "Swift news?"}])
    assert reply.choices[0].message.content == "Swift 6.3 is out."
    assert not reply.choices[0].message.tool_calls


def test_anthropic_backend_keeps_server_tools(srv, key, mock):
    """Anthropic's server tools (web search) can only run on an Anthropic upstream, which gets requests natively."""
    web_search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}
    send(srv, key, {"model": "anth-sonnet", "max_tokens": 50, "tools": [TOOLS[0], web_search],
                    "messages": [{"role": "user", "content": "search the web"}]})
    assert received(mock).json["tools"] == [TOOLS[0], web_search]


def test_anthropic_backend_receives_non_streaming_requests_with_unknown_top_level_fields(srv, key, mock):
    body = {"model": "anth-haiku", "max_tokens": 50, "context_management": CONTEXT_MANAGEMENT,
            "service_tier": "standard_only", "messages": [{"role": "user", "content": "hi"}]}
    r, content = send(srv, key, body)
    assert json.loads(content)["content"][0]["text"] == "Hello from mock"
    got = received(mock).json
    assert got["context_management"] == CONTEXT_MANAGEMENT and got["service_tier"] == "standard_only"
