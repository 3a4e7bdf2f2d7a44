"""What several of the workflow's scripts (and the Snakefile) share."""
import contextlib
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

# The files the workflow takes as genomes: FASTA, each optionally gzipped.
FASTA = re.compile(r"\.(fa|fasta|fna|fas|ffn|frn)(\.gz)?$", re.IGNORECASE)


def stored_name(genome):
    """The name an archive keeps a genome under: its path relative to input, without .gz (the
    archive holds the FASTA, as `seqcoder compress` stores a gzipped input)."""
    return genome[:-3] if genome.lower().endswith(".gz") else genome


def open_fasta(path):
    """A genome file for reading its FASTA: through gzip when it starts with gzip's magic."""
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def read_list(path):
    """The non-empty lines of a file, without their line ends (a path may begin or end with a
    space); `-` reads standard input."""
    source = sys.stdin if path == "-" else open(path, encoding="utf-8")
    return [line.rstrip("\n") for line in source if line.rstrip("\n")]


@contextlib.contextmanager
def atomic_writer(path):
    """A text file to write to path under a temporary name, synced, then renamed over it when the
    block ends without an error (else removed): a reader (or a crash) sees the old file or the new
    one, never part of one."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(path, text):
    """Writes text to path as atomic_writer does."""
    with atomic_writer(path) as f:
        f.write(text)


def sketch_fields(line):
    """The fields of a sketch line (str, or bytes as read from a file) before its hashes: name,
    bases, kmer, size, sample, and in the sketch cache the file's bytes and mtimeNs. The hashes,
    1,000 a line, are not parsed: doing so took a tenth of the sketch step's time. The key
    `,"hashes":` cannot occur inside a JSON string (its quotes would be escaped there), so its
    first occurrence is the key."""
    if isinstance(line, bytes):
        return json.loads(line[: line.index(b',"hashes":')] + b"}")
    return json.loads(line[: line.index(',"hashes":')] + "}")


def read_batch_table(path):
    """The rows (genome, batch) of the batch step's table or ledger (the same format: a header
    `genome<TAB>batch`, then a row a genome, each batch's genomes in the order they joined)."""
    with open(path, encoding="utf-8") as f:
        header = next(f, "").rstrip("\n")
        if header != "genome\tbatch":
            raise SystemExit(f"{path} is not a batch table of this workflow (first line {header!r})")
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]


def stamp(path):
    """A file's size and modification time, [bytes, mtime_ns]: what tells the workflow that a
    genome changed (a list, as it comes back from JSON)."""
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns]


def link_or_copy(state, output):
    """Makes a job's output the file it keeps under out/state: a hard link to it (nothing written
    again), a copy where links are not possible. Snakemake deletes the output before the job runs
    again, which leaves the state file as it was."""
    if os.path.lexists(output):
        os.remove(output)
    try:
        os.link(state, output)
    except OSError:
        shutil.copyfile(state, output)


def run(seqcoder, command, input_dir, genomes):
    """Runs `seqcoder COMMAND` (seqcoder: the command as a list) in the input folder with the
    genomes on its standard input, one a line (--files-from -), and returns what it printed. What
    went wrong, if anything, goes to stderr, the job's log."""
    try:
        return subprocess.run([*seqcoder, *command], input="\n".join(genomes) + "\n", text=True, cwd=input_dir, check=True, stdout=subprocess.PIPE).stdout
    except subprocess.CalledProcessError as e:
        # seqcoder has said what is wrong (a damaged .gz, a name it cannot store): no traceback after it
        raise SystemExit(f"{os.path.basename(sys.argv[0])}: seqcoder {command[0]} stopped (exit status {e.returncode}): see its message above") from None
