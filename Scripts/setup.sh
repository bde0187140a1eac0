#!/usr/bin/env bash
# Installs the Debian packages Kiln's build and tests need:
#   qemu-user        qemu-riscv32, the oracle the RV32 C programs are compared with
#   libcapstone-dev  Capstone, for host-code dumps (kiln run -v); needed to build kiln
#   libunicorn-dev   Unicorn 2 CPU emulator: headers to build the Emulation module, the library
#                    it loads on first use (runs generated code of other ISAs)
#   pkg-config       how SwiftPM finds Capstone
#   llvm             llvm-objdump and llvm-objcopy, for the tests that cross-check encodings with LLVM
#   gcc-aarch64-linux-gnu  the AArch64 cross compiler (static glibc): the AArch64 port's facts
#                    and fault-handler probes, run under qemu-aarch64 (qemu-user)
#   qemu-system-arm  boots the firmware image on the emulated mps2-an386 Cortex-M4 (FirmwareTests)
#   gcc-arm-none-eabi  libgcc for ARMv7E-M (64-bit division helpers) linked into the firmware
# Idempotent: does nothing when everything is already installed. Needs root
# or sudo when something is missing.
set -euo pipefail

packages=(qemu-user libcapstone-dev libunicorn-dev pkg-config llvm gcc-aarch64-linux-gnu
  qemu-system-arm gcc-arm-none-eabi)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present (${packages[*]})"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing ${missing[*]} and apt-get is not available; install them by hand" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
