import KilnTestSupport
import Testing

@testable import Runtime

/// Rotates as compilers write them for RV32 (`srli ; slli ; or`, one `rol`
/// on x86-64) and `mulh`/`mulhu` (the one-operand `imul`/`mul` on x86-64):
/// every engine must give the values worked out here in Swift.
@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct RotateMultiplyTests {
  static func rotl(_ x: UInt32, _ k: UInt32) -> UInt32 { x << k | x >> (32 - k) }

  /// The right shift's register is read after the rotate; the rotate in
  /// place and into another register.
  @Test(arguments: Harness.setups)
  func rotates(_ setup: Setup) throws {
    let source = """
      srli t1, a0, 17
      slli t2, a0, 15
      or t2, t2, t1
      srli t3, a1, 31
      slli a1, a1, 1
      or a1, t3, a1
      add a0, t2, t1
      add a0, a0, a1
      add a0, a0, t3
      ret
      """
    let (x, y): (UInt32, UInt32) = (0x8123_4567, 0xF00F_1234)
    let (r, _) = try Harness.call(setup, source, [x, y])
    #expect(r == Self.rotl(x, 15) &+ (x >> 17) &+ Self.rotl(y, 1) &+ (y >> 31))
  }

  @Test(arguments: Harness.setups)
  func multiplyHigh(_ setup: Setup) throws {
    let source = """
      mulh a2, a0, a1
      mulhu a3, a0, a1
      mulhsu a4, a0, a1
      mulh a5, a0, a0
      xor a0, a2, a3
      add a0, a0, a4
      add a0, a0, a5
      ret
      """
    let (x, y): (UInt32, UInt32) = (0x8765_4321, 0xFEDC_BA98)
    let (r, vm) = try Harness.call(setup, source, [x, y])
    let sx = Int64(Int32(bitPattern: x))
    let sy = Int64(Int32(bitPattern: y))
    let mulh = UInt32(truncatingIfNeeded: (sx * sy) >> 32)
    let mulhu = UInt32(truncatingIfNeeded: (UInt64(x) * UInt64(y)) >> 32)
    let mulhsu = UInt32(truncatingIfNeeded: (sx &* Int64(y)) >> 32)
    let square = UInt32(truncatingIfNeeded: (sx * sx) >> 32)
    #expect(vm.readRegister(12) == mulh)
    #expect(vm.readRegister(13) == mulhu)
    #expect(vm.readRegister(14) == mulhsu)
    #expect(r == (mulh ^ mulhu) &+ mulhsu &+ square)
  }
}
