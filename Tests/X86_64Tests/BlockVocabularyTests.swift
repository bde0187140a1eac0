import KilnCore
import KilnIR
import KilnPort
import Testing
import X86_64Port

/// Every ``BinaryOperation`` and ``Condition`` in RV32-style blocks (32-bit),
/// compiled by the port's block lowering and run natively through its entry
/// and exit stubs, against KilnIR's reference semantics. Operands sit in
/// every kind of place: pinned host registers (g10–g15), the register file,
/// block-cached registers (used twice or more), immediates; the rest of the
/// register file must keep its values.
@Suite("x86-64 block vocabulary")
struct BlockVocabularyTests {
  static let values: [UInt32] = [
    0, 1, 2, 5, 31, 32, 33, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFB, 0xFFFF_FFFF,
  ]
  /// dst, lhs, rhs: guest registers, or nil for an immediate operand.
  static let shapes: [(UInt8, UInt8?, UInt8?)] = [
    (12, 10, 11),  // all pinned
    (22, 20, 21),  // all in the register file
    (10, 10, 11),  // in place, pinned
    (21, 20, 21),  // dst = rhs, in the register file
    (20, 20, 21),  // dst = lhs: g20 is used twice, so it is cached
    (20, 21, 21),  // the same register twice (cached)
    (12, 10, nil),  // immediate rhs
    (22, 20, nil),
    (22, nil, 21),  // immediate lhs
    (3, 20, 10),  // mixed
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
            let (reason, after) = run(registers)
            #expect(reason == .synchronize)
            #expect(after == expected, "g\(d) = \(lhs) \(op) \(rhs): \(x), \(y)")
          }
        }
      }
    }
  }

  @Test(arguments: Condition.allCases)
  func branch(_ c: Condition) throws {
    for (_, l, r) in Self.shapes {
      for immediate in l == nil || r == nil ? Self.values : [0] {
        let lhs: Value = l.map { .register(GuestRegister($0)) } ?? .immediate(immediate)
        let rhs: Value = r.map { .register(GuestRegister($0)) } ?? .immediate(immediate)
        // A second use caches the register-file operands.
        let block = Block(
          startPC: 0x1000, operations: [.move(GuestRegister(30), lhs)],
          terminator: .branch(c, lhs, rhs, taken: .pc(0x2000), notTaken: .pc(0x3000)),
          guestInstructionCount: 2, endPC: 0x1008)
        let run = try BlockRunner(block)
        for a in Self.values {
          for b in Self.values {
            var registers = BlockRunner.background
            if let l { registers[Int(l)] = a }
            if let r, r != l { registers[Int(r)] = b }
            let x = l.map { registers[Int($0)] } ?? immediate
            let y = r.map { registers[Int($0)] } ?? immediate
            let (reason, _) = run(registers)
            #expect(reason == .chain)
            #expect(
              run.exitPC == (c.holds(x, y) ? 0x2000 : 0x3000), "\(lhs) \(c) \(rhs): \(x), \(y)")
          }
        }
      }
    }
  }
}

/// One block behind the port's stubs, in paged layout with RV32's register
/// hint (g2, g10–g15 pinned), run natively from a given register file.
final class BlockRunner {
  static let registerCount = 33
  /// Distinct values in every register slot.
  static let background: [UInt32] = (0..<UInt32(registerCount)).map { 0xA5A5_0000 | $0 }
  static let layout = StateLayout(
    registers: 0, registerCount: registerCount,
    memory: .paged(
      PageTables(pageTable: 0x2000, readTags: 0x2000, writeTags: 0x2000, hostBias: 0x2000)),
    jumpCache: 0x1000, jumpCacheMask: 0xFF, exitPC: 0x100, exitPatchSite: 0x108, hostCalls: 0x200,
    hostContext: 0x110,
    preferredRegisters: [2, 10, 11, 12, 13, 14, 15].map { GuestRegister($0) })
  static let stateSize = 0x3000

  let executor = NativeExecutor()
  let code: any CodeMemory
  let entry: UInt
  let block: UInt
  let state: UnsafeMutableRawPointer

  init(_ ir: Block) throws {
    let backend = X86_64Blocks(layout: Self.layout)
    code = try executor.makeCodeMemory(capacity: 1 << 16, port: X86_64Port.facts)
    let stubs = try backend.makeStubs(baseAddress: code.address)
    code.install(stubs.bytes, at: 0)
    let offset = (stubs.bytes.count + 15) & ~15
    let compiled = try backend.compile(
      ir, baseAddress: code.address + UInt(offset), stubs: stubs, lookup: { _ in nil })
    code.install(compiled.bytes, at: offset)
    entry = stubs.entry
    block = code.address + UInt(offset)
    state = UnsafeMutableRawPointer.allocate(byteCount: Self.stateSize, alignment: 16)
  }

  deinit { state.deallocate() }

  var exitPC: UInt32 { state.load(fromByteOffset: Int(Self.layout.exitPC), as: UInt32.self) }

  /// Runs the block once from `registers`; the exit reason and the register file after.
  func callAsFunction(_ registers: [UInt32]) -> (ExitReason?, [UInt32]) {
    state.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stateSize)
    for (i, v) in registers.enumerated() {
      state.storeBytes(of: v, toByteOffset: Int(Self.layout.registers) + 4 * i, as: UInt32.self)
    }
    let reason = executor.call(entry, UInt(bitPattern: state), block)
    let after = (0..<registers.count).map {
      state.load(fromByteOffset: Int(Self.layout.registers) + 4 * $0, as: UInt32.self)
    }
    return (ExitReason(rawValue: UInt32(truncatingIfNeeded: reason)), after)
  }
}
