#!/usr/bin/env python3
"""The time an RV32 instruction budget costs: wall and CPU (user + sys)
seconds of `kiln run` on the bench.sh workloads (full inputs), without and
with a budget of 10^15, for two kiln binaries (before/after a change), all
runs interleaved, best of N. Prints Markdown rows.

Usage: Scripts/budget-cost.py BEFORE_KILN AFTER_KILN ELF_DIR RUNS MEMORY...
  ELF_DIR holds coremark.elf, hash.elf, sort.elf, vm.elf (bench.sh builds
  them into .build-bench/bench); MEMORY is flat and/or paged.
"""
import resource
import subprocess
import sys
import time

if len(sys.argv) < 6:
    sys.exit(__doc__)
kilns = {"before": sys.argv[1], "after": sys.argv[2]}
elf_dir, runs, memories = sys.argv[3], int(sys.argv[4]), sys.argv[5:]
ARGS = {"coremark": ["1800"], "hash": ["20"], "sort": ["2", "1048576"], "vm": ["6"]}
VARIANTS = [("before", False), ("before", True), ("after", False), ("after", True)]
best = {}
for _ in range(runs):
    for memory in memories:
        for workload, args in ARGS.items():
            for which, budget in VARIANTS:
                # Threshold 0: a budget compiles every block at once, so the
                # run without one must not tier either (`kiln run` tiers by
                # default natively).
                cmd = [kilns[which], "run", "--memory", memory, "--compile-threshold", "0"]
                if budget:
                    cmd += ["--max-instructions", "1000000000000000"]
                cmd += [f"{elf_dir}/{workload}.elf"] + args
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.monotonic()
                p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                t1 = time.monotonic()
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                if p.returncode != 0:
                    sys.exit(f"{' '.join(cmd)}: exit {p.returncode}")
                cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                key = (memory, workload, which, budget)
                old = best.get(key, (float("inf"), float("inf")))
                best[key] = (min(old[0], t1 - t0), min(old[1], cpu))
print("| memory | workload | time | before: no budget | budget | after: no budget | budget |")
print("|---|---|---|---:|---:|---:|---:|")
for memory in memories:
    for workload in ARGS:
        bn, bb, an, ab = (best[(memory, workload, w, b)] for w, b in VARIANTS)
        for i, name in ((1, "cpu"), (0, "wall")):
            print(
                f"| {memory} | {workload} | {name} | {bn[i]:.3f} | {bb[i]:.3f} "
                f"({(bb[i] / bn[i] - 1) * 100:+.1f}%) | {an[i]:.3f} | {ab[i]:.3f} "
                f"({(ab[i] / an[i] - 1) * 100:+.1f}%) |"
            )
