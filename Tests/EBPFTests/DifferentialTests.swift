import EBPF
import Foundation
import Testing

/// JIT against the interpreter on random programs: every ALU operation at
/// both widths with edge values, byte swaps, sign extensions, stack loads
/// and stores of every size, atomics (with r0 as operand too), forward
/// branches, helper and local calls. Each program ends by folding r0–r9
/// (except r6, the context pointer) and the stack into r0, so a wrong
/// register or byte anywhere shows; no result depends on a host address.
/// `KILN_FUZZ_SEEDS=N` runs more seeds.
@Suite struct DifferentialTests {
  static let seeds: [UInt64] = {
    let n = ProcessInfo.processInfo.environment["KILN_FUZZ_SEEDS"].flatMap { Int($0) } ?? 64
    return (0..<n).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
  }()

  @Test(arguments: seeds)
  func jitMatchesInterpreter(seed: UInt64) throws {
    var generator = ProgramGenerator(seed: seed)
    let instructions = generator.program(length: 120)
    let program = try Program(slots: Encoder.encode(instructions))
    var helpers = HelperTable.conformance
    helpers.register(7) { a, b, c, d, e in a &* 3 &+ b ^ c &- d &+ (e << 1) }
    let memory = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(seed & 0xFF)) }
    func outcome(_ engine: Engine) -> String {
      do throws(EBPFError) {
        return "r0 = 0x"
          + String(try engine.run(program, memory: memory, helpers: helpers), radix: 16)
      } catch {
        return "error: \(error)"
      }
    }
    let expected = outcome(.interpreter)
    // The generator only makes programs that run to the end; an error here
    // means it stopped exercising anything.
    #expect(expected.hasPrefix("r0 = "), "seed \(seed): the interpreter failed: \(expected)")
    for engine in Engine.jits {
      let got = outcome(engine)
      #expect(
        got == expected,
        "seed \(seed): interpreter \(expected), \(engine) \(got)\n\(Disassembler.listing(program))"
      )
    }
  }
}

/// Random well-formed programs (all jumps forward, r10 never written).
struct ProgramGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed | 1 }

  mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  static let edges: [UInt64] = [
    0, 1, 2, 7, 0xFF, 0x8000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
    0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, ~0, ~1, 0xFFFF_FFFF_8000_0000,
  ]

  mutating func value() -> UInt64 {
    below(3) == 0 ? next() : Self.edges[below(Self.edges.count)]
  }

  mutating func imm() -> Int32 {
    switch below(4) {
    case 0: Int32(truncatingIfNeeded: next())
    case 1: [0, 1, -1, 2, -2, 63, 64, Int32.min, Int32.max][below(9)]
    default: Int32(below(33)) - 16
    }
  }

  /// A source register: r0–r9 except r6, the context pointer, whose value
  /// (a host address) differs from run to run.
  mutating func reg() -> Register { dst() }

  /// A register the program may write: r6 keeps the context pointer.
  mutating func dst() -> Register {
    let r = below(9)
    return Register(rawValue: UInt8(r >= 6 ? r + 1 : r))!
  }

  /// A frame-pointer offset for a `size`-byte access inside the current frame.
  mutating func slot(_ size: AccessSize) -> Int16 {
    -Int16(size.byteCount + below(64 - size.byteCount))
  }

  mutating func program(length: Int) -> [Instruction] {
    var body: [Instruction] = []
    // Defined starting values; r6 = the context pointer, never overwritten.
    body.append(Instruction(operation: .alu(.mov, .w64, .reg), dst: .r6, src: .r1))
    for r in [0, 1, 2, 3, 4, 5, 7, 8, 9] {
      body.append(
        Instruction(
          operation: .loadImm64(.immediate), dst: Register(rawValue: UInt8(r))!, imm64: value()))
    }
    for k in 0..<8 {
      body.append(
        Instruction(
          operation: .storeReg(.double), dst: .r10, src: reg(), offset: Int16(-8 * (k + 1))))
    }
    var branches: [(at: Int, skip: Int)] = []
    for _ in 0..<length {
      let width: Width = below(2) == 0 ? .w32 : .w64
      let source: Source = below(2) == 0 ? .imm : .reg
      switch below(20) {
      case 0..<8:
        let ops: [ALUOperation] = [
          .add, .sub, .mul, .div, .sdiv, .or, .and, .lsh, .rsh, .neg, .mod, .smod, .xor, .mov,
          .arsh,
        ]
        let op = ops[below(ops.count)]
        var i = imm()
        if [.lsh, .rsh, .arsh].contains(op), source == .imm { i &= width == .w64 ? 63 : 31 }
        body.append(
          Instruction(
            operation: .alu(op, width, op == .neg ? .imm : source), dst: dst(), src: reg(), imm: i))
      case 8:
        let op: ALUOperation = [.movsx8, .movsx16, .movsx32][below(width == .w64 ? 3 : 2)]
        body.append(Instruction(operation: .alu(op, width, .reg), dst: dst(), src: reg()))
      case 9:
        let kind: ByteSwap = [.toLittle, .toBig, .always][below(3)]
        body.append(
          Instruction(operation: .byteSwap(kind, bits: [16, 32, 64][below(3)]), dst: dst()))
      case 10:
        body.append(Instruction(operation: .loadImm64(.immediate), dst: dst(), imm64: value()))
      case 11, 12:
        let size = AccessSize.allCases[below(4)]
        body.append(
          Instruction(operation: .storeReg(size), dst: .r10, src: reg(), offset: slot(size)))
        if below(2) == 0 {
          body.append(
            Instruction(operation: .storeImm(size), dst: .r10, offset: slot(size), imm: imm()))
        }
      case 13, 14:
        let size = AccessSize.allCases[below(4)]
        let signed = size != .double && below(2) == 0
        body.append(
          Instruction(
            operation: signed ? .loadSigned(size) : .load(size), dst: dst(), src: .r10,
            offset: slot(size)))
      case 15:
        let op = AtomicOperation.allCases[below(AtomicOperation.allCases.count)]
        let size: AccessSize = below(2) == 0 ? .word : .double
        let offset = -Int16(size.byteCount * (1 + below(8)))
        body.append(
          Instruction(operation: .atomic(op, size), dst: .r10, src: dst(), offset: offset))
      case 16, 17:
        let c = Condition.allCases[below(Condition.allCases.count)]
        branches.append((body.count, 1 + below(6)))
        body.append(
          Instruction(operation: .branch(c, width, source), dst: dst(), src: reg(), imm: imm()))
      case 18:
        body.append(Instruction(operation: .callHelper, imm: [5, 7][below(2)]))
      default:
        // Context loads through r6 (64 bytes, bounds-checked).
        let size = AccessSize.allCases[below(4)]
        body.append(
          Instruction(
            operation: .load(size), dst: dst(), src: .r6, offset: Int16(below(65 - size.byteCount)))
        )
      }
    }
    // Fold everything into r0: r0 = r0 * K + ri; then the stack slots.
    let k = Int32(0x0100_0193)
    for r in [1, 2, 3, 4, 5, 7, 8, 9] {
      body.append(Instruction(operation: .alu(.mul, .w64, .imm), dst: .r0, imm: k))
      body.append(
        Instruction(operation: .alu(.add, .w64, .reg), dst: .r0, src: Register(rawValue: UInt8(r))!)
      )
    }
    for j in 0..<8 {
      body.append(
        Instruction(operation: .load(.double), dst: .r1, src: .r10, offset: Int16(-8 * (j + 1))))
      body.append(Instruction(operation: .alu(.mul, .w64, .imm), dst: .r0, imm: k))
      body.append(Instruction(operation: .alu(.xor, .w64, .reg), dst: .r0, src: .r1))
    }
    body.append(Instruction(operation: .exit))
    // Branch offsets in slots (lddw takes two), never past the fold.
    for (at, skip) in branches {
      let end = min(at + 1 + skip, body.count - 1)
      var slots = 0
      for i in (at + 1)..<end { slots += body[i].slotCount }
      body[at].offset = Int16(slots)
    }
    return body
  }
}
