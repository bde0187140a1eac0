import KilnPort

/// The static facts of the Thumb-2 port (see ``PortFacts``).
enum Thumb2Facts {
  static let facts = PortFacts(
    name: "Thumb-2", architecture: "thumb2", pointerBits: 32,
    // B T4 / BL reach ±16 MiB.
    branchReach: 16 << 20,
    // The Cortex-M4 has no caches, but code written through the data bus
    // must be complete before it is fetched: the runtime that installs code
    // runs DSB then ISB after every write or patch. `flushAfterWrite` is the
    // policy that makes it do something after each write (on the device,
    // that something is DSB + ISB; in Unicorn, dropping its translations).
    instructionCache: .flushAfterWrite,
    // CS_ARCH_ARM, CS_MODE_THUMB | CS_MODE_MCLASS
    capstone: CapstoneTarget(architecture: 0, mode: 16 | 32),
    // UC_ARCH_ARM, UC_MODE_THUMB, UC_CPU_ARM_CORTEX_M4; AAPCS: r0–r3 carry
    // arguments (64-bit ones in r0:r1, r2:r3), the result is r0 (r0:r1 for
    // 64 bits); `bl` leaves the return address in lr.
    unicorn: UnicornTarget(
      architecture: 1, mode: 16, cpuModel: 9, pc: 11, stackPointer: 12,
      arguments: [66, 67, 68, 69], result: 66, resultHigh: 67, returnAddress: .register(10),
      convention: .aapcs32),
    // No native fault path: Thumb-2 code runs in Unicorn or on the device.
    signalContextPC: nil,
    registerMap: registerMap)

  /// One row per host register r0–r15.
  static var registerMap: [RegisterRow] {
    (0...15).map { n in
      let name =
        switch n {
        case 13: "sp"
        case 14: "lr"
        case 15: "pc"
        default: "r\(n)"
        }
      return RegisterRow(host: name, blocks: "(no RV32 blocks)", functions: FunctionABI.role(n))
    }
  }
}
