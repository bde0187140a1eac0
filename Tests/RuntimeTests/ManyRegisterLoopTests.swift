import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// A loop that needs more host registers than the x86-64 port's four cache
/// registers, in a region that leaves most pinned registers (sp, a2–a5)
/// idle (the case for lending them, tried in 57c9437 and reverted). The
/// loop's stores take the slow path (a first touch of a page in paged
/// memory; in a code page, a write fault in native flat memory and an exit
/// that drops the code on every trip), so host calls and exits happen in
/// the middle of the region. The expected values come from the same
/// computation in Swift.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct ManyRegisterLoopTests {
  static let source = """
    mv t5, a1
    li s2, 300
    li t0, 0
    li t1, 1
    li t2, 2
    li t3, 3
    li t4, 4
    li t6, 0
    1:
    add t0, t0, t1
    add t1, t1, t2
    add t2, t2, t3
    add t3, t3, t4
    addi t4, t4, 1
    sw t0, 0(t5)
    lw s3, 0(t5)
    add t6, t6, s3
    addi t5, t5, 4
    addi s2, s2, -1
    bnez s2, 1b
    add a0, t0, t6
    xor a0, a0, t3
    ret
    """

  /// The loop in Swift (wrapping 32-bit arithmetic, as RV32).
  static var expected: UInt32 {
    var (t0, t1, t2, t3, t4, t6): (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
      0, 1, 2, 3, 4, 0
    )
    for _ in 0..<300 {
      t0 &+= t1
      t1 &+= t2
      t2 &+= t3
      t3 &+= t4
      t4 &+= 1
      t6 &+= t0
    }
    return (t0 &+ t6) ^ t3
  }

  /// Data stores, crossing into a new page at 0x41000 half way.
  @Test(arguments: Harness.setups)
  func loopWithManyRegisters(_ setup: Setup) throws {
    let (r, vm) = try Harness.call(setup, Self.source, [0, 0x40E00])
    #expect(r == Self.expected)
    #expect(try vm.readMemory(at: 0x40E00, count: 4) == [1, 0, 0, 0])  // t0 after one trip
  }

  /// Stores into the loop's own code page: every trip drops the compiled
  /// code and leaves mid-region.
  @Test(arguments: Harness.setups)
  func loopStoringIntoItsCodePage(_ setup: Setup) throws {
    let (r, vm) = try Harness.call(setup, Self.source, [0, Harness.base + 0x800])
    #expect(r == Self.expected)
    if setup.engine == .jit { #expect(vm.statistics.cacheFlushes >= 300) }
  }
}
