#!/usr/bin/env python3
"""Sketches one shard of genomes (the sketch step) with `seqcoder sketch`, sketching again only the
genomes that are new or changed since the shard's last run.

The sketches of a shard are kept in out/state/sketches/N.jsonl with each file's size and
modification time (Snakemake deletes a job's outputs before running it again); a genome whose
size and time are unchanged keeps its sketch. A new genome in a shard of 500 then costs one
sketch, not 500. The cache is written in the shard's genome order, and the job's output, last, is
a link to it. `seqcoder sketch --stamps` writes each line with its file's size and time, as the
cache keeps it, so a shard sketched whole is the cache as written (10 MB a shard of 1,000 that
this script no longer reads and writes again: 0.2 s of a 1.7 s job).
"""
import argparse
import os
import shlex
import tempfile

from common import link_or_copy, read_list, run, sketch_fields, stamp, write_atomic


def read_cache(path, kmer, size, sample):
    """name -> (line, fields before the hashes) of the shard's cached sketches of this kmer, size and sample."""
    if not os.path.exists(path):
        return {}
    cache = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = sketch_fields(line)
            if fields["kmer"] == kmer and fields["size"] == size and fields.get("sample", 1) == sample:
                cache[fields["name"]] = (line, fields)
    return cache


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqcoder", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--cache", required=True, help="the shard's sketches under out/state")
    parser.add_argument("--output", required=True)
    parser.add_argument("--kmer", type=int, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--sample", type=int, default=1, help="sketch one k-mer in this many (a power of two)")
    parser.add_argument("--genomes", required=True, help="the shard's genomes, one a line (- for stdin)")
    args = parser.parse_args()

    genomes = read_list(args.genomes)
    cache = read_cache(args.cache, args.kmer, args.size, args.sample)
    todo = [g for g in genomes if g not in cache or [cache[g][1].get("bytes"), cache[g][1].get("mtimeNs")] != stamp(os.path.join(args.input, g))]
    whole = False  # whether Node wrote the cache as it now stands
    if todo:
        folder = os.path.dirname(os.path.abspath(args.cache))
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", dir=folder, delete=False) as out:
            fresh_path = out.name
        try:
            run(shlex.split(args.seqcoder), ["sketch", "-q", "-f", "--stamps", "--files-from", "-", "-k", str(args.kmer), "-s", str(args.size), "--sample", str(args.sample), "-o", fresh_path], args.input, todo)
            if len(todo) == len(genomes):
                # every line new, in the shard's order: the cache as it stands
                os.replace(fresh_path, args.cache)
                whole = True
            else:
                with open(fresh_path, encoding="utf-8") as f:
                    for line in f:
                        cache[sketch_fields(line)["name"]] = (line, None)
        finally:
            if os.path.exists(fresh_path):
                os.unlink(fresh_path)
    if not whole:
        # the cache as now written (a genome gone from the shard leaves it)
        write_atomic(args.cache, "".join(cache[g][0] for g in genomes))
    link_or_copy(args.cache, args.output)
    print(f"sketch.py: {len(genomes)} genome(s), {len(todo)} sketched, {len(genomes) - len(todo)} kept")


if __name__ == "__main__":
    main()
