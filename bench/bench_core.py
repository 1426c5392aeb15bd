"""Throughput of the in-process core (read -> clean -> segment -> extract) on one core.

Two corpora, each processed document by document, as the service does:

- **seeds**: the four seeds sorted by name, repeated 124 times = 496 documents, 10,012,751 bytes
  when joined with blank lines (the fixed recipe of the competitor measurements);
- **English**: the English texts of the development corpus (``tests/fixtures/corpus/en``) repeated
  to about the same size.

For each, in the same run, a baseline: one pass of a combined regex over the same bytes, per
document, with the pattern the issue fixes (symbols, ``第…号``, Chinese dates, ``《…》`` titles). The
ratio core / regex says how much work the core does per byte compared with the least a tool
reading these documents must do; it does not depend on the machine's speed. Prints MB/s (10^6
input bytes/s), docs/s, the ratio, peak RSS and the cost of serialising the outputs to JSON.

    python bench/bench_core.py [--repeat 124] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ENGLISH = ROOT / "tests" / "fixtures" / "corpus" / "en"
#: The baseline: one combined regex pass, as the issue states it.
BASELINE = re.compile(
    r"[A-Z]+(?:/[A-Za-z0-9.()\-]+)+|第\s*[0-9]+(?:/[0-9]+|\s*\([0-9]{4}\))\s*号"
    r"|\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?|《[^》]+》"
)


def seed_corpus(repeat: int) -> list[tuple[str, bytes]]:
    seeds = sorted(SEEDS.glob("*.txt"))
    return [(p.name, p.read_bytes()) for _ in range(repeat) for p in seeds]


def english_corpus(size: int) -> list[tuple[str, bytes]]:
    texts = [(p.name, p.read_bytes()) for p in sorted(ENGLISH.glob("*.txt"))]
    docs: list[tuple[str, bytes]] = []
    total = 0
    while total < size:
        for name, data in texts:
            docs.append((name, data))
            total += len(data)
    return docs


def _time(docs: list[tuple[str, bytes]], work: Callable[[str, bytes], object], rounds: int) -> list[float]:
    times = []
    clock = time.perf_counter
    for _ in range(rounds):
        start = clock()
        for name, data in docs:  # one document at a time, as a worker does: nothing is kept
            work(name, data)
        times.append(clock() - start)
    return times


def _regex(_name: str, data: bytes) -> object:
    return BASELINE.findall(data.decode("utf-8"))


def measure(label: str, docs: list[tuple[str, bytes]], rounds: int) -> None:
    from pipeline.run import process

    size = sum(len(data) for _, data in docs)
    joined = b"\n\n".join(data for _, data in docs) + b"\n"
    print(f"{label}: {len(docs)} documents, {size:,} bytes (sha256 {hashlib.sha256(joined).hexdigest()[:16]})")
    process(docs[0][1], docs[0][0])  # warm up: gazetteer automata, imports
    core_times: list[float] = []
    regex_times: list[float] = []
    for _ in range(rounds):  # core and regex in turn: the ratio is taken pair by pair, so that a
        # machine whose speed drifts during the run (other work on it) moves both sides of a pair
        core_times += _time(docs, lambda name, data: process(data, name), 1)
        regex_times += _time(docs, _regex, 1)
    core = statistics.median(core_times)
    regex = statistics.median(regex_times)
    ratio = statistics.median(r / c for r, c in zip(regex_times, core_times, strict=True))
    json_spent = statistics.median(_time(docs, lambda name, data: process(data, name).model_dump_json(), 1))
    print(f"  core:      {size / core / 1e6:6.1f} MB/s  {len(docs) / core:7.1f} docs/s  (median of {rounds})")
    print(f"  + JSON:    {size / json_spent / 1e6:6.1f} MB/s")
    print(f"  regex:     {size / regex / 1e6:6.1f} MB/s  (one combined pattern, per document)")
    print(f"  ratio:     {ratio:.3f}  (core MB/s / regex MB/s, median of the {rounds} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=124)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    seeds = seed_corpus(args.repeat)
    measure("seeds", seeds, args.rounds)
    measure("English corpus", english_corpus(sum(len(d) for _, d in seeds)), args.rounds)
    print(f"peak RSS:    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
