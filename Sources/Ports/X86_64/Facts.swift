import KilnPort

/// The static facts of the x86-64 port (see ``PortFacts``). The numbers
/// from Capstone, Unicorn and glibc headers are checked against those
/// headers by the tests (`PortFactsTests`).
enum X86_64Facts {
  static let facts: PortFacts = {
    var facts = baseFacts
    facts.faultingPageWalk = true  // `LoweringMemory.swift`
    return facts
  }()

  private static let baseFacts = PortFacts(
    name: "x86-64", architecture: "x86_64", pointerBits: 64,
    // Blocks link with rel32 jumps and calls: ±2 GiB from the end of the
    // instruction, so a buffer of up to 1 GiB keeps every pair in reach.
    branchReach: 1 << 30,
    instructionCache: .coherent,
    // CS_ARCH_X86, CS_MODE_64
    capstone: CapstoneTarget(architecture: 3, mode: 8),
    // UC_ARCH_X86, UC_MODE_64; System V: rdi rsi rdx rcx r8 r9 → rax; `call` pushes.
    unicorn: UnicornTarget(
      architecture: 4, mode: 8, cpuModel: nil, pc: 41, stackPointer: 44,
      arguments: [39, 43, 40, 38, 106, 107], result: 35, returnAddress: .stack(slotBytes: 8)),
    // offsetof(ucontext_t, uc_mcontext.gregs[REG_RIP]) on Linux x86-64.
    signalContextPC: 168,
    registerMap: registerMap)

  /// One row per host register, from the two ABIs' own tables.
  static var registerMap: [RegisterRow] {
    GPR.allCases.map { r in
      RegisterRow(host: r.description, blocks: blockRole(r), functions: functionRole(r))
    }
  }

  static func blockRole(_ r: GPR) -> String {
    if let i = X86ABI.pinnedHosts.firstIndex(of: r) {
      return "pinned: register hint \(i)"
    }
    if let i = X86ABI.cacheRegisters.firstIndex(of: r) { return "block register cache \(i)" }
    switch r {
    case X86ABI.state: return "state pointer"
    case .rsp: return "host stack"
    case X86ABI.scratch0: return "scratch, exit reason"
    default: return "scratch"
    }
  }

  static func functionRole(_ r: GPR) -> String {
    if let i = FunctionABI.hostRegisters.firstIndex(of: r) {
      return i == 10 ? "r10 (frame pointer)" : "r\(i)"
    }
    switch r {
    case FunctionABI.state: return "state pointer"
    case .rsp: return "host stack"
    default: return "scratch"
    }
  }
}
