#!/usr/bin/env bash
# The firmware benchmark (a benchmark, not a timed test; nothing here runs in
# CI): the image's flash and RAM footprint, and the executed Cortex-M4
# instructions of Fletcher-16 and the DHT22 decoder as native C and on Kiln's
# eBPF interpreter and on Kiln's Thumb-2 JIT, counted exactly in Unicorn
# (firmware-bench), with ratios. Two images: the interpreter's (DIR) and the
# JIT's (`--engine thumb2`, DIR-thumb2).
#
#   Firmware/bench.sh [--no-build] [-O|-Osize] [--out DIR]
set -euo pipefail
firmware="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$firmware")"
out="$root/.build/firmware"
build=1
opt=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --out) out="$2"; shift 2 ;;
    -O|-Osize) opt=("$1"); shift ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
elf="$out/kiln-firmware.elf"
jit_elf="$out-thumb2/kiln-firmware.elf"

if [ "$build" -eq 1 ]; then
  "$firmware/build.sh" --out "$out" ${opt[@]+"${opt[@]}"} >/dev/null
  "$firmware/build.sh" --out "$out-thumb2" --engine thumb2 ${opt[@]+"${opt[@]}"} >/dev/null
  (cd "$root" && swift build --product firmware-bench >/dev/null)
fi
bench="$(cd "$root" && swift build --show-bin-path)/firmware-bench"

echo "Kiln firmware benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD)"
echo "images: $elf (interpreter), $jit_elf (thumb2 JIT)"
echo

# ---- Footprint ---------------------------------------------------------------
# Flash: every allocated section in the code region plus the .data image;
# RAM: .data + .bss (static) and the heap/stack peaks of a boot in QEMU.
footprint() {  # footprint ELF
local elf="$1" flash data bss peaks
read -r flash data bss < <(llvm-size -A "$elf" | awk '
  $1 ~ /^\./ && $3 != "" && $3 < 536870912 && $1 != ".comment" && $1 !~ /^\.debug/ && $1 != ".ARM.attributes" { f += $2 }
  $1 == ".data" { d = $2 } $1 == ".bss" { b = $2 }
  END { print f + d, d, b }')
peaks="$("$firmware/run.sh" "$elf" | grep '^memory:' || true)"
echo "Footprint of $elf (llvm-size -A):"
echo "  flash: $flash B (code, read-only data and the .data image)"
echo "  RAM:   $((data + bss)) B static (.data $data B, .bss $bss B); ${peaks#memory: } during the boot's checks"
echo "  flash by component (link map, input sections in flash):"
awk '
  function hex(s,   i, c, v) { v = 0; s = tolower(s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
    return v }
  NR > 1 && substr($0, 34, 1) != " " { section = $5; next }   # an output section (column "Out")
  NR > 1 && $5 ~ /:\(/ {
    if (section !~ /^\.(text|ARM\.exidx|ARM\.extab|init_array|swift_modhash|data|got)$/) next
    obj = $5; sub(/:\(.*/, "", obj)
    if (obj == "<internal>") c = "merged string constants (names, messages), GOT"
    else if (obj ~ /libgcc\.a/) c = "libgcc (64-bit division, soft double)"
    else if (obj ~ /UnicodeDataTables/) c = "Swift Unicode data tables"
    else { n = split(obj, p, "/"); b = p[n]
      if (b == "ebpf.o") c = "EBPF front end (Embedded Swift)"
      else if (b == "kilnir.o") c = "KilnIR (Embedded Swift)"
      else if (b == "kilncore.o") c = "KilnCore (Embedded Swift)"
      else if (b == "kilnport.o") c = "KilnPort (Embedded Swift)"
      else if (b == "thumb2port.o") c = "Thumb2Port (Embedded Swift)"
      else if (b == "firmware.o") c = "firmware module (Embedded Swift, incl. stdlib specializations)"
      else if (b == "conformance_data.o") c = "bpf_conformance programs and memory (data)"
      else if (b == "program_data.o") c = "Fletcher-16/DHT22 bytecode and inputs (data)"
      else if (b == "fletcher16.o" || b == "dht22.o") c = "native C programs"
      else c = "C start-up, runtime, board" }
    size[c] += hex($3) }
  END { for (c in size) printf "    %7d B  %s\n", size[c], c }' "${elf%.elf}.map" | sort -rn
echo
}
footprint "$elf"
if [ -f "$jit_elf" ]; then footprint "$jit_elf"; else jit_elf=""; fi

# ---- Executed instructions ------------------------------------------------------
"$bench" "$elf" ${jit_elf:+"$jit_elf"}
