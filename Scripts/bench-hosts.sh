#!/usr/bin/env bash
# Host-code quality per port, counted rather than timed: every RV32
# benchmark workload (Benchmarks/workloads, the --quick inputs of bench.sh)
# runs on the interpreter, which counts executed guest instructions, and on
# each port's JIT in Unicorn with exact counting of executed host
# instructions (kiln run --host H --emulate --stats), in both memory modes.
# Prints host instructions per guest instruction, host code bytes per
# translated guest instruction, and compile speed, as a Markdown table
# (also written to .build-bench/hosts/results.md).
#
# Usage: Scripts/bench-hosts.sh [--no-build] [--hosts "x86_64 aarch64"] [--only w1,w2]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKLOADS_DIR="$ROOT/Benchmarks/workloads"
FIXTURES="$ROOT/Tests/Fixtures/rv32"
SCRATCH="$ROOT/.build-bench"
OUT="$SCRATCH/hosts"
BUILD=1
HOSTS="x86_64 aarch64"
WORKLOADS=(coremark hash sort vm)
declare -A ARGS=([coremark]="200" [hash]="2" [sort]="1 262144" [vm]="1")

die() { echo "bench-hosts.sh: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --hosts) [ $# -ge 2 ] || die "--hosts needs a list"; HOSTS="$2"; shift ;;
    --only) [ $# -ge 2 ] || die "--only needs a list"; IFS=, read -r -a WORKLOADS <<<"$2"; shift ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
  shift
done

mkdir -p "$OUT"
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --product kiln >&2) ||
    die "building kiln failed"
fi
KILN="$(cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/kiln"
[ -x "$KILN" ] || die "kiln not found at $KILN"

RV32_FLAGS=(--target=riscv32-unknown-linux-elf -march=rv32im -mabi=ilp32 -nostdlib -static
  -fuse-ld=lld -O2 -I"$FIXTURES" -I"$WORKLOADS_DIR")
for w in "${WORKLOADS[@]}"; do
  [ -n "${ARGS[$w]+x}" ] || die "unknown workload '$w'"
  clang "${RV32_FLAGS[@]}" -o "$OUT/$w.elf" "$FIXTURES/start.S" "$FIXTURES/rt.c" \
    "$WORKLOADS_DIR/$w.c" || die "RV32 build of $w failed"
done

# stat FILE KEY: the number after "kiln: KEY: " in a --stats transcript.
stat() { sed -n "s/^kiln: $2: \([0-9.]*\).*/\1/p" "$1" | tail -n 1; }

# run W ARGS…: kiln run --stats with ARGS on workload W; stats to $OUT/last.err.
run() {
  local w="$1"
  shift
  # shellcheck disable=SC2086
  "$KILN" run --stats "$@" "$OUT/$w.elf" ${ARGS[$w]} >"$OUT/last.out" 2>"$OUT/last.err" ||
    die "$w ($*) failed: $(head -c 300 "$OUT/last.err")"
}

header="| workload | guest insns |"
rule="|---|---:|"
for h in $HOSTS; do
  header+=" $h host/guest paged | $h host/guest flat | $h bytes/guest insn | $h compile Minsn/s |"
  rule+="---:|---:|---:|---:|"
done
rows=()
for w in "${WORKLOADS[@]}"; do
  echo "==> $w" >&2
  run "$w" --engine interpreter --memory paged
  guest="$(stat "$OUT/last.err" "guest instructions executed")"
  row="| $w | $guest |"
  for h in $HOSTS; do
    declare -A host_insns=()
    for m in paged flat; do
      run "$w" --host "$h" --emulate --memory "$m"
      host_insns[$m]="$(stat "$OUT/last.err" "host instructions executed")"
    done
    bytes="$(stat "$OUT/last.err" "host code bytes")"
    translated="$(stat "$OUT/last.err" "guest instructions translated")"
    ms="$(stat "$OUT/last.err" "compile time")"
    row+="$(awk -v g="$guest" -v p="${host_insns[paged]}" -v f="${host_insns[flat]}" \
      -v b="$bytes" -v t="$translated" -v ms="$ms" \
      'BEGIN { printf " %.2f | %.2f | %.1f | %.1f |", p / g, f / g, b / t, (ms > 0 ? t / ms / 1000 : 0) }')"
  done
  rows+=("$row")
done

{
  echo "Machine: $(uname -m), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); kiln $(git -C "$ROOT" rev-parse --short HEAD)."
  echo "Command: \`Scripts/bench-hosts.sh\` (executed instructions counted exactly in Unicorn; guest instructions by the interpreter)."
  echo
  echo "$header"
  echo "$rule"
  printf '%s\n' "${rows[@]}"
} | tee "$OUT/results.md"
