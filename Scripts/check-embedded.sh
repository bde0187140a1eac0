#!/usr/bin/env bash
# Compiles, as Embedded Swift for a Cortex-M4 (armv7em-none-none-eabi, a
# 32-bit target, as the Thumb-2 port will run them on the microcontroller:
# no Foundation, no existential metatypes, typed throws):
#   KilnCore  without ExecutableMemory.swift (mmap: the hosted code memory)
#   KilnIR    the host-neutral IR
#   KilnPort  the port interface, without NativeExecutor.swift (mmap) and
#             HostTarget.swift (host selection by existential metatype, a
#             hosted-tool concern)
#   EBPF      the eBPF front end
#   Thumb2Port the Thumb-2 port (encoder, assembler, lowering)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
flags=(-target armv7em-none-none-eabi -enable-experimental-feature Embedded -wmo -parse-as-library)

# module NAME OBJECT FILE…: compiles FILE… as module NAME against the modules built so far.
module() {
  local name="$1" object="$2"
  shift 2
  swiftc "${flags[@]}" -I "$out" -module-name "$name" -emit-module \
    -emit-module-path "$out/$name.swiftmodule" -c "$@" -o "$out/$object"
}

module KilnCore kilncore.o $(ls Sources/KilnCore/*.swift | grep -v '/ExecutableMemory.swift$')
module KilnIR kilnir.o $(find Sources/KilnIR -name '*.swift' | sort)
module KilnPort kilnport.o \
  $(ls Sources/KilnPort/*.swift | grep -v -e '/NativeExecutor.swift$' -e '/HostTarget.swift$')
module EBPF ebpf.o Sources/EBPF/*.swift
module Thumb2Port thumb2port.o $(find Sources/Ports/Thumb2 -name '*.swift' | sort)
sizes=""
for o in kilncore kilnir kilnport ebpf thumb2port; do sizes+="$o $(wc -c < "$out/$o.o") B, "; done
echo "embedded: KilnCore, KilnIR, KilnPort, EBPF and Thumb2Port compile for armv7em-none-none-eabi (${sizes%, })"
