#!/usr/bin/env python3
"""Writes the catalogue of a run (the catalogue step) from the verify step's files: one row per
record in catalogue.tsv, and the same as catalogue.json. Archive paths are relative to the
catalogue's folder, so the output folder can be moved as a whole; `seqcoder get` and
`seqcoder decompress` read either file.

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
import json
import os

from common import write_atomic

FORMAT = 1
COLUMNS = ["genome", "batch", "archive", "stored", "bytes", "sha256", "record", "name", "length"]


def clean(text):
    """Header lines never hold tabs or newlines in practice; if one does, it is replaced by a space."""
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("verified", nargs="+", help="the verify step's JSON files")
    parser.add_argument("--input", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    batches = []
    genomes = []
    for path in sorted(args.verified):
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        archive = f"archives/{v['archive']}"
        batches.append({"batch": v["batch"], "archive": archive, "archiveBytes": v["archiveBytes"], "genomes": len(v["genomes"])})
        for g in v["genomes"]:
            genomes.append({**g, "batch": v["batch"], "archive": archive})
    genomes.sort(key=lambda g: g["genome"])

    lines = [f"# seqcoder catalogue {FORMAT}", "\t".join(COLUMNS)]
    for g in genomes:
        common = [g["genome"], g["batch"], g["archive"], g["stored"], str(g["bytes"]), g["sha256"]]
        if not g["records"]:
            lines.append("\t".join(common + ["", "", ""]))
        for i, r in enumerate(g["records"]):
            lines.append("\t".join(common + [str(i), clean(r["name"]), str(r["length"])]))
    document = {
        "format": "seqcoder catalogue",
        "version": FORMAT,
        "input": os.path.abspath(args.input),
        "batches": batches,
        "genomes": [{k: g[k] for k in ["genome", "batch", "archive", "stored", "bytes", "sha256", "records"]} for g in genomes],
    }
    write_atomic(os.path.join(args.out, "catalogue.tsv"), "\n".join(lines) + "\n")
    write_atomic(os.path.join(args.out, "catalogue.json"), json.dumps(document, indent=1) + "\n")
    print(f"catalogue.py: {len(genomes)} genomes in {len(batches)} archives")


if __name__ == "__main__":
    main()
