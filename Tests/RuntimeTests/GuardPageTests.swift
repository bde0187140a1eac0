import Runtime
import KilnTestSupport
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
}
