#!/usr/bin/env python3
"""Session affinity against round robin, over three model servers that really cache prefixes.

    python Tests/integration/bench_affinity.py [--sluice .build/release/sluice] [--conversations 6] [--turns 6]

Three `sluice serve --model` processes on one generated model play the replicas (the embedded
engine reuses prefixes and reports `cached_tokens`); a Sluice gateway in front has one backend
over the three (`urls:`). Conversations shaped like Claude Code's — a long system prompt shared by
all, then a history that grows every turn — run side by side, turn by turn, once with
`affinity: session` and once with `affinity: none, balance: round_robin`, each on freshly started
replicas. The figures: prompt tokens the replicas evaluated per turn (the prompt less the part
served from their prefix caches) and the wall time of the whole run.

Needs the test venv (`gguf`, `requests`). Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench_llama import free_port, text_of, wait_ready

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONTEXT = 8192


class Fleet:
    """Three replicas on one database (so one key serves all), and a gateway in front of them."""

    def __init__(self, sluice: Path, model: Path, work: Path, mode: dict[str, str]):
        self.sluice, self.work, self.processes = sluice, work, []
        database = work / "replicas.sqlite"
        self.run_cli("migrate", "--database", str(database))
        replica_key = self.mint("replica", database)
        urls = []
        for number in range(3):
            port = free_port()
            config = work / f"replica-{number}.yaml"
            config.write_text(f"listen: 127.0.0.1:{port}\ndatabase: {database}\npolicies_dir: {work / 'none'}\n"
                              f"usage_journal: {work / f'replica-{number}-usage'}\n"
                              f"backends:\n  - {{name: local, type: llama, model: {model}, context: {CONTEXT}, "
                              f"parallel: 4, threads: 1}}\nroutes:\n  - {{match: '*', backend: local}}\n")
            self.start(["serve", "--config", str(config)], f"replica-{number}", f"http://127.0.0.1:{port}/healthz")
            urls.append(f"http://127.0.0.1:{port}/v1")
        gateway_database = work / "gateway.sqlite"
        self.run_cli("migrate", "--database", str(gateway_database))
        self.key = self.mint("bench", gateway_database)
        port = free_port()
        pool = ", ".join(f"{key}: {value}" for key, value in mode.items())
        config = work / "gateway.yaml"
        config.write_text(f"listen: 127.0.0.1:{port}\ndatabase: {gateway_database}\npolicies_dir: {work / 'none'}\n"
                          f"backends:\n  - {{name: pool, type: openai, urls: [{', '.join(urls)}], "
                          f"api_key_env: REPLICA_KEY, read_timeout: 600s, {pool}}}\n"
                          f"routes:\n  - {{match: '*', backend: pool}}\n")
        self.start(["serve", "--config", str(config)], "gateway", f"http://127.0.0.1:{port}/healthz",
                   env={"REPLICA_KEY": replica_key})
        self.url = f"http://127.0.0.1:{port}"

    def run_cli(self, *args: str) -> str:
        return subprocess.run([str(self.sluice), *args], check=True, capture_output=True, text=True).stdout

    def mint(self, name: str, database: Path) -> str:
        return json.loads(self.run_cli("keys", "create", "--name", name, "--database", str(database), "--json"))["key"]

    def start(self, args: list[str], name: str, health: str, env: dict[str, str] | None = None) -> None:
        log = self.work / f"{name}.log"
        process = subprocess.Popen([str(self.sluice), *args], stdout=log.open("w"), stderr=subprocess.STDOUT,
                                   env={"PATH": "/usr/bin:/bin", **(env or {})})
        self.processes.append(process)
        wait_ready(health, process, log)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)


def converse(url: str, key: str, system: str, number: int, turns: int) -> list[int]:
    """One conversation; the prompt tokens evaluated (not served from cache) at each turn."""
    history = [{"role": "system", "content": system}]
    evaluated = []
    for turn in range(turns):
        history.append({"role": "user", "content": f"[conversation {number}, turn {turn}] " + text_of(120, number * 100 + turn)})
        reply = requests.post(url + "/v1/chat/completions", headers={"authorization": f"Bearer {key}"}, timeout=600,
                              json={"model": "bench", "messages": history, "max_tokens": 16, "temperature": 0}).json()
        if "usage" not in reply:
            sys.exit(f"turn {turn} of conversation {number} failed: {reply}")
        usage = reply["usage"]
        evaluated.append(usage["prompt_tokens"] - (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0))
        history.append({"role": "assistant", "content": reply["choices"][0]["message"]["content"] or "ok"})
    return evaluated


def run(sluice: Path, model: Path, work: Path, mode: dict[str, str], conversations: int, turns: int):
    fleet = Fleet(sluice, model, work, mode)
    try:
        system = "You are a coding agent. " + text_of(600, 7)
        started = time.monotonic()
        with ThreadPoolExecutor(3) as pool:
            per_conversation = list(pool.map(lambda n: converse(fleet.url, fleet.key, system, n, turns), range(conversations)))
        elapsed = time.monotonic() - started
    finally:
        fleet.stop()
    per_turn = [sum(c[t] for c in per_conversation) / conversations for t in range(turns)]
    return per_turn, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", type=Path, default=ROOT / ".build/release/sluice")
    parser.add_argument("--conversations", type=int, default=6)
    parser.add_argument("--turns", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-bench-affinity-") as folder:
        work = Path(folder)
        model = work / "model.gguf"
        subprocess.run([sys.executable, str(HERE / "make_tiny_gguf.py"), str(model), "--embd", "256", "--layers", "4",
                        "--ff", "704", "--heads", "8", "--kv-heads", "4", "--extra-vocab", "8000",
                        "--context", str(CONTEXT)], check=True, capture_output=True)
        modes = {"affinity: session": {"affinity": "session"},
                 "round_robin": {"affinity": "none", "balance": "round_robin"}}
        results = {}
        for name, mode in modes.items():
            run_folder = work / name.replace(":", "").replace(" ", "-")
            run_folder.mkdir()
            results[name] = run(args.sluice, model, run_folder, mode, args.conversations, args.turns)
    print(f"{args.conversations} conversations × {args.turns} turns, three replicas; "
          "prompt tokens evaluated by the replicas per turn (mean over conversations)\n")
    print("| balancing | " + " | ".join(f"turn {t + 1}" for t in range(args.turns)) + " | total evaluated | wall time |")
    print("|---|" + "---:|" * (args.turns + 2))
    for name, (per_turn, elapsed) in results.items():
        cells = " | ".join(f"{value:,.0f}" for value in per_turn)
        print(f"| {name} | {cells} | {sum(per_turn) * args.conversations:,.0f} | {elapsed:.1f} s |")


if __name__ == "__main__":
    main()
