#!/usr/bin/env bash
# Host-code quality per port, counted rather than timed. Three tables:
#
# 1. RV32 workloads (Benchmarks/workloads, the --quick inputs of bench.sh):
#    the interpreter counts executed guest instructions; each port's JIT
#    runs in Unicorn with exact counting of executed host instructions
#    (kiln run --host H --emulate --stats), in both memory modes. Host
#    instructions per guest instruction, host code bytes per translated
#    guest instruction (flat run), compile speed (compile-bench: the
#    program's whole .text cut into blocks, translated and compiled by the
#    port natively, nothing installed or run; best of 20). One more row:
#    straight-line code (Benchmarks/straightline, 200,000 register-only
#    instructions, 64-instruction blocks), compile speed only.
# 2. RV32 microbenchmark loops (Benchmarks/micro/micro.S): the same counts
#    for ALU-only, branchy, load-only and store-only loops, and what one load
#    and one store cost in each memory mode.
# 3. eBPF workloads (Benchmarks/bpf, as Scripts/bench-bpf.sh builds them):
#    executed host instructions per executed eBPF instruction, checked and
#    unchecked, code bytes per eBPF instruction, compile speed (bpf-bench --count).
#
# Prints Markdown tables (also written to .build-bench/hosts/results.md).
#
# Usage: Scripts/bench-hosts.sh [--no-build] [--hosts "x86_64 aarch64"] [--only w1,w2]
#                               [--skip-workloads]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKLOADS_DIR="$ROOT/Benchmarks/workloads"
FIXTURES="$ROOT/Tests/Fixtures/rv32"
SCRATCH="$ROOT/.build-bench"
OUT="$SCRATCH/hosts"
BUILD=1
HOSTS="x86_64 aarch64"
SKIP_WORKLOADS=0
MICRO=(empty alu alu_mem branchy load store)
ITERATIONS=100000
WORKLOADS=(coremark hash sort vm)
declare -A ARGS=([coremark]="200" [hash]="2" [sort]="1 262144" [vm]="1")

die() { echo "bench-hosts.sh: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --hosts) [ $# -ge 2 ] || die "--hosts needs a list"; HOSTS="$2"; shift ;;
    --only) [ $# -ge 2 ] || die "--only needs a list"; IFS=, read -r -a WORKLOADS <<<"$2"; shift ;;
    --skip-workloads) SKIP_WORKLOADS=1 ;;
    -h | --help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
  shift
done

mkdir -p "$OUT"
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --product kiln >&2) ||
    die "building kiln failed"
  for product in bpf-bench compile-bench; do
    (cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --product $product >&2) ||
      die "building $product failed"
  done
fi
KILN="$(cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/kiln"
[ -x "$KILN" ] || die "kiln not found at $KILN"
BPF_BENCH="$(dirname "$KILN")/bpf-bench"
[ -x "$BPF_BENCH" ] || die "bpf-bench not found at $BPF_BENCH"
COMPILE_BENCH="$(dirname "$KILN")/compile-bench"
[ -x "$COMPILE_BENCH" ] || die "compile-bench not found at $COMPILE_BENCH"

RV32_FLAGS=(--target=riscv32-unknown-linux-elf -march=rv32im -mabi=ilp32 -nostdlib -static
  -fuse-ld=lld -O2 -I"$FIXTURES" -I"$WORKLOADS_DIR")
[ "$SKIP_WORKLOADS" = 1 ] && WORKLOADS=()
for w in "${WORKLOADS[@]}"; do
  [ -n "${ARGS[$w]+x}" ] || die "unknown workload '$w'"
  clang "${RV32_FLAGS[@]}" -o "$OUT/$w.elf" "$FIXTURES/start.S" "$FIXTURES/rt.c" \
    "$WORKLOADS_DIR/$w.c" || die "RV32 build of $w failed"
done

for m in "${MICRO[@]}"; do
  clang "${RV32_FLAGS[@]}" -DITERATIONS=$ITERATIONS "-DLOOP_${m^^}" -o "$OUT/micro-$m.elf" \
    "$ROOT/Benchmarks/micro/micro.S" || die "RV32 build of micro loop $m failed"
  ARGS[micro-$m]=""
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
  llvm-objcopy -O binary --only-section=.text "$OUT/$w.elf" "$OUT/$w.text"
  text_address="$(llvm-objdump -h "$OUT/$w.elf" | awk '$2 == ".text" { print $4 }')"
  "$COMPILE_BENCH" "$OUT/$w.text" "$text_address" 20 >"$OUT/compile-$w.tsv" ||
    die "compile-bench $w failed"
  for h in $HOSTS; do
    declare -A host_insns=()
    for m in paged flat; do
      run "$w" --host "$h" --emulate --memory "$m"
      host_insns[$m]="$(stat "$OUT/last.err" "host instructions executed")"
    done
    bytes="$(stat "$OUT/last.err" "host code bytes")"
    translated="$(stat "$OUT/last.err" "guest instructions translated")"
    # Compile speed: the whole .text, paged layout, timed natively (compile-bench).
    speed="$(awk -F'\t' -v h="$h" '$1 == h && $2 == "paged" { printf "%.2f", $3 / $6 * 1000 }' \
      "$OUT/compile-$w.tsv")"
    row+="$(awk -v g="$guest" -v p="${host_insns[paged]}" -v f="${host_insns[flat]}" \
      -v b="$bytes" -v t="$translated" -v s="$speed" \
      'BEGIN { printf " %.2f | %.2f | %.1f | %s |", p / g, f / g, b / t, s }')"
  done
  rows+=("$row")
done

# Straight-line code: compile speed of long blocks (compile-bench only).
straight_row=""
if [ "$SKIP_WORKLOADS" = 0 ]; then
  echo "==> straightline" >&2
  clang -O2 -o "$OUT/straightline" "$ROOT/Benchmarks/straightline/straightline.c" ||
    die "building the straight-line generator failed"
  "$OUT/straightline" 200000 >"$OUT/straightline.elf" || die "straightline failed"
  # The code follows the 84 bytes of ELF and program header, at 0x10054.
  tail -c +85 "$OUT/straightline.elf" >"$OUT/straightline.text"
  "$COMPILE_BENCH" "$OUT/straightline.text" 10054 20 >"$OUT/compile-straightline.tsv" ||
    die "compile-bench straightline failed"
  straight_row="| straightline (compile only) | – |"
  for h in $HOSTS; do
    straight_row+="$(awk -F'\t' -v h="$h" '$1 == h && $2 == "paged" {
      printf " – | – | %.1f | %.2f |", $5 / $3, $3 / $6 * 1000 }' "$OUT/compile-straightline.tsv")"
  done
  rows+=("$straight_row")
fi

micro_header="| loop | guest insns |"
micro_rule="|---|---:|"
for h in $HOSTS; do
  micro_header+=" $h paged | $h flat |"
  micro_rule+="---:|---:|"
done
micro_rows=()
declare -A micro_host=()
declare -A micro_guest=()
for m in "${MICRO[@]}"; do
  echo "==> micro $m" >&2
  run "micro-$m" --engine interpreter --memory paged
  guest="$(stat "$OUT/last.err" "guest instructions executed")"
  micro_guest[$m]="$guest"
  row="| $m | $guest |"
  for h in $HOSTS; do
    for mode in paged flat; do
      run "micro-$m" --host "$h" --emulate --memory "$mode"
      n="$(stat "$OUT/last.err" "host instructions executed")"
      micro_host[$m,$h,$mode]="$n"
      row+="$(awk -v g="$guest" -v n="$n" 'BEGIN { printf " %.2f |", n / g }')"
    done
  done
  micro_rows+=("$row")
done
access_header="| guest access |"
access_rule="|---|"
for h in $HOSTS; do
  access_header+=" $h paged | $h flat |"
  access_rule+="---:|---:|"
done
access_rows=()
for m in load store; do
  row="| one \`$([ $m = load ] && echo lw || echo sw)\` |"
  for h in $HOSTS; do
    for mode in paged flat; do
      row+="$(awk -v a="${micro_host[$m,$h,$mode]}" -v e="${micro_host[empty,$h,$mode]}" \
        -v n="$ITERATIONS" 'BEGIN { printf " %.2f |", (a - e) / (16 * n) }')"
    done
  done
  access_rows+=("$row")
done

bpf_header="| workload | eBPF insns executed |"
bpf_rule="|---|---:|"
for h in $HOSTS; do
  bpf_header+=" $h checked | $h unchecked | $h bytes/insn | $h compile Minsn/s |"
  bpf_rule+="---:|---:|---:|---:|"
done
bpf_rows=()
for c in "$ROOT"/Benchmarks/bpf/*.c; do
  w="$(basename "$c" .c)"
  echo "==> bpf $w" >&2
  clang --target=bpf -O2 -c "$c" -o "$OUT/$w.o"
  llvm-objcopy -O binary --only-section=.text "$OUT/$w.o" "$OUT/$w.bin"
  entry_byte="$(llvm-nm "$OUT/$w.o" | awk '$3 == "entry" { print $1 }')"
  "$BPF_BENCH" --count "$w" "$OUT/$w.bin" $((16#$entry_byte / 8)) 65536 >"$OUT/bpf-$w.tsv" ||
    die "bpf-bench --count $w failed"
  row="| $w | $(head -n 1 "$OUT/bpf-$w.tsv" | cut -f 3) |"
  for h in $HOSTS; do
    row+="$(awk -F'\t' -v h="$h" '$2 == h {
      printf " %.2f | %.2f | %.1f | %.1f |", $4 / $3, $5 / $3, $6 / $8, $8 / $9 * 1000 }' \
      "$OUT/bpf-$w.tsv")"
  done
  bpf_rows+=("$row")
done

{
  echo "Machine: $(uname -m), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); kiln $(git -C "$ROOT" rev-parse --short HEAD)."
  echo "Command: \`Scripts/bench-hosts.sh\` (executed instructions counted exactly in Unicorn; guest instructions by the interpreters)."
  if [ "${#rows[@]}" -gt 0 ]; then
    echo
    echo "RV32 workloads: host instructions per guest instruction, code bytes per translated guest instruction, compile speed (whole .text, paged layout, timed natively by compile-bench)."
    echo
    echo "$header"
    echo "$rule"
    printf '%s\n' "${rows[@]}"
  fi
  echo
  echo "RV32 loops ($ITERATIONS iterations, Benchmarks/micro/micro.S): host instructions per guest instruction."
  echo
  echo "$micro_header"
  echo "$micro_rule"
  printf '%s\n' "${micro_rows[@]}"
  echo
  echo "One guest access in host instructions: (load or store loop − empty loop) / (16 × $ITERATIONS)."
  echo
  echo "$access_header"
  echo "$access_rule"
  printf '%s\n' "${access_rows[@]}"
  echo
  echo "eBPF workloads (Benchmarks/bpf, 65,536-byte buffer): host instructions per executed eBPF instruction, code bytes per eBPF instruction (checked), compile speed (native Swift, checked)."
  echo
  echo "$bpf_header"
  echo "$bpf_rule"
  printf '%s\n' "${bpf_rows[@]}"
} | tee "$OUT/results.md"
