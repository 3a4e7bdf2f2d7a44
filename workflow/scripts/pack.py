#!/usr/bin/env python3
"""Makes one batch's archive (the compress step), appending to the batch's earlier archive when
it can instead of compressing everything again.

The archive lives in out/state/archives/BATCH.seqc, outside Snakemake's outputs (Snakemake deletes
a job's outputs before running it again), and the job's output out/archives/BATCH.seqc is a hard
link to it (a copy where links are not possible). Genomes join a batch at its end (the ledger
keeps their order), so when the earlier archive holds exactly the first genomes of the batch, the
new ones are added with `seqcoder append`: they continue the archive's group, coded against the
genomes there, and nothing already stored is coded again. Otherwise (a first run, a genome gone
from the batch, another level) the batch is compressed whole. Both write a new file and rename
it over the old one only when complete, so an interrupted job leaves the earlier archive intact.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess

from common import read_list, stored_name


def held(seqcoder, archive):
    """The names of the files an archive holds, in order; None when it cannot be read."""
    r = subprocess.run([*seqcoder, "list", "--json", archive], capture_output=True)
    if r.returncode != 0:
        return None
    return [f["name"] for f in json.loads(r.stdout)[0]["files"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqcoder", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--state", required=True, help="the batch's archive under out/state")
    parser.add_argument("--output", required=True, help="the job's output, linked to --state")
    parser.add_argument("--level", required=True)
    parser.add_argument("--genomes", required=True, help="the batch's genomes in the order they joined, one a line (- for stdin)")
    args = parser.parse_args()

    genomes = read_list(args.genomes)
    seqcoder = shlex.split(args.seqcoder)
    os.makedirs(os.path.dirname(args.state), exist_ok=True)
    # the level the state archive was made at, so that a changed level compresses again
    level_file = args.state + ".level"
    earlier = held(seqcoder, args.state) if os.path.exists(args.state) else None
    same_level = os.path.exists(level_file) and open(level_file, encoding="utf-8").read().strip() == str(args.level)
    names = [stored_name(g) for g in genomes]
    if earlier is not None and same_level and earlier == names[: len(earlier)] and earlier:
        new = genomes[len(earlier) :]
        if new:
            subprocess.run(
                [*seqcoder, "append", "-q", "--level", str(args.level), "--files-from", "-", os.path.abspath(args.state)],
                input="\n".join(new) + "\n",
                text=True,
                cwd=args.input,
                check=True,
            )
        print(f"pack.py: {os.path.basename(args.output)}: appended {len(new)} genome(s) to the {len(earlier)} it held")
    else:
        subprocess.run(
            [*seqcoder, "compress", "-q", "-f", "--threads", "1", "--codec", "ref", "--level", str(args.level), "--files-from", "-", "-o", os.path.abspath(args.state)],
            input="\n".join(genomes) + "\n",
            text=True,
            cwd=args.input,
            check=True,
        )
        with open(level_file, "w", encoding="utf-8") as f:
            f.write(f"{args.level}\n")
        print(f"pack.py: {os.path.basename(args.output)}: compressed {len(genomes)} genome(s)")
    if os.path.lexists(args.output):
        os.remove(args.output)
    try:
        os.link(args.state, args.output)
    except OSError:
        shutil.copyfile(args.state, args.output)


if __name__ == "__main__":
    main()
