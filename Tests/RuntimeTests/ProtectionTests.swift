import KilnTestSupport
import Runtime
import Testing

/// `VirtualMachine.protect`: a guest store to a read-only page, or running
/// code from a page that is not executable, ends the run with
/// `protectionFault` on every engine and memory mode (the segment flags of
/// `kiln run`, issue 12 section 3); loads still work, and so does the
/// memory API.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct ProtectionTests {
  @Test(arguments: Harness.setups)
  func readOnlyPagesRefuseGuestStores(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "lw a2, 0(a0)\nsw a1, 0(a0)\nmv a0, a2\nret")
    try vm.writeMemory(at: 0x20000, [5, 0, 0, 0])
    try vm.protect(pages: 0x20..<0x21, writable: false, executable: true)
    // Before and after the page: ordinary memory.
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x21000, 7]) == 0)
    #expect(try vm.callFunction(at: Harness.base, arguments: [0x1FFFC, 8]) == 0)
    for address: UInt32 in [0x20000, 0x20FFC, 0x1FFFE] {  // the last one straddles into it
      #expect(
        throws: RuntimeError.protectionFault(
          pc: Harness.base + 4, address: max(address, 0x20000), write: true)
      ) {
        _ = try vm.callFunction(at: Harness.base, arguments: [address, 9])
      }
    }
    #expect(try vm.readMemory(at: 0x20000, count: 4) == [5, 0, 0, 0])  // nothing written
    try vm.writeMemory(at: 0x20000, [6])  // the API still may
    #expect(try vm.readMemory(at: 0x20000, count: 1) == [6])
  }

  /// The same under an instruction budget, whose counting loops (the
  /// interpreter's, and the one that finishes a JIT block) report faults too.
  @Test(arguments: Harness.setups)
  func nonExecutablePagesDoNotRunUnderABudget(_ setup: Setup) throws {
    var config = Config()
    config.instructionBudget = 1000
    let vm = try Harness.vm(setup, "addi a0, a0, 1\nret", config: config)
    try vm.protect(pages: 0x1..<0x2, writable: true, executable: false)
    #expect(
      throws: RuntimeError.protectionFault(pc: Harness.base, address: Harness.base, write: false)
    ) {
      _ = try vm.callFunction(at: Harness.base, arguments: [1])
    }
  }

  @Test(arguments: Harness.setups)
  func nonExecutablePagesDoNotRun(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "addi a0, a0, 1\nret")
    #expect(try vm.callFunction(at: Harness.base, arguments: [1]) == 2)  // compiled (or cached)
    try vm.protect(pages: 0x1..<0x2, writable: true, executable: false)
    #expect(
      throws: RuntimeError.protectionFault(pc: Harness.base, address: Harness.base, write: false)
    ) {
      _ = try vm.callFunction(at: Harness.base, arguments: [1])
    }
    try vm.protect(pages: 0x1..<0x2, writable: true, executable: true)
    #expect(try vm.callFunction(at: Harness.base, arguments: [2]) == 3)
    // clearMemory forgets all permissions.
    try vm.protect(pages: 0x1..<0x2, writable: false, executable: false)
    vm.clearMemory()
    try vm.loadProgram(
      try Toolchain.assemble("addi a0, a0, 1\nret", at: Harness.base), at: Harness.base)
    #expect(try vm.callFunction(at: Harness.base, arguments: [3]) == 4)
  }

  /// With `unprotectedPagesExecutable` off (a Linux process), only pages
  /// given `executable: true` run; `unprotect` takes that back and makes a
  /// read-only page writable again; `isWritable` sees read-only pages.
  @Test(arguments: Harness.setups)
  func onlyExecutablePagesRunWhenTheDefaultIsOff(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "addi a0, a0, 1\nret")
    #expect(try vm.callFunction(at: Harness.base, arguments: [1]) == 2)
    vm.unprotectedPagesExecutable = false
    let fault = RuntimeError.protectionFault(pc: Harness.base, address: Harness.base, write: false)
    #expect(throws: fault) { _ = try vm.callFunction(at: Harness.base, arguments: [1]) }
    try vm.protect(pages: 0x1..<0x2, writable: false, executable: true)
    #expect(try vm.callFunction(at: Harness.base, arguments: [2]) == 3)
    #expect(!vm.isWritable(address: Harness.base &- 2, count: 4))  // straddles into it
    #expect(vm.isWritable(address: Harness.base &- 4, count: 4))
    vm.unprotect(pages: 0x1..<0x2)
    #expect(vm.isWritable(address: Harness.base, count: 4))
    #expect(throws: fault) { _ = try vm.callFunction(at: Harness.base, arguments: [1]) }
    // A page never mapped is still outside memory, not a protection fault.
    #expect(throws: RuntimeError.executionOutsideMemory(pc: 0x7000_0000)) {
      _ = try vm.callFunction(at: 0x7000_0000, arguments: [])
    }
    vm.unprotectedPagesExecutable = true
    #expect(try vm.callFunction(at: Harness.base, arguments: [4]) == 5)
  }
}
