import AArch64Port
import Emulation
import KilnCore
import KilnIR
import KilnPort
import Testing

/// Every ``BinaryOperation`` and ``Condition`` in RV32-style blocks (32-bit),
/// compiled by the AArch64 block lowering and run in Unicorn through its
/// entry and exit stubs, against KilnIR's reference semantics. Operands sit
/// in every kind of place: pinned host registers (g10–g15 among them), the
/// register file (g27–g31, g3), immediates; the rest of the register file
/// must keep its values.
@Suite("AArch64 block vocabulary")
struct BlockVocabularyTests {
  static let values: [UInt32] = [
    0, 1, 2, 5, 31, 32, 33, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFB, 0xFFFF_FFFF,
  ]
  /// dst, lhs, rhs: guest registers, or nil for an immediate operand.
  static let shapes: [(UInt8, UInt8?, UInt8?)] = [
    (12, 10, 11),  // all pinned
    (29, 27, 28),  // all in the register file
    (10, 10, 11),  // in place, pinned
    (11, 10, 11),  // dst = rhs, pinned
    (28, 27, 28),  // dst = rhs, in the register file
    (27, 27, 28),  // dst = lhs, in the register file
    (27, 28, 28),  // the same register twice
    (12, 10, nil),  // immediate rhs
    (29, 27, nil),
    (29, nil, 28),  // immediate lhs
    (3, 27, 10),  // mixed
    (32, 10, 3),  // the scratch slot
  ]

  @Test(arguments: BinaryOperation.allCases)
  func operation(_ op: BinaryOperation) throws {
    for (d, l, r) in Self.shapes {
      for immediate in l == nil || r == nil ? Self.values : [0] {
        let lhs: Value = l.map { .register(GuestRegister($0)) } ?? .immediate(immediate)
        let rhs: Value = r.map { .register(GuestRegister($0)) } ?? .immediate(immediate)
        let block = Block(
          startPC: 0x1000, operations: [.binary(op, GuestRegister(d), lhs, rhs)],
          terminator: .synchronize(next: 0x1004), guestInstructionCount: 1, endPC: 0x1004)
        let run = try BlockRunner(block)
        for a in Self.values {
          for b in Self.values {
            var registers = BlockRunner.background
            if let l { registers[Int(l)] = a }
            if let r, r != l { registers[Int(r)] = b }
            let x = l.map { registers[Int($0)] } ?? immediate
            let y = r.map { registers[Int($0)] } ?? immediate
            var expected = registers
            expected[Int(d)] = op.evaluate(x, y)
            let (reason, after) = try run(registers)
            #expect(reason == .synchronize)
            #expect(after == expected, "g\(d) = \(lhs) \(op) \(rhs): \(x), \(y)")
          }
        }
      }
    }
  }

  @Test(arguments: KilnIR.Condition.allCases)
  func branch(_ c: KilnIR.Condition) throws {
    for (_, l, r) in Self.shapes {
      for immediate in l == nil || r == nil ? Self.values : [0] {
        let lhs: Value = l.map { .register(GuestRegister($0)) } ?? .immediate(immediate)
        let rhs: Value = r.map { .register(GuestRegister($0)) } ?? .immediate(immediate)
        let block = Block(
          startPC: 0x1000, operations: [],
          terminator: .branch(c, lhs, rhs, taken: .pc(0x2000), notTaken: .pc(0x3000)),
          guestInstructionCount: 1, endPC: 0x1004)
        let run = try BlockRunner(block)
        for a in Self.values {
          for b in Self.values {
            var registers = BlockRunner.background
            if let l { registers[Int(l)] = a }
            if let r, r != l { registers[Int(r)] = b }
            let x = l.map { registers[Int($0)] } ?? immediate
            let y = r.map { registers[Int($0)] } ?? immediate
            let (reason, after) = try run(registers)
            #expect(reason == .chain)
            #expect(after == registers)
            #expect(
              run.exitPC == (c.holds(x, y) ? 0x2000 : 0x3000), "\(lhs) \(c) \(rhs): \(x), \(y)")
          }
        }
      }
    }
  }
}

/// One block behind the port's stubs, in paged layout with RV32's full
/// register hint (24 pinned), run in Unicorn from a given register file.
final class BlockRunner {
  static let registerCount = 33
  /// Distinct values in every register slot.
  static let background: [UInt32] = (0..<UInt32(registerCount)).map { 0xA5A5_0000 | $0 }
  static let hint: [UInt8] = [
    2, 10, 11, 12, 13, 14, 15, 1, 8, 9, 16, 17, 5, 6, 7,
    18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 3, 4,
  ]
  static let layout = StateLayout(
    registers: 0, registerCount: registerCount,
    memory: .paged(
      PageTables(pageTable: 0x2000, readTags: 0x2000, writeTags: 0x2000, hostBias: 0x2000)),
    jumpCache: 0x1000, jumpCacheMask: 0xFF, exitPC: 0x100, exitPatchSite: 0x108, hostCalls: 0x200,
    hostContext: 0x110, preferredRegisters: hint.map(GuestRegister.init))
  static let stateSize = 0x3000

  let executor: UnicornExecutor
  let code: any CodeMemory
  let entry: UInt
  let block: UInt
  let state: UnsafeMutableRawPointer

  init(_ ir: Block) throws {
    executor = try UnicornExecutor(port: AArch64Port.facts)
    let backend = AArch64Blocks(layout: Self.layout)
    code = try executor.makeCodeMemory(capacity: 1 << 16, port: AArch64Port.facts)
    let stubs = try backend.makeStubs(baseAddress: code.address)
    code.install(stubs.bytes, at: 0)
    let offset = (stubs.bytes.count + 15) & ~15
    let compiled = try backend.compile(
      ir, baseAddress: code.address + UInt(offset), stubs: stubs, lookup: { _ in nil })
    code.install(compiled.bytes, at: offset)
    entry = stubs.entry
    block = code.address + UInt(offset)
    state = try executor.allocate(bytes: Self.stateSize)
  }

  deinit { executor.deallocate(state, bytes: Self.stateSize) }

  var exitPC: UInt32 { state.load(fromByteOffset: Int(Self.layout.exitPC), as: UInt32.self) }

  /// Runs the block once from `registers`; the exit reason and the register file after.
  func callAsFunction(_ registers: [UInt32]) throws -> (ExitReason?, [UInt32]) {
    state.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stateSize)
    for (i, v) in registers.enumerated() {
      state.storeBytes(of: v, toByteOffset: Int(Self.layout.registers) + 4 * i, as: UInt32.self)
    }
    let reason = try executor.call(entry, UInt(bitPattern: state), block)
    let after = (0..<registers.count).map {
      state.load(fromByteOffset: Int(Self.layout.registers) + 4 * $0, as: UInt32.self)
    }
    return (ExitReason(rawValue: UInt32(truncatingIfNeeded: reason)), after)
  }
}
