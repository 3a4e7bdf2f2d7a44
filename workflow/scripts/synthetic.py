#!/usr/bin/env python3
"""Builds a synthetic collection of related genomes, seeded (the same arguments give the same bytes),
for testing and measuring the scale workflow without committing data.

Each source FASTA (its first record, or its first --length bases) is the root of a small family:
--clades clade ancestors at a divergence drawn from [--min-divergence, --max-divergence], and
under each, strains a further 0.02-0.2% apart. Genome i belongs to source i mod S and clade
(i div S) mod clades. A mutation at divergence d applies, to a sequence of n bases:
  - d*n*0.9 substitutions;
  - d*n*0.1/4 small indels (1-8 bases, half insertions of random bases, half deletions);
  - up to 2 inversions, 2 moved segments, 1 segment gained (copied from another source, like a
    horizontal transfer) and 1 segment lost, each 1-5% of the sequence, drawn with probability
    proportional to d (at 3% nearly always).
Files are written with line widths of 60, 70 or 80, one in 20 gzip-compressed (.fa.gz), in
folders of 100 (group000/, group001/, ...), as collections are kept.
"""
import argparse
import gzip
import os
import random

COMPLEMENT = bytes.maketrans(b"ACGTN", b"TGCAN")
BASES = b"ACGT"


def read_first_record(path, length):
    name = None
    parts = []
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        for line in f:
            if line.startswith(b">"):
                if name is not None:
                    break
                name = line[1:].strip().split()[0].decode("ascii", "replace")
                continue
            parts.append(line.strip().upper())
    seq = bytes(b"".join(parts)).translate(None, b"\r")
    seq = bytes(c if c in BASES else BASES[i % 4] for i, c in enumerate(seq)) if any(c not in BASES for c in set(seq)) else seq
    return name, seq[:length] if length else seq


def mutate(seq, d, rng, donors):
    n = len(seq)
    s = bytearray(seq)
    for _ in range(int(d * n * 0.9)):
        p = rng.randrange(n)
        s[p] = rng.choice([b for b in BASES if b != s[p]])
    # small indels in one pass over sorted positions
    events = sorted((rng.randrange(n), rng.random() < 0.5, rng.randint(1, 8)) for _ in range(int(d * n * 0.1 / 4)))
    out = []
    at = 0
    for p, insert, k in events:
        if p < at:
            continue
        out.append(s[at:p])
        if insert:
            out.append(bytes(rng.choice(BASES) for _ in range(k)))
            at = p
        else:
            at = p + k
    out.append(s[at:])
    s = bytearray(b"".join(out))

    def segment():
        k = max(1, int(len(s) * rng.uniform(0.01, 0.05)))
        p = rng.randrange(max(1, len(s) - k))
        return p, k

    chance = min(1.0, d / 0.03)
    for _ in range(2):
        if rng.random() < chance:  # inversion
            p, k = segment()
            s[p : p + k] = bytes(s[p : p + k]).translate(COMPLEMENT)[::-1]
        if rng.random() < chance:  # a segment moved elsewhere
            p, k = segment()
            piece = s[p : p + k]
            del s[p : p + k]
            q = rng.randrange(len(s) + 1)
            s[q:q] = piece
    if rng.random() < chance and donors:  # a segment gained from another source
        donor = rng.choice(donors)
        k = max(1, int(len(s) * rng.uniform(0.01, 0.05)))
        p = rng.randrange(max(1, len(donor) - k))
        q = rng.randrange(len(s) + 1)
        s[q:q] = donor[p : p + k]
    if rng.random() < chance:  # a segment lost
        p, k = segment()
        del s[p : p + k]
    return bytes(s)


def fasta(header, seq, width):
    lines = [f">{header}\n".encode()]
    lines.extend(seq[i : i + width] + b"\n" for i in range(0, len(seq), width))
    return b"".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="+", help="FASTA files whose first records are the roots")
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--length", type=int, default=0, help="take only the first LENGTH bases of each root (0: all)")
    parser.add_argument("--clades", type=int, default=4)
    parser.add_argument("--min-divergence", type=float, default=0.001)
    parser.add_argument("--max-divergence", type=float, default=0.03)
    args = parser.parse_args()

    roots = [read_first_record(path, args.length) for path in sorted(args.sources)]
    rng = random.Random(args.seed)
    clades = {}
    for s, (name, seq) in enumerate(roots):
        donors = [r[1] for i, r in enumerate(roots) if i != s]
        for c in range(args.clades):
            d = rng.uniform(args.min_divergence, args.max_divergence)
            clades[s, c] = (d, mutate(seq, d, random.Random(rng.random()), donors))
    total = 0
    for i in range(args.count):
        s = i % len(roots)
        c = (i // len(roots)) % args.clades
        d_clade, ancestor = clades[s, c]
        strain_rng = random.Random(args.seed * 1_000_003 + i)
        d = strain_rng.uniform(0.0002, 0.002)
        seq = mutate(ancestor, d, strain_rng, [])
        header = f"syn{i:05d} synthetic strain of {roots[s][0]} clade {c} (clade {d_clade:.4f}, strain {d:.4f} divergence)"
        data = fasta(header, seq, strain_rng.choice([60, 70, 80]))
        folder = os.path.join(args.out, f"group{i // 100:03d}")
        os.makedirs(folder, exist_ok=True)
        if i % 20 == 19:
            with open(os.path.join(folder, f"syn{i:05d}.fa.gz"), "wb") as f:
                f.write(gzip.compress(data, compresslevel=6, mtime=0))
        else:
            with open(os.path.join(folder, f"syn{i:05d}.fa"), "wb") as f:
                f.write(data)
        total += len(data)
    print(f"synthetic.py: {args.count} genomes, {total:,} bytes of FASTA, from {len(roots)} roots, in {args.out}")


if __name__ == "__main__":
    main()
