#!/usr/bin/env bash
# Runs one fuzz target for a fixed number of executions (Fuzz/README.md).
#
#   Scripts/fuzz.sh TARGET [-runs N] [-seed S] [-only ENGINE]   # deterministic driver (release build)
#   Scripts/fuzz.sh TARGET -runs N --libfuzzer                   # coverage-guided (libFuzzer)
#   Scripts/fuzz.sh TARGET -replay FILE...                       # replay inputs or regression files
#
# Targets: bpf-native, bpf-emulated, rv32-native, rv32-emulated (interpreter
# against the JIT rows), elf, object, assembler, checker (parsers: typed
# errors only). Seeds come from Fuzz/Corpus/TARGET; findings are written to
# Fuzz/artifacts/ (commit minimised ones to Fuzz/Regressions/TARGET/, which
# `swift test --filter FuzzTests` replays). Exit status 1 on a divergence.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
fi
target="$1"
shift
libfuzzer=0
runs=100000
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --libfuzzer) libfuzzer=1 ;;
    -runs) runs="$2"; shift ;;
    -runs=*) runs="${1#-runs=}" ;;
    *) args+=("$1") ;;
  esac
  shift
done

if [ "$libfuzzer" -eq 0 ]; then
  swift build -c release --product kiln-fuzz >&2
  exec .build/release/kiln-fuzz "$target" -runs "$runs" ${args[@]+"${args[@]}"}
fi

# libFuzzer: the Fuzz/LibFuzzer package, every Swift module instrumented.
swift build -c release --package-path Fuzz/LibFuzzer -Xswiftc -sanitize=fuzzer >&2
work="Fuzz/.libfuzzer/$target"
mkdir -p "$work/corpus" Fuzz/artifacts
if [ -d "Fuzz/Corpus/$target" ]; then cp -n Fuzz/Corpus/"$target"/* "$work/corpus/" 2>/dev/null || true; fi
# Kiln's flat guest memory handles SIGSEGV itself: libFuzzer must not.
KILN_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no \
  exec Fuzz/LibFuzzer/.build/release/kiln-libfuzzer -runs="$runs" -handle_segv=0 -handle_bus=0 \
  -max_len=4096 -artifact_prefix="Fuzz/artifacts/$target-" ${args[@]+"${args[@]}"} "$work/corpus"
