"""Throughput of the in-process core (read -> clean -> segment -> extract) on one core.

Corpus (fixed recipe, as in the competitor measurements): the four seeds sorted by name,
repeated 124 times = 496 documents, 10,012,751 bytes when joined with blank lines. Each
document is processed on its own, as the service does. Prints MB/s (10^6 input bytes/s),
docs/s and peak RSS; also the cost of serialising the outputs to JSON.

    python bench/bench_core.py [--repeat 124] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def corpus(repeat: int) -> list[tuple[str, bytes]]:
    seeds = sorted(SEEDS.glob("*.txt"))
    return [(p.name, p.read_bytes()) for _ in range(repeat) for p in seeds]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=124)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    from pipeline.run import process

    docs = corpus(args.repeat)
    joined = b"\n\n".join(data for _, data in docs) + b"\n"
    size = sum(len(data) for _, data in docs)
    print(
        f"corpus: {len(docs)} documents, {size:,} bytes ({len(joined):,} joined, "
        f"sha256 {hashlib.sha256(joined).hexdigest()[:16]})"
    )
    process(docs[0][1], docs[0][0])  # warm up: gazetteer automata, imports
    times, json_times = [], []
    clock = time.perf_counter
    for _ in range(args.rounds):
        spent = json_spent = 0.0
        for name, data in docs:  # one document at a time, as a worker does: nothing is kept
            start = clock()
            doc = process(data, name)
            middle = clock()
            doc.model_dump_json()
            json_spent += clock() - middle
            spent += middle - start
        times.append(spent)
        json_times.append(json_spent)
    best, median = min(times), statistics.median(times)
    print(
        f"process:   {size / median / 1e6:6.1f} MB/s  {len(docs) / median:7.1f} docs/s  "
        f"(median of {args.rounds}; best {size / best / 1e6:.1f} MB/s)"
    )
    with_json = median + statistics.median(json_times)
    print(f"+ to JSON: {size / with_json / 1e6:6.1f} MB/s  {len(docs) / with_json:7.1f} docs/s")
    print(f"peak RSS:  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
