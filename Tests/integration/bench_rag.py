#!/usr/bin/env python3
"""Retrieval quality and speed of the `rag` stage's keyword search, against a reference BM25.

    pip install rank-bm25==0.2.2 snowballstemmer==3.1.1   # the reference, in any venv with `requests`
    python Tests/integration/bench_rag.py [--sluice .build/release/sluice] [--postgres] [--large 10000]

The evaluation set is public text already on every machine that runs the tests: the docstrings
of fifty Python standard-library modules, one Markdown file per module and one `## module.name`
section per documented function or class (a few hundred passages). Each of the questions below
is written in words of its own (not copied from a docstring) and names the sections that answer
it; a question is found at k when one of those sections is among the first k passages.

Sluice's keyword search (`sluice rag search`, SQLite FTS5 BM25; with `--postgres` also
PostgreSQL full-text search) is compared with rank_bm25's BM25Okapi over the very passages
Sluice cut (read back from the database), with Snowball stemming, so the figures compare ranking,
not chunking. Timings: ingestion (`sluice rag add`, passages per second) and retrieval in the
server (the `rag:retrieval_ms` the stage records on each usage row) with `--large` passages.
Prints Markdown tables for the README.
"""

from __future__ import annotations

import argparse
import importlib
import os
import inspect
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import snowballstemmer
from rank_bm25 import BM25Okapi

from mock_upstream import MockUpstream
from sluice_harness import Sluice, backend, route

MODULES = ["os", "os.path", "shutil", "textwrap", "itertools", "functools", "collections", "re", "datetime", "heapq",
           "bisect", "statistics", "random", "base64", "gzip", "zipfile", "csv", "urllib.parse", "calendar", "difflib",
           "fnmatch", "glob", "tempfile", "subprocess", "threading", "queue", "pathlib", "uuid", "secrets", "json",
           "string", "copy", "pprint", "shlex", "hashlib", "hmac", "operator", "contextlib", "struct", "ipaddress",
           "html", "email.utils", "mimetypes", "locale", "getpass", "platform", "socket", "time", "math"]

# question -> the sections that answer it
QUESTIONS: dict[str, list[str]] = {
    "How do I split a pathname into its directory and its last component?": ["os.path.split"],
    "escape every special character in a regular expression pattern": ["re.escape"],
    "remove the common indentation from all lines of a text block": ["textwrap.dedent"],
    "where should an item go so that a sorted list stays sorted": ["bisect.bisect_left", "bisect.bisect_right", "bisect.bisect",
                                                                  "bisect.insort_left", "bisect.insort_right", "bisect.insort"],
    "copy a whole directory with everything below it": ["shutil.copytree"],
    "the n biggest items of a dataset": ["heapq.nlargest"],
    "memoize a function so repeated calls with the same arguments are cached": ["functools.lru_cache", "functools.cache"],
    "turn a URL query string into a dictionary of parameters": ["urllib.parse.parse_qs", "urllib.parse.parse_qsl"],
    "a temporary folder deleted automatically when I'm done": ["tempfile.TemporaryDirectory", "tempfile.mkdtemp"],
    "run an external program and capture what it prints": ["subprocess.run", "subprocess.check_output", "subprocess.getoutput",
                                                           "subprocess.getstatusoutput"],
    "dictionary that keeps keys in the order they were added": ["collections.OrderedDict"],
    "tally how many times each element occurs": ["collections.Counter"],
    "iterate over several iterables one after another as if they were one": ["itertools.chain"],
    "every combination of one element from each input (cartesian product)": ["itertools.product"],
    "average of a list of numbers": ["statistics.mean", "statistics.fmean"],
    "middle value of numeric data": ["statistics.median", "statistics.median_low", "statistics.median_high",
                                     "statistics.median_grouped"],
    "pick one element at random from a sequence": ["random.choice"],
    "randomly reorder a list in place": ["random.shuffle"],
    "encode binary data as base64 text": ["base64.b64encode", "base64.standard_b64encode", "base64.encodebytes"],
    "decompress data that was gzip compressed": ["gzip.decompress", "gzip.GzipFile", "gzip.open"],
    "read and write .zip archives": ["zipfile.ZipFile"],
    "write rows into a comma separated values file": ["csv.writer", "csv.DictWriter"],
    "percent-encode unsafe characters in part of a URL": ["urllib.parse.quote", "urllib.parse.quote_plus",
                                                          "urllib.parse.quote_from_bytes"],
    "does February have 29 days this year (leap year)": ["calendar.isleap", "calendar.leapdays"],
    "show the differences between two lists of lines in unified format": ["difflib.unified_diff"],
    "test a filename against a shell wildcard like *.txt": ["fnmatch.fnmatch", "fnmatch.fnmatchcase", "fnmatch.filter"],
    "list all files matching a pattern, also in subdirectories": ["glob.glob", "glob.iglob"],
    "run a function concurrently in a separate thread of control": ["threading.Thread"],
    "a lock the same thread may acquire again without blocking": ["threading.RLock"],
    "first-in first-out queue shared by producer and consumer threads": ["queue.Queue", "queue.SimpleQueue"],
    "make a random universally unique identifier": ["uuid.uuid4"],
    "cryptographically strong random token for a password reset link": ["secrets.token_urlsafe", "secrets.token_hex",
                                                                        "secrets.token_bytes"],
    "convert a Python object into a JSON string": ["json.dumps"],
    "load a JSON document from an open file": ["json.load"],
    "copy an object and everything it contains recursively": ["copy.deepcopy"],
    "print nested data structures readably": ["pprint.pprint", "pprint.pformat", "pprint.PrettyPrinter", "pprint.pp"],
    "break a command line string into arguments the way a shell would": ["shlex.split"],
    "make a string safe to pass as a shell argument": ["shlex.quote"],
    "keyed hashing to authenticate messages": ["hmac.new", "hmac.HMAC", "hmac.digest"],
    "compare two secret digests without leaking timing information": ["hmac.compare_digest", "secrets.compare_digest"],
    "a callable that fetches an item by index or key from its operand": ["operator.itemgetter"],
    "ignore particular exceptions inside a with block": ["contextlib.suppress"],
    "write a context manager as a generator function with yield": ["contextlib.contextmanager"],
    "pack numbers into a bytes object according to a format": ["struct.pack", "struct.pack_into", "struct.Struct"],
    "parse a string as an IPv4 or IPv6 address": ["ipaddress.ip_address"],
    "network object from a CIDR string like 10.0.0.0/8": ["ipaddress.ip_network", "ipaddress.IPv4Network"],
    "escape < > and & so text can go into HTML": ["html.escape"],
    "date string for an email Date header": ["email.utils.formatdate", "email.utils.format_datetime"],
    "guess a file's content type from its file name": ["mimetypes.guess_type"],
    "ask for a password without showing what is typed": ["getpass.getpass"],
    "which operating system am I running on": ["platform.system", "platform.platform", "platform.uname"],
    "look up the IPv4 address of a host name": ["socket.gethostbyname", "socket.getaddrinfo", "socket.gethostbyname_ex"],
    "pause the program for some seconds": ["time.sleep"],
    "format a time as a string with a format like %Y-%m-%d": ["time.strftime"],
    "greatest common divisor": ["math.gcd"],
    "are two floating point numbers approximately equal": ["math.isclose"],
    "current working directory of the process": ["os.getcwd", "os.getcwdb"],
    "visit every folder in a directory tree": ["os.walk", "os.fwalk"],
    "wrap a paragraph so no line is longer than a given width": ["textwrap.wrap", "textwrap.fill", "textwrap.TextWrapper"],
    "truncate text to a width, ending with a placeholder": ["textwrap.shorten"],
    "duration between two dates": ["datetime.timedelta"],
    "filesystem paths as objects with methods": ["pathlib.Path", "pathlib.PurePath"],
    "combine the items of a sequence into one value by applying a two-argument function": ["functools.reduce"],
    "replace ~ in a path with the user's home directory": ["os.path.expanduser"],
    "make a path absolute": ["os.path.abspath"],
    "move a file or folder somewhere else": ["shutil.move"],
    "find where an executable is on the PATH": ["shutil.which"],
    "call a function once after a delay in the background": ["threading.Timer"],
    "apply a function to each tuple of arguments from an iterable": ["itertools.starmap"],
}


def build_corpus(folder: Path) -> set[str]:
    """One Markdown file per module; returns the section names it holds."""
    sections: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(name)
        lines = [f"# {name}", "", (inspect.getdoc(module) or "").split("\n\n")[0], ""]
        public = getattr(module, "__all__", None)
        for attr, obj in sorted(vars(module).items()):
            if attr.startswith("_") or not callable(obj) or (public is not None and attr not in public):
                continue
            defined_in = (getattr(obj, "__module__", None) or name).lstrip("_")
            if public is None and not name.startswith(defined_in.split(".")[0]) and name not in ("os", "os.path"):
                continue
            doc = inspect.getdoc(obj)
            if not doc or len(doc) < 12:
                continue
            lines += [f"## {name}.{attr}", "", doc, ""]
            sections.add(f"{name}.{attr}")
        (folder / f"{name}.md").write_text("\n".join(lines))
    return sections


def section_of(heading: str) -> str:
    return heading.split(" > ")[-1]


class ReferenceBM25:
    """rank_bm25's Okapi BM25 over Sluice's own passages (heading and text), Snowball-stemmed."""

    def __init__(self, passages: list[tuple[str, str]]):
        self.stemmer = snowballstemmer.stemmer("english")
        self.headings = [heading for heading, _ in passages]
        self.index = BM25Okapi([self.tokens(f"{heading} {text}") for heading, text in passages])

    def tokens(self, text: str) -> list[str]:
        return self.stemmer.stemWords(re.findall(r"\w+", text.lower()))

    def search(self, query: str, top: int) -> list[str]:
        scores = self.index.get_scores(self.tokens(query))
        best = sorted(range(len(scores)), key=lambda i: -scores[i])[:top]
        return [self.headings[i] for i in best]


def recall(rankings: dict[str, list[str]], k: int) -> float:
    found = sum(1 for q, headings in rankings.items() if {section_of(h) for h in headings[:k]} & set(QUESTIONS[q]))
    return found / len(rankings)


def sluice_rankings(srv: Sluice, collection: str, database: str | None = None) -> dict[str, list[str]]:
    extra = ["--database", database] if database else []
    return {q: [hit["heading"] for hit in srv.cli_json("rag", "search", collection, q, "--top", "5", *extra)]
            for q in QUESTIONS}


def timed_add(srv: Sluice, collection: str, folder: Path, database: str | None = None) -> tuple[int, float]:
    extra = ["--database", database] if database else []
    srv.cli("rag", "create", collection, *extra)
    started = time.perf_counter()
    summary = srv.cli_json("rag", "add", collection, folder, *extra)
    return summary["chunks"], time.perf_counter() - started


def retrieval_ms(srv: Sluice, key: str, questions: list[str]) -> list[int]:
    """The stage's own timing of each retrieval, from the usage rows the requests leave."""

    def recorded() -> list[int]:
        with sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True, timeout=10) as db:
            rows = db.execute("SELECT policies FROM usage WHERE policies LIKE '%rag:retrieval_ms=%'").fetchall()
        return [int(re.search(r"rag:retrieval_ms=(\d+)", policies).group(1)) for (policies,) in rows]

    before = len(recorded())
    for q in questions:
        body = {"model": "bench", "max_tokens": 16, "messages": [{"role": "user", "content": q}]}
        resp = requests.post(f"{srv.url}/v1/messages", json=body, headers={"x-api-key": key, "anthropic-version": "2023-06-01"},
                             timeout=30)
        resp.raise_for_status()
    deadline = time.monotonic() + 10
    while len(times := recorded()) < before + len(questions) and time.monotonic() < deadline:
        time.sleep(0.1)
    return times[before:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", type=Path, default=Path(".build/release/sluice"))
    parser.add_argument("--postgres", action="store_true", help="also measure PostgreSQL full-text search")
    parser.add_argument("--large", type=int, default=10_000, help="passages for the retrieval timing")
    args = parser.parse_args()
    os.environ["SLUICE_BIN"] = str(args.sluice.resolve())

    with tempfile.TemporaryDirectory(prefix="sluice-bench-rag-") as tmp, MockUpstream() as mock:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        sections = build_corpus(corpus)
        missing = {a for answers in QUESTIONS.values() for a in answers if a not in sections}
        unanswerable = [q for q, answers in QUESTIONS.items() if not set(answers) & sections]
        if unanswerable:
            sys.exit(f"questions whose sections are not in the corpus: {unanswerable}")
        print(f"corpus: {len(MODULES)} modules, {len(sections)} sections; {len(QUESTIONS)} questions "
              f"({len(missing)} alternative answers absent on this Python)", file=sys.stderr)

        srv = Sluice(work / "srv", mock.base_url, backends=[backend("upstream", mock.base_url)], routes=[route("*", "upstream")])
        chunks, seconds = timed_add(srv, "stdlib", corpus)
        db = sqlite3.connect(srv.db)
        passages = db.execute("SELECT heading, text FROM rag_chunks WHERE collection = 'stdlib' ORDER BY id").fetchall()
        reference = ReferenceBM25(passages)
        rows = [("Sluice keyword (SQLite FTS5)", sluice_rankings(srv, "stdlib")),
                ("rank_bm25 BM25Okapi (reference)", {q: reference.search(q, 5) for q in QUESTIONS})]
        ingestion = [("SQLite", chunks, seconds)]

        if args.postgres:
            from postgres_cluster import PostgresCluster
            pg = PostgresCluster()
            try:
                name = pg.create_database().rsplit("/", 1)[1].split("?")[0]
                url = pg.url(name, password=True)
                srv.cli("migrate", "--database", url)
                chunks_pg, seconds_pg = timed_add(srv, "stdlib", corpus, url)
                rows.append(("Sluice keyword (PostgreSQL full text)", sluice_rankings(srv, "stdlib", url)))
                ingestion.append(("PostgreSQL", chunks_pg, seconds_pg))
            finally:
                pg.close()

        print(f"\n{len(passages)} passages from {len(sections)} sections, {len(QUESTIONS)} questions\n")
        print("| ranking | recall@1 | recall@5 |\n|---|---|---|")
        for name, ranking in rows:
            print(f"| {name} | {recall(ranking, 1):.2f} | {recall(ranking, 5):.2f} |")

        # Retrieval time at scale: the corpus copied until it holds --large passages.
        large = work / "large"
        copies = max(1, -(-args.large // len(passages)))
        for i in range(copies):
            (large / f"copy{i}").mkdir(parents=True)
            for path in corpus.iterdir():
                (large / f"copy{i}" / path.name).write_text(path.read_text())
        big_chunks, big_seconds = timed_add(srv, "large", large)
        ingestion.append(("SQLite, large", big_chunks, big_seconds))
        (srv.policies_dir / "rag_large.yaml").write_text("stages: [rag]\nrag:\n  collections: [large]\n  top_k: 4\n  mode: keyword\n")
        srv.start()
        key = srv.create_key("bench", policy="rag_large")
        questions = list(QUESTIONS)
        retrieval_ms(srv, key, questions[:5])  # warm-up
        times = retrieval_ms(srv, key, questions)
        srv.stop()

        print("\n| store | passages | ingestion | passages/s |\n|---|---|---|---|")
        for store, count, secs in ingestion:
            print(f"| {store} | {count} | {secs:.2f} s | {count / secs:,.0f} |")
        print(f"\nretrieval in the server at {big_chunks} passages (keyword, top 4): "
              f"median {statistics.median(times)} ms, max {max(times)} ms over {len(times)} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
