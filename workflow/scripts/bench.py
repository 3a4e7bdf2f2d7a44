#!/usr/bin/env python3
"""Measures the scale workflow on sets of genomes and writes results/scale (README.md, bench.json).

For each set: the workflow is run from nothing with --cores N, --runs times (the run of median
core-seconds counts), its jobs' own measurements (Snakemake's benchmark files: wall seconds and
peak memory of each job, each job on one core) are summed by step, and the same batches are
compressed the way MiniPhy ships the 661k collection (each batch's FASTA concatenated and
compressed with `xz -9`), in the same run. The projection for the 661k collection (about 2.6e12
bytes of FASTA) divides it by the measured throughput per core.

  python3 workflow/scripts/bench.py --set NAME=DIR [--set ...] --work DIR --results results/scale
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from common import FASTA, open_fasta

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SNAKEFILE = os.path.join(ROOT, "workflow", "Snakefile")
BYTES_661K = 2.6e12
# compress also verifies each archive (decodes it and compares every file with its input), in the same job
STEPS = ["sketch", "batch", "compress"]


def fasta_bytes(path):
    with open_fasta(path) as f:
        return f.read()


def job_figures(out, since=0.0):
    """Per step: jobs, wall seconds summed (core-seconds, every job single-threaded), peak RSS in MB;
    only the jobs whose benchmark file was written after `since` (a time.time())."""
    figures = {}
    for step in STEPS:
        paths = glob.glob(os.path.join(out, "benchmarks", step, "*.tsv")) + glob.glob(os.path.join(out, "benchmarks", f"{step}.tsv"))
        paths = [p for p in paths if os.path.getmtime(p) > since]
        seconds = 0.0
        peak = 0.0
        for path in paths:
            with open(path, encoding="utf-8") as f:
                header = next(f).rstrip("\n").split("\t")
                row = dict(zip(header, next(f).rstrip("\n").split("\t")))
            seconds += float(row["s"])
            peak = max(peak, float(row["max_rss"]) if row["max_rss"] not in ("-", "NA") else 0.0)
        figures[step] = {"jobs": len(paths), "coreSeconds": round(seconds, 2), "peakRssMB": round(peak, 1)}
    return figures


def xz_batches(input_dir, batches, cores):
    """Bytes and core-seconds of each batch concatenated and compressed by xz -9 (one thread each)."""

    def one(members):
        data = b"".join(fasta_bytes(os.path.join(input_dir, g)) for g in members)
        start = time.perf_counter()
        r = subprocess.run(["xz", "-9", "-T1", "-c"], input=data, capture_output=True, check=True)
        return len(r.stdout), time.perf_counter() - start

    with ThreadPoolExecutor(cores) as pool:
        results = list(pool.map(one, batches.values()))
    return sum(r[0] for r in results), sum(r[1] for r in results)


def snakemake(name, input_dir, out, work, cores, config):
    """Runs the workflow; its wall seconds."""
    start = time.perf_counter()
    r = subprocess.run(
        ["snakemake", "-s", SNAKEFILE, "--cores", str(cores), "-q", "--config", f"input={input_dir}", f"out={out}", *config],
        cwd=work,
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        sys.exit(f"bench.py: the workflow failed on {name}:\n{r.stderr[-4000:]}")
    return time.perf_counter() - start


def genome_files(folder):
    return sorted(
        os.path.relpath(os.path.join(root, f), folder)
        for root, _, files in os.walk(folder)
        for f in files
        if FASTA.search(f)
    )


def link_tree(source, target, names):
    """Hard links (copies where linking fails) of the named files of source under target."""
    for name in names:
        os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
        try:
            os.link(os.path.join(source, name), os.path.join(target, name))
        except OSError:
            shutil.copyfile(os.path.join(source, name), os.path.join(target, name))


def grow(name, input_dir, extra_dir, out, work, cores, config):
    """Adds the genomes of extra_dir that input_dir lacks to a copy of input_dir and runs again."""
    before = {f: os.path.getmtime(f) for f in glob.glob(os.path.join(out, "archives", "*.seqc"))}
    new = [g for g in genome_files(extra_dir) if not os.path.exists(os.path.join(input_dir, g))]
    link_tree(extra_dir, input_dir, new)
    started = time.time()
    wall = snakemake(name, input_dir, out, work, cores, config)
    # the jobs that ran again rewrote their benchmark files
    ran = {k: v["coreSeconds"] for k, v in job_figures(out, started).items()}
    touched = sorted(os.path.basename(f) for f in glob.glob(os.path.join(out, "archives", "*.seqc")) if before.get(f) != os.path.getmtime(f))
    return {"added": len(new), "addedBytes": sum(len(fasta_bytes(os.path.join(input_dir, g))) for g in new), "wallSeconds": round(wall, 1), "archivesWritten": touched, "batches": len(before), "coreSecondsDelta": ran}


def read_catalogue(out):
    """What a run's catalogue says of the set: its genomes by batch, the FASTA bytes of its files
    (a .gz genome counts as what it holds), its residues and its archives' bytes."""
    with open(os.path.join(out, "catalogue.json"), encoding="utf-8") as f:
        catalogue = json.load(f)
    batches = {}
    for g in catalogue["genomes"]:
        batches.setdefault(g["batch"], []).append(g["genome"])
    return {
        "genomes": len(catalogue["genomes"]),
        "batches": batches,
        "originalBytes": sum(g["bytes"] for g in catalogue["genomes"]),
        "residues": sum(r["length"] for g in catalogue["genomes"] for r in g["records"]),
        "archiveBytes": sum(b["archiveBytes"] for b in catalogue["batches"]),
    }


def run_from_nothing(name, input_dir, out, work, cores, config):
    """One run of the workflow into an emptied `out`: its wall seconds, its jobs' figures by step
    (job_figures), their core-seconds in all, and what its catalogue says of the set (read_catalogue)."""
    subprocess.run(["rm", "-rf", out], check=True)
    wall = snakemake(name, input_dir, out, work, cores, config)
    steps = job_figures(out)
    return {"wall": wall, "steps": steps, "coreSeconds": sum(s["coreSeconds"] for s in steps.values()), "catalogue": read_catalogue(out)}


def run_set(name, input_dir, work, cores, config, runs, extra_dir=None):
    out = os.path.join(work, name)
    if extra_dir:
        # a copy of the set (hard links) that the growth run can add to
        copy = os.path.join(work, f"{name}-input")
        subprocess.run(["rm", "-rf", copy], check=True)
        link_tree(input_dir, copy, genome_files(input_dir))
        input_dir = copy
    # each run from nothing; the figures are the run of median core-seconds (this machine's speed
    # drifts from minute to minute, and the first run of a series was often the slowest)
    measured = [run_from_nothing(name, input_dir, out, work, cores, config) for _ in range(runs)]
    sizes = [m["catalogue"]["archiveBytes"] for m in measured]
    if len(set(sizes)) != 1:
        sys.exit(f"bench.py: the runs on {name} wrote archives of different sizes: {sizes}")
    median = sorted(measured, key=lambda m: m["coreSeconds"])[(runs - 1) // 2]
    core_seconds, wall, steps, catalogue = median["coreSeconds"], median["wall"], median["steps"], median["catalogue"]
    batches = catalogue["batches"]
    original = catalogue["originalBytes"]
    bases = catalogue["residues"]
    archives = catalogue["archiveBytes"]
    xz_bytes, xz_seconds = xz_batches(input_dir, batches, cores)
    per_core = original / core_seconds / 1e6
    growth = grow(name, input_dir, extra_dir, out, work, cores, config) if extra_dir else None
    return {
        "growth": growth,
        "set": name,
        "genomes": catalogue["genomes"],
        "batches": len(batches),
        "largestBatch": max(len(v) for v in batches.values()),
        "originalBytes": original,
        "residues": bases,
        "archiveBytes": archives,
        "bitsPerBase": archives * 8 / bases,
        "xzBytes": xz_bytes,
        "xzBitsPerBase": xz_bytes * 8 / bases,
        "sizeVsXz": archives / xz_bytes,
        "xzCoreSeconds": round(xz_seconds, 1),
        "wallSeconds": round(wall, 1),
        "cores": cores,
        "steps": steps,
        "coreSeconds": round(core_seconds, 1),
        "runsCoreSeconds": [round(m["coreSeconds"], 2) for m in measured],
        "mbPerSecondPerCore": round(per_core, 2),
        "runsMbPerSecondPerCore": [round(original / m["coreSeconds"] / 1e6, 2) for m in measured],
        "projected661kCoreHours": round(BYTES_661K / (per_core * 1e6) / 3600, 1),
    }


def table(results):
    rows = [
        "| set | genomes | batches (largest) | FASTA MB | SeqCoder archives | bits per base | xz -9 batches | bits per base | SeqCoder / xz |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| {r['set']} | {r['genomes']:,} | {r['batches']} ({r['largestBatch']}) | {r['originalBytes'] / 1e6:,.1f} | {r['archiveBytes']:,} | "
            f"{r['bitsPerBase']:.4f} | {r['xzBytes']:,} | {r['xzBitsPerBase']:.4f} | {r['sizeVsXz']:.3f} |"
        )
    rows += [
        "",
        "| set | wall s (cores) | core-s: sketch / batch / compress and verify | MB/s per core | every run, MB/s per core | peak RSS MB of a compress job | xz -9 core-s | 661k projection, core-hours |",
        "| --- | ---: | --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        s = r["steps"]
        rows.append(
            f"| {r['set']} | {r['wallSeconds']} ({r['cores']}) | {' / '.join(str(s[k]['coreSeconds']) for k in STEPS)} | "
            f"{r['mbPerSecondPerCore']} | {', '.join(str(x) for x in r['runsMbPerSecondPerCore'])} | {s['compress']['peakRssMB']:.0f} | {r['xzCoreSeconds']} | {r['projected661kCoreHours']:,} |"
        )
    grown = [r for r in results if r.get("growth")]
    if grown:
        rows += [
            "",
            "| set | genomes added | archives written again (of) | wall s | core-s: sketch / batch / compress and verify |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for r in grown:
            g = r["growth"]
            rows.append(
                f"| {r['set']} | {g['added']} ({g['addedBytes'] / 1e6:.1f} MB) | {len(g['archivesWritten'])} ({g['batches']}) | {g['wallSeconds']} | "
                f"{' / '.join(str(g['coreSecondsDelta'][k]) for k in STEPS)} |"
            )
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", required=True, help="NAME=DIR")
    parser.add_argument("--work", required=True, help="scratch folder for the runs")
    parser.add_argument("--results", help="write README.md and bench.json here")
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--config", nargs="*", default=[], help="more workflow config, key=value")
    parser.add_argument("--note", default="", help="how the sets were made, for the README")
    parser.add_argument("--grow", help="NAME=DIR: after the run on set NAME, add the genomes of DIR it lacks and run again")
    parser.add_argument("--runs", type=int, default=3, help="runs of the workflow from nothing on each set; the figures are the median run's")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.makedirs(args.work, exist_ok=True)
    started = time.perf_counter()
    results = []
    for spec in args.set:
        name, _, folder = spec.partition("=")
        grow_name, _, grow_dir = (args.grow or "").partition("=")
        extra = os.path.abspath(grow_dir) if grow_name == name else None
        results.append(run_set(name, os.path.abspath(folder), os.path.abspath(args.work), args.cores, args.config, args.runs, extra))
        print(table(results[-1:]), flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if args.results:
        os.makedirs(args.results, exist_ok=True)
        doc = {"date": datetime.date.today().isoformat(), "commit": commit, "machine": platform.platform(), "config": args.config, "results": results}
        with open(os.path.join(args.results, "bench.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
        argv = sys.argv[1:]
        if "--note" in argv:  # the note is printed under "Sets"
            at = argv.index("--note")
            argv = argv[:at] + argv[at + 2 :]
        command = shlex.join(["python3", "workflow/scripts/bench.py", *argv])
        with open(os.path.join(args.results, "README.md"), "w", encoding="utf-8") as f:
            f.write(
                "# The scale workflow: benchmark\n\n"
                f"Generated by `{command}` on {doc['date']} at commit {commit} in {(time.perf_counter() - started) / 60:.0f} min; "
                "machine-readable figures in [bench.json](bench.json).\n\n"
                f"- **Machine:** {platform.platform()}, {os.cpu_count()} cores.\n"
                f"- **Sets:** {args.note}\n"
                f"- **Method:** the workflow runs from nothing (`snakemake --cores N`), {args.runs} time(s) on each set, and the figures are "
                "those of the run of median core-seconds (every run's throughput is listed too); core-seconds are the sums of its jobs' wall "
                "times from Snakemake's benchmark files (every job uses one core; the catalogue step, run locally, is not counted), "
                "and MB/s per core is the FASTA bytes of the set over them. Each compress job also decodes its archive and compares "
                "every file with its input, byte for byte (`--verify`). The xz column is MiniPhy's approach on the same batches: each batch's "
                "FASTA concatenated and compressed with `xz -9 -T1`. The 661k projection is 2.6e12 bytes over the measured MB/s per core. "
                "Growth (`--grow`): the genomes of a larger set that the first lacks are added to a copy of its input and the workflow "
                "runs again; the archives written again and the core-seconds of the jobs that ran are counted.\n\n"
                + table(results)
                + "\n"
            )


if __name__ == "__main__":
    main()
