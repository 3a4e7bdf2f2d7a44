#!/usr/bin/env python3
"""Makes one batch's archive and checks it (the compress step), appending to the batch's earlier
archive when it can instead of compressing everything again.

The archive lives in out/state/archives/BATCH.seqc, outside Snakemake's outputs (Snakemake deletes
a job's outputs before running it again), and the job's output out/archives/BATCH.seqc is a hard
link to it (a copy where links are not possible). Genomes join a batch at its end (the ledger
keeps their order), so when the earlier archive holds exactly the first genomes of the batch, the
new ones are added with `seqcoder append`: they continue the archive's group, coded against the
genomes there, and nothing already stored is coded again. Otherwise (a first run, a genome gone
from the batch, another level) the batch is compressed whole. Both write a new file and rename
it over the old one only when complete, so an interrupted job leaves the earlier archive intact.

Both run with --verify: before the new archive takes its name, the same process decodes it
completely and compares every file it coded with its input, byte for byte (append: the genomes
added; the ones the archive held are decoded and their checksums checked). A separate job that
ran `seqcoder verify --against` did the same decode, and cost a process start and a cluster job
per batch more. The job's second output, out/archives/BATCH.verified.json, is what the catalogue
needs of each genome: its stored name, bytes, SHA-256 and records, as the decode found them.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess

from common import read_list, stored_name, write_atomic


def held(seqcoder, archive):
    """The names of the files an archive holds, in order; None when it cannot be read."""
    r = subprocess.run([*seqcoder, "list", "--json", archive], capture_output=True)
    if r.returncode != 0:
        return None
    return [f["name"] for f in json.loads(r.stdout)[0]["files"]]


def report(args, genomes, printed):
    """Writes --verified from what `seqcoder ... --json` printed of the batch's archive."""
    files = {f["name"]: f for f in json.loads(printed)[0]["files"]}
    if len(files) != len(genomes):
        raise SystemExit(f"pack.py: {args.state} holds {len(files)} files, the batch {len(genomes)}")
    entries = []
    for genome in genomes:
        name = stored_name(genome)
        if name not in files:
            raise SystemExit(f"pack.py: {args.state} does not hold {name}")
        info = files[name]
        records = info["records"] if info["kind"] == "fasta" else []
        entries.append({"genome": genome, "stored": name, "bytes": info["bytes"], "sha256": info["sha256"], "records": records})
    result = {"batch": args.batch, "archive": os.path.basename(args.output), "archiveBytes": os.path.getsize(args.state), "genomes": entries}
    write_atomic(args.verified, json.dumps(result, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqcoder", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--state", required=True, help="the batch's archive under out/state")
    parser.add_argument("--output", required=True, help="the job's output, linked to --state")
    parser.add_argument("--verified", required=True, help="the job's report of the archive's genomes (JSON)")
    parser.add_argument("--batch", required=True)
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
    # stdout of seqcoder is the report; stderr (what went wrong, if anything) goes to the job's log
    if earlier is not None and same_level and earlier == names[: len(earlier)] and earlier:
        new = genomes[len(earlier) :]
        if new:
            printed = subprocess.run(
                [*seqcoder, "append", "-q", "--verify", "--json", "--level", str(args.level), "--files-from", "-", os.path.abspath(args.state)],
                input="\n".join(new) + "\n",
                text=True,
                cwd=args.input,
                check=True,
                stdout=subprocess.PIPE,
            ).stdout
        else:
            # nothing to add (the job runs again for another reason): the archive is checked as it is
            printed = subprocess.run(
                [*seqcoder, "verify", "--json", "--against", args.input, os.path.abspath(args.state)], text=True, check=True, stdout=subprocess.PIPE
            ).stdout
        print(f"pack.py: {os.path.basename(args.output)}: appended {len(new)} genome(s) to the {len(earlier)} it held")
    else:
        printed = subprocess.run(
            [*seqcoder, "compress", "-q", "-f", "--verify", "--json", "--threads", "1", "--codec", "ref", "--level", str(args.level), "--files-from", "-", "-o", os.path.abspath(args.state)],
            input="\n".join(genomes) + "\n",
            text=True,
            cwd=args.input,
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
        with open(level_file, "w", encoding="utf-8") as f:
            f.write(f"{args.level}\n")
        print(f"pack.py: {os.path.basename(args.output)}: compressed {len(genomes)} genome(s)")
    report(args, genomes, printed)
    if os.path.lexists(args.output):
        os.remove(args.output)
    try:
        os.link(args.state, args.output)
    except OSError:
        shutil.copyfile(args.state, args.output)


if __name__ == "__main__":
    main()
