import KilnCore
import Testing

@testable import Thumb2Port

/// Label binding errors, fixup ranges and fields.
@Suite struct LabelTests {
  @Test func bindingTwiceThrows() throws {
    var a = Thumb2Assembler()
    let l = a.newLabel()
    try a.bind(l)
    #expect(throws: CodeGenError.labelBoundTwice(l.id)) { try a.bind(l) }
  }

  @Test func unboundLabelThrowsAtFinish() throws {
    var a = Thumb2Assembler()
    _ = a.newLabel()
    let l = a.newLabel()
    a.b(.eq, l)
    #expect(throws: CodeGenError.labelUnbound(l.id)) { try a.finish() }
  }

  /// An unused unbound label is fine.
  @Test func unusedUnboundLabelIsFine() throws {
    var a = Thumb2Assembler()
    _ = a.newLabel()
    a.nop()
    #expect(try a.finish() == [0x00, 0xBF])
  }

  /// Each kind's reach, as the Arm ARM gives it; odd distances never.
  @Test(arguments: [
    (Thumb2Fixup.t16Bcond, -256, 254), (.t16B, -2048, 2046), (.t32Bcond, -1_048_576, 1_048_574),
    (.t32B, -16_777_216, 16_777_214), (.t16Cbz, 0, 126), (.t32Bl, -16_777_216, 16_777_214),
  ])
  func reach(_ kind: Thumb2Fixup, _ low: Int, _ high: Int) {
    #expect(kind.reaches(low) && kind.reaches(high))
    #expect(!kind.reaches(low - 2) && !kind.reaches(high + 2))
    #expect(!kind.reaches(low + 1) && !kind.reaches(high - 1))
  }

  /// `apply` throws a typed error naming the kind beyond its reach.
  @Test func applyOutOfRangeThrows() throws {
    var buffer = CodeBuffer()
    buffer.emit16(0xD000)
    #expect(throws: CodeGenError.branchOutOfRange(kind: "t16Bcond", distance: 256)) {
      try Thumb2Fixup.t16Bcond.apply(to: &buffer, site: 0, target: 260)
    }
    #expect(throws: CodeGenError.immediateOutOfRange("t16Bcond distance 3 is not a multiple of 2"))
    {
      try Thumb2Fixup.t16Bcond.apply(to: &buffer, site: 0, target: 7)
    }
  }

  /// A branch farther than ±16 MiB cannot be relaxed: finish throws.
  @Test(arguments: [false, true])
  func beyondSixteenMiBThrows(_ link: Bool) throws {
    var a = Thumb2Assembler()
    let l = a.newLabel()
    if link { a.bl(l) } else { a.b(l) }
    // Filler appended directly (zeros: never executed) to keep the test fast.
    a.code += [UInt8](repeating: 0, count: 16_777_216)
    try a.bind(l)
    let kind = link ? "t32Bl" : "t32B"
    #expect(throws: CodeGenError.branchOutOfRange(kind: kind, distance: 16_777_216)) {
      try a.finish()
    }
  }

  /// The farthest forward `b` and `bl` (+16 MiB − 2) assemble to LLVM's fields.
  @Test(arguments: [false, true])
  func farthestForwardBranch(_ link: Bool) throws {
    var a = Thumb2Assembler()
    let l = a.newLabel()
    if link { a.bl(l) } else { a.b(l) }
    a.code += [UInt8](repeating: 0, count: 16_777_214)
    try a.bind(l)
    let code = try a.finish()
    // `b.w`/`bl` to +16777214: S=0, I1=I2=1 → J1=J2=0, imm10 and imm11 all ones
    // (clang --target=thumbv7em-none-eabi -mcpu=cortex-m4: `b.w` ff f3 ff 97, `bl` ff f3 ff d7, `.space 16777214` between).
    #expect(Array(code[0..<4]) == (link ? [0xFF, 0xF3, 0xFF, 0xD7] : [0xFF, 0xF3, 0xFF, 0x97]))
  }
}
