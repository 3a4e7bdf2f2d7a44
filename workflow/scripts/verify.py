#!/usr/bin/env python3
"""Checks one batch's archive (the verify step): every file is decoded with `seqcoder decompress`
into a scratch folder and compared byte for byte with its input (a .gz input with the FASTA it
holds, which is what the archive keeps); then writes what the catalogue needs: each genome's
stored name, bytes, SHA-256 and records (name, length) as `seqcoder list --json` gives them.
The scratch folder is removed, also on failure."""
import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile

from common import open_fasta, read_list, stored_name, write_atomic

CHUNK = 1 << 20


def same_and_digest(original, restored):
    """SHA-256 and size of `restored`, after checking it equals `original` byte for byte."""
    digest = hashlib.sha256()
    size = 0
    with open_fasta(original) as a, open(restored, "rb") as b:
        while True:
            x = a.read(CHUNK)
            y = b.read(CHUNK)
            if x != y:
                raise SystemExit(f"verify.py: {restored} differs from {original} near byte {size}")
            if not x:
                return digest.hexdigest(), size
            digest.update(x)
            size += len(x)


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
    listing = json.loads(subprocess.run([*seqcoder, "list", "--json", args.archive], check=True, capture_output=True).stdout)[0]
    files = {f["name"]: f for f in listing["files"]}
    scratch = tempfile.mkdtemp(prefix=f".verify-{args.batch}-", dir=os.path.dirname(os.path.abspath(args.output)))
    try:
        subprocess.run([*seqcoder, "decompress", "-q", "--threads", "1", args.archive, "-C", scratch], check=True)
        entries = []
        for genome in genomes:
            name = stored_name(genome)
            if name not in files:
                raise SystemExit(f"verify.py: {args.archive} does not hold {name}")
            sha256, size = same_and_digest(os.path.join(args.input, genome), os.path.join(scratch, name))
            info = files[name]
            records = listing["records"][info["firstRecord"] : info["firstRecord"] + info["records"]] if info["kind"] == "fasta" else []
            entries.append(
                {
                    "genome": genome,
                    "stored": name,
                    "bytes": size,
                    "sha256": sha256,
                    "records": [{"name": r["name"], "length": r["length"]} for r in records],
                }
            )
        if len(files) != len(genomes):
            raise SystemExit(f"verify.py: {args.archive} holds {len(files)} files, the batch {len(genomes)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"batch": args.batch, "archive": os.path.basename(args.archive), "archiveBytes": os.path.getsize(args.archive), "genomes": entries}
    write_atomic(args.output, json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
