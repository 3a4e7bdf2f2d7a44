#!/usr/bin/env python3
"""Measures the batch step (batch.py) at the scale of the large collections: its time and peak memory
on the sketches of N genomes, which this script makes up instead of sketching real genomes.

The sketches are those `seqcoder sketch` writes (JSON lines, 1,000 hashes, k = 21), in shards of
1,000 genomes as the workflow's. Each genome belongs to one of `--species` species, drawn with
weights 1/rank (a few species hold most genomes, as in the 661k collection, with a long tail of
rare ones), in an order that mixes them. A genome's sketch is a window of 980 of its species'
1,050 hashes plus 20 of its own, so that genomes of a species are at Mash distance under 0.01 and
of two species at 1. Lengths are 2-6 Mb, so that a batch of common genomes fills its 200 M bases
at about 50 genomes.

    python3 workflow/scripts/bench_batch.py --genomes 200000 --species 5000 --work /tmp/bb

prints the genomes, batches, seconds and peak resident memory of batch.py. The sketch files are
kept in --work for a second run (with other --batch-args, e.g. '--max-open 8192').
"""
import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make_sketches(work, genomes, species, seed):
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(species)))
    pools = {}
    shard = None
    paths = []
    for g in range(genomes):
        if g % 1000 == 0:
            if shard:
                shard.close()
            paths.append(os.path.join(work, f"{g // 1000}.jsonl"))
            shard = open(paths[-1], "w", encoding="utf-8")
        s = rng.choices(range(species), cum_weights=cumulative)[0]
        pool = pools.get(s)
        if pool is None:
            pool = pools[s] = [rng.getrandbits(31) for _ in range(1050)]
        start = rng.randrange(70)
        hashes = sorted(set(pool[start : start + 980] + [rng.getrandbits(31) for _ in range(20)]))
        # named by number, as accessions are, so that path order mixes the species
        line = {"name": f"genome{g:07d}.fa", "bases": rng.randrange(2_000_000, 6_000_000), "kmer": 21, "size": 1000, "sample": 32, "hashes": hashes}
        shard.write(json.dumps(line, separators=(",", ":")) + "\n")
    if shard:
        shard.close()
    return paths


def measured(command):
    """Runs a command; returns (seconds, peak RSS in MB of the largest child so far, stdout)."""
    start = time.monotonic()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seconds = time.monotonic() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--genomes", type=int, required=True)
    parser.add_argument("--species", type=int, required=True)
    parser.add_argument("--work", required=True, help="folder for the sketches (kept) and the ledger")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-args", default="", help="more arguments for batch.py, e.g. '--max-open 1024'")
    args = parser.parse_args()

    work = os.path.join(args.work, f"{args.genomes}-{args.species}-{args.seed}")
    os.makedirs(work, exist_ok=True)
    paths = sorted((os.path.join(work, f) for f in os.listdir(work) if f.endswith(".jsonl")), key=lambda p: int(os.path.basename(p).split(".")[0]))
    if len(paths) != (args.genomes + 999) // 1000:
        for p in paths:
            os.unlink(p)
        start = time.monotonic()
        paths = make_sketches(work, args.genomes, args.species, args.seed)
        print(f"made {args.genomes:,} sketches of {args.species:,} species in {time.monotonic() - start:.0f} s", file=sys.stderr)
    ledger = os.path.join(args.work, "ledger.tsv")
    if os.path.exists(ledger):
        os.unlink(ledger)
    command = [sys.executable, "-S", os.path.join(HERE, "batch.py"), "--ledger", ledger, "--table", os.path.join(args.work, "batches.tsv"),
               "--max-genomes", "500", "--max-bases", "200000000", "--max-distance", "0.25", *args.batch_args.split(), *paths]
    seconds, rss, out = measured(command)
    size = sum(os.path.getsize(p) for p in paths)
    print(f"{args.genomes:,} genomes ({size / 1e6:,.0f} MB of sketches): {out.strip()}; {seconds:.1f} s, peak RSS {rss:,.0f} MB")


if __name__ == "__main__":
    main()
