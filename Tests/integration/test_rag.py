"""Retrieval-augmented generation: `sluice rag …` and the `rag` policy stage through the real server.

What is pinned: a collection is created, filled from a folder and searched from the CLI
(`--json`); under a policy naming it, the passage matching the last user turn reaches the upstream
inside a marked context block placed in that turn, before the user's text, with the system
prompt and earlier turns exactly as sent — on the Anthropic and OpenAI fronts (with their SDKs),
streamed or not, to OpenAI- and Anthropic-type backends, and on the Responses API; a document
that does not match is not injected; a turn holding only tool results retrieves nothing; with
`pii` after `rag`, a secret planted in a document is scrubbed before the upstream; re-adding a
changed file replaces its passages and `sync` drops a deleted one; vector and hybrid modes work
with a tiny GGUF embedding model (random weights: plumbing only); a policy naming a missing
collection is rejected when it loads; the usage row and metrics count what was injected.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from postgres_cluster import PASSWORD, postgres_available
from sluice_harness import ANTHROPIC, run_sluice, OPENAI, PROTOCOLS, backend, describe, parse_prometheus, poll, route, unique_name, write_text

MAKE_TINY_GGUF = Path(__file__).with_name("make_tiny_gguf.py")
MODEL = "rag-model"  # routed to the OpenAI-type backend
ANTH_MODEL = "anth-rag-model"  # routed to the Anthropic-type backend
SYSTEM = "You are the office assistant. Answer briefly."
AWS = "AKIAIOSFODNN7EXAMPLE"

DOCS = {
    "leave.md": """\
# Handbook

## Vacation

Every employee gets thirty paid vacation days per year.
Unused vacation days carry over until the end of March.

## Sick leave

Report sick leave to your manager before ten o'clock.
""",
    "office/parking.md": """\
# Parking

The garage is under building B; the night entrance code is zebra-42.
""",
    "office/deploy.rst": f"""\
Deployments
===========

The deploy robot signs in with the access key {AWS} on the staging cluster.
""",
    "recipes/bread.txt": "Sourdough bread needs flour, water, salt and a lively starter. Bake at 250 degrees.\n",
}

POLICIES = {
    "rag_kw": "stages: [rag]\nrag:\n  collections: [handbook]\n  top_k: 1\n  mode: keyword\n",
    "rag_pii": "stages: [rag, pii]\nrag:\n  collections: [handbook]\n  top_k: 1\n  mode: keyword\npii:\n  detectors: {aws_access_key: redact}\n",
    "rag_vec": "stages: [rag]\nrag:\n  collections: [vecbook]\n  top_k: 2\n  mode: vector\n",
    "rag_hybrid": "stages: [rag]\nrag:\n  collections: [vecbook]\n  top_k: 2\n  mode: hybrid\n",
    "rag_cache": "stages: [rag, cache]\nrag:\n  collections: [cachebook]\n  mode: keyword\ncache: {enabled: true, scope: shared}\n",
    "rag_remote": "stages: [rag]\nrag:\n  collections: [remotebook]\n  top_k: 1\n  mode: vector\n",
    "rag_missing": "stages: [rag]\nrag:\n  collections: [handbook, no_such_collection]\n",
}


def write_docs(folder: Path, docs: dict[str, str]) -> Path:
    for name, text in docs.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
    return folder


@pytest.fixture(scope="module")
def embedding_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rag-embedding") / "embed.gguf"
    done = subprocess.run([sys.executable, str(MAKE_TINY_GGUF), str(path), "--pooling", "mean", "--context", "512"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"make_tiny_gguf.py failed:\n{done.stderr}"
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    return write_docs(tmp_path_factory.mktemp("rag-docs"), DOCS)


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock, embedding_model, docs):
    url = _module_mock.base_url
    s = module_sluice(
        start=False,
        backends=[
            backend("upstream", url, connect_timeout="2s", read_timeout="5s"),
            backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s"),
            {"name": "embed", "type": "llama", "model": str(embedding_model), "embeddings": True, "threads": 2},
        ],
        routes=[route("anth-*", "anth"), route("*", "upstream")])
    s.cli("rag", "create", "handbook")
    s.cli("rag", "add", "handbook", docs)
    # The CLI builds the embedding backend from the same configuration as `serve`.
    s.cli("rag", "create", "vecbook", "--embeddings", "embed", "--config", s.config_path)
    s.cli("rag", "add", "vecbook", docs, "--chunk-size", "300", "--config", s.config_path)
    # A remote /v1/embeddings: the mock's vectors are a hash of the text, so a query equal to a
    # passage's text finds that passage first.
    s.cli("rag", "create", "remotebook", "--embeddings", "upstream:text-embedding-3-small", "--config", s.config_path)
    remote_docs = {"whales.txt": "Blue whales sing at dusk.\n", "owls.txt": "Barn owls hunt at night.\n", "ants.txt": "Ants farm fungus.\n"}
    s.cli("rag", "add", "remotebook", write_docs(s.workdir / "remotebook", remote_docs), "--config", s.config_path)
    s.cli("rag", "create", "cachebook")
    s.cli("rag", "add", "cachebook", write_docs(s.workdir / "cachebook", {"menu.md": "# Menu\n\nThe canteen serves soup on Mondays.\n"}))
    for name, text in POLICIES.items():
        write_text(s.policies_dir / f"{name}.yaml", text)
    s.start()
    return s


@pytest.fixture(scope="module")
def keys(srv) -> dict[str, str]:
    return {name: srv.create_key(unique_name(name), policy=name) for name in POLICIES if name != "rag_missing"}


def last_user_turn(up) -> tuple[list[str], Any]:
    """The texts of the last user message the upstream got, in order, and its system prompt."""
    body = up.json
    messages = body.get("messages") or []
    if up.route.rstrip("/").endswith("/messages"):
        system = body.get("system")
    else:
        system = [m["content"] for m in messages if m["role"] == "system"]
    turn = [m for m in messages if m["role"] == "user"][-1]
    content = turn["content"]
    texts = [content] if isinstance(content, str) else [p.get("text", "") for p in content if p.get("type") == "text"]
    return texts, system


def context_of(texts: list[str]) -> str:
    """The retrieved-context block of a turn (OpenAI-type upstreams get a turn's texts joined), or ""."""
    joined = "\n".join(texts)
    assert joined.count("<retrieved_context>") <= 1, texts
    start = joined.find("<retrieved_context>")
    return joined[start:joined.index("</retrieved_context>") + len("</retrieved_context>")] if start >= 0 else ""


def post(proto, srv, key, body, *, stream=False):
    r = proto.post(srv, key, body=body, stream=stream, timeout=30)
    assert r.status_code == 200, describe(r)
    r.content  # a stream is read to its end
    return r


def chat_body(proto, question: str, *, model: str, stream: bool = False) -> dict[str, Any]:
    history = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi, how can I help?"},
               {"role": "user", "content": question}]
    b: dict[str, Any] = {"model": model, "max_tokens": 100, "messages": history}
    if proto.is_anthropic:
        b["system"] = SYSTEM
    else:
        b["messages"] = [{"role": "system", "content": SYSTEM}, *history]
    if stream:
        b["stream"] = True
    return b


# --------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------


def test_a_folder_is_added_and_searched(srv, docs):
    listed = {c["name"]: c for c in srv.cli_json("rag", "list")}
    assert listed["handbook"]["sources"] == 4 and listed["handbook"]["embedding_backend"] is None
    assert listed["vecbook"]["embedding_backend"] == "embed" and listed["vecbook"]["dimensions"] == 64
    found = srv.cli_json("rag", "search", "handbook", "How many vacation days do I get?", "--top", "2")
    assert found[0]["source"] == str(docs / "leave.md")
    assert found[0]["heading"] == "Handbook > Vacation"
    assert "thirty paid vacation days" in found[0]["text"]
    assert found[0]["start_line"] == 5 and found[0]["score"] > 0
    assert all("Sourdough" not in f["text"] for f in found)
    shown = srv.cli_json("rag", "show", "handbook")
    assert sorted(Path(s["path"]).name for s in shown["sources"]) == ["bread.txt", "deploy.rst", "leave.md", "parking.md"]


def test_adding_unchanged_files_again_writes_nothing(srv, docs):
    summary = srv.cli_json("rag", "add", "handbook", docs)
    assert (summary["added"], summary["updated"], summary["unchanged"], summary["chunks"]) == (0, 0, 4, 0)


def test_a_changed_file_replaces_its_passages_and_sync_drops_a_deleted_one(srv, tmp_path):
    folder = write_docs(tmp_path / "scratch", {"a.md": "# A\n\nThe walrus sings at noon.\n", "b.md": "The otter naps.\n"})
    srv.cli("rag", "create", "scratch")
    assert srv.cli_json("rag", "add", "scratch", folder)["added"] == 2
    write_text(folder / "a.md", "# A\n\nThe pelican dances at dawn.\n")
    summary = srv.cli_json("rag", "add", "scratch", folder / "a.md")
    assert (summary["added"], summary["updated"]) == (0, 1)
    assert srv.cli_json("rag", "search", "scratch", "walrus") == []
    assert "pelican" in srv.cli_json("rag", "search", "scratch", "pelican")[0]["text"]
    assert srv.cli_json("rag", "show", "scratch")["chunks"] == 2

    (folder / "b.md").unlink()
    write_text(folder / "c.md", "The heron waits.\n")
    summary = srv.cli_json("rag", "sync", "scratch", folder)
    assert (summary["added"], summary["removed"], summary["unchanged"]) == (1, 1, 1)
    assert srv.cli_json("rag", "search", "scratch", "otter") == []
    assert [Path(s["path"]).name for s in srv.cli_json("rag", "show", "scratch")["sources"]] == ["a.md", "c.md"]
    srv.cli("rag", "remove", "scratch")
    assert "scratch" not in {c["name"] for c in srv.cli_json("rag", "list")}


def test_cli_errors_are_one_clear_line(srv, tmp_path):
    cp = srv.cli("rag", "add", "nope", tmp_path, check=False)
    assert cp.returncode == 1 and "no collection named 'nope'" in cp.stderr
    cp = srv.cli("rag", "create", "handbook", check=False)
    assert cp.returncode == 1 and "already exists" in cp.stderr
    cp = srv.cli("rag", "create", "x", "--embeddings", "anth", "--config", srv.config_path, check=False)
    assert cp.returncode == 1 and "no embeddings" in cp.stderr
    write_text(tmp_path / "doc.pdf", "%PDF-1.4 not really")
    srv.cli("rag", "create", "pdfs")
    cp = srv.cli("rag", "add", "pdfs", tmp_path / "doc.pdf", check=False, env={"PATH": str(tmp_path)})
    assert cp.returncode == 1 and "needs pdftotext" in cp.stderr and "poppler-utils" in cp.stderr


def test_pdfs_are_read_through_pdftotext(srv, tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = write_text(tools / "pdftotext", "#!/bin/sh\n# pdftotext -enc UTF-8 FILE -\nprintf 'Quarterly report\\n\\nRevenue grew nine percent in %s.\\n' \"$(basename \"$3\")\"\n")
    fake.chmod(0o755)
    write_text(tmp_path / "q3.pdf", "%PDF-1.4 (read by the fake pdftotext)")
    srv.cli("rag", "create", "reports")
    path = f"{tools}:/usr/bin:/bin"
    assert srv.cli_json("rag", "add", "reports", tmp_path / "q3.pdf", env={"PATH": path})["added"] == 1
    (found,) = srv.cli_json("rag", "search", "reports", "revenue growth")
    assert found["text"] == "Quarterly report\n\nRevenue grew nine percent in q3.pdf." and found["end_line"] == 3


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_collections_on_postgresql_are_served_to_the_stage(sluice, postgres, mock, tmp_path):
    config = {"database": postgres.create_database(), "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 4}
    replica = sluice(start=False, extra_config=config, env={"SLUICE_DB_PASSWORD": PASSWORD})
    replica.cli("migrate", "--config", replica.config_path)
    replica.cli("rag", "create", "handbook", "--config", replica.config_path)
    folder = write_docs(tmp_path / "pg-docs", {k: v for k, v in DOCS.items() if k != "office/deploy.rst"})
    assert replica.cli_json("rag", "add", "handbook", folder, "--config", replica.config_path)["added"] == 3
    found = replica.cli_json("rag", "search", "handbook", "How many vacation days do I get?", "--config", replica.config_path)
    assert found[0]["heading"] == "Handbook > Vacation" and "thirty paid vacation days" in found[0]["text"]
    write_text(replica.policies_dir / "rag_kw.yaml", POLICIES["rag_kw"])
    replica.start()
    info = replica.cli_json("keys", "create", "--name", "pg-rag", "--policy", "rag_kw", "--config", replica.config_path)
    replica.keys["pg-rag"] = info
    post(OPENAI, replica, info["key"], chat_body(OPENAI, "Where is the parking garage?", model=MODEL))
    (up,) = mock.model_requests()
    assert "zebra-42" in context_of(last_user_turn(up)[0])


def test_db_copy_moves_collections_to_postgresql_and_a_second_copy_adds_nothing(sluice, postgres, mock, tmp_path):
    single = sluice(start=False)
    single.cli("rag", "create", "handbook")
    single.cli("rag", "add", "handbook", write_docs(tmp_path / "copy-docs", DOCS))
    config = {"database": postgres.create_database(), "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 2}
    replica = sluice(start=False, extra_config=config, env={"SLUICE_DB_PASSWORD": PASSWORD})
    copied = replica.cli_json("db", "copy", "--from", single.db, "--config", replica.config_path)
    assert copied["collections_copied"] == 1 and copied["documents_copied"] == len(DOCS), copied
    found = replica.cli_json("rag", "search", "handbook", "Where is the parking garage?", "--config", replica.config_path)
    assert found[0]["heading"] == "Parking" and "zebra-42" in found[0]["text"]
    again = replica.cli_json("db", "copy", "--from", single.db, "--config", replica.config_path)
    assert again["collections_copied"] == 0 and again["documents_copied"] == 0, again


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("proto,model", [(ANTHROPIC, MODEL), (OPENAI, MODEL), (ANTHROPIC, ANTH_MODEL)],
                         ids=["anthropic-to-openai", "openai", "anthropic-native"])
def test_the_matching_passage_goes_into_the_last_user_turn(srv, keys, mock, proto, model, stream):
    question = "How many vacation days do I get per year?"
    post(proto, srv, keys["rag_kw"], chat_body(proto, question, model=model, stream=stream), stream=stream)
    (up,) = mock.model_requests()
    texts, system = last_user_turn(up)
    context = context_of(texts)
    assert "thirty paid vacation days" in context and 'heading="Handbook > Vacation"' in context
    assert "leave.md" in context and "Sourdough" not in context and "zebra" not in context
    joined = "\n".join(texts)
    assert joined.index(context) + len(context) <= joined.index(question), "the context block goes before the user's text"
    assert joined.endswith(question)
    assert system in (SYSTEM, [SYSTEM], [{"type": "text", "text": SYSTEM}]), system
    earlier = [m for m in up.json["messages"] if m["role"] != "system"][:2]
    assert json.dumps(earlier).count("retrieved_context") == 0
    assert "Hello" in json.dumps(earlier[0]) and "how can I help" in json.dumps(earlier[1])


def test_the_sdks_get_their_answer_and_the_upstream_the_passage(srv, keys, mock):
    with srv.anthropic(keys["rag_kw"]) as client:
        msg = client.messages.create(model=MODEL, max_tokens=50, system=SYSTEM,
                                     messages=[{"role": "user", "content": "Where is the parking garage?"}])
        assert msg.content[0].text
    with srv.openai(keys["rag_kw"]) as client:
        answer = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Where is the parking garage?"}])
        assert answer.choices[0].message.content
    for up in mock.model_requests():
        assert "zebra-42" in context_of(last_user_turn(up)[0])


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_the_responses_api_gets_the_passage_too(srv, keys, mock, stream):
    with srv.openai(keys["rag_kw"]) as client:
        answer = client.responses.create(model=MODEL, instructions=SYSTEM, input="How long does unused vacation carry over?",
                                         stream=stream)
        if stream:
            assert any(event.type == "response.completed" for event in answer)
        else:
            assert answer.output_text
    (up,) = mock.model_requests()
    texts, system = last_user_turn(up)
    assert "end of March" in context_of(texts)
    assert system == [SYSTEM], system


def test_a_question_matching_no_document_injects_nothing(srv, keys, mock):
    post(OPENAI, srv, keys["rag_kw"], chat_body(OPENAI, "Explain quantum chromodynamics", model=MODEL))
    (up,) = mock.model_requests()
    assert "retrieved_context" not in up.text


def test_a_turn_of_tool_results_only_retrieves_nothing(srv, keys, mock):
    body = {
        "model": ANTH_MODEL, "max_tokens": 100, "system": SYSTEM,
        "tools": [{"name": "lookup", "description": "Looks things up.", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "How many vacation days do I get?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "vacation days: see the handbook"},
                {"type": "text", "text": "<system-reminder>\nvacation reminder\n</system-reminder>"}]},
        ],
    }
    post(ANTHROPIC, srv, keys["rag_kw"], body)
    (up,) = mock.model_requests()
    assert "retrieved_context" not in up.text


def test_pii_after_rag_scrubs_a_secret_planted_in_a_document(srv, keys, mock):
    post(OPENAI, srv, keys["rag_pii"], chat_body(OPENAI, "Which access key does the deploy robot use on staging?", model=MODEL))
    (up,) = mock.model_requests()
    context = context_of(last_user_turn(up)[0])
    assert "deploy robot signs in" in context
    assert AWS not in up.text


def test_the_usage_row_and_metrics_count_the_injected_context(srv, keys, mock):
    post(OPENAI, srv, keys["rag_kw"], chat_body(OPENAI, "When must sick leave be reported?", model=MODEL))

    def row():
        with sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True, timeout=10) as db:
            return db.execute("SELECT policies FROM usage WHERE policies LIKE '%rag:context_tokens=%' "
                              "ORDER BY id DESC LIMIT 1").fetchone()

    found, _ = poll(row, timeout=10)
    assert found and "rag:chunks=1" in found[0], found
    samples = parse_prometheus(srv.get("/metrics").text)
    chunks = [v for n, labels, v in samples if n == "sluice_policy_actions_total" and labels.get("stage") == "rag"
              and labels.get("action") == "chunks"]
    assert chunks and chunks[0] >= 1


def test_the_cache_key_covers_the_injected_passages(srv, keys, mock):
    body = chat_body(OPENAI, "What does the canteen serve on Mondays?", model=MODEL)
    first = OPENAI.post(srv, keys["rag_cache"], body=body, timeout=30)
    second = OPENAI.post(srv, keys["rag_cache"], body=body, timeout=30)
    assert (first.headers.get("x-sluice-cache"), second.headers.get("x-sluice-cache")) == ("miss", "hit")
    assert "soup" in context_of(last_user_turn(mock.model_requests()[0])[0])
    # The same question, but the passage it retrieves changed: a different entry.
    write_text(srv.workdir / "cachebook" / "menu.md", "# Menu\n\nThe canteen serves curry on Mondays.\n")
    srv.cli("rag", "add", "cachebook", srv.workdir / "cachebook")
    third = OPENAI.post(srv, keys["rag_cache"], body=body, timeout=30)
    assert third.headers.get("x-sluice-cache") == "miss", describe(third)
    assert "curry" in context_of(last_user_turn(mock.model_requests()[-1])[0])


@pytest.mark.parametrize("policy", ["rag_vec", "rag_hybrid"])
def test_vector_and_hybrid_modes_inject_passages_from_the_embedded_model(srv, keys, mock, policy):
    found = srv.cli_json("rag", "search", "vecbook", "vacation days", "--mode", policy.removeprefix("rag_").replace("vec", "vector"),
                         "--config", srv.config_path)
    assert len(found) >= 1 and all(f["text"] for f in found)
    post(OPENAI, srv, keys[policy], chat_body(OPENAI, "How many vacation days?", model=MODEL))
    (up,) = mock.model_requests()
    context = context_of(last_user_turn(up)[0])
    # Random weights rank arbitrarily: what is pinned is that passages arrive, each with its source.
    assert context.count("<passage source=") == 2


def test_a_remote_embeddings_backend_embeds_the_query_and_ranks_the_passages(srv, keys, mock):
    # Each question is one passage's exact text: every one must come first, whatever the stored order.
    for question, source in [("Barn owls hunt at night.", "owls.txt"), ("Blue whales sing at dusk.", "whales.txt"),
                             ("Ants farm fungus.", "ants.txt")]:
        mock.reset()
        post(OPENAI, srv, keys["rag_remote"], chat_body(OPENAI, question, model=MODEL))
        (embedding,) = [r for r in mock.requests if r.route.endswith("/embeddings")]
        assert embedding.json["model"] == "text-embedding-3-small" and embedding.json["input"] in (question, [question])
        (up,) = mock.model_requests()
        context = context_of(last_user_turn(up)[0])
        assert context.count("<passage ") == 1 and source in context, context


@pytest.mark.parametrize("policy", ["rag_pii", "rag_hybrid"])
def test_policies_test_shows_the_retrieved_passages(srv, policy):
    cp = run_sluice(["policies", "test", policy, "--json", "--config", srv.config_path], env=srv.env(), cwd=srv.workdir,
                    input="Which access key does the deploy robot use?")
    assert cp.returncode == 0, cp.stderr
    result = json.loads(cp.stdout)
    assert result["upstream"].startswith("<retrieved_context>") and result["upstream"].endswith("deploy robot use?")
    assert any(a.startswith("rag:chunks=") for a in result["found"]), result
    if policy == "rag_pii":
        assert "deploy robot signs in" in result["upstream"] and AWS not in result["upstream"]


def test_a_policy_naming_a_missing_collection_is_rejected_at_load(srv):
    srv.wait_for_log("no_such_collection")
    assert "no collection named 'no_such_collection'" in srv.log()
    key = srv.create_key(unique_name("rag-missing"), policy="rag_missing")
    r = OPENAI.post(srv, key, body=chat_body(OPENAI, "vacation?", model=MODEL), timeout=30)
    assert r.status_code == 403, describe(r)
