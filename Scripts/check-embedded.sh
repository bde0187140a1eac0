#!/usr/bin/env bash
# Compiles the eBPF front end as Embedded Swift for a Cortex-M4
# (armv7em-none-none-eabi), as the Thumb-2 port will run it on the
# microcontroller: no Foundation, no existentials, typed throws.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
swiftc -target armv7em-none-none-eabi -enable-experimental-feature Embedded -wmo \
  -parse-as-library -c Sources/EBPF/*.swift -o "$out/ebpf.o"
echo "embedded: Sources/EBPF compiles for armv7em-none-none-eabi ($(wc -c < "$out/ebpf.o") bytes)"
