import KilnTestSupport
import Testing

@testable import Runtime

/// Address arithmetic that the x86-64 port lowers as one `lea`
/// (`LoweringFusion.swift`: `slli t, i, k ; add t, b, t`; three-register
/// adds) and flat accesses addressed as `[r15 + base + offset]`
/// (`flatOperand`): the values every engine computes must be the ones the
/// RISC-V semantics give, worked out here in Swift.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct AddressFusionTests {
  /// Every scale, both operand orders, the index being the destination,
  /// the base in a register that no host register holds (s-registers past
  /// the cache: a region with many registers), and the shifted value used
  /// as an address right away.
  @Test(arguments: Harness.setups)
  func shiftThenAddIsScaledIndex(_ setup: Setup) throws {
    let source = """
      slli t0, a0, 1
      add t0, a1, t0
      slli t1, a0, 2
      add t1, t1, a1
      slli t2, a0, 3
      add t2, a1, t2
      slli a0, a0, 2
      add a0, a2, a0
      lw a3, 0(a0)
      lw a4, 4(a0)
      mv s2, a1
      mv s3, a2
      mv s4, a3
      mv s5, a4
      mv s6, t0
      mv s7, t1
      mv s8, t2
      slli s9, a5, 3
      add s9, s3, s9
      lw s10, 0(s9)
      add a0, t0, t1
      add a0, a0, t2
      add a0, a0, a3
      add a0, a0, a4
      add a0, a0, s10
      add a0, a0, s9
      add t3, s4, s5
      add a0, a0, t3
      ret
      """
    let i: UInt32 = 3
    let b: UInt32 = 0x1000_0001
    let table: UInt32 = 0x20000
    let j: UInt32 = 1
    let vm = try Harness.vm(setup, source)
    let words: [UInt32] = (0..<8).map { 0x0101_0101 &* ($0 + 1) }
    try vm.writeMemory(
      at: table, words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
    let result = try vm.callFunction(at: Harness.base, arguments: [i, b, table, 0, 0, j])
    let t0 = b &+ i << 1
    let t1 = i << 2 &+ b
    let t2 = b &+ i << 3
    let a3 = words[Int(i)]
    let a4 = words[Int(i) + 1]
    let s9 = table &+ j << 3
    let s10 = words[2 * Int(j)]
    let expected = t0 &+ t1 &+ t2 &+ a3 &+ a4 &+ s10 &+ s9 &+ (a3 &+ a4)
    #expect(result == expected)
    #expect(vm.readRegister(5) == t0)
    #expect(vm.readRegister(6) == t1)
    #expect(vm.readRegister(7) == t2)
    #expect(vm.readRegister(25) == s9)
    #expect(vm.readRegister(28) == a3 &+ a4)
  }

  /// A shift and its add with other operations between them (the fusion
  /// moves the shift down to the add): the base written between (the add
  /// reads the new base), the index written between (no fusion), a load
  /// between (no fusion), and the shift's destination read between (no
  /// fusion).
  @Test(arguments: Harness.setups)
  func shiftAndAddApart(_ setup: Setup) throws {
    let source = """
      slli t0, a0, 2
      addi a1, a1, 16
      xor t3, a2, a3
      add t0, a1, t0
      slli t1, a0, 3
      addi a0, a0, 1
      add t1, t1, a1
      slli t2, a2, 1
      lw a4, 0(a5)
      add t2, a3, t2
      slli t4, a3, 2
      mv t5, t4
      add t4, a1, t4
      add a0, a0, t0
      add a0, a0, t1
      add a0, a0, t2
      add a0, a0, t3
      add a0, a0, t4
      add a0, a0, t5
      add a0, a0, a4
      ret
      """
    let (a0, a1, a2, a3, a5): (UInt32, UInt32, UInt32, UInt32, UInt32) =
      (5, 0x100, 0x7000_0003, 0x0F0F_0F0F, 0x20000)
    let vm = try Harness.vm(setup, source)
    try vm.writeMemory(at: a5, [0x78, 0x56, 0x34, 0x12])
    let result = try vm.callFunction(at: Harness.base, arguments: [a0, a1, a2, a3, 0, a5])
    let b = a1 &+ 16
    let t0 = b &+ a0 << 2
    let t1 = a0 << 3 &+ b
    let t2 = a3 &+ a2 << 1
    let t3 = a2 ^ a3
    let t5 = a3 << 2
    let t4 = b &+ t5
    let expected = (a0 &+ 1) &+ t0 &+ t1 &+ t2 &+ t3 &+ t4 &+ t5 &+ 0x1234_5678
    #expect(result == expected)
    #expect(vm.readRegister(5) == t0)
    #expect(vm.readRegister(6) == t1)
    #expect(vm.readRegister(7) == t2)
    #expect(vm.readRegister(29) == t4)
    #expect(vm.readRegister(30) == t5)
  }

  /// Sums that pass 0xFFFF_FFFF wrap in the fused `lea` as in `slli`+`add`.
  @Test(arguments: Harness.setups)
  func scaledIndexWraps(_ setup: Setup) throws {
    let source = """
      slli a0, a0, 3
      add a0, a1, a0
      ret
      """
    let (r, _) = try Harness.call(setup, source, [0x2000_0001, 0xFFFF_FFF0])
    #expect(r == 0xFFFF_FFF0 &+ 0x2000_0001 << 3)
  }

  /// Stores whose positive offset carries the address past 0xFFFF_FFFF land
  /// at the wrapped address, and loads read them back the same way.
  @Test(arguments: Harness.setups)
  func positiveOffsetsWrapForStoresAndLoads(_ setup: Setup) throws {
    let source = """
      sb a1, 3(a0)
      sh a1, 4(a0)
      sw a1, 8(a0)
      lbu a2, 3(a0)
      lhu a3, 4(a0)
      lw a4, 8(a0)
      lw a5, 1(a0)
      ret
      """
    let vm = try Harness.vm(setup, source)
    _ = try vm.callFunction(at: Harness.base, arguments: [0xFFFF_FFFE, 0x1122_3344])
    #expect(try vm.readMemory(at: 1, count: 1) == [0x44])
    #expect(try vm.readMemory(at: 2, count: 2) == [0x44, 0x33])
    #expect(try vm.readMemory(at: 6, count: 4) == [0x44, 0x33, 0x22, 0x11])
    #expect(vm.readRegister(12) == 0x44)
    #expect(vm.readRegister(13) == 0x3344)
    #expect(vm.readRegister(14) == 0x1122_3344)
    // lw at 0xFFFF_FFFF: the top byte (0) then bytes 0, 1, 2 (0, 0x44, 0x44).
    #expect(vm.readRegister(15) == 0x4444_0000)
  }
}
