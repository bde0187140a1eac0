import Foundation
import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// Natively, flat memory write-protects the host pages of guest pages
/// holding compiled code (`FlatMemory.writeProtectsCode`), and the x86-64
/// port's stores carry no code-page check: a store into code faults, and the
/// SIGSEGV handler sends it to its slow path, which invalidates the code.
/// `SelfModifyingCodeTests` covers the guest's view on every row; these
/// tests look at the host protection itself and at the stores that only the
/// fault path sees.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct CodeWriteProtectionTests {
  /// A word store at 0x0FFF (data page 0) whose last byte patches the
  /// immediate of `li a0, 1` at 0x1000 (the next page, compiled code):
  /// byte 0x1002 of 0x00100513 becomes 0x50, so it reads `li a0, 5`.
  @Test(arguments: Harness.setups)
  func storeStraddlingIntoCompiledCode(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "li a0, 1\nret")
    let caller = """
      mv s2, ra
      li t1, 0x1000
      jalr ra, 0(t1)
      mv s3, a0
      sw a1, -1(t1)
      fence.i
      jalr ra, 0(t1)
      slli s3, s3, 4
      add a0, a0, s3
      mv ra, s2
      ret
      """
    try vm.loadProgram(try Toolchain.assemble(caller, at: 0x3000), at: 0x3000)
    // Bytes 0x0FFF...0x1002 = 00 13 05 50: 0x1000 and 0x1001 unchanged.
    let r = try vm.callFunction(at: 0x3000, arguments: [0, 0x5005_1300])
    #expect(r == 0x15)
    #expect(try vm.readMemory(at: 0x1000, count: 4) == [0x13, 0x05, 0x50, 0x00])
  }

  /// The host protection follows the code: read-only while code compiled
  /// from the page exists, read-write for a data page and after the code is
  /// dropped (a write through the memory API, which lifts the protection
  /// for its own write).
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: "/proc/self/maps"), "needs Linux /proc/self/maps"),
    arguments: Harness.jitSetups.filter { !$0.isEmulated && $0.memory == .flat })
  func hostPagesOfCodeAreReadOnly(_ setup: Setup) throws {
    let vm = try Harness.vm(setup, "lui t0, 0x40\nsw t0, 0(t0)\nli a0, 1\nret")
    let flat = try #require(vm.memory as? FlatMemory)
    #expect(flat.writeProtectsCode)
    #expect(try vm.callFunction(at: Harness.base) == 1)
    let code = UInt(bitPattern: flat.host(Harness.base))
    let data = UInt(bitPattern: flat.host(0x40000))
    #expect(try WriteXorExecuteTests.permissions(of: [code, data]) == ["r--p", "rw-p"])
    try vm.loadProgram(try Toolchain.assemble("li a0, 2\nret"), at: Harness.base)
    #expect(try WriteXorExecuteTests.permissions(of: [code]) == ["rw-p"])
    #expect(try vm.callFunction(at: Harness.base) == 2)
    #expect(try WriteXorExecuteTests.permissions(of: [code]) == ["r--p"])
  }

  /// A guest store into its own running code, many times over: each one
  /// faults, is written by the runtime and drops the code, which is compiled
  /// again (the loop's code and its data share one page).
  @Test(arguments: Harness.setups)
  func repeatedStoresIntoCodePage(_ setup: Setup) throws {
    let source = """
      auipc t0, 0
      li t1, 20
      li a0, 0
      1:
      sw t1, 64(t0)
      lw t2, 64(t0)
      add a0, a0, t2
      addi t1, t1, -1
      bnez t1, 1b
      ret
      """
    let (r, vm) = try Harness.call(setup, source)
    #expect(r == 210)  // 20 + 19 + ... + 1
    if setup.engine == .jit { #expect(vm.statistics.cacheFlushes >= 20) }
  }
}
