#!/usr/bin/env python3
"""Compares two settings of the scale workflow on one set of genomes, run alternately.

This machine's speed drifts by as much as two times from hour to hour, so one run of each setting
tells nothing; runs taken in turn (A B A B ...) see the same hours. Each run starts from nothing
(`snakemake --cores N`), its core-seconds are summed from the jobs' benchmark files as bench.py
does, and the archives' total size is printed too, to show that the setting changed time, not
bytes. No xz and no growth step: bench.py measures those.

  python3 workflow/scripts/ab.py --set DIR --work DIR --a huge_pages=false --b huge_pages=true [--pairs 5]
"""
import argparse
import os
import statistics

from bench import STEPS, run_from_nothing


def run(label, input_dir, work, cores, config):
    r = run_from_nothing(label, input_dir, os.path.join(work, "ab"), work, cores, config)
    steps = r["steps"]
    return {
        "wall": r["wall"],
        "steps": {s: steps[s]["coreSeconds"] for s in STEPS},
        "peak": max(v["peakRssMB"] for v in steps.values()),
        "megabytes": r["catalogue"]["originalBytes"] / 1e6,
        "archives": r["catalogue"]["archiveBytes"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", required=True, help="folder of genomes")
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--a", nargs="*", default=[], help="config of A, key=value")
    parser.add_argument("--b", nargs="*", default=[], help="config of B, key=value")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    args = parser.parse_args()
    input_dir = os.path.abspath(args.set)
    os.makedirs(args.work, exist_ok=True)
    labels = {"A": " ".join(args.a) or "(defaults)", "B": " ".join(args.b) or "(defaults)"}
    print(f"{input_dir}; A = {labels['A']}, B = {labels['B']}; {args.pairs} pairs, --cores {args.cores}")
    print(f"| run | setting | wall s | core-s: {' / '.join(STEPS)} | core-s | MB/s per core | peak RSS MB | archive bytes |")
    print("| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |")
    totals = {"A": [], "B": []}
    megabytes = 0.0
    for i in range(args.pairs):
        # alternate which goes first, so that neither always follows the other
        order = ["A", "B"] if i % 2 == 0 else ["B", "A"]
        for which in order:
            r = run(which, input_dir, os.path.abspath(args.work), args.cores, args.a if which == "A" else args.b)
            megabytes = r["megabytes"]  # the FASTA bytes of the set, from the run's catalogue
            total = sum(r["steps"].values())
            totals[which].append(total)
            steps = " / ".join(f"{r['steps'][s]:.2f}" for s in STEPS)
            print(f"| {i + 1} | {which} | {r['wall']:.1f} | {steps} | {total:.2f} | {megabytes / total:.2f} | {r['peak']:.0f} | {r['archives']:,} |", flush=True)
    print(f"\n{megabytes:.1f} MB of FASTA, as the catalogue counts it")
    for which in "AB":
        t = totals[which]
        print(f"{which} ({labels[which]}): mean {statistics.mean(t):.2f} core-s ({megabytes / statistics.mean(t):.2f} MB/s per core), median {statistics.median(t):.2f}, from {min(t):.2f} to {max(t):.2f}")
    change = statistics.mean(totals["B"]) / statistics.mean(totals["A"]) - 1
    wins = sum(b < a for a, b in zip(totals["A"], totals["B"]))
    print(f"B against A: {change:+.1%} core-seconds on average; B took less in {wins} of {args.pairs} pairs")


if __name__ == "__main__":
    main()
