import KilnTestSupport
import Runtime
import Testing

/// `VirtualMachine.guardPages` are never mapped: a guest load or store
/// there ends the run with `guardPage` on every engine and memory mode
/// (the stack guard gap of `kiln run`, issue 12 section 3), while the pages
/// around them work as before.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct GuardPageTests {
  static let guardRange: Range<UInt32> = 0x40..<0x42  // guest 0x40000…0x41FFF

  @Test(arguments: Harness.setups)
  func accessesToGuardPagesFault(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "lw a2, 0(a0)\nsw a1, 0(a0)\nmv a0, a1\nret")
    vm.guardPages = Self.guardRange
    // Just above and below the guard: ordinary memory.
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x42000, 7]) == 7)
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x3FFFC, 8]) == 8)
    for address: UInt32 in [0x40000, 0x41FFC, 0x40800] {
      #expect(throws: RuntimeError.guardPage(pc: Harness.base, address: address)) {
        _ = try vm.callFunction(at: Harness.base, arguments: [address, 9])
      }
    }
    // The memory API refuses them too, and nothing was mapped.
    #expect(throws: MemoryError.self) { try vm.writeMemory(at: 0x40000, [1]) }
    #expect(vm.mappedPages == 3)  // code page, 0x42000, 0x3F000
  }

  /// A refused access reports its first unreachable byte, as qemu-riscv32's
  /// SIGSEGV `si_addr` does: the access's own address inside a guard page,
  /// the guard page's first byte for an access straddling into it, on every
  /// engine and memory mode (the interpreter reported `outOfMemory` at the
  /// access's address, the JIT `guardPage` at its last byte).
  @Test(arguments: Harness.setups)
  func faultsReportTheFirstUnreachableByte(_ setup: Setup) throws {
    for source in ["lw a0, 0(a0)\nret", "sw a1, 0(a0)\nret", "lh a0, 0(a0)\nret"] {
      let vm = try Harness.vm(setup, source)
      vm.guardPages = Self.guardRange
      try vm.writeMemory(at: 0x3F000, [UInt8](repeating: 0x5A, count: 4096))
      let cases: [(UInt32, UInt32)] = [
        (0x3FFFF, 0x40000),  // straddles into the guard: its first byte
        (0x41FFF, 0x41FFF),  // starts in the guard, ends in 0x42000
        (0x40003, 0x40003),  // inside the guard
      ]
      for (access, fault) in cases {
        #expect(
          throws: RuntimeError.guardPage(pc: Harness.base, address: fault), "\(source) \(access)"
        ) {
          _ = try vm.callFunction(at: Harness.base, arguments: [access, 7])
        }
      }
    }
  }

  /// A straddling access over the page quota is `outOfMemory` at the first
  /// byte of the page it could not map, on every engine and memory mode.
  @Test(arguments: Harness.setups)
  func straddlingAccessOverTheQuotaReportsThePageStart(_ setup: Setup) throws {
    for source in ["lw a0, 0(a0)\nret", "sw a1, 0(a0)\nret"] {
      var config = Config()
      config.maxMemoryPages = 2  // the code page and 0x20000
      let vm = try Harness.vm(setup, source, config: config)
      try vm.writeMemory(at: 0x20000, [0])
      #expect(throws: RuntimeError.outOfMemory(pc: Harness.base, address: 0x21000), "\(source)") {
        _ = try vm.callFunction(at: Harness.base, arguments: [0x20FFE, 7])
      }
      #expect(throws: RuntimeError.outOfMemory(pc: Harness.base, address: 0x30004), "\(source)") {
        _ = try vm.callFunction(at: Harness.base, arguments: [0x30004, 7])
      }
    }
  }

  /// An access wrapping from 0xFFFF_FFFF to 0 into a guard page at page 0
  /// reports address 0 (its first unreachable byte), and one that reads the
  /// top page and page 0 wraps as in the interpreter.
  @Test(arguments: Harness.setups)
  func wrappingAccessIntoAGuardPage(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "lw a0, 0(a0)\nret")
    let reference = try Harness.vm(Setup(engine: .interpreter, memory: .paged), "lw a0, 0(a0)\nret")
    for machine in [vm, reference] {
      try machine.writeMemory(at: 0xFFFF_F000, [UInt8](repeating: 0xA5, count: 4096))
      try machine.writeMemory(at: 0, [1, 2, 3, 4])
    }
    for address: UInt32 in [0xFFFF_FFFC, 0xFFFF_FFFD, 0xFFFF_FFFF] {
      let expected = try reference.callFunction(at: Harness.base, arguments: [address])
      #expect(try vm.callFunction(at: Harness.base, arguments: [address]) == expected)
    }
    let guarded = try Harness.vm(setup, "lw a0, 0(a0)\nret")
    guarded.guardPages = 0..<1  // never mapped: the first unreachable byte is 0
    try guarded.writeMemory(at: 0xFFFF_F000, [UInt8](repeating: 0xA5, count: 4096))
    for address: UInt32 in [0xFFFF_FFFE, 0xFFFF_FFFD] {
      #expect(throws: RuntimeError.guardPage(pc: Harness.base, address: 0)) {
        _ = try guarded.callFunction(at: Harness.base, arguments: [address])
      }
    }
  }
}
