#!/usr/bin/env python3
"""Makes one batch's archive and checks it (the compress step), appending to the batch's earlier
archive when it can instead of compressing everything again.

The archive lives in out/state/archives/BATCH.seqc, outside Snakemake's outputs (Snakemake deletes
a job's outputs before running it again), and the job's output out/archives/BATCH.seqc is a hard
link to it (a copy where links are not possible). Beside it, BATCH.json records what the archive
was made from: the level, the archive's size and SHA-256, each genome's file size and time, and
the report below. Genomes join a batch at its end (the ledger keeps their order), so when the
archive, as recorded, holds the first genomes of the batch and none of their files has changed
since, the new ones are added with `seqcoder append`: they continue the archive's group, coded
against the genomes there, and nothing already stored is coded again. Otherwise (a first run, a
genome gone from the batch or changed in place, another level, an archive without its record)
the batch is compressed whole. Both write a new file and rename it over the old one only when
complete, so an interrupted job leaves the earlier archive intact (and a record that no longer
matches it, so the next run compresses whole).

Both run with --verify: before the new archive takes its name, the same process decodes it
completely and compares every file it coded with its input, byte for byte (append: the genomes
added; the ones the archive held are decoded and their checksums checked). A separate job that
ran `seqcoder verify --against` did the same decode, and cost a process start and a cluster job
per batch more. The job's second output, out/archives/BATCH.verified.json, is what the catalogue
needs of each genome: its stored name, bytes, SHA-256 and records, as the decode found them.
"""
import argparse
import hashlib
import json
import os
import shlex

from common import link_or_copy, read_list, run, stamp, stored_name, write_atomic


def fingerprint(path):
    """An archive's size and SHA-256: what tells that it is the one recorded (its time does not:
    Snakemake may touch a job's output, which is a link to it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return [os.path.getsize(path), digest.hexdigest()]


def read_record(path):
    """The record of what a state archive was made from, or None when there is none to trust."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def report(args, genomes, printed):
    """What the catalogue needs of the batch's archive, from what `seqcoder ... --json` printed."""
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
    return {"batch": args.batch, "archive": os.path.basename(args.output), "archiveBytes": os.path.getsize(args.state), "genomes": entries}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqcoder", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--state", required=True, help="the batch's archive under out/state")
    parser.add_argument("--output", required=True, help="the job's output, linked to --state")
    parser.add_argument("--verified", required=True, help="the job's report of the archive's genomes (JSON)")
    parser.add_argument("--batch", required=True)
    parser.add_argument("--level", required=True)
    parser.add_argument("--genomes", required=True, help="the batch's genomes in the order they joined it, one a line (- for stdin)")
    args = parser.parse_args()

    genomes = read_list(args.genomes)
    seqcoder = shlex.split(args.seqcoder)
    os.makedirs(os.path.dirname(args.state), exist_ok=True)
    stamps = {g: stamp(os.path.join(args.input, g)) for g in genomes}
    record_path = os.path.splitext(args.state)[0] + ".json"
    record = read_record(record_path) if os.path.exists(args.state) else None
    archive = fingerprint(args.state) if record else None
    if record and (record.get("level") != str(args.level) or record.get("archive") != archive):
        record = None  # another level, or an archive that is not the one recorded
    earlier = [g["genome"] for g in record["verified"]["genomes"]] if record else []
    unchanged = earlier and earlier == genomes[: len(earlier)] and all(record["stamps"].get(g) == stamps[g] for g in earlier)
    if unchanged:
        new = genomes[len(earlier) :]
        if new:
            printed = run(seqcoder, ["append", "-q", "--verify", "--json", "--level", str(args.level), "--files-from", "-", os.path.abspath(args.state)], args.input, new)
            verified = report(args, genomes, printed)
            archive = fingerprint(args.state)
        else:
            # nothing to add (the job runs again for another reason, such as a new version of the
            # workflow): the archive and its genomes are as they were when it was verified
            verified = record["verified"]
        print(f"pack.py: {os.path.basename(args.output)}: appended {len(new)} genome(s) to the {len(earlier)} it held")
    else:
        printed = run(seqcoder, ["compress", "-q", "-f", "--verify", "--json", "--threads", "1", "--codec", "ref", "--level", str(args.level), "--files-from", "-", "-o", os.path.abspath(args.state)], args.input, genomes)
        verified = report(args, genomes, printed)
        archive = fingerprint(args.state)
        print(f"pack.py: {os.path.basename(args.output)}: compressed {len(genomes)} genome(s)")
    # the record last: an archive renamed without it is compressed whole next time
    write_atomic(record_path, json.dumps({"level": str(args.level), "archive": archive, "stamps": stamps, "verified": verified}))
    write_atomic(args.verified, json.dumps(verified, indent=1))
    link_or_copy(args.state, args.output)


if __name__ == "__main__":
    main()
