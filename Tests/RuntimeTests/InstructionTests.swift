import KilnHosts
import KilnTestSupport
import Testing

@testable import Runtime

/// One instruction (or a few) run as a function on both engines. Expected
/// values are worked out by hand from the RISC-V unprivileged spec (v20191213,
/// chapters 2 and 7), never taken from Kiln.
struct Case: CustomTestStringConvertible, Sendable {
  var source: String
  var arguments: [UInt32]
  var expected: UInt32
  var testDescription: String { "\(source.split(separator: "\n").first ?? "") \(arguments)" }
  init(_ source: String, _ arguments: [UInt32] = [], _ expected: UInt32) {
    self.source = source
    self.arguments = arguments
    self.expected = expected
  }
}

let intMin: UInt32 = 0x8000_0000
let minusOne: UInt32 = 0xFFFF_FFFF

/// Register–register (R-type) instructions, on a0 = rs1, a1 = rs2.
let registerCases: [Case] = [
  Case("add a0, a0, a1", [1, 2], 3),
  Case("add a0, a0, a1", [minusOne, 1], 0),
  Case("add a0, a0, a1", [0x7FFF_FFFF, 1], intMin),
  Case("sub a0, a0, a1", [1, 2], minusOne),
  Case("sub a0, a0, a1", [intMin, 1], 0x7FFF_FFFF),
  Case("sub a0, a1, a0", [1, 2], 1),
  Case("and a0, a0, a1", [0xF0F0_F0F0, 0xFF00_FF00], 0xF000_F000),
  Case("or a0, a0, a1", [0xF0F0_F0F0, 0x0F00_0F00], 0xFFF0_FFF0),
  Case("xor a0, a0, a1", [0xF0F0_F0F0, 0xFF00_FF00], 0x0FF0_0FF0),
  Case("sll a0, a0, a1", [1, 31], intMin),
  Case("sll a0, a0, a1", [1, 32], 1),  // only the low five bits count
  Case("sll a0, a0, a1", [3, 0xFFFF_FFE1], 6),
  Case("srl a0, a0, a1", [intMin, 31], 1),
  Case("srl a0, a0, a1", [minusOne, 36], 0x0FFF_FFFF),
  Case("sra a0, a0, a1", [intMin, 31], minusOne),
  Case("sra a0, a0, a1", [0x4000_0000, 30], 1),
  Case("slt a0, a0, a1", [minusOne, 0], 1),
  Case("slt a0, a0, a1", [0, minusOne], 0),
  Case("slt a0, a0, a1", [5, 5], 0),
  Case("sltu a0, a0, a1", [minusOne, 0], 0),
  Case("sltu a0, a0, a1", [0, minusOne], 1),
  Case("sltu a0, zero, a1", [0, 7], 1),  // snez
  // destination equal to the second operand, and to both
  Case("sub a1, a0, a1\nmv a0, a1", [10, 3], 7),
  Case("add a0, a0, a0", [21], 42),
  Case("sll a1, a0, a1\nmv a0, a1", [1, 4], 16),
  // memory-backed registers (not pinned on x86-64): s2–s11, t3–t6, a6, a7, gp, tp
  Case("mv s2, a0\nmv t6, a1\nsub s3, s2, t6\nmv a0, s3", [100, 1], 99),
  Case("mv s4, a0\nmv s5, a1\nsll s6, s4, s5\nmv a0, s6", [1, 5], 32),
  Case("mv a6, a0\nmv a7, a1\nsltu gp, a6, a7\nmv a0, gp", [1, 5], 1),
  Case("mv t3, a0\nmv t4, a1\nxor tp, t3, t4\nmv a0, tp", [6, 3], 5),
]

/// Register–immediate (I-type) instructions.
let immediateCases: [Case] = [
  Case("addi a0, a0, -1", [0], minusOne),
  Case("addi a0, a0, 2047", [1], 2048),
  Case("addi a0, a0, -2048", [0], 0xFFFF_F800),
  Case("slti a0, a0, -1", [intMin], 1),
  Case("slti a0, a0, 0", [5], 0),
  Case("sltiu a0, a0, -1", [0xFFFF_FFFE], 1),  // immediate sign-extends, then compares unsigned
  Case("sltiu a0, a0, 1", [0], 1),  // seqz
  Case("xori a0, a0, -1", [0x1234_5678], 0xEDCB_A987),  // not
  Case("ori a0, a0, 0x7ff", [0x1000], 0x17FF),
  Case("andi a0, a0, -16", [0x1234_5678], 0x1234_5670),
  Case("slli a0, a0, 31", [3], intMin),
  Case("srli a0, a0, 28", [0xF000_0000], 0xF),
  Case("srai a0, a0, 28", [0xF000_0000], minusOne),
  Case("srai a0, a0, 0", [0x8000_0001], 0x8000_0001),
  Case("li s7, -7\naddi s8, s7, 10\nmv a0, s8", [], 3),
]

/// LUI, AUIPC (code at 0x1000).
let upperCases: [Case] = [
  Case("lui a0, 0xfffff", [], 0xFFFF_F000),
  Case("lui a0, 0x12345", [], 0x1234_5000),
  Case("auipc a0, 0", [], 0x1000),
  Case("nop\nauipc a0, 1", [], 0x2004),
  Case("auipc a0, 0xfffff", [], 0x0000_0000),
  Case("lui s9, 0x80000\nmv a0, s9", [], intMin),
]

/// M extension. DIV/REM rules: x/0 = -1 (all ones, also unsigned), x%0 = x,
/// INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0 (spec table 7.1).
let multiplyCases: [Case] = [
  Case("mul a0, a0, a1", [0xFFFF_FFFF, 0xFFFF_FFFF], 1),
  Case("mul a0, a0, a1", [0x10000, 0x10000], 0),
  Case("mul a0, a0, a1", [intMin, minusOne], intMin),
  Case("mulh a0, a0, a1", [minusOne, minusOne], 0),
  Case("mulh a0, a0, a1", [intMin, intMin], 0x4000_0000),
  Case("mulh a0, a0, a1", [intMin, 0x7FFF_FFFF], 0xC000_0000),
  Case("mulh a0, a0, a1", [2, minusOne], minusOne),
  Case("mulhu a0, a0, a1", [minusOne, minusOne], 0xFFFF_FFFE),
  Case("mulhu a0, a0, a1", [intMin, 2], 1),
  Case("mulhsu a0, a0, a1", [minusOne, minusOne], minusOne),
  Case("mulhsu a0, a0, a1", [intMin, minusOne], 0x8000_0000),
  Case("mulhsu a0, a0, a1", [2, minusOne], 1),
  Case("div a0, a0, a1", [7, 2], 3),
  Case("div a0, a0, a1", [UInt32(bitPattern: -7), 2], UInt32(bitPattern: -3)),
  Case("div a0, a0, a1", [7, 0], minusOne),
  Case("div a0, a0, a1", [intMin, minusOne], intMin),
  Case("div a0, a0, a1", [5, minusOne], UInt32(bitPattern: -5)),
  Case("divu a0, a0, a1", [7, 0], minusOne),
  Case("divu a0, a0, a1", [minusOne, 2], 0x7FFF_FFFF),
  Case("divu a0, a0, a1", [intMin, minusOne], 0),
  Case("rem a0, a0, a1", [UInt32(bitPattern: -7), 2], minusOne),
  Case("rem a0, a0, a1", [7, 0], 7),
  Case("rem a0, a0, a1", [intMin, minusOne], 0),
  Case("rem a0, a0, a1", [7, UInt32(bitPattern: -2)], 1),
  Case("remu a0, a0, a1", [7, 0], 7),
  Case("remu a0, a0, a1", [minusOne, 10], 5),
  Case("mv s10, a0\nmv s11, a1\ndiv t5, s10, s11\nmv a0, t5", [100, 7], 14),
  Case("mv s10, a0\nmv s11, a1\nremu t5, s10, s11\nmv a0, t5", [100, 0], 100),
]

/// Branches: a0 = 1 if taken, 0 if not.
func branch(_ op: String) -> String {
  "\(op) a0, a1, 1f\nli a0, 0\nret\n1:\nli a0, 1\nret"
}

let branchCases: [Case] = [
  Case(branch("beq"), [5, 5], 1), Case(branch("beq"), [5, 6], 0),
  Case(branch("bne"), [5, 6], 1), Case(branch("bne"), [5, 5], 0),
  Case(branch("blt"), [minusOne, 0], 1), Case(branch("blt"), [0, minusOne], 0),
  Case(branch("blt"), [3, 3], 0),
  Case(branch("bge"), [3, 3], 1), Case(branch("bge"), [minusOne, 0], 0),
  Case(branch("bltu"), [0, minusOne], 1), Case(branch("bltu"), [minusOne, 0], 0),
  Case(branch("bgeu"), [minusOne, 0], 1), Case(branch("bgeu"), [0, 1], 0),
  // backward branch: count down
  Case("li t0, 0\n1:\naddi t0, t0, 1\nblt t0, a0, 1b\nmv a0, t0", [1000], 1000),
  // memory-backed operands
  Case("mv s2, a0\nmv s3, a1\nbltu s2, s3, 1f\nli a0, 0\nret\n1:\nli a0, 1", [1, 2], 1),
  Case("mv s2, a0\nbeq s2, zero, 1f\nli a0, 0\nret\n1:\nli a0, 1", [0], 1),
]

/// JAL, JALR: call a local function and return through it.
let jumpCases: [Case] = [
  Case("mv s2, ra\njal ra, 1f\nmv ra, s2\nret\n1:\naddi a0, a0, 1\nret", [41], 42),
  Case("mv s2, ra\njal s3, 1f\nmv ra, s2\nret\n1:\naddi a0, a0, 2\njr s3", [40], 42),
  // jalr with rd == rs1: target computed before the link is written
  Case(
    "mv s2, ra\nla t1, 1f\njalr t1, 0(t1)\nmv ra, s2\nret\n1:\nla t2, 2f\nsub a0, t1, t2\nret\n2:",
    [], UInt32(bitPattern: -24)),  // link 0x1010 − label 2 at 0x1028
  // jalr with an odd offset: bit 0 of the target is cleared
  Case("mv s2, ra\nla t1, 1f\njalr ra, 1(t1)\nmv ra, s2\nret\n1:\nli a0, 7\nret", [], 7),
  // jump table through an indirect jump
  Case(
    """
    la t0, 2f
    slli a0, a0, 2
    add t0, t0, a0
    jr t0
    2:
    j 3f
    j 4f
    3:
    li a0, 100
    ret
    4:
    li a0, 200
    ret
    """, [1], 200),
]

@Suite(.requires(Toolchain.available, Toolchain.unavailableReason))
struct InstructionTests {
  static func check(_ c: Case, _ setup: Setup) throws {
    let (r, _) = try Harness.call(setup, c.source + "\nret", c.arguments)
    #expect(r == c.expected, "\(c.source) on \(setup): got 0x\(String(r, radix: 16))")
  }

  @Test(arguments: registerCases, Harness.setups)
  func register(_ c: Case, _ setup: Setup) throws { try Self.check(c, setup) }

  @Test(arguments: immediateCases, Harness.setups)
  func immediate(_ c: Case, _ setup: Setup) throws { try Self.check(c, setup) }

  @Test(arguments: upperCases, Harness.setups)
  func upper(_ c: Case, _ setup: Setup) throws { try Self.check(c, setup) }

  @Test(arguments: multiplyCases, Harness.setups)
  func multiply(_ c: Case, _ setup: Setup) throws { try Self.check(c, setup) }

  @Test(arguments: branchCases, Harness.setups)
  func branchInstruction(_ c: Case, _ setup: Setup) throws { try Self.check(c, setup) }

  @Test(arguments: jumpCases, Harness.setups)
  func jump(_ c: Case, _ setup: Setup) throws { try Self.check(c, setup) }

  /// Writes to x0 are discarded, reads give 0, including through loads.
  @Test(arguments: Harness.setups)
  func zeroRegisterIsImmutable(_ setup: Setup) throws {
    let source = """
      addi zero, zero, 5
      add zero, a0, a0
      lui zero, 0x12345
      lui t0, 0x20
      sw a0, 0(t0)
      lw zero, 0(t0)
      add a0, zero, zero
      ret
      """
    let (r, vm) = try Harness.call(setup, source, [99])
    #expect(r == 0)
    #expect(vm.readRegister(0) == 0)
  }

  /// Every register can be written and read back (pinned and memory-backed).
  @Test(arguments: Harness.setups)
  func allRegistersHoldValues(_ setup: Setup) throws {
    var source = ""
    for r in 3...31 where r != 10 { source += "li x\(r), \(r * 1000 + 7)\n" }
    source += "li a0, 0\n"
    for r in 3...31 where r != 10 { source += "add a0, a0, x\(r)\n" }
    source += "ret"
    let (r, vm) = try Harness.call(setup, source)
    let expected = (3...31).filter { $0 != 10 }.reduce(0) { $0 + $1 * 1000 + 7 }
    #expect(r == UInt32(expected))
    for reg in 3...31 where reg != 10 { #expect(vm.readRegister(reg) == UInt32(reg * 1000 + 7)) }
  }
}
