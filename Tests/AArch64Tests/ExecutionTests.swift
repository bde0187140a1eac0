import Emulation
import KilnCore
import Testing

@testable import AArch64Port

/// Generated code run in Unicorn (an outside model of the architecture):
/// relaxed branches land where their labels are, and `mov(_:imm:)` leaves
/// the constant in the register. LLVM refuses to assemble branches out of
/// reach, so for relaxation the emulator is the oracle.
@Suite struct ExecutionTests {
  /// A conditional branch kind and when it is taken.
  enum Branch: CaseIterable, CustomTestStringConvertible {
    case beq, cbz, cbnz, tbz, tbnz

    /// Emits the branch (and its compare) to `label`, testing x0.
    func emit(_ a: inout AArch64Assembler, to label: Label) {
      switch self {
      case .beq:
        a.cmp(XRegSP.x0, 5)
        a.b(.eq, label)
      case .cbz: a.cbz(XReg.x0, label)
      case .cbnz: a.cbnz(WReg.w0, label)
      case .tbz: a.tbz(XReg.x0, 40, label)
      case .tbnz: a.tbnz(WReg.w0, 3, label)
      }
    }

    func taken(_ x0: UInt64) -> Bool {
      switch self {
      case .beq: x0 == 5
      case .cbz: x0 == 0
      case .cbnz: UInt32(truncatingIfNeeded: x0) != 0
      case .tbz: x0 & 1 << 40 == 0
      case .tbnz: x0 & 1 << 3 != 0
      }
    }

    /// Bytes of filler that put a label just out of the short form's reach.
    var farther: Int {
      switch self {
      case .tbz, .tbnz: 32 * 1024 + 16
      default: 1024 * 1024 + 16
      }
    }

    var testDescription: String { "\(self)" }
  }

  static let inputs: [UInt64] = [0, 5, 1 << 40, 8, 1 << 40 | 5]

  /// Forward: the label is bound after more than the short reach of code, so
  /// the branch goes through an island.
  @Test(arguments: Branch.allCases) func forwardBranchBeyondReach(_ branch: Branch) throws {
    let machine = try Machine(size: 2 << 20)
    var a = AArch64Assembler(baseAddress: machine.base)
    let far = a.newLabel()
    let end = a.newLabel()
    branch.emit(&a, to: far)
    a.movz(XReg.x1, 1)
    a.b(end)
    for _ in 0..<branch.farther / 4 { a.nop() }
    try a.bind(far)
    a.movz(XReg.x1, 2)
    try a.bind(end)
    let endOffset = a.offset
    #expect(a.islandCount == 1)
    try machine.install(try a.finish())
    for x0 in Self.inputs {
      machine.emu.writeRegister(AArch64Register.x0, x0)
      try machine.emu.run(
        from: machine.code.address, until: machine.code.address + UInt64(endOffset),
        instructionLimit: 100)
      #expect(
        machine.emu.readRegister(AArch64Register.x1) == (branch.taken(x0) ? 2 : 1), "x0 = \(x0)")
    }
  }

  /// Backward: the label is bound more than the short reach before the
  /// branch, which becomes the inverted branch over a `b`.
  @Test(arguments: Branch.allCases) func backwardBranchBeyondReach(_ branch: Branch) throws {
    let machine = try Machine(size: 2 << 20)
    var a = AArch64Assembler(baseAddress: machine.base)
    let entry = a.newLabel()
    let target = a.newLabel()
    let end = a.newLabel()
    a.b(entry)
    try a.bind(target)
    a.movz(XReg.x1, 2)
    a.b(end)
    for _ in 0..<branch.farther / 4 { a.nop() }
    try a.bind(entry)
    let before = a.offset
    branch.emit(&a, to: target)
    let branchWords = (a.offset - before) / 4
    a.movz(XReg.x1, 1)
    try a.bind(end)
    let endOffset = a.offset
    #expect(branchWords == (branch == .beq ? 3 : 2))  // (cmp) + inverted branch + b
    try machine.install(try a.finish())
    for x0 in Self.inputs {
      machine.emu.writeRegister(AArch64Register.x0, x0)
      try machine.emu.run(
        from: machine.code.address, until: machine.code.address + UInt64(endOffset),
        instructionLimit: 100)
      #expect(
        machine.emu.readRegister(AArch64Register.x1) == (branch.taken(x0) ? 2 : 1), "x0 = \(x0)")
    }
  }

  /// `mov(_:imm:)` for every golden constant and a few thousand random ones:
  /// each value is stored with `str x0, [x28], #8` and read back.
  @Test func constantsReachTheirRegister() throws {
    var rng = SplitMix64(seed: 0x4B49_4C4E)
    var values: [(UInt64, Bool)] = goldenConstants.map { ($0.value, $0.bits == 32) }
    for _ in 0..<2000 {
      // Random halfwords drawn from 0, 0xFFFF and anything, so that all
      // plan shapes come up; some 32-bit.
      var v: UInt64 = 0
      for i in 0..<4 {
        v |= [0, 0xFFFF, rng.next() & 0xFFFF][Int(rng.next() % 3)] << (16 * UInt64(i))
      }
      values.append((v, rng.next() % 4 == 0))
    }
    let machine = try Machine(size: 1 << 20)
    let data = try Machine.Region(size: values.count * 8)
    try machine.emu.mapIdentity(data.pointer, size: data.size, permissions: .readWrite)
    var a = AArch64Assembler(baseAddress: machine.base)
    for (value, narrow) in values {
      a.movn(XReg.x0, 0x5A5A)  // garbage that a W write must clear
      if narrow {
        a.mov(WReg.w0, imm: UInt32(truncatingIfNeeded: value))
      } else {
        a.mov(XReg.x0, imm: value)
      }
      a.str(XReg.x0, .postIndex(.x28, 8))
    }
    let code = try a.finish()
    try machine.install(code)
    machine.emu.writeRegister(AArch64Register.x[28], data.address)
    try machine.emu.run(
      from: machine.code.address, until: machine.code.address + UInt64(code.count))
    let stored = data.pointer.bindMemory(to: UInt64.self, capacity: values.count)
    for (i, (value, narrow)) in values.enumerated() {
      let expected = narrow ? value & 0xFFFF_FFFF : value
      #expect(stored[i] == expected, "0x\(String(expected, radix: 16)): \(ConstantPlan(value))")
    }
  }
}

/// An AArch64 emulator with a code region, both freed together.
final class Machine {
  /// Host pages, unmapped memory freed on deinit.
  final class Region {
    let pointer: UnsafeMutableRawPointer
    let size: Int
    init(size: Int) throws {
      self.size = (size + 4095) & ~4095
      pointer = try Emulator.allocatePages(self.size)
    }
    deinit { Emulator.freePages(pointer, size: size) }
    var address: UInt64 { UInt64(UInt(bitPattern: pointer)) }
  }

  let emu: Emulator
  let code: Region

  init(size: Int) throws {
    emu = try Emulator(architecture: .aarch64)
    code = try Region(size: size)
    try emu.mapIdentity(code.pointer, size: code.size, permissions: .readExecute)
  }

  var base: UInt { UInt(bitPattern: code.pointer) }

  func install(_ bytes: [UInt8]) throws {
    precondition(bytes.count <= code.size)
    code.pointer.copyMemory(from: bytes, byteCount: bytes.count)
    try emu.invalidateCode(from: code.address, to: code.address + UInt64(code.size))
  }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
