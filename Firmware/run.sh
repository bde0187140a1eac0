#!/usr/bin/env bash
# Boots the firmware image in QEMU's mps2-an386 (Cortex-M4) with semihosting,
# with a time limit. Prints the firmware's output; exits with its status
# (0: every check passed, 1: a check failed, 3: a CPU fault) or 124 on timeout.
#
#   Firmware/run.sh [ELF] [--timeout SECONDS]
#
# ELF defaults to .build/firmware/kiln-firmware.elf (Firmware/build.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
elf="$root/.build/firmware/kiln-firmware.elf"
limit=60
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) limit="$2"; shift 2 ;;
    *) elf="$1"; shift ;;
  esac
done
command -v qemu-system-arm >/dev/null || {
  echo "run.sh: qemu-system-arm not found (Scripts/setup.sh: Debian qemu-system-arm)" >&2
  exit 1
}
[ -f "$elf" ] || { echo "run.sh: no image at $elf (run Firmware/build.sh)" >&2; exit 1; }
# -nographic without a serial or monitor: the only output is semihosting's,
# on stdout. -kernel loads the ELF; the CPU takes SP and PC from the vector
# table at 0x0.
exec timeout "$limit" qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
  -chardev stdio,id=out \
  -semihosting-config enable=on,target=native,chardev=out -kernel "$elf"
