#!/usr/bin/env bash
# A stand-in for a cluster's submit command (sbatch, qsub) in the workflow's cluster test:
# Snakemake calls it with a job script, as it would call sbatch; it starts the script as a
# separate process in the background and prints a job id. Each submission is logged to
# $SUBMIT_LOG (job id and the script's name), which the test counts.
set -euo pipefail
jobscript="$1"
nohup bash "$jobscript" > "$jobscript.out" 2>&1 &
echo "$! $(basename "$jobscript")" >> "${SUBMIT_LOG:-/dev/null}"
echo "$!"
