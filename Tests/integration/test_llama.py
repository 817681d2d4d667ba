"""The embedded llama engine (`type: llama`) through the real binary, with the SDKs.

The models are tiny random-weight GGUFs written by make_tiny_gguf.py (the `gguf` package): what
they say is noise, so these tests pin plumbing and invariants — streams the SDKs accept, usage
that adds up, prefix reuse on a second turn, count_tokens equal to the prompt actually run, forced
tool calls matching their schema (also with the real templates of Llama 3, Mistral, gpt-oss,
DeepSeek and Qwen 3), thinking blocks, stop sequences, the context limit's wording, start-up errors
naming the file, and a client that leaves freeing its sequence.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import anthropic
import pytest

from protocol_checks import anthropic_sse_events, block_text, check_anthropic_stream, post_json
from sluice_harness import http, parse_prometheus, poll, route, run_claude_code, run_sluice, unique_name

MAKE_TINY_GGUF = Path(__file__).with_name("make_tiny_gguf.py")
CONTEXT = 4096

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "The weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 10}, "days": {"type": "integer", "minimum": 1, "maximum": 9}},
        "required": ["city", "days"],
    },
}


# Families whose real templates (from the pinned llama.cpp source) make_tiny_gguf.py puts in a model.
FAMILIES = ("llama3", "mistral", "gpt-oss", "deepseek-r1", "deepseek-v3.1", "qwen3", "qwen3-coder", "devstral", "glm-4.6",
            "glm-4.7", "mistral-small-3.2", "ministral-3")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Made once per run: chat.gguf (ChatML with tools), think.gguf (answers open with <think>),
    ends.gguf (ChatML whose answers end on their own after a few dozen tokens) and one model per
    family in FAMILIES."""
    folder = tmp_path_factory.mktemp("tiny-models")
    models = {}
    options = {"chat": ["--template", "chat"], "think": ["--template", "think"],
               "ends": ["--template", "chat", "--answers-end"],
               **{family: ["--template", family] for family in FAMILIES}}
    for name, arguments in options.items():
        path = folder / f"{name}.gguf"
        done = subprocess.run([sys.executable, str(MAKE_TINY_GGUF), str(path), *arguments],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"make_tiny_gguf.py failed (is gguf==0.19.0 installed?):\n{done.stderr}"
        models[name] = path
    return models


def llama_backend(name: str, model: Path, **extra) -> dict:
    return {"name": name, "type": "llama", "model": str(model), "context": CONTEXT, "threads": 2, **extra}


@pytest.fixture(scope="module")
def srv(module_sluice, tiny_models):
    return module_sluice(
        backends=[
            llama_backend("local", tiny_models["chat"], parallel=2),
            llama_backend("think", tiny_models["think"], parallel=1),
            # One sequence and room for a long answer: what a client that leaves must free.
            llama_backend("solo", tiny_models["chat"], parallel=1, context=16384),
            # Eight sequences decoded together.
            llama_backend("wide", tiny_models["chat"], parallel=8, context=8192),
            # Room for Devstral's default system prompt, some 5000 tokens of the tiny vocabulary.
            *(llama_backend(family, tiny_models[family], parallel=1, context=8192) for family in FAMILIES),
        ],
        routes=[route("think-*", "think"), route("solo-*", "solo"), route("wide-*", "wide"),
                *(route(f"{family}-*", family) for family in FAMILIES), route("*", "local")],
    )


@pytest.fixture(scope="module")
def key(srv):
    return srv.create_key(unique_name("llama"))


@pytest.fixture
def claude(srv, key):
    client = srv.anthropic(key, timeout=60)
    yield client
    client.close()


@pytest.fixture
def gpt(srv, key):
    client = srv.openai(key, timeout=60)
    yield client
    client.close()


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def count(claude, messages, **kw) -> int:
    return claude.messages.count_tokens(model="tiny", messages=messages, **kw).input_tokens


# --------------------------------------------------------------------------
# Text, both protocols
# --------------------------------------------------------------------------


def test_anthropic_sdk_gets_text_with_usage_that_adds_up(claude):
    messages = user("Hello, tiny model.")
    reply = claude.messages.create(model="tiny", max_tokens=24, messages=messages)
    assert [block.type for block in reply.content] == ["text"]
    assert reply.content[0].text
    assert reply.stop_reason == "max_tokens"
    assert reply.usage.output_tokens == 24
    prompt = reply.usage.input_tokens + (reply.usage.cache_read_input_tokens or 0)
    assert prompt == count(claude, messages)


def test_anthropic_stream_is_well_formed_and_the_sdk_accumulates_it(srv, key, claude):
    resp = post_json(srv, "/v1/messages", key, {"model": "tiny", "max_tokens": 20, "stream": True,
                                                "messages": user("stream please")}, stream=True)
    blocks = check_anthropic_stream(anthropic_sse_events(resp))
    assert [b["start"]["type"] for b in blocks] == ["text"]
    assert block_text(blocks[0])
    with claude.messages.stream(model="tiny", max_tokens=20, messages=user("stream please")) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(texts) == final.content[0].text
    assert final.usage.output_tokens == 20


def test_openai_sdk_gets_text_and_a_stream_with_usage(gpt):
    reply = gpt.chat.completions.create(model="tiny", max_tokens=16, messages=user("hi"))
    assert reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "length"
    assert reply.usage.completion_tokens == 16
    chunks = list(gpt.chat.completions.create(model="tiny", max_tokens=16, messages=user("hi"), stream=True,
                                              stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    usage = [c.usage for c in chunks if c.usage]
    assert usage and usage[-1].completion_tokens == 16
    assert usage[-1].prompt_tokens == reply.usage.prompt_tokens


# --------------------------------------------------------------------------
# Prefix reuse, counting, limits
# --------------------------------------------------------------------------


def test_second_turn_of_a_conversation_evaluates_only_the_new_tokens(claude):
    first = user("Tell me something long about a city with a long name, please, with details.")
    answer = claude.messages.create(model="tiny", max_tokens=32, messages=first)
    first_prompt = count(claude, first)
    second = first + [{"role": "assistant", "content": answer.content[0].text}, {"role": "user", "content": "More?"}]
    reply = claude.messages.create(model="tiny", max_tokens=8, messages=second)
    second_prompt = count(claude, second)
    assert reply.usage.cache_read_input_tokens >= first_prompt
    assert reply.usage.input_tokens + reply.usage.cache_read_input_tokens == second_prompt
    # Only the new turn (and the re-rendered answer's tail) was evaluated.
    assert reply.usage.input_tokens < second_prompt - first_prompt + 8


def test_openai_usage_reports_the_cached_tokens(gpt):
    messages = user("the same question, asked twice over")
    gpt.chat.completions.create(model="tiny", max_tokens=4, messages=messages)
    again = gpt.chat.completions.create(model="tiny", max_tokens=4, messages=messages)
    assert again.usage.prompt_tokens_details.cached_tokens == again.usage.prompt_tokens - 1


def test_count_tokens_counts_tools_and_tool_results_with_the_template(claude):
    plain = count(claude, user("Weather in Paris?"))
    with_tools = count(claude, user("Weather in Paris?"), tools=[WEATHER_TOOL])
    assert with_tools > plain + 20  # the template lists the tool's JSON schema
    conversation = user("Weather in Paris?") + [
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather",
                                           "input": {"city": "Paris", "days": 2}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}]},
    ]
    with_result = count(claude, conversation, tools=[WEATHER_TOOL])
    assert with_result > with_tools
    reply = claude.messages.create(model="tiny", max_tokens=4, messages=conversation, tools=[WEATHER_TOOL])
    assert reply.usage.input_tokens + reply.usage.cache_read_input_tokens == with_result


def test_a_prompt_longer_than_the_context_is_refused_in_claude_codes_words(claude):
    with pytest.raises(anthropic.BadRequestError) as raised:
        claude.messages.create(model="tiny", max_tokens=4, messages=user("word " * 3000))
    message = raised.value.body["error"]["message"]
    assert message.startswith("prompt is too long: ")
    assert message.endswith(f" tokens > {CONTEXT - 1} maximum")
    tokens = int(message.split(": ")[1].split(" ")[0])
    assert tokens > CONTEXT


# --------------------------------------------------------------------------
# Tools, thinking, stop sequences
# --------------------------------------------------------------------------


def assert_valid_weather_call(call) -> None:
    """A get_weather tool_use block whose input keeps to WEATHER_TOOL's schema."""
    assert call.name == "get_weather" and call.id.startswith("toolu_")
    assert set(call.input) == {"city", "days"}
    assert isinstance(call.input["city"], str) and len(call.input["city"]) <= 10
    assert isinstance(call.input["days"], int) and 1 <= call.input["days"] <= 9


def test_a_forced_tool_call_matches_the_schema_and_streams_as_tool_use(claude):
    with claude.messages.stream(model="tiny", max_tokens=400, messages=user("Weather?"), tools=[WEATHER_TOOL],
                                tool_choice={"type": "tool", "name": "get_weather", "disable_parallel_tool_use": True}
                                ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    assert [block.type for block in final.content] == ["tool_use"]
    call = final.content[0]
    assert_valid_weather_call(call)
    fragments = [e.delta.partial_json for e in events if e.type == "content_block_delta"]
    assert len(fragments) > 1
    assert json.loads("".join(fragments)) == call.input


def test_openai_tool_choice_required_returns_tool_calls(gpt):
    tool = {"type": "function", "function": {"name": WEATHER_TOOL["name"], "description": WEATHER_TOOL["description"],
                                             "parameters": WEATHER_TOOL["input_schema"]}}
    reply = gpt.chat.completions.create(model="tiny", max_tokens=400, messages=user("Weather?"), tools=[tool],
                                        tool_choice="required", parallel_tool_calls=False)
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert len(choice.message.tool_calls) == 1
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert set(json.loads(call.function.arguments)) == {"city", "days"}


@pytest.mark.parametrize("family", FAMILIES)
def test_each_template_family_forces_a_valid_call_and_counts_the_next_turn_exactly(claude, family):
    model = f"{family}-tiny"
    messages = user("Weather in Paris?")
    # Thinking off: random weights would reason until max_tokens before calling. A fixed seed
    # makes the sampled call the same on every run.
    reply = claude.messages.create(model=model, max_tokens=400, messages=messages, tools=[WEATHER_TOOL],
                                   tool_choice={"type": "tool", "name": "get_weather", "disable_parallel_tool_use": True},
                                   thinking={"type": "disabled"}, extra_body={"seed": 42})
    assert reply.stop_reason == "tool_use"
    assert [block.type for block in reply.content] == ["tool_use"]
    call = reply.content[0]
    assert_valid_weather_call(call)
    # The call and its result rendered by the family's template (Mistral's wants 9-character IDs).
    conversation = messages + [
        {"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in reply.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "sunny, 21 C"}]},
    ]
    counted = claude.messages.count_tokens(model=model, messages=conversation, tools=[WEATHER_TOOL]).input_tokens
    answer = claude.messages.create(model=model, max_tokens=4, messages=conversation, tools=[WEATHER_TOOL])
    assert answer.usage.input_tokens + (answer.usage.cache_read_input_tokens or 0) == counted


def test_a_thinking_models_reasoning_arrives_as_a_thinking_block(claude):
    reply = claude.messages.create(model="think-tiny", max_tokens=16, messages=user("think"),
                                   thinking={"type": "enabled", "budget_tokens": 1024})
    assert reply.content[0].type == "thinking"
    assert reply.content[0].thinking and "<think>" not in reply.content[0].thinking
    plain = claude.messages.create(model="think-tiny", max_tokens=16, messages=user("think"),
                                   thinking={"type": "disabled"})
    assert [block.type for block in plain.content] == ["text"]


def test_a_thinking_budget_closes_the_thinking_block_and_the_answer_follows(claude):
    reply = claude.messages.create(model="think-tiny", max_tokens=48, messages=user("think briefly"),
                                   thinking={"type": "enabled", "budget_tokens": 6})
    assert [block.type for block in reply.content] == ["thinking", "text"]
    assert reply.content[1].text and "</think>" not in reply.content[1].text + reply.content[0].thinking
    assert reply.usage.output_tokens == 48


def test_stop_sequences_end_the_answer_and_are_never_sent(claude):
    # Random text over a small vocabulary meets one of these letters within a few dozen tokens;
    # several make the test independent of how the random weights happen to sample.
    stops = ["e", "a", "o", "i", "t"]
    reply = claude.messages.create(model="tiny", max_tokens=1000, messages=user("go"), stop_sequences=stops)
    assert reply.stop_reason == "stop_sequence"
    assert reply.stop_sequence in stops
    text = "".join(b.text for b in reply.content if b.type == "text")
    assert not any(stop in text for stop in stops), text


def engine_totals(srv, backend: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for name, labels, value in parse_prometheus(srv.get("/metrics").text):
        if labels.get("backend") == backend:
            found[name] = found.get(name, 0.0) + value
    return found


def test_engine_metrics_are_on_the_metrics_endpoint(srv, claude):
    before = engine_totals(srv, "local")
    reply = claude.messages.create(model="tiny", max_tokens=8, messages=user("count me"))
    after = engine_totals(srv, "local")
    evaluated = after["sluice_llama_prompt_tokens_evaluated_total"] - before.get("sluice_llama_prompt_tokens_evaluated_total", 0)
    assert evaluated == reply.usage.input_tokens
    generated = after["sluice_llama_generated_tokens_total"] - before.get("sluice_llama_generated_tokens_total", 0)
    assert generated == reply.usage.output_tokens
    assert after["sluice_llama_decode_calls_total"] - before.get("sluice_llama_decode_calls_total", 0) >= 8
    assert "sluice_llama_busy_sequences" in after and "sluice_llama_queue_depth" in after


# --------------------------------------------------------------------------
# Concurrency and cancellation
# --------------------------------------------------------------------------


def test_concurrent_streams_beyond_the_sequences_all_complete(srv, key):
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int):
        with srv.anthropic(key, timeout=60) as client:
            return client.messages.create(model="tiny", max_tokens=24, messages=user(f"request {i}"))

    with ThreadPoolExecutor(max_workers=5) as pool:
        replies = list(pool.map(one, range(5)))
    assert [r.usage.output_tokens for r in replies] == [24] * 5


def greedy_stream_text(client, prompt: str, **extra) -> tuple[str, int]:
    with client.messages.stream(model="wide-tiny", max_tokens=32, messages=user(prompt),
                                extra_body={"temperature": 0, **extra}) as stream:
        final = stream.get_final_message()
    return "".join(block.text for block in final.content if block.type == "text"), final.usage.output_tokens


def test_temperature_zero_is_deterministic_and_a_repetition_penalty_changes_it(claude):
    first = greedy_stream_text(claude, "the same prompt")
    # The second run reuses the first one's cached prompt: the answer must not change with it.
    assert greedy_stream_text(claude, "the same prompt") == first
    penalised = greedy_stream_text(claude, "the same prompt", repetition_penalty=1.5)
    assert penalised[0] != first[0]


def test_eight_concurrent_streams_answer_as_they_do_alone(srv, key, claude):
    from concurrent.futures import ThreadPoolExecutor

    prompts = [f"question number {i}: " + "tell me more " * i for i in range(8)]
    alone = [greedy_stream_text(claude, prompt) for prompt in prompts]

    def together(prompt: str) -> tuple[str, int]:
        with srv.anthropic(key, timeout=60) as client:
            return greedy_stream_text(client, prompt)

    before = engine_totals(srv, "wide")
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(together, prompts))
    after = engine_totals(srv, "wide")
    assert concurrent == alone
    assert all(tokens == 32 for _, tokens in concurrent)
    assert len(set(text for text, _ in alone)) > 1, "distinct prompts should give distinct answers"
    # Together they shared decode steps: alone, 8 answers of 32 tokens take at least 8 × 32 steps.
    calls = after["sluice_llama_decode_calls_total"] - before["sluice_llama_decode_calls_total"]
    assert calls < 8 * 32 * 0.75, calls


def test_a_client_that_disconnects_frees_its_sequence(srv, key, claude):
    body = {"model": "solo-tiny", "max_tokens": 15000, "stream": True, "messages": user("a very long answer")}
    resp = post_json(srv, "/v1/messages", key, body, stream=True)
    lines = resp.iter_lines()
    seen = 0
    for line in lines:
        if line.startswith(b"event: content_block_delta"):
            seen += 1
            if seen == 3:
                break
    resp.close()  # the client goes away mid-answer
    # The only sequence must serve the next request at once, not after 15000 tokens.
    started = time.monotonic()
    reply = claude.messages.create(model="solo-tiny", max_tokens=4, messages=user("next"))
    assert reply.usage.output_tokens == 4
    assert time.monotonic() - started < 5.0


def leave_after(srv, key, body: dict, seconds: float) -> None:
    """Sends `body` on a raw socket and closes it after `seconds`, without reading the answer."""
    data = json.dumps(body).encode()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall((f"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: {key}\r\n"
               f"anthropic-version: 2023-06-01\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data)
    time.sleep(seconds)
    s.close()


def test_a_client_that_leaves_a_non_streamed_answer_frees_its_sequence(srv, key, claude):
    leave_after(srv, key, {"model": "solo-tiny", "max_tokens": 15000, "messages": user("a very long answer")}, 1.0)
    started = time.monotonic()
    reply = claude.messages.create(model="solo-tiny", max_tokens=4, messages=user("next"))
    assert reply.usage.output_tokens == 4
    assert time.monotonic() - started < 5.0, "the engine went on decoding for a client that had left"


def test_a_client_that_leaves_the_queue_gives_up_its_place(srv, key, claude):
    """The only sequence is busy; a queued request's client leaves; once the busy one ends, the
    next request is served at once instead of waiting behind the abandoned one."""
    busy = post_json(srv, "/v1/messages", key, {"model": "solo-tiny", "max_tokens": 15000, "stream": True,
                                                  "messages": user("first")}, stream=True)
    assert next(busy.iter_lines())
    leave_after(srv, key, {"model": "solo-tiny", "max_tokens": 15000, "messages": user("queued")}, 0.5)
    busy.close()
    started = time.monotonic()
    reply = claude.messages.create(model="solo-tiny", max_tokens=4, messages=user("next"))
    assert reply.usage.output_tokens == 4
    assert time.monotonic() - started < 5.0, "an abandoned queued request was decoded anyway"


# --------------------------------------------------------------------------
# Start-up
# --------------------------------------------------------------------------


def test_serve_model_flag_adds_the_engine_behind_a_catch_all_route(sluice, tiny_models):
    srv = sluice(backends=[], routes=[], serve_args=("--model", str(tiny_models["chat"])))
    key = srv.create_key(unique_name("flag"))
    with srv.anthropic(key) as client:
        reply = client.messages.create(model="any-model-name", max_tokens=8, messages=user("hi"))
    assert reply.model == "any-model-name"
    assert reply.usage.output_tokens == 8
    assert "loaded" in srv.log()


def test_gpu_layers_on_a_cpu_build_run_on_the_cpu_and_say_so(sluice, tiny_models):
    srv = sluice(backends=[], routes=[], serve_args=("--model", str(tiny_models["chat"]), "--gpu-layers", "8"))
    key = srv.create_key(unique_name("gpu-flag"))
    with srv.anthropic(key) as client:
        assert client.messages.create(model="m", max_tokens=4, messages=user("hi")).usage.output_tokens == 4
    srv.wait_for_log(r"gpu_layers=0 layers=3 ")
    srv.wait_for_log(r"found no GPU.*running on the CPU")
    metrics = http("GET", srv.url + "/metrics").text
    assert "sluice_llama_decode_calls_total" in metrics and "sluice_llama_device_memory" not in metrics


def test_a_quantized_kv_cache_with_flash_attention_serves(sluice, tmp_path):
    # Heads 32 wide: a q8_0 cache's blocks are 32 values.
    model = tmp_path / "wide.gguf"
    done = subprocess.run([sys.executable, str(MAKE_TINY_GGUF), str(model), "--embd", "128", "--heads", "4",
                           "--kv-heads", "2", "--context", "2048"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    srv = sluice(backends=[llama_backend("local", model, flash_attention="on", cache_type_k="q8_0",
                                         cache_type_v="q8_0", gpu_layers=0)], routes=[route("*", "local")])
    key = srv.create_key(unique_name("q8-cache"))
    with srv.openai(key) as client:
        reply = client.chat.completions.create(model="m", max_tokens=6, messages=user("hi"))
    assert reply.usage.completion_tokens == 6


@pytest.mark.parametrize("arguments, message", [
    (("--gpu-layers", "4"), "--gpu-layers goes with --model"),
    (("--model", "x.gguf", "--gpu-layers=-2"), "--gpu-layers must be 0 or more"),
])
def test_gpu_layers_flag_mistakes_stop_start_up(sluice, arguments, message):
    srv = sluice(start=False)
    done = run_sluice(["serve", "--config", str(srv.config_path), *arguments], env=srv.env(), cwd=srv.workdir, timeout=60)
    assert done.returncode != 0 and message in done.stderr, done.stderr


@pytest.mark.parametrize("content", [None, b"GGUF\x03\x00\x00\x00not a model"], ids=["missing", "corrupt"])
def test_a_bad_model_file_stops_start_up_naming_the_file(sluice, tmp_path, content):
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    srv = sluice(backends=[llama_backend("local", path)], routes=[route("*", "local")], start=False)
    done = run_sluice(["serve", "--config", str(srv.config_path)], env=srv.env(), cwd=srv.workdir, timeout=60)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("sluice: ") and str(path) in last, done.stderr
    assert ("does not exist" if content is None else "cannot load") in last


# --------------------------------------------------------------------------
# Claude Code
# --------------------------------------------------------------------------


def test_claude_code_completes_a_turn_on_the_embedded_engine(sluice, tiny_models, tmp_path):
    # Claude Code's whole system prompt and tool schemas, in the tiny vocabulary's short pieces,
    # need a long context; its answer must end on its own, as a cut one is an error to Claude Code.
    srv = sluice(backends=[llama_backend("local", tiny_models["ends"], parallel=1, context=131072)],
                 routes=[route("*", "local")])
    key_name = unique_name("claude-code")
    key = srv.create_key(key_name)
    workdir = tmp_path / "project"
    workdir.mkdir()
    result = run_claude_code(srv.url, workdir, {"ANTHROPIC_API_KEY": key}, "Say hello", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert result.stdout.strip(), output
    assert "API Error" not in output, output
    # Every request was served by the engine, streamed and whole: no error status, no retry storm.
    lines = [line for line in srv.log().splitlines() if "path=/v1/messages" in line]
    assert lines and len(lines) <= 3, "\n".join(lines)
    assert all("status=200" in line and "backend=local" in line for line in lines), "\n".join(lines)
    # What the engine ran: Claude Code's whole request (tens of thousands of tokens), answered in full.
    rows, _ = poll(lambda: srv.cli_json("usage", "--key", key_name), timeout=5.0, interval=0.1)
    assert len(rows) == 1 and rows[0]["errors"] == 0, rows
    assert rows[0]["requests"] == len(lines)
    assert rows[0]["input_tokens"] + rows[0]["cache_read_input_tokens"] > 10000, rows
    assert rows[0]["output_tokens"] > 0, rows
