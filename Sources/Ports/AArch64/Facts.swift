import KilnPort

/// The static facts of the AArch64 port (see ``PortFacts``). The numbers
/// from Capstone, Unicorn and glibc headers are checked against those
/// headers by the tests (`AArch64Tests/PortFactsTests`).
enum AArch64Facts {
  static let facts = PortFacts(
    name: "AArch64", architecture: "aarch64", pointerBits: 64,
    // Blocks link with `b`/`bl`: ±128 MiB from the branch, so a buffer of
    // up to 128 MiB keeps every pair in reach.
    branchReach: 128 << 20,
    instructionCache: .flushAfterWrite,
    // CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN
    capstone: CapstoneTarget(architecture: 1, mode: 0),
    // UC_ARCH_ARM64, UC_MODE_ARM (little endian), UC_CPU_ARM64_MAX (has LSE);
    // AAPCS64: x0–x5 → x0; `bl` leaves the return address in x30.
    unicorn: UnicornTarget(
      architecture: 2, mode: 0, cpuModel: 3, pc: 260, stackPointer: 4,
      arguments: [199, 200, 201, 202, 203, 204], result: 199, returnAddress: .register(2)),
    // offsetof(ucontext_t, uc_mcontext.pc) on Linux AArch64 (glibc).
    signalContextPC: 440,
    registerMap: registerMap)

  /// One row per host register x0–x30, from the two ABIs' own tables.
  static var registerMap: [RegisterRow] {
    (0...30).map { n in
      RegisterRow(host: "x\(n)", blocks: BlockABI.role(n), functions: FunctionABI.role(n))
    }
  }
}
