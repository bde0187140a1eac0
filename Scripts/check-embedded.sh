#!/usr/bin/env bash
# Compiles the eBPF front end (with the host-neutral IR it translates to) as
# Embedded Swift for a Cortex-M4 (armv7em-none-none-eabi), as the Thumb-2
# port will run it on the microcontroller: no Foundation, no existentials,
# typed throws.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
flags=(-target armv7em-none-none-eabi -enable-experimental-feature Embedded -wmo -parse-as-library)
swiftc "${flags[@]}" -module-name KilnIR -emit-module -emit-module-path "$out/KilnIR.swiftmodule" \
  -c Sources/KilnIR/*.swift Sources/KilnIR/Function/*.swift -o "$out/kilnir.o"
swiftc "${flags[@]}" -module-name EBPF -I "$out" -c Sources/EBPF/*.swift -o "$out/ebpf.o"
echo "embedded: Sources/KilnIR and Sources/EBPF compile for armv7em-none-none-eabi" \
  "($(wc -c < "$out/kilnir.o") + $(wc -c < "$out/ebpf.o") bytes)"
