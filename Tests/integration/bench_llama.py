#!/usr/bin/env python3
"""Sluice's embedded engine against llama-server built from the same llama.cpp source, side by side.

    python Tests/integration/bench_llama.py [--sluice .build/release/sluice] [--llama-server PATH]
                                            [--model model.gguf] [--runs 3] [--threads 2]
                                            [--gpu-layers N] [--large]

Both serve the same random-weight model (written by make_tiny_gguf.py: a few hundred MB, F16, a
32k vocabulary) with the same context, sequences (4, unified KV cache), batch size and threads,
and are asked the same things through their OpenAI-compatible endpoint, timed by this client:

  prompt tokens/s      a fresh ~2000-token prompt, one token generated
  gen tokens/s (1)     one stream of 256 tokens, first token to last
  gen tokens/s (4)     four concurrent streams of 256 tokens, all tokens over the wall time
  first token          milliseconds from a one-stream request to its first token
  second turn          prompt tokens evaluated again when a ~1500-token conversation goes on a turn

With --gpu-layers both put that many layers on the GPU (llama-server's `-ngl`, Sluice's
`gpu_layers`); --large writes a model of a few GB (4096 wide, 8 layers) fit for a GPU.

Both servers run at once and are measured in turns (the order alternating), so load from
elsewhere on the machine hits both alike; throughputs are the best of the runs (interference only
ever slows a run down), the second-turn count the median.

Needs the test venv (`gguf`, `requests`); llama-server comes from `scripts/build-llama --server`.
Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONTEXT, PARALLEL, BATCH = 8192, 4, 2048
WORDS = ("the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing matches "
         "and a sphinx of black quartz hears every vow").split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def text_of(words: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    sys.exit(f"server not ready after {timeout}s:\n{log.read_text()[-3000:]}")


class Server:
    def __init__(self, name: str, base: str, headers: dict[str, str]):
        self.name, self.base, self.headers = name, base, headers

    def chat(self, messages, max_tokens: int, stream: bool = False, **extra):
        body = {"model": "bench", "messages": messages, "max_tokens": max_tokens, "temperature": 0.8,
                "stream": stream, **extra}
        if stream:
            body["stream_options"] = {"include_usage": True}
        return requests.post(self.base + "/v1/chat/completions", json=body, headers=self.headers, stream=stream,
                             timeout=600)

    def prompt_throughput(self, seed: int) -> float:
        messages = [{"role": "user", "content": f"[{seed}] " + text_of(550, seed)}]
        started = time.monotonic()
        reply = self.chat(messages, max_tokens=1).json()
        elapsed = time.monotonic() - started
        return reply["usage"]["prompt_tokens"] / elapsed

    def stream_tokens(self, content: str, max_tokens: int, times: list[float]) -> None:
        times.append(time.monotonic())  # the request's start, then each token's arrival
        with self.chat([{"role": "user", "content": content}], max_tokens=max_tokens, stream=True) as resp:
            for line in resp.iter_lines():
                if not line.startswith(b"data: ") or line == b"data: [DONE]":
                    continue
                chunk = json.loads(line[6:])
                for choice in chunk.get("choices", []):
                    delta = choice.get("delta", {})
                    if delta.get("content") or delta.get("reasoning_content"):
                        times.append(time.monotonic())

    def generation_throughput(self, streams: int, seed: int, max_tokens: int = 256) -> float:
        per_stream: list[list[float]] = [[] for _ in range(streams)]
        threads = [threading.Thread(target=self.stream_tokens, args=(f"[{seed}-{i}] " + text_of(20, seed + i),
                                                                      max_tokens, per_stream[i]))
                   for i in range(streams)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # From the moment every stream has its first token to the last token: generation only.
        start = max(times[1] for times in per_stream)
        end = max(times[-1] for times in per_stream)
        tokens = sum(sum(1 for t in times[1:] if t > start) for times in per_stream)
        self.first_token_ms = (per_stream[0][1] - per_stream[0][0]) * 1000
        return tokens / (end - start)

    def second_turn_evaluated(self, seed: int) -> int:
        first = [{"role": "user", "content": f"[{seed}] " + text_of(400, seed)}]
        answer = self.chat(first, max_tokens=32).json()["choices"][0]["message"]["content"] or ""
        second = first + [{"role": "assistant", "content": answer}, {"role": "user", "content": "And then?"}]
        reply = self.chat(second, max_tokens=1).json()
        if "timings" in reply:  # llama-server says how many it evaluated
            return reply["timings"]["prompt_n"]
        usage = reply["usage"]
        return usage["prompt_tokens"] - (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)


def measure(servers: list[Server], runs: int) -> dict[str, dict[str, float]]:
    """Every measurement on every server, in turns; the best throughput and the median count."""
    results = {server.name: {"prompt": [], "gen1": [], "ttft": [], "gen4": [], "turn2": []} for server in servers}
    for server in servers:
        server.chat([{"role": "user", "content": "warm up"}], max_tokens=8).json()
    for run in range(runs):
        seed = random.randrange(1 << 30)
        for server in servers if run % 2 == 0 else list(reversed(servers)):
            got = results[server.name]
            got["prompt"].append(server.prompt_throughput(seed))
            got["gen1"].append(server.generation_throughput(1, seed + 1))
            got["ttft"].append(server.first_token_ms)
            got["gen4"].append(server.generation_throughput(4, seed + 2))
            got["turn2"].append(server.second_turn_evaluated(seed + 3))
            print(f"  run {run + 1} {server.name}: " + ", ".join(f"{k}={v[-1]:.1f}" for k, v in got.items()),
                  file=sys.stderr)
    best = {"turn2": statistics.median, "ttft": min}
    return {name: {k: best.get(k, max)(v) for k, v in got.items()}
            for name, got in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sluice", default=str(ROOT / ".build/release/sluice"))
    parser.add_argument("--llama-server")
    parser.add_argument("--model")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--gpu-layers", type=int)
    parser.add_argument("--large", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sluice-bench-"))
    model = Path(args.model) if args.model else work / "bench.gguf"
    if not model.exists():
        print(f"writing {model}", file=sys.stderr)
        shape = (["--embd", "4096", "--layers", "8", "--ff", "11008", "--heads", "32", "--kv-heads", "8"] if args.large
                 else ["--embd", "1024", "--layers", "8", "--ff", "2816", "--heads", "16", "--kv-heads", "8"])
        subprocess.run([sys.executable, str(HERE / "make_tiny_gguf.py"), str(model), *shape, "--extra-vocab", "31000",
                        "--dtype", "f16", "--context", str(CONTEXT)], check=True)
    llama_server = args.llama_server or subprocess.run(
        [str(ROOT / "scripts/build-llama"), "--server"], check=True, capture_output=True, text=True).stdout.strip()

    processes = []
    try:
        # llama-server: the same context, sequences, unified cache, batch and threads.
        llama_port = free_port()
        log = work / "llama-server.log"
        processes.append(subprocess.Popen(
            [llama_server, "-m", str(model), "-c", str(CONTEXT), "-np", str(PARALLEL), "-kvu", "-b", str(BATCH),
             "-t", str(args.threads), "-tb", str(args.threads), "--port", str(llama_port), "--host", "127.0.0.1",
             "--jinja", *(["-ngl", str(args.gpu_layers)] if args.gpu_layers is not None else [])],
            stdout=log.open("w"), stderr=subprocess.STDOUT))
        wait_ready(f"http://127.0.0.1:{llama_port}/health", processes[-1], log)

        sluice_port = free_port()
        database = work / "sluice.sqlite"
        config = work / "sluice.yaml"
        config.write_text(f"listen: 127.0.0.1:{sluice_port}\ndatabase: {database}\nbackends:\n  - name: local\n"
                          f"    type: llama\n    model: {model}\n    context: {CONTEXT}\n    parallel: {PARALLEL}\n"
                          f"    threads: {args.threads}\n    batch: {BATCH}\n"
                          + (f"    gpu_layers: {args.gpu_layers}\n" if args.gpu_layers is not None else "")
                          + "routes:\n  - match: \"*\"\n    backend: local\n")
        created = subprocess.run([args.sluice, "keys", "create", "--name", "bench", "--json", "--database", str(database)],
                                 check=True, capture_output=True, text=True)
        key = json.loads(created.stdout)["key"]
        log = work / "sluice.log"
        processes.append(subprocess.Popen([args.sluice, "serve", "--config", str(config)], stdout=log.open("w"),
                                          stderr=subprocess.STDOUT))
        wait_ready(f"http://127.0.0.1:{sluice_port}/healthz", processes[-1], log)

        rows = measure([Server("llama-server", f"http://127.0.0.1:{llama_port}", {}),
                        Server("sluice", f"http://127.0.0.1:{sluice_port}", {"authorization": f"Bearer {key}"})],
                       args.runs)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()

    size = model.stat().st_size / 1e6
    placement = f"{args.gpu_layers} layers on the GPU" if args.gpu_layers is not None else "CPU"
    print(f"\nModel: random weights, llama architecture, {size:.0f} MB F16; context {CONTEXT}, {PARALLEL} sequences "
          f"(unified KV), batch {BATCH}, {args.threads} threads, {placement}; best of {args.runs} interleaved runs "
          "(second turn: median).\n")
    print("| | llama-server | Sluice | Sluice / llama-server |")
    print("|---|---:|---:|---:|")
    labels = {"prompt": "prompt tokens/s (fresh 2k-token prompt)", "gen1": "generation tokens/s, 1 stream",
              "ttft": "time to first token, ms (1 stream, 20-word prompt)",
              "gen4": "generation tokens/s, 4 streams (aggregate)",
              "turn2": "prompt tokens evaluated again on a 1.5k-token conversation's 2nd turn"}
    for key, label in labels.items():
        a, b = rows["llama-server"][key], rows["sluice"][key]
        # Higher is better but for time to first token, whose ratio is inverted to read the same way.
        ratio = {"turn2": "", "ttft": f"{a / b:.2f}×"}.get(key, f"{b / a:.2f}×")
        print(f"| {label} | {a:.1f} | {b:.1f} | {ratio} |")


if __name__ == "__main__":
    main()
