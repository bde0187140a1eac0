#!/usr/bin/env bash
# Kiln eBPF benchmark: the C workloads of Benchmarks/bpf, each compiled
# with clang --target=bpf -O2 (run by Kiln) and natively with clang -O2
# (the reference), timed in one process (Benchmarks/BPFBench): native,
# interpreter, JIT with bounds checks, JIT unchecked. Prints ratios,
# geometric means and JIT compile time per instruction, as a table and as
# Markdown (.build-bench/bpf/results.md).
#
# Usage: Scripts/bench-bpf.sh [--seconds S] [--buffer BYTES] [--no-build]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/Benchmarks/bpf"
SCRATCH="$ROOT/.build-bench"
OUT="$SCRATCH/bpf"
SECONDS_PER_ENGINE=1.5
BUFFER=65536
BUILD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_ENGINE="$2"; shift ;;
    --buffer) BUFFER="$2"; shift ;;
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-bpf.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done

mkdir -p "$OUT"
if [ "$BUILD" = 1 ]; then
  swift build -c release --scratch-path "$SCRATCH" --product bpf-bench >&2
fi
BENCH="$SCRATCH/release/bpf-bench"

rows=()
for c in "$SRC"/*.c; do
  w="$(basename "$c" .c)"
  clang --target=bpf -O2 -c "$c" -o "$OUT/$w.o"
  llvm-objcopy -O binary --only-section=.text "$OUT/$w.o" "$OUT/$w.bin"
  entry_byte="$(llvm-nm "$OUT/$w.o" | awk '$3 == "entry" { print $1 }')"
  entry_slot=$((16#$entry_byte / 8))
  clang -O2 -shared -fPIC "$c" -o "$OUT/$w.so"
  rows+=("$("$BENCH" "$w" "$OUT/$w.bin" "$entry_slot" "$OUT/$w.so" "$BUFFER" "$SECONDS_PER_ENGINE")")
done

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
{
  echo "Kiln eBPF benchmark — $(uname -m), $cpu, $(nproc) CPUs; buffer $BUFFER bytes; kiln $(git -C "$ROOT" rev-parse --short HEAD)"
  echo
  echo "| workload | insns | native µs | interp µs | JIT µs | JIT unchecked µs | interp/JIT | JIT/native | unchecked/native | compile ns/insn |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}" | awk -F'\t' '
    { n=$3/1000; i=$4/1000; j=$5/1000; u=$6/1000
      printf "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.0f |\n", $1, $2, n, i, j, u, i/j, j/n, u/n, $7
      gi += log(i/j); gj += log(j/n); gu += log(u/n); k++ }
    END { printf "| geomean | | | | | | %.1f | %.2f | %.2f | |\n", exp(gi/k), exp(gj/k), exp(gu/k) }'
} | tee "$OUT/results.md"
