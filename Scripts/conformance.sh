#!/usr/bin/env bash
# Prints the directory of the bpf_conformance suite's `.data` files (one line),
# the test input that the eBPF, CLI and firmware tests read. In order:
#   1. $KILN_BPF_CONFORMANCE, when set (it must hold .data files);
#   2. ../shared/bpf_conformance/tests beside the repository;
#   3. .build/bpf_conformance/tests, a checkout made by an earlier run;
#   4. a new checkout of the pinned upstream commit into .build/bpf_conformance
#      (git, when the network allows; KILN_NO_FETCH=1 skips it).
# Otherwise it prints one line saying how to get the suite and exits 1.
#
#   Scripts/conformance.sh            # the directory, or one line on stderr
#   export KILN_BPF_CONFORMANCE="$(Scripts/conformance.sh)"
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
url="${KILN_BPF_CONFORMANCE_URL:-https://github.com/Alan-Jowett/bpf_conformance}"
commit="${KILN_BPF_CONFORMANCE_COMMIT:-f558566}"  # the suite's 313 files (../shared/bpf_conformance/README.md)
checkout="$root/.build/bpf_conformance"

has_data() { compgen -G "$1/*.data" >/dev/null 2>&1; }

if [ -n "${KILN_BPF_CONFORMANCE:-}" ]; then
  if has_data "$KILN_BPF_CONFORMANCE"; then
    (cd "$KILN_BPF_CONFORMANCE" && pwd)
    exit 0
  fi
  echo "conformance.sh: KILN_BPF_CONFORMANCE=$KILN_BPF_CONFORMANCE holds no .data files" >&2
  exit 1
fi
for dir in "$root/../shared/bpf_conformance/tests" "$checkout/tests"; do
  if has_data "$dir"; then
    (cd "$dir" && pwd)
    exit 0
  fi
done
if [ "${KILN_NO_FETCH:-0}" != 1 ] && command -v git >/dev/null 2>&1; then
  rm -rf "$checkout.tmp"
  if timeout 120 git clone --quiet --no-checkout "$url" "$checkout.tmp" >/dev/null 2>&1 \
    && git -C "$checkout.tmp" -c advice.detachedHead=false checkout --quiet "$commit" >/dev/null 2>&1 \
    && has_data "$checkout.tmp/tests"; then
    rm -rf "$checkout"
    mv "$checkout.tmp" "$checkout"
    echo "$checkout/tests"
    exit 0
  fi
  rm -rf "$checkout.tmp"
fi
echo "bpf_conformance suite not found: set KILN_BPF_CONFORMANCE to the tests/ folder of $url at commit $commit, or put it at ../shared/bpf_conformance/tests" >&2
exit 1
