#!/usr/bin/env bash
# Runs the whole test suite: installs the Debian packages it needs
# (Scripts/setup.sh), finds the bpf_conformance suite (Scripts/conformance.sh),
# then `swift test`.
#
#   Scripts/test.sh              # setup + swift test
#   Scripts/test.sh --coverage   # also prints the translator's line coverage
#
# Extra arguments after the options are passed to `swift test`
# (e.g. Scripts/test.sh --filter LinuxUserTests).
set -euo pipefail
cd "$(dirname "$0")/.."

coverage=0
args=()
for a in "$@"; do
  case "$a" in
    --coverage) coverage=1 ;;
    *) args+=("$a") ;;
  esac
done

Scripts/setup.sh

# The bpf_conformance suite (test data, not in the repository): from
# $KILN_BPF_CONFORMANCE, ../shared/bpf_conformance/tests, or a checkout of the
# pinned upstream commit; otherwise Scripts/conformance.sh says how to get it.
KILN_BPF_CONFORMANCE="$(Scripts/conformance.sh)" || exit 1
export KILN_BPF_CONFORMANCE

if [ "$coverage" -eq 0 ]; then
  swift test ${args[@]+"${args[@]}"}
  exit 0
fi

swift test --enable-code-coverage ${args[@]+"${args[@]}"}

# Line coverage of the translator (RV32 → IR) and the x86-64 lowering.
bin_dir="$(swift build --show-bin-path)"
profdata="$bin_dir/codecov/default.profdata"
test_binary="$(find "$bin_dir" -maxdepth 1 -name '*PackageTests.xctest' | head -n 1)"
if [ -d "$test_binary" ]; then  # macOS bundle
  test_binary="$test_binary/Contents/MacOS/$(basename "$test_binary" .xctest)"
fi
# The llvm-cov of the Swift toolchain reads its profile format; a system LLVM may not.
swift_bin="$(dirname "$(readlink -f "$(command -v swift)")")"
if [ -x "$swift_bin/llvm-cov" ]; then
  llvm_cov="$swift_bin/llvm-cov"
elif command -v xcrun >/dev/null 2>&1; then
  llvm_cov="xcrun llvm-cov"
else
  llvm_cov="$(command -v llvm-cov || true)"
fi
if [ -z "$llvm_cov" ] || [ ! -f "$profdata" ] || [ -z "$test_binary" ]; then
  echo "coverage: llvm-cov, $profdata or the test binary not found" >&2
  exit 1
fi
# coverage LABEL FILE…: the llvm-cov report of the files that exist, then
# one line "LABEL line coverage: N%".
coverage() {
  local label="$1" files=() f report
  shift
  for f in "$@"; do
    [ -f "$f" ] && files+=("$f")
  done
  echo
  echo "$label line coverage, per file:"
  report="$($llvm_cov report "$test_binary" -instr-profile="$profdata" "${files[@]}")"
  echo "$report"
  echo "$report" | awk -v label="$label" '/^TOTAL/ { print label " line coverage: " $10 }'
}

coverage "translator" Sources/RV32/Translator.swift Sources/Ports/X86_64/Lowering*.swift
# The same for the eBPF translator (eBPF → FunctionIR) and its x86-64 lowering.
coverage "eBPF translator" Sources/EBPF/Translator.swift Sources/Ports/X86_64/FunctionLowering*.swift
