#!/usr/bin/env bash
# The test command on a fresh clone, several times in a row, while other processes keep
# every core busy: one busy loop per core at the same priority as the tests. Stops at the
# first failing run. Each run's summary line and time go to bench/output/suite_under_load.txt.
#
#     bench/suite_under_load.sh [runs, default 3]
set -euo pipefail
runs="${1:-3}"
project="$(cd "$(dirname "$0")/.." && pwd)"
report="$project/bench/output/suite_under_load.txt"
clone="$(mktemp -d)/recovery"
git clone --quiet "$project" "$clone"
commit="$(git -C "$clone" rev-parse --short HEAD)"
mkdir -p "$(dirname "$report")"

burners=()
for _ in $(seq "$(nproc)"); do
    python3 -c 'while True: pass' &
    burners+=("$!")
done
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT

{
    echo "make test on a fresh clone of $commit, $(nproc) cores, ${#burners[@]} busy loops beside it, $(date -u +%FT%TZ)"
} >"$report"
for run in $(seq "$runs"); do
    log="$clone/../run-$run.log"
    start=$(date +%s)
    if (cd "$clone" && make test) >"$log" 2>&1; then outcome=passed; else outcome=FAILED; fi
    seconds=$(($(date +%s) - start))
    summary="$(grep -E '(passed|failed|error).* in [0-9.]+s' "$log" | tail -1 || true)"
    echo "run $run: $outcome in $((seconds / 60)) min $((seconds % 60)) s, load average $(cut -d' ' -f1-3 /proc/loadavg): $summary" | tee -a "$report"
    if [ "$outcome" = FAILED ]; then
        grep -E '^(FAILED|ERROR) ' "$log" | tee -a "$report" || true
        echo "the whole log: $log"
        exit 1
    fi
done
