#!/usr/bin/env bash
# Kiln benchmark: the same C workloads run as
#   native x86-64 (clang -O2), qemu-riscv32, kiln JIT, kiln interpreter,
# wall time best of N runs, outputs checked identical, ratios and geometric
# means printed as a plain table and as Markdown. Then straight-line code
# (Benchmarks/straightline: 2 M register-only instructions, no branch, each
# block runs once): kiln JIT and interpreter vs qemu-riscv32, which measures
# what compiling and installing code costs.
#
# Usage: Scripts/bench.sh [--quick] [--runs N] [--only w1,w2] [--no-build]
#                         [--kiln PATH] [--markdown FILE] [--memory flat|paged]
#                         [--max-instructions N]
# See Benchmarks/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKLOADS_DIR="$ROOT/Benchmarks/workloads"
FIXTURES="$ROOT/Tests/Fixtures/rv32"
SCRATCH="$ROOT/.build-bench"
OUT="$SCRATCH/bench"

RUNS=3
QUICK=0
BUILD=1
ONLY=""
KILN=""
MARKDOWN=""
MEMORY=""
MEMORY_EXTRA=()

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'EOF'

Options:
  --quick          smaller inputs (about 1/4 of the work; a quick sanity run)
  --runs N         runs per engine and workload, best time kept (default 3)
  --only LIST      comma-separated subset of: coremark,hash,sort,vm,straightline
  --no-build       do not run `swift build`; use the kiln already built
  --kiln PATH      use this kiln binary (implies --no-build)
  --markdown FILE  also write the Markdown table to FILE
                   (default: .build-bench/bench/results.md)
  --memory MODE    guest memory of both kiln engines: flat or paged
                   (passed as `kiln run --memory MODE`; default: kiln's default)
  --max-instructions N
                   give both kiln engines an instruction budget of N (to
                   measure the cost of the budget checks; N must cover the run)
EOF
}

die() {
  echo "bench.sh: error: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --runs)
      [ $# -ge 2 ] || die "--runs needs a number"
      RUNS="$2"
      shift
      ;;
    --only)
      [ $# -ge 2 ] || die "--only needs a list"
      ONLY="$2"
      shift
      ;;
    --no-build) BUILD=0 ;;
    --kiln)
      [ $# -ge 2 ] || die "--kiln needs a path"
      KILN="$2"
      BUILD=0
      shift
      ;;
    --markdown)
      [ $# -ge 2 ] || die "--markdown needs a file"
      MARKDOWN="$2"
      shift
      ;;
    --max-instructions)
      [ $# -ge 2 ] || die "--max-instructions needs a number"
      MEMORY_EXTRA=(--max-instructions "$2")
      shift
      ;;
    --memory)
      [ $# -ge 2 ] || die "--memory needs flat or paged"
      MEMORY="$2"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
  shift
done
case "$RUNS" in
  '' | *[!0-9]* | 0) die "--runs must be a positive integer, got '$RUNS'" ;;
esac
case "$MEMORY" in
  '' | flat | paged) ;;
  *) die "--memory must be flat or paged, got '$MEMORY'" ;;
esac
MEMORY_ARGS=(${MEMORY_EXTRA[@]+"${MEMORY_EXTRA[@]}"})
[ -z "$MEMORY" ] || MEMORY_ARGS+=(--memory "$MEMORY")

# Workloads and their arguments (full run / --quick). The sources' built-in
# defaults equal the full-run arguments.
ALL_WORKLOADS=(coremark hash sort vm)
declare -A ARGS_FULL=([coremark]="1800" [hash]="20" [sort]="2 1048576" [vm]="6")
declare -A ARGS_QUICK=([coremark]="200" [hash]="2" [sort]="1 262144" [vm]="1")

WORKLOADS=()
STRAIGHT=1
if [ -n "$ONLY" ]; then
  IFS=',' read -r -a wanted <<<"$ONLY"
  STRAIGHT=0
  for w in "${wanted[@]}"; do
    if [ "$w" = straightline ]; then
      STRAIGHT=1
      continue
    fi
    [ -n "${ARGS_FULL[$w]+x}" ] || die "unknown workload '$w' (have: ${ALL_WORKLOADS[*]})"
    WORKLOADS+=("$w")
  done
else
  WORKLOADS=("${ALL_WORKLOADS[@]}")
fi

# ---------------------------------------------------------------- tools

command -v qemu-riscv32 >/dev/null 2>&1 ||
  die "qemu-riscv32 not found. Install it with Scripts/setup.sh (Debian/Ubuntu: apt-get install -y qemu-user)."
command -v clang >/dev/null 2>&1 || die "clang not found (the Swift toolchain's clang is enough)."
command -v awk >/dev/null 2>&1 || die "awk not found."
date +%s%N | grep -qE '^[0-9]+$' || die "date +%s%N does not give nanoseconds (need GNU date)."

mkdir -p "$OUT"
[ -n "$MARKDOWN" ] || MARKDOWN="$OUT/results.md"

if [ "$BUILD" = 1 ]; then
  echo "==> swift build --scratch-path .build-bench -c release --product kiln" >&2
  (cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --product kiln >&2) ||
    die "building kiln failed"
fi
if [ -z "$KILN" ]; then
  KILN="$(cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/kiln"
fi
[ -x "$KILN" ] || die "kiln binary not found at $KILN (drop --no-build to build it)"

# ---------------------------------------------------------------- compile

RV32_FLAGS=(--target=riscv32-unknown-linux-elf -march=rv32im -mabi=ilp32 -nostdlib -static
  -fuse-ld=lld -O2 -I"$FIXTURES" -I"$WORKLOADS_DIR")
NATIVE_FLAGS=(-O2 -I"$WORKLOADS_DIR")

echo "==> compiling workloads into ${OUT#"$ROOT"/}" >&2
for w in "${WORKLOADS[@]}"; do
  src="$WORKLOADS_DIR/$w.c"
  [ -f "$src" ] || die "missing $src"
  clang "${NATIVE_FLAGS[@]}" -o "$OUT/$w.native" "$src" || die "native build of $w failed"
  clang "${RV32_FLAGS[@]}" -o "$OUT/$w.elf" "$FIXTURES/start.S" "$FIXTURES/rt.c" "$src" ||
    die "RV32 build of $w failed"
done

# ---------------------------------------------------------------- measure

ENGINES=(native qemu jit interp)

engine_cmd() { # engine workload -> prints nothing; sets CMD array
  local e="$1" w="$2"
  case "$e" in
    native) CMD=("$OUT/$w.native") ;;
    qemu) CMD=(qemu-riscv32 "$OUT/$w.elf") ;;
    jit) CMD=("$KILN" run --engine jit ${MEMORY_ARGS[@]+"${MEMORY_ARGS[@]}"} "$OUT/$w.elf") ;;
    interp) CMD=("$KILN" run --engine interpreter ${MEMORY_ARGS[@]+"${MEMORY_ARGS[@]}"} "$OUT/$w.elf") ;;
  esac
}

declare -A BEST   # [workload,engine] = best seconds, or FAIL
declare -A REF    # [workload] = reference stdout (qemu-riscv32, untimed warm-up run)
declare -A REF_RC # [workload] = reference exit status
FAILURES=()

run_once() { # engine workload args... -> sets RUN_NS, RUN_RC; output in $OUT/last.{out,err}
  local e="$1" w="$2"
  shift 2
  engine_cmd "$e" "$w"
  local t0 t1
  t0=$(date +%s%N)
  set +e
  "${CMD[@]}" "$@" >"$OUT/last.out" 2>"$OUT/last.err"
  RUN_RC=$?
  set -e
  t1=$(date +%s%N)
  RUN_NS=$((t1 - t0))
}

START_NS=$(date +%s%N)
for w in "${WORKLOADS[@]}"; do
  if [ "$QUICK" = 1 ]; then args="${ARGS_QUICK[$w]}"; else args="${ARGS_FULL[$w]}"; fi
  read -r -a argv <<<"$args"
  echo "==> $w $args" >&2

  # Reference: qemu-riscv32 is the outside oracle (also warms caches); not timed.
  run_once qemu "$w" "${argv[@]}"
  REF[$w]="$(cat "$OUT/last.out")"
  REF_RC[$w]=$RUN_RC
  cp "$OUT/last.out" "$OUT/$w.expected"
  echo "  reference (qemu-riscv32, exit $RUN_RC): ${REF[$w]}" >&2
  [ "$RUN_RC" = 0 ] || FAILURES+=("$w: qemu-riscv32 exited $RUN_RC: $(head -c 300 "$OUT/last.err")")

  for e in "${ENGINES[@]}"; do BEST[$w,$e]=""; done
  for ((r = 1; r <= RUNS; r++)); do
    for e in "${ENGINES[@]}"; do # interleaved, so drift hits every engine alike
      [ "${BEST[$w,$e]}" = FAIL ] && continue
      run_once "$e" "$w" "${argv[@]}"
      secs=$(awk -v ns="$RUN_NS" 'BEGIN { printf "%.4f", ns / 1e9 }')
      printf '  %-7s run %d/%d %9.3f s  exit %d\n' "$e" "$r" "$RUNS" "$secs" "$RUN_RC" >&2
      out="$(cat "$OUT/last.out")"
      if [ "$RUN_RC" != "${REF_RC[$w]}" ] || [ "$out" != "${REF[$w]}" ]; then
        BEST[$w,$e]=FAIL
        cp "$OUT/last.out" "$OUT/$w.$e.out"
        cp "$OUT/last.err" "$OUT/$w.$e.err"
        FAILURES+=("$w on $e (args: $args): exit $RUN_RC, qemu-riscv32 exit ${REF_RC[$w]}
      qemu-riscv32: ${REF[$w]}
      $e: $out
      stderr: $(head -c 300 "$OUT/last.err")")
        echo "  !! $e output differs from qemu-riscv32" >&2
        continue
      fi
      best="${BEST[$w,$e]}"
      if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        BEST[$w,$e]="$secs"
      fi
    done
  done
done
# Straight-line code: compile and install cost (issue 11). The program is
# generated (100 bytes per 25 instructions would be too large to commit).
STRAIGHT_ROW=""
if [ "$STRAIGHT" = 1 ]; then
  if [ "$QUICK" = 1 ]; then STRAIGHT_N=500000; else STRAIGHT_N=2000000; fi
  echo "==> straightline $STRAIGHT_N instructions" >&2
  clang -O2 -o "$OUT/straightline" "$ROOT/Benchmarks/straightline/straightline.c" ||
    die "building the straight-line generator failed"
  "$OUT/straightline" "$STRAIGHT_N" >"$OUT/straightline.elf" || die "straightline failed"
  chmod +x "$OUT/straightline.elf"
  run_once qemu straightline
  straight_rc=$RUN_RC
  declare -A SBEST=()
  for ((r = 1; r <= RUNS; r++)); do
    for e in qemu jit interp; do
      run_once "$e" straightline
      secs=$(awk -v ns="$RUN_NS" 'BEGIN { printf "%.4f", ns / 1e9 }')
      printf '  %-7s run %d/%d %9.3f s  exit %d\n' "$e" "$r" "$RUNS" "$secs" "$RUN_RC" >&2
      if [ "$RUN_RC" != "$straight_rc" ]; then
        SBEST[$e]=FAIL
        FAILURES+=("straightline on $e: exit $RUN_RC, qemu-riscv32 exit $straight_rc: $(head -c 300 "$OUT/last.err")")
        continue
      fi
      [ "${SBEST[$e]:-}" = FAIL ] && continue
      if [ -z "${SBEST[$e]:-}" ] || awk -v a="$secs" -v b="${SBEST[$e]}" 'BEGIN { exit !(a < b) }'; then
        SBEST[$e]="$secs"
      fi
    done
  done
  STRAIGHT_ROW="| straightline | $STRAIGHT_N | ${SBEST[qemu]} | ${SBEST[jit]} | ${SBEST[interp]} | $(awk -v q="${SBEST[qemu]}" -v j="${SBEST[jit]}" 'BEGIN { if (q + 0 > 0 && j + 0 > 0) printf "%.2f", q / j; else print "n/a" }') |"
fi

ELAPSED=$(awk -v ns="$(($(date +%s%N) - START_NS))" 'BEGIN { printf "%.0f", ns / 1e9 }')

# ---------------------------------------------------------------- report

cpu_model() {
  local m
  m=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk -F': *' '/^(Hardware|uarch|cpu model)/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  echo "${m:-unknown}"
}

MACHINE="$(uname -m), $(cpu_model), $(nproc) CPUs, $(uname -sr)"
DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
COMMIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(cd "$ROOT" && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && echo "+dirty" || true)"
CLANG_V="$(clang --version | head -1)"
QEMU_V="$(qemu-riscv32 --version | head -1)"
MODE="full"
[ "$QUICK" = 1 ] && MODE="quick"
CMDLINE="Scripts/bench.sh"
[ "$QUICK" = 1 ] && CMDLINE+=" --quick"
[ "$RUNS" = 3 ] || CMDLINE+=" --runs $RUNS"
[ -z "$ONLY" ] || CMDLINE+=" --only $ONLY"
[ -z "$MEMORY" ] || CMDLINE+=" --memory $MEMORY"
MEMORY_TEXT="${MEMORY:-the kiln default}"

ROWS=""
for w in "${WORKLOADS[@]}"; do
  if [ "$QUICK" = 1 ]; then args="${ARGS_QUICK[$w]}"; else args="${ARGS_FULL[$w]}"; fi
  ROWS+="$w|$args|${BEST[$w,native]:-FAIL}|${BEST[$w,qemu]:-FAIL}|${BEST[$w,jit]:-FAIL}|${BEST[$w,interp]:-FAIL}"$'\n'
done

# Prints the table; $1 = "text" or "md".
table() {
  printf '%s' "$ROWS" | awk -F'|' -v fmt="$1" '
    function num(x) { return x != "" && x != "FAIL" && x + 0 > 0 }
    function t(x) { return num(x) ? sprintf("%.3f", x) : "FAIL" }
    function ratio(a, b) { return (num(a) && num(b)) ? sprintf("%.2f", a / b) : "n/a" }
    function gm(col,   v) { v = (cnt[col] > 0) ? exp(sum[col] / cnt[col]) : 0; return v }
    function fg(col, f) { return cnt[col] > 0 ? sprintf(f, gm(col)) : "n/a" }
    function acc(col, v) { if (v != "n/a" && v != "FAIL" && v + 0 > 0) { sum[col] += log(v); cnt[col]++ } }
    function row(c1, c2, c3, c4, c5, c6, c7, c8, c9) {
      if (fmt == "md")
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c1, c2, c3, c4, c5, c6, c7, c8, c9
      else
        printf "%-9s %-10s %9s %9s %9s %11s %11s %11s %12s\n", c1, c2, c3, c4, c5, c6, c7, c8, c9
    }
    BEGIN {
      row("workload", "args", "native s", "qemu s", "kiln-jit s", "kiln-interp s", "jit/native", "qemu/jit", "interp/jit")
      if (fmt == "md") print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    }
    {
      jn = ratio($5, $3); qj = ratio($4, $5); ij = ratio($6, $5)
      rows++
      if (num($3) && num($4) && num($5) && num($6)) { # geomeans over complete rows only
        complete++
        acc("n", $3); acc("q", $4); acc("j", $5); acc("i", $6)
        acc("jn", jn); acc("qj", qj); acc("ij", ij)
        if (jn + 0 > maxjn) maxjn = jn + 0
        if (minqj == "" || qj + 0 < minqj) minqj = qj + 0
      }
      row($1, $2, t($3), t($4), t($5), t($6), jn, qj, ij)
    }
    END {
      g = "geomean"
      if (complete < rows) g = g " (" complete "/" rows ")"
      if (fmt == "md") g = "**" g "**"
      row(g, "", fg("n", "%.3f"), fg("q", "%.3f"), fg("j", "%.3f"), fg("i", "%.3f"), fg("jn", "%.2f"),
          fg("qj", "%.2f"), fg("ij", "%.2f"))
      printf "%.6f %.6f %.6f %.6f %.6f\n", gm("jn"), gm("qj"), gm("ij"), maxjn, minqj + 0 > "/dev/stderr"
    }'
}

GEO="$(table text 2>&1 >/dev/null)"
read -r GEO_JN GEO_QJ GEO_IJ MAX_JN MIN_QJ <<<"$GEO"
# Issue 11's targets: JIT ÷ native geomean ≤ 1.35 with no workload above 1.6
# in flat memory (the kiln default), ≤ 1.9 in paged memory; faster than
# qemu-riscv32 on every workload; interpreter ÷ JIT ≤ 15.
verdict() {
  awk -v jn="$GEO_JN" -v qj="$GEO_QJ" -v ij="$GEO_IJ" -v maxjn="$MAX_JN" -v minqj="$MIN_QJ" \
    -v paged="$([ "$MEMORY" = paged ] && echo 1 || echo 0)" 'BEGIN {
    if (qj <= 0 || jn <= 0) { print "targets: n/a (some runs failed)"; exit }
    if (paged) {
      printf "targets: JIT/native geomean <= 1.9 (paged): %s (%.2fx); ", (jn <= 1.9 ? "met" : "NOT met"), jn
    } else {
      printf "targets: JIT/native geomean <= 1.35 and every workload <= 1.6 (flat): %s (%.2fx, worst %.2fx); ",
        (jn <= 1.35 && maxjn <= 1.6 ? "met" : "NOT met"), jn, maxjn
    }
    printf "faster than qemu-riscv32 on every workload: %s (slowest qemu/jit %.2fx); interp/jit <= 15: %s (%.2fx)\n",
      (minqj > 1 ? "met" : "NOT met"), minqj, (ij <= 15 ? "met" : "NOT met"), ij }'
}

{
  echo
  echo "Kiln benchmark ($MODE, best of $RUNS, wall time in seconds, ${ELAPSED}s total)"
  echo "machine: $MACHINE"
  echo "date:    $DATE"
  echo "kiln:    $COMMIT$DIRTY ($KILN), guest memory: $MEMORY_TEXT"
  echo "tools:   $CLANG_V; $QEMU_V"
  echo
  table text 2>/dev/null
  echo
  echo "jit/native: kiln JIT time / native time (lower is better; 1 = native speed)"
  echo "qemu/jit:   qemu-riscv32 time / kiln JIT time (higher is better; the JIT's speed-up over qemu)"
  echo "interp/jit: kiln interpreter time / kiln JIT time (the JIT's speed-up over kiln's own interpreter)"
  verdict
  if [ -n "$STRAIGHT_ROW" ]; then
    echo
    echo "Straight-line code (each block runs once; wall seconds, best of $RUNS):"
    echo "| program | instructions | qemu s | kiln-jit s | kiln-interp s | qemu/jit |"
    echo "$STRAIGHT_ROW"
  fi
}

{
  echo "Machine: $MACHINE; $DATE; kiln $COMMIT$DIRTY (guest memory: $MEMORY_TEXT); $CLANG_V; $QEMU_V."
  echo "Command: \`$CMDLINE\` (best of $RUNS, wall seconds)."
  echo
  table md 2>/dev/null
  echo
  echo "jit/native: lower is better. qemu/jit: higher is better. $(verdict | sed 's/^targets: /Targets: /')."
  if [ -n "$STRAIGHT_ROW" ]; then
    echo
    echo "Straight-line code (\`Benchmarks/straightline\`, each block runs once: the cost of compiling and installing code), wall seconds, best of $RUNS:"
    echo
    echo "| program | instructions | qemu s | kiln-jit s | kiln-interp s | qemu/jit |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "$STRAIGHT_ROW"
  fi
} >"$MARKDOWN"
echo
echo "Markdown (also in ${MARKDOWN#"$ROOT"/}):"
echo
cat "$MARKDOWN"

if [ ${#FAILURES[@]} -gt 0 ]; then
  echo >&2
  echo "bench.sh: ${#FAILURES[@]} failure(s) — outputs kept in ${OUT#"$ROOT"/}:" >&2
  for f in "${FAILURES[@]}"; do echo "  - $f" >&2; done
  exit 1
fi
