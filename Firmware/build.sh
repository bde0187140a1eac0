#!/usr/bin/env bash
# Builds the bare-metal firmware image for QEMU's mps2-an386 (Cortex-M4):
# Embedded Swift (KilnIR, the EBPF front end, the firmware module in
# Firmware/Sources) + the C start-up and runtime (Firmware/Runtime) + the
# native C builds of the programs (Firmware/BPF), linked with ld.lld.
#
#   Firmware/build.sh [--out DIR] [--engine interpreter|thumb2] [-O|-Osize]
#
# Output (outside git): DIR (default .build/firmware)/kiln-firmware.elf, its
# map file, and the generated program data. Steps whose inputs did not change
# are skipped, so a second build takes seconds.
#
# Needs: swiftc, clang, ld.lld (the Swift toolchain), llvm-objcopy,
# llvm-readelf and llvm-size (Debian llvm), libgcc for ARMv7E-M
# (Debian gcc-arm-none-eabi: 64-bit division helpers), and the
# bpf_conformance data ($KILN_CONFORMANCE_DIR, else where Scripts/conformance.sh
# finds it).
set -euo pipefail
firmware="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$firmware")"
out="$root/.build/firmware"
engine=interpreter
opt=-Osize
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --engine) engine="$2"; shift 2 ;;
    -O|-Osize|-Onone) opt="$1"; shift ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
conformance_dir="${KILN_CONFORMANCE_DIR:-$("$root/Scripts/conformance.sh")}"

for tool in swiftc clang ld.lld llvm-objcopy llvm-readelf llvm-size arm-none-eabi-gcc; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found (Scripts/setup.sh)" >&2; exit 1; }
done
[ -d "$conformance_dir" ] || { echo "build.sh: no bpf_conformance data at $conformance_dir" >&2; exit 1; }

swift_defines=()
case "$engine" in
  interpreter) ;;
  thumb2)
    [ -d "$root/Sources/Ports/Thumb2" ] || {
      echo "build.sh: --engine thumb2 needs Sources/Ports/Thumb2 (the Thumb2Port module)" >&2
      exit 1
    }
    swift_defines=(-D KILN_THUMB2_JIT) ;;
  *) echo "build.sh: --engine must be interpreter or thumb2" >&2; exit 2 ;;
esac

mkdir -p "$out"/{host,bpf,gen,swift,obj}
# Rebuild a step when its stamp is missing, or older than an input, this
# script or the step's flags.
stale() {  # stale STAMP FLAGS INPUT...
  local stamp="$1" flags="$2"
  shift 2
  [ -f "$stamp" ] && [ "$(cat "$stamp.flags" 2>/dev/null)" = "$flags" ] || return 0
  [ -n "$(find "$@" "$firmware/build.sh" -newer "$stamp" -print -quit 2>/dev/null)" ]
}
stamp() { echo "$2" > "$1.flags"; touch "$1"; }

# Memory guard: the host compile of Sources/EBPF and the Embedded module
# compiles run under `ulimit -v` (default 6 GB, $KILN_COMPILE_MEMORY_KB;
# they need under 1 GB). An inlining blow-up in the interpreter once took
# the host compile past 16 GB (issue 11, round 4): it now fails here, with
# one clear line, instead of exhausting the machine.
compile_memory_kb="${KILN_COMPILE_MEMORY_KB:-6000000}"
limited() {  # limited WHAT COMMAND...: COMMAND under the memory limit
  local what="$1" log
  shift
  log="$(mktemp)"
  if (ulimit -v "$compile_memory_kb" && "$@") 2>"$log"; then
    cat "$log" >&2
    rm -f "$log"
    return 0
  fi
  cat "$log" >&2
  if grep -q -i -e 'out of memory' -e 'allocation failed' -e 'bad_alloc' "$log"; then
    echo "build.sh: $what needs more than $((compile_memory_kb / 1000)) MB (ulimit -v, KILN_COMPILE_MEMORY_KB): an inlining blow-up? (@inline(always) chains, issue 11)" >&2
  fi
  rm -f "$log"
  return 1
}

ir_sources=$(find "$root/Sources/KilnIR" -name '*.swift' | sort)
ebpf_sources=$(ls "$root"/Sources/EBPF/*.swift)

# ---- 1. Host tools and generated data (in the background) ------------------
host_step() {
  local h="$out/host"
  if stale "$h/conformance" host $ir_sources $ebpf_sources "$firmware/Host/conformance.swift"; then
    swiftc -wmo -parse-as-library -module-name KilnIR -emit-module \
      -emit-module-path "$h/KilnIR.swiftmodule" -c $ir_sources -o "$h/kilnir.o"
    limited "the host compile of Sources/EBPF" \
      swiftc -wmo -parse-as-library -I "$h" -module-name EBPF -emit-module \
      -emit-module-path "$h/EBPF.swiftmodule" -c $ebpf_sources -o "$h/ebpf.o"
    swiftc -I "$h" -module-name conformance "$firmware/Host/conformance.swift" \
      "$h/ebpf.o" "$h/kilnir.o" -o "$h/conformance"
    stamp "$h/conformance" host
  fi
  "$h/conformance" "$conformance_dir" "$out/gen/conformance_data.c"

  # The eBPF programs: C compiled by clang for BPF, .text extracted. They
  # must not need relocations (maps, globals): the firmware loads raw code.
  local p
  for p in fletcher16 dht22; do
    clang -target bpf -O2 -Wall -c "$firmware/BPF/$p.c" -o "$out/bpf/$p.o"
    if llvm-readelf -r "$out/bpf/$p.o" | grep -q "Relocation section"; then
      echo "build.sh: BPF/$p.c needs relocations; the firmware loads raw code" >&2
      return 1
    fi
    llvm-objcopy -O binary --only-section=.text "$out/bpf/$p.o" "$out/bpf/$p.bin"
  done
  clang -O2 -Wall -Wextra -o "$h/reference" "$firmware/Host/reference.c"
  "$h/reference" "$out/gen/program_data.c" "$out/bpf/fletcher16.bin" "$out/bpf/dht22.bin"
}
host_step > "$out/host.log" 2>&1 &
host_pid=$!

# ---- 2. Embedded Swift ------------------------------------------------------
# armv7em-none-none-eabi: Cortex-M4 (with FPU instructions, soft-float calls;
# startup.c enables the FPU). One object per function section so that
# --gc-sections drops what the firmware does not use.
swift_flags=(-target armv7em-none-none-eabi -enable-experimental-feature Embedded -wmo
  -parse-as-library "$opt" -Xfrontend -disable-stack-protector -Xfrontend -function-sections)
s="$out/swift"
module() {  # module NAME OBJECT SOURCES...
  local name="$1" object="$2"
  shift 2
  if stale "$s/$object" "${swift_flags[*]}" "$@"; then
    limited "the Embedded compile of $name" swiftc "${swift_flags[@]}" -I "$s" -module-name "$name" -emit-module \
      -emit-module-path "$s/$name.swiftmodule" -c "$@" -o "$s/$object"
    stamp "$s/$object" "${swift_flags[*]}"
  fi
}
module KilnIR kilnir.o $ir_sources
module EBPF ebpf.o $ebpf_sources
# The Thumb-2 JIT: KilnCore (without ExecutableMemory.swift: mmap), KilnPort
# (without NativeExecutor.swift: mmap, and HostTarget.swift: existential
# metatypes) and Thumb2Port, as Scripts/check-embedded.sh compiles them.
jit_objects=()
if [ "$engine" = thumb2 ]; then
  module KilnCore kilncore.o $(ls "$root"/Sources/KilnCore/*.swift | grep -v '/ExecutableMemory.swift$')
  module KilnPort kilnport.o \
    $(ls "$root"/Sources/KilnPort/*.swift | grep -v -e '/NativeExecutor.swift$' -e '/HostTarget.swift$')
  module Thumb2Port thumb2port.o $(find "$root/Sources/Ports/Thumb2" -name '*.swift' | sort)
  jit_objects=("$s/thumb2port.o" "$s/kilnport.o" "$s/kilncore.o")
fi
firmware_flags="${swift_flags[*]} ${swift_defines[*]-}"
if stale "$s/firmware.o" "$firmware_flags" "$firmware"/Sources/*.swift "$firmware/Runtime/firmware.h" \
  "$s/ebpf.o" ${jit_objects[@]+"${jit_objects[@]}"}; then
  swiftc "${swift_flags[@]}" ${swift_defines[@]+"${swift_defines[@]}"} -I "$s" -module-name Firmware \
    -import-bridging-header "$firmware/Runtime/firmware.h" -c "$firmware"/Sources/*.swift \
    -o "$s/firmware.o"
  stamp "$s/firmware.o" "$firmware_flags"
fi

if ! wait "$host_pid"; then
  cat "$out/host.log" >&2
  echo "build.sh: host step failed" >&2
  exit 1
fi
grep -v '^$' "$out/host.log" | sed 's/^/  /' || true

# ---- 3. C: start-up, runtime, board, native programs, generated data ---------
cflags=(--target=armv7em-none-eabi -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -O2 -ffreestanding
  -fno-builtin -ffunction-sections -fdata-sections -Wall -Wextra -I "$firmware/Runtime")
objects=()
for c in "$firmware"/Runtime/*.c "$firmware"/BPF/*.c "$out"/gen/*.c; do
  o="$out/obj/$(basename "$c" .c).o"
  clang "${cflags[@]}" -c "$c" -o "$o"
  objects+=("$o")
done

# ---- 4. Link ------------------------------------------------------------------
libgcc="$(arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -mfloat-abi=soft -print-libgcc-file-name)"
unicode="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")/lib/swift/embedded/armv7em-none-none-eabi/libswiftUnicodeDataTables.a"
elf="$out/kiln-firmware.elf"
# The benchmark's entry points (Sources/Bench.swift) are GC roots too.
bench_roots=()
for sym in kiln_bench_prepare kiln_bench_load kiln_bench_fletcher16 kiln_bench_dht22 kiln_bench_code_bytes; do
  bench_roots+=(--undefined="$sym")
done
ld.lld -T "$firmware/Runtime/link.ld" --gc-sections "${bench_roots[@]}" -Map "$out/kiln-firmware.map" -o "$elf" \
  "${objects[@]}" "$s/firmware.o" "$s/ebpf.o" ${jit_objects[@]+"${jit_objects[@]}"} "$s/kilnir.o" "$unicode" "$libgcc"
echo "built $elf (engine $engine, $opt)"
llvm-size "$elf"
