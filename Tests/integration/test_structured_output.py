"""Structured output (`response_format`) through the real binary, with the `openai` SDK.

On the embedded engine a strict JSON schema becomes a grammar: even the tiny random-weight model
of make_tiny_gguf.py must answer with JSON the schema accepts, and stop on its own once the JSON is
complete (the schemas here are bounded: enums, booleans, bounded integers, short strings and
arrays). Behind an OpenAI-type upstream the format must arrive as the client sent it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from mock_upstream import anthropic_events, anthropic_stream, openai_stream, openai_stream_chunks, openai_usage
from schema_checks import FORECAST, validate
from sluice_harness import backend, route, unique_name

MAKE_TINY_GGUF = Path(__file__).with_name("make_tiny_gguf.py")


def test_the_validator_catches_what_the_schema_forbids():
    good = {"sky": "rain", "windy": True, "level": 12, "note": "ok", "tags": ["a"], "extra": None}
    validate(good, FORECAST, FORECAST)
    for bad in ({**good, "sky": "snow"}, {**good, "level": 13}, {**good, "windy": 1}, {**good, "note": "123456789"},
                {**good, "tags": ["a", "b", "a"]}, {**good, "tags": ["c"]}, {**good, "extra": 41}, {**good, "more": 1},
                {key: value for key, value in good.items() if key != "sky"}):
        with pytest.raises(AssertionError):
            validate(bad, FORECAST, FORECAST)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny-models") / "chat.gguf"
    done = subprocess.run([sys.executable, str(MAKE_TINY_GGUF), str(path), "--template", "chat"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"make_tiny_gguf.py failed (is gguf==0.19.0 installed?):\n{done.stderr}"
    return path


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock, tiny_model):
    return module_sluice(
        backends=[
            {"name": "local", "type": "llama", "model": str(tiny_model), "context": 4096, "threads": 2, "parallel": 2},
            backend("upstream", _module_mock.base_url, connect_timeout="2s", read_timeout="5s", max_attempts=1),
            backend("anth", _module_mock.base_url, type="anthropic", connect_timeout="2s", read_timeout="5s",
                    max_attempts=1),
        ],
        routes=[route("gpt-*", "upstream"), route("claude-*", "anth"), route("*", "local")],
    )


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("structured"))


@pytest.fixture
def gpt(srv, key):
    client = srv.openai(key, timeout=120)
    yield client
    client.close()


@pytest.fixture
def claude(srv, key):
    client = srv.anthropic(key, timeout=120)
    yield client
    client.close()


def forecast_format(strict: bool = True) -> dict:
    return {"type": "json_schema", "json_schema": {"name": "forecast", "schema": FORECAST, "strict": strict}}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_strict_schema_gives_json_that_validates_and_ends_on_its_own(gpt, seed):
    reply = gpt.chat.completions.create(model="tiny", max_tokens=1000, temperature=1.0, seed=seed,
                                        messages=[{"role": "user", "content": "Forecast?"}],
                                        response_format=forecast_format())
    choice = reply.choices[0]
    answer = json.loads(choice.message.content)
    validate(answer, FORECAST, FORECAST)
    assert choice.finish_reason == "stop", "the grammar's end must end generation, not max_tokens"
    assert reply.usage.completion_tokens < 1000


def test_a_streamed_strict_answer_concatenates_to_valid_json(gpt):
    chunks = list(gpt.chat.completions.create(model="tiny", max_tokens=1000, stream=True, seed=7,
                                              messages=[{"role": "user", "content": "Forecast?"}],
                                              response_format=forecast_format()))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    validate(json.loads(text), FORECAST, FORECAST)
    assert [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices][-1] == "stop"


def test_an_unsupported_keyword_in_a_strict_schema_is_a_400_naming_it(gpt):
    schema = {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"}},
              "required": ["when"], "additionalProperties": False}
    with pytest.raises(openai.BadRequestError) as caught:
        gpt.chat.completions.create(model="tiny", max_tokens=50, messages=[{"role": "user", "content": "When?"}],
                                    response_format={"type": "json_schema",
                                                     "json_schema": {"name": "when", "schema": schema, "strict": True}})
    assert "'format'" in caught.value.body["message"]


def test_a_malformed_response_format_is_a_400_naming_the_field(gpt):
    with pytest.raises(openai.BadRequestError) as caught:
        gpt.chat.completions.create(model="tiny", max_tokens=5, messages=[{"role": "user", "content": "hi"}],
                                    response_format={"type": "json_schema", "json_schema": {"schema": FORECAST}})
    assert caught.value.body["message"] == "response_format.json_schema.name: field required"
    assert caught.value.body["param"] == "response_format.json_schema.name"


def test_tools_the_model_may_call_and_a_schema_are_refused_on_the_engine(gpt):
    tool = {"type": "function", "function": {"name": "now", "parameters": {"type": "object", "properties": {}}}}
    with pytest.raises(openai.BadRequestError) as caught:
        gpt.chat.completions.create(model="tiny", max_tokens=50, messages=[{"role": "user", "content": "hi"}],
                                    tools=[tool], response_format=forecast_format())
    assert "tool_choice" in caught.value.body["message"]
    reply = gpt.chat.completions.create(model="tiny", max_tokens=1000, messages=[{"role": "user", "content": "hi"}],
                                        tools=[tool], tool_choice="none", response_format=forecast_format())
    validate(json.loads(reply.choices[0].message.content), FORECAST, FORECAST)


def test_the_schema_reaches_an_openai_upstream_unchanged(gpt, mock):
    mock.enqueue(openai_stream(openai_stream_chunks('{"sky":"rain"}', usage=openai_usage(5, 5))))
    gpt.chat.completions.create(model="gpt-test", max_tokens=50, messages=[{"role": "user", "content": "Forecast?"}],
                                response_format=forecast_format())
    (sent,) = mock.model_requests()
    assert sent.json["response_format"] == forecast_format()
    # Key order too: upstream prefix caches and strict-mode validators see the client's schema.
    assert json.dumps(sent.json["response_format"]["json_schema"]["schema"]) == json.dumps(FORECAST)


def test_the_schema_reaches_an_anthropic_upstream_as_output_config_format(gpt, mock):
    mock.enqueue(anthropic_stream(anthropic_events('{"sky":"rain"}')))
    gpt.chat.completions.create(model="claude-test", max_tokens=50, messages=[{"role": "user", "content": "Forecast?"}],
                                response_format=forecast_format())
    (sent,) = mock.model_requests()
    assert sent.json["output_config"] == {"format": {"type": "json_schema", "schema": FORECAST}}


def test_an_anthropic_clients_output_config_format_holds_on_the_engine(claude):
    reply = claude.messages.create(model="tiny", max_tokens=1000, messages=[{"role": "user", "content": "Forecast?"}],
                                   extra_body={"output_config": {"format": {"type": "json_schema", "schema": FORECAST}}})
    validate(json.loads(reply.content[0].text), FORECAST, FORECAST)
    assert reply.stop_reason == "end_turn"
