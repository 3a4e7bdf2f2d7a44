#!/usr/bin/env python3
"""Groups genomes into batches of similar ones, from `seqcoder sketch` lines (the batch step).

A batch is opened by a genome (its representative) and takes, in path order, every later genome
whose Mash distance to the representative is at most --max-distance, while it has room
(--max-genomes, --max-bases); a genome close to several open batches joins the closest (the
lowest batch number on a tie), and one close to none, or only to full ones, opens a batch.

A batch closes for good (takes no one more) when it holds --max-genomes, when a genome close
enough to join it does not fit in its --max-bases, or when more than --max-open batches are open:
then the one that took a genome least recently closes.

The ledger (genome, batch) remembers every assignment: a genome keeps its batch for good, so that
adding genomes changes only the batches they join (or opens new ones) and Snakemake compresses
nothing else again. A genome no longer in the input leaves its batch (which is then compressed
again without it). Given the same ledger and sketches, the result is the same: no randomness, and
ties broken by batch number. Delete the ledger to batch everything afresh.

Time: each new genome looks up its hashes among the open batches' representatives only (a closed
batch leaves the index), so a run costs about genomes x sketch size dictionary look-ups; its
sketch is then compared with a candidate's only where the hashes they share could make that
candidate the closest (on 2,000 synthetic genomes, one comparison a genome instead of four).

Memory: the hashes of the open batches' representatives and their index (about 65 KB a batch,
so at most about 0.3 GB at --max-open 4096), and 1-2 KB a genome (its name, bases, where its
sketch is, its batch); a genome's sketch is read from its file when it is placed, not kept
(bench_batch.py measures it: ADR 0017).
"""
import argparse
import json
import math
import os
from collections import Counter, OrderedDict
from itertools import chain

from common import atomic_writer, read_batch_table, sketch_fields


def jaccard(a, b, size):
    """Mash's estimate: the share of both sketches among the `size` smallest hashes of their union.
    (Lengths and elements in locals: 27% less time than len() and indexing at every step, on 4,000
    pairs of sketches; under a profiler this loop was 40% of the batch step.)"""
    i = j = seen = shared = 0
    la = len(a)
    lb = len(b)
    while seen < size and i < la and j < lb:
        x = a[i]
        y = b[j]
        if x == y:
            shared += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
        seen += 1
    union = min(size, seen + la - i + lb - j)
    return shared / union if union else 0.0


def mash_distance(j, k):
    return 1.0 if j == 0 else min(1.0, max(0.0, -math.log(2 * j / (1 + j)) / k))


class Sketches:
    """Every genome's bases, and where its sketch line is, from one pass over the sketch files that
    parses only the fields before the hashes; a genome's hashes are read from its line when needed
    and not kept. Holding every sketch took about 43 KB a genome (2.6 GB for 50,000 genomes), where
    the collections this workflow is for have up to a million; this holds a few hundred bytes a genome."""

    def __init__(self, paths):
        if len(paths) > FILES:
            raise SystemExit(f"batch.py: at most {FILES} sketch files")
        self.paths = paths
        self.where = {}  # name -> byte offset of its line * 2^20 + file number
        self.bases = {}
        self.kind = None
        for number, path in enumerate(paths):
            with open(path, "rb") as f:
                offset = 0
                for line in f:
                    head = sketch_fields(line)
                    kind = (head["kmer"], head["size"], head.get("sample", 1))
                    if self.kind is not None and kind != self.kind:
                        raise SystemExit(f"batch.py: {path}: {head['name']} is sketched with k, size, sample {kind}, others with {self.kind}")
                    self.kind = kind
                    self.where[head["name"]] = offset * FILES + number
                    self.bases[head["name"]] = head["bases"]
                    offset += len(line)

    def __contains__(self, genome):
        return genome in self.where

    def names(self):
        return self.where.keys()

    def hashes(self, genome):
        """The genome's hashes, ascending, read again from its line."""
        offset, number = divmod(self.where[genome], FILES)
        # opened for each read (about 20 us): a run of a million genomes has 1,024 shards, more
        # files than a process may hold open by default
        with open(self.paths[number], "rb") as f:
            f.seek(offset)
            return json.loads(f.readline())["hashes"]


# sketch files a Sketches may read: the low 20 bits of a line's location
FILES = 1 << 20
# batches open at once, by default: about 0.3 GB of index and hashes, with room for the rest at a million genomes (ADR 0017)
MAX_OPEN = 4096


class Batches:
    """The batches, and of the open ones (those that may still take genomes) their representative's
    hashes and an index from each hash to the open batches whose representative holds it.

    A batch closes, and leaves the index, when it is full (max_genomes), when a genome close enough
    to join it does not fit in its bases, or when more than max_open batches are open: then the one
    that took a genome least recently closes. Only open batches cost memory (about 65 KB each,
    their index entries and hashes), so the step's memory is bounded by max_open, not by the number
    of genomes; and a species of many genomes keeps one open batch, not every batch it filled, each
    of which every later genome of it would otherwise count and try."""

    def __init__(self, sketches, max_genomes, max_bases, max_distance, max_open):
        self.sketches = sketches
        self.max_genomes = max_genomes
        self.max_bases = max_bases
        self.max_distance = max_distance
        self.max_open = max_open
        self.members = {}  # batch -> genomes, in the order they joined
        self.bases = Counter()
        self.open = OrderedDict()  # open batch -> its representative's hashes, least recently joined first
        # hash -> the first open batch whose representative holds it, and hash -> the others, if
        # any: a batch as the value, not a list of one, is 42 bytes an entry instead of 130
        self.index = {}
        self.more = {}
        self.next_number = 1

    def room(self, batch, genome):
        return len(self.members[batch]) < self.max_genomes and self.bases[batch] + self.sketches.bases[genome] <= self.max_bases

    def join(self, genome, batch, hashes=None):
        """Adds a genome to a batch (a new one, opened with the genome as its representative, whose
        hashes are given or read). A genome of the ledger may join a batch that has closed since."""
        if batch not in self.members:
            self.members[batch] = []
            self.next_number = max(self.next_number, int(batch[1:]) + 1)
            hashes = self.sketches.hashes(genome) if hashes is None else hashes
            self.open[batch] = hashes
            index = self.index
            for h in hashes:
                if h in index:
                    self.more.setdefault(h, []).append(batch)
                else:
                    index[h] = batch
        self.members[batch].append(genome)
        self.bases[batch] += self.sketches.bases[genome]
        if batch in self.open:
            self.open.move_to_end(batch)
            if len(self.members[batch]) >= self.max_genomes:
                self.close(batch)
        while len(self.open) > self.max_open:
            self.close(next(iter(self.open)))

    def close(self, batch):
        """The batch takes no one more: its representative leaves the index."""
        index = self.index
        more = self.more
        for h in self.open.pop(batch):
            others = more.get(h)
            if index.get(h) == batch:
                if others:
                    index[h] = others.pop(0)
                else:
                    del index[h]
            elif others and batch in others:
                others.remove(batch)
            if others == []:
                del more[h]

    def place(self, genome):
        hashes = self.sketches.hashes(genome)
        k, size = self.sketches.kind[0], self.sketches.kind[1]
        # the open batches whose representative holds each hash, counted (map, filter and chain
        # run the loop in C; with the locals in jaccard, the step on 2,000 genomes: 0.75 -> 0.63 s)
        shared = Counter(filter(None, map(self.index.get, hashes)))
        shared.update(chain.from_iterable(filter(None, map(self.more.get, hashes))))
        # the closest open batch with room; at most 32 candidates, most shared hashes first
        best = None
        best_j = 0.0
        full = []
        for batch, count in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:32]:
            theirs = self.open[batch]
            # The estimate shares at most `count` hashes among at least min(size, longer sketch) of
            # the union: a candidate whose bound is below the best estimate so far cannot be
            # closer, and is not compared (estimates are ratios of numbers up to `size`, so those
            # that differ differ by far more than the margin, which absorbs rounding).
            longest = min(size, max(len(hashes), len(theirs)))
            if best is not None and count < (best_j - 1e-9) * longest:
                continue
            j = jaccard(hashes, theirs, size)
            d = mash_distance(j, k)
            if d > self.max_distance:
                continue
            if not self.room(batch, genome):
                # close enough, but its bases are full for a genome like this one: it closes
                full.append(batch)
                continue
            if best is None or (d, batch) < best:
                best = (d, batch)
                best_j = j
        for batch in full:
            self.close(batch)
        if best is None and not hashes:
            # no k-mer (empty or tiny file): it joins the newest open batch with room, else its own
            open_batches = [b for b in self.open if self.room(b, genome)]
            if open_batches:
                best = (1.0, max(open_batches))
        batch = best[1] if best else f"b{self.next_number:06d}"
        self.join(genome, batch, hashes)
        return batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sketches", nargs="+", help="seqcoder sketch output files (JSON lines), or with --shards their folder")
    parser.add_argument("--shards", help="comma-separated shard numbers: read N.jsonl of each from the folder given")
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--max-genomes", type=int, required=True)
    parser.add_argument("--max-bases", type=int, required=True)
    parser.add_argument("--max-distance", type=float, required=True)
    parser.add_argument("--max-open", type=int, default=MAX_OPEN, help=f"most batches open at once (default {MAX_OPEN}): bounds the step's memory")
    args = parser.parse_args()
    if args.max_open < 1:
        raise SystemExit("batch.py: --max-open must be at least 1")

    paths = args.sketches
    if args.shards is not None:
        if len(paths) != 1:
            raise SystemExit("batch.py: with --shards, give the folder of the shards' sketches")
        paths = [os.path.join(paths[0], f"{shard}.jsonl") for shard in args.shards.split(",") if shard]
    sketches = Sketches(paths)
    batches = Batches(sketches, args.max_genomes, args.max_bases, args.max_distance, args.max_open)
    ledger = read_batch_table(args.ledger) if os.path.exists(args.ledger) else []
    placed = set()
    kept = 0
    for genome, batch in ledger:
        if genome in sketches and genome not in placed:
            # a genome keeps its batch even if the limits changed since
            batches.join(genome, batch)
            placed.add(genome)
            kept += 1
        else:
            batches.next_number = max(batches.next_number, int(batch[1:]) + 1)
    new = sorted(name for name in sketches.names() if name not in placed)
    for genome in new:
        batches.place(genome)

    for path in (args.ledger, args.table):
        with atomic_writer(path) as f:
            f.write("genome\tbatch\n")
            for batch in sorted(batches.members):
                f.writelines(f"{genome}\t{batch}\n" for genome in batches.members[batch])
    removed = len(ledger) - kept
    print(f"batch.py: {len(sketches.where)} genomes in {len(batches.members)} batches ({kept} kept, {len(new)} new, {removed} gone)")


if __name__ == "__main__":
    main()
