#!/usr/bin/env python3
"""Checks one batch's archive (the verify step): `seqcoder verify --against` decodes every file and
compares it byte for byte with its input (a .gz input with the FASTA it holds, which is what the
archive keeps), in one process that writes nothing to disk; then writes what the catalogue needs:
each genome's stored name, bytes, SHA-256 and records (name, length), as that command reports them."""
import argparse
import json
import os
import shlex
import subprocess

from common import read_list, stored_name, write_atomic


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqcoder", required=True, help="the seqcoder command, e.g. 'node apps/cli/dist/cli.js'")
    parser.add_argument("--input", required=True)
    parser.add_argument("--archive", required=True)
    parser.add_argument("--batch", required=True)
    parser.add_argument("--genomes", required=True, help="file of the batch's genomes, one path a line (- for stdin)")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    genomes = read_list(args.genomes)
    seqcoder = shlex.split(args.seqcoder)
    # stdout is the report; stderr (what went wrong, if anything) goes to the job's log
    run = subprocess.run([*seqcoder, "verify", "--json", "--against", args.input, args.archive], check=True, stdout=subprocess.PIPE)
    files = {f["name"]: f for f in json.loads(run.stdout)[0]["files"]}
    entries = []
    for genome in genomes:
        name = stored_name(genome)
        if name not in files:
            raise SystemExit(f"verify.py: {args.archive} does not hold {name}")
        info = files[name]
        entries.append(
            {
                "genome": genome,
                "stored": name,
                "bytes": info["bytes"],
                "sha256": info["sha256"],
                "records": info["records"] if info["kind"] == "fasta" else [],
            }
        )
    if len(files) != len(genomes):
        raise SystemExit(f"verify.py: {args.archive} holds {len(files)} files, the batch {len(genomes)}")
    result = {"batch": args.batch, "archive": os.path.basename(args.archive), "archiveBytes": os.path.getsize(args.archive), "genomes": entries}
    write_atomic(args.output, json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
