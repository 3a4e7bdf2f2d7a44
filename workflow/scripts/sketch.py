#!/usr/bin/env python3
"""Sketches one shard of genomes (the sketch step) with `seqcoder sketch`, sketching again only the
genomes that are new or changed since the shard's last run.

The sketches of a shard are kept in out/state/sketches/N.jsonl with each file's size and
modification time (Snakemake deletes a job's outputs before running it again); a genome whose
size and time are unchanged keeps its sketch. A new genome in a shard of 500 then costs one
sketch, not 500. The cache is written in the shard's genome order, and the job's output, last, is
a link to it.
"""
import argparse
import os
import shlex
import tempfile

from common import link_or_copy, read_list, run, sketch_fields, stamp, write_atomic


def stamped(line, stamp):
    """A sketch line of `seqcoder sketch` with the file's size and time in front, as the cache keeps it."""
    return '{"bytes":%d,"mtimeNs":%d,%s' % (stamp[0], stamp[1], line[1:])


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
    stamps = {g: stamp(os.path.join(args.input, g)) for g in genomes}
    todo = [g for g in genomes if g not in cache or [cache[g][1].get("bytes"), cache[g][1].get("mtimeNs")] != stamps[g]]
    if todo:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", dir=os.path.dirname(os.path.abspath(args.output)), delete=False) as out:
            fresh_path = out.name
        try:
            run(shlex.split(args.seqcoder), ["sketch", "-q", "-f", "--files-from", "-", "-k", str(args.kmer), "-s", str(args.size), "--sample", str(args.sample), "-o", fresh_path], args.input, todo)
            with open(fresh_path, encoding="utf-8") as f:
                for line in f:
                    name = sketch_fields(line)["name"]
                    cache[name] = (stamped(line, stamps[name]), None)
        finally:
            os.unlink(fresh_path)
    # the output is the cache as now written (a link): 10 MB of JSON a shard of 1,000, written once
    write_atomic(args.cache, "".join(cache[g][0] for g in genomes))
    link_or_copy(args.cache, args.output)
    print(f"sketch.py: {len(genomes)} genome(s), {len(todo)} sketched, {len(genomes) - len(todo)} kept")


if __name__ == "__main__":
    main()
