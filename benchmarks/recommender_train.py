"""Training time and peak memory of the learned ranker on 1,000,000 synthetic interactions.

    .venv/bin/python benchmarks/recommender_train.py [--interactions 1000000] [--seed 0] [--threads 1]

The history is drawn with a fixed seed by ``recommender.synthetic`` (Zipfian investor activity,
sectors and regions; stage ladders; follow-on rounds). The targets (issue, section 6): training
on 1,000,000 interactions in at most 120 s with a peak memory of at most 2 GiB. Peak memory is
the process's maximum resident set size, generation included.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.model import LearnedRanker  # noqa: E402
from recommender.synthetic import make_dataset  # noqa: E402

TARGET_SECONDS = 120
TARGET_BYTES = 2 * 1024**3


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads for the trees")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    data = make_dataset(args.interactions, seed=args.seed)
    generated = time.perf_counter() - start
    rss_data = peak_rss_bytes()

    ranker = LearnedRanker(n_threads=args.threads, verbose=not args.json)
    wall, cpu = time.perf_counter(), time.process_time()
    ranker.fit(data)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = peak_rss_bytes()

    figures = {
        **data.summary(), "generate_seconds": round(generated, 1), "fit_seconds": round(wall, 1),
        "fit_cpu_seconds": round(cpu, 1), "training_pairs": ranker.training_info_["pairs"],
        "peak_rss_mib": round(peak / 2**20), "rss_after_generation_mib": round(rss_data / 2**20),
        "within_time": wall <= TARGET_SECONDS, "within_memory": peak <= TARGET_BYTES,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{figures['interactions']:,} interactions, {figures['rounds']:,} rounds, "
              f"{figures['investors']:,} investors (generated in {generated:.1f} s)")
        print(f"fit: {wall:.1f} s wall, {cpu:.1f} s CPU, {figures['training_pairs']:,} training pairs "
              f"(target <= {TARGET_SECONDS} s: {'met' if figures['within_time'] else 'MISSED'})")
        print(f"peak RSS: {figures['peak_rss_mib']:,} MiB (after generating the data: "
              f"{figures['rss_after_generation_mib']:,} MiB; target <= 2048 MiB: "
              f"{'met' if figures['within_memory'] else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
