#!/usr/bin/env python3
"""Writes the catalogue of a run (the catalogue step) from the verify step's files of the batches in
the batch step's table: one row per record in catalogue.tsv, and the same as catalogue.json, both
in genome order. Archive paths are relative to the catalogue's folder, so the output folder can be
moved as a whole; `seqcoder get` and `seqcoder decompress` read either file (a large run's through
its TSV, which they read line by line).

Both files are written as they are read, never held whole: the genomes are sorted in runs of at
most RUN_RECORDS records, kept in files when there are several, then merged.

catalogue.tsv starts with a comment line `# seqcoder catalogue 1`, then a header line and one row
per record (a genome without records, such as an empty file, has one row with empty record
fields):

  genome   path of the input file, relative to input (as given, .gz included)
  batch    its batch
  archive  the archive holding it, relative to the catalogue
  stored   its name in the archive (the path without .gz: the archive keeps the FASTA)
  bytes    size of the FASTA (of the content of a .gz)
  sha256   SHA-256 of those bytes
  record   index of the record in the genome, from 0
  name     the record's header line, without '>'
  length   the record's residues
"""
import argparse
import contextlib
import heapq
import json
import os
import tempfile

from common import atomic_writer, read_batch_table

FORMAT = 1
COLUMNS = ["genome", "batch", "archive", "stored", "bytes", "sha256", "record", "name", "length"]
# Genomes are sorted in memory in runs of at most this many records (5 million records in runs of
# a million peaked at 320 MB); a larger catalogue is sorted in runs kept in files, then merged. The
# 661k collection's draft assemblies, about 100 records a genome, make some 66 million.
RUN_RECORDS = 1_000_000


def clean(text):
    """Header lines never hold tabs or newlines in practice; if one does, it is replaced by a space."""
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def verified_files(table, out):
    """The verify step's files of the batches in the batch step's table, in batch order (the list
    is not passed on the command line: Linux allows a program's arguments 2 MB in all, about
    30,000 paths)."""
    batches = sorted({batch for _, batch in read_batch_table(table)})
    return [os.path.join(out, "archives", f"{b}.verified.json") for b in batches]


def rendered(g, batch, archive):
    """A genome's rows of catalogue.tsv and its entry of catalogue.json (as json.dumps of the whole
    document with indent=1 writes it, two levels deep)."""
    common = [g["genome"], batch, archive, g["stored"], str(g["bytes"]), g["sha256"]]
    rows = "".join("\t".join(common + [str(i), clean(r["name"]), str(r["length"])]) + "\n" for i, r in enumerate(g["records"]))
    entry = {"genome": g["genome"], "batch": batch, "archive": archive, "stored": g["stored"], "bytes": g["bytes"], "sha256": g["sha256"], "records": g["records"]}
    text = json.dumps(entry, indent=1).replace("\n", "\n  ")
    return g["genome"], rows or "\t".join(common + ["", "", ""]) + "\n", "  " + text


def sorted_genomes(paths, batches, scratch, files):
    """Every genome's (name, rows, entry), in name order, reading each verified file once; `batches`
    gets each archive's summary. Holds at most RUN_RECORDS records' text in memory; the runs it
    merges from files are opened in `files` (an ExitStack)."""
    runs = []
    run = []
    records = 0

    def spill():
        run.sort()
        path = os.path.join(scratch, f"{len(runs)}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(item) + "\n" for item in run)
        runs.append(path)
        run.clear()

    for path in paths:
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        archive = f"archives/{v['archive']}"
        batches.append({"batch": v["batch"], "archive": archive, "archiveBytes": v["archiveBytes"], "genomes": len(v["genomes"])})
        for g in v["genomes"]:
            run.append(rendered(g, v["batch"], archive))
            records += max(1, len(g["records"]))
        if records > RUN_RECORDS:
            spill()
            records = 0
    if not runs:
        run.sort()
        return iter(run)
    if run:
        spill()
    opened = [files.enter_context(open(p, encoding="utf-8")) for p in runs]
    return heapq.merge(*((tuple(json.loads(line)) for line in f) for f in opened))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", required=True, help="the batch step's table (out/batches.tsv)")
    parser.add_argument("--input", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    batches = []
    genomes = 0
    with tempfile.TemporaryDirectory(dir=args.out, prefix=".catalogue-") as scratch, contextlib.ExitStack() as files:
        entries = sorted_genomes(verified_files(args.batches, args.out), batches, scratch, files)
        head = json.dumps({"format": "seqcoder catalogue", "version": FORMAT, "input": os.path.abspath(args.input), "batches": batches}, indent=1)
        with atomic_writer(os.path.join(args.out, "catalogue.tsv")) as tsv, atomic_writer(os.path.join(args.out, "catalogue.json")) as doc:
            tsv.write(f"# seqcoder catalogue {FORMAT}\n" + "\t".join(COLUMNS) + "\n")
            doc.write(head[: -len("\n}")] + ',\n "genomes": [')
            for name, rows, entry in entries:
                tsv.write(rows)
                doc.write(("\n" if genomes == 0 else ",\n") + entry)
                genomes += 1
            doc.write("\n ]\n}\n" if genomes else "]\n}\n")
    print(f"catalogue.py: {genomes} genomes in {len(batches)} archives")


if __name__ == "__main__":
    main()
