"""The real Claude Code CLI (bundled in claude-agent-sdk) against Sluice, with the mock as its model.

The mock answers a turn that offers the Write tool with a streamed Write call, and the turn that
carries the tool's result with text, so the CLI really runs the tool and prints the answer.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import mock_upstream as m
from sluice_harness import run_claude_code

FINAL_TEXT = "The file hello.txt now says hello from sluice."
FILE_CONTENT = "hello from sluice\n"


def write_then_answer(workdir: Path):
    """The mock's script: a Write call when the Write tool is offered, the final text after its result."""

    def respond(req: m.RecordedRequest) -> m.MockResponse:
        body = req.json or {}
        model = body.get("model")
        messages = body.get("messages") or []
        tools = [t.get("function", {}).get("name") for t in body.get("tools") or []]
        if messages and messages[-1].get("role") == "tool":
            return m.openai_stream(m.openai_stream_chunks(FINAL_TEXT, model=model, usage=m.openai_usage()))
        if "Write" in tools:
            call = {"name": "Write", "arguments": {"file_path": str(workdir / "hello.txt"), "content": FILE_CONTENT}}
            return m.openai_stream(m.openai_stream_chunks(None, model=model, tool_calls=[call], usage=m.openai_usage()))
        return m.openai_stream(m.openai_stream_chunks("ok", model=model, usage=m.openai_usage()))

    return respond


def run_claude(sluice, workdir: Path, key_env: dict[str, str], prompt: str = "Create hello.txt saying hello") -> subprocess.CompletedProcess:
    return run_claude_code(sluice.url, workdir, key_env, prompt)


@pytest.mark.parametrize("key_variable", ["ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY"])
def test_claude_code_runs_a_tool_call_and_prints_the_answer(sluice, mock, tmp_path, key_variable):
    workdir = tmp_path / "project"
    workdir.mkdir()
    mock.default = write_then_answer(workdir)
    srv = sluice()
    key = srv.create_key()

    result = run_claude(srv, workdir, {key_variable: key})

    assert result.returncode == 0, f"claude failed:\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert (workdir / "hello.txt").read_text() == FILE_CONTENT
    assert FINAL_TEXT in result.stdout

    # What reached the model server: the tool call went out and its result came back in order,
    # and Claude Code's per-request billing line never reached it.
    sent = [r.json for r in mock.requests if r.route.endswith("/chat/completions")]
    assert len(sent) >= 2
    answer_turn = sent[-1]["messages"]
    tool_messages = [msg for msg in answer_turn if msg["role"] == "tool"]
    assert len(tool_messages) == 1
    call_turn = answer_turn[answer_turn.index(tool_messages[0]) - 1]
    assert call_turn["role"] == "assistant"
    assert call_turn["tool_calls"][0]["id"] == tool_messages[0]["tool_call_id"]
    assert json.loads(call_turn["tool_calls"][0]["function"]["arguments"])["content"] == FILE_CONTENT
    for body in sent:
        assert "x-anthropic-billing-header" not in json.dumps(body)
        assert body["stream"] is True


def test_claude_code_with_a_revoked_key_fails_with_an_authentication_error(sluice, mock, tmp_path):
    workdir = tmp_path / "project"
    workdir.mkdir()
    srv = sluice()
    key = srv.create_key()
    srv.revoke_key(srv.cli_json("keys", "list")[0]["name"])

    result = run_claude(srv, workdir, {"ANTHROPIC_AUTH_TOKEN": key})

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "401" in output or "authentication" in output.lower() or "api key" in output.lower(), output
    assert not mock.requests, "a revoked key must never reach the upstream"
    assert not (workdir / "hello.txt").exists()
