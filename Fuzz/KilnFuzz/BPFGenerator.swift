import EBPF

/// A random well-formed eBPF program and its context bytes.
///
/// Every program passes the checker and ends: forward branches, bounded
/// loops (a counter no other instruction writes), local calls (to callees
/// after the main function, some recursive without end: the call-depth
/// error), helper calls by id and by register (some to an unknown id: a run
/// time error). `r6` holds the context pointer throughout and no other
/// register ever holds a host address, so every engine computes the same
/// values. The main function's frame (the 128 bytes below `r10`) is written
/// before it is read, and a callee writes its frame before reading it.
///
/// The context is ``contextSize`` bytes: random data in the first
/// ``dataSize``, and the *dump area* at ``dumpOffset``, which the epilogue
/// fills with r0–r5, r7–r9 and the 128 bytes of the main frame. So the
/// context after a run shows every register and the whole stack, and after
/// a failed run the stores done before the failure.
public struct BPFProgram: Sendable {
  public var instructions: [Instruction]
  public var context: [UInt8]

  public static let contextSize = 512
  public static let dataSize = 256
  public static let dumpOffset = 256
  public static let frameBytes = 128
  /// Registers the dump holds, in order (r6 is the context pointer).
  public static let dumpedRegisters: [UInt8] = [0, 1, 2, 3, 4, 5, 7, 8, 9]

  /// Helper 5 returns its first argument (bpf_conformance); helper 7 mixes
  /// all five. Id 9 is never registered.
  public static let helpers: HelperTable = {
    var table = HelperTable.conformance
    table.register(7) { a, b, c, d, e in a &* 3 &+ b ^ c &- d &+ (e << 1) }
    return table
  }()

  public var program: Program {
    get throws(EBPFError) { try Program(slots: Encoder.encode(instructions)) }
  }
}

/// Builds a ``BPFProgram`` from fuzzer choices.
public struct BPFGenerator {
  var rng: FuzzRandom
  /// Instruction ranges of loop bodies (from the first body instruction to
  /// the backward branch): no forward jump may land inside one.
  var loops: [ClosedRange<Int>] = []

  public init(bytes: [UInt8]) { rng = FuzzRandom(bytes: bytes) }

  static let edges: [UInt64] = [
    0, 1, 2, 7, 0xFF, 0x8000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
    0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, ~0, ~1, 0xFFFF_FFFF_8000_0000,
  ]
  static let aluOps: [ALUOperation] = [
    .add, .sub, .mul, .div, .sdiv, .or, .and, .lsh, .rsh, .neg, .mod, .smod, .xor, .mov, .arsh,
  ]

  mutating func value() -> UInt64 {
    rng.below(3) == 0 ? rng.next() : rng.pick(Self.edges)
  }

  mutating func imm() -> Int32 {
    switch rng.below(4) {
    case 0: Int32(truncatingIfNeeded: rng.next())
    case 1: rng.pick([0, 1, -1, 2, -2, 63, 64, Int32.min, Int32.max])
    default: Int32(rng.below(33)) - 16
    }
  }

  /// r0–r9 except r6 (the context pointer) and `except`.
  mutating func reg(except: Register? = nil) -> Register {
    while true {
      let r = rng.below(9)
      let reg = Register(rawValue: UInt8(r >= 6 ? r + 1 : r))!
      if reg != except { return reg }
    }
  }

  /// A frame offset for a `size`-byte access in the first `bytes` of the frame.
  mutating func slot(_ size: AccessSize, within bytes: Int) -> Int16 {
    -Int16(size.byteCount + rng.below(bytes - size.byteCount + 1))
  }

  /// A branch or call whose target is an instruction index, fixed up to a
  /// slot offset once the layout is known.
  struct Fixup {
    var at: Int
    var target: Int
    /// Offsets in `imm` (local calls, `gotol`) rather than `offset`.
    var inImmediate: Bool
  }

  /// Straight-line and forward-branching instructions of a function.
  /// `frame`: bytes of its frame it has written (readable); `counter`: a
  /// loop counter no instruction may write.
  mutating func body(
    length: Int, frame: Int, callees: [Int], counter: Register? = nil,
    into code: inout [Instruction], fixups: inout [Fixup], forward: inout [(Int, Int)]
  ) {
    func add(_ i: Instruction) { code.append(i) }
    for _ in 0..<length {
      let width: Width = rng.below(2) == 0 ? .w32 : .w64
      let source: Source = rng.below(2) == 0 ? .imm : .reg
      let d = reg(except: counter)
      switch rng.below(26) {
      case 0..<8:
        let op = rng.pick(Self.aluOps)
        var i = imm()
        if [.lsh, .rsh, .arsh].contains(op), source == .imm { i &= width == .w64 ? 63 : 31 }
        add(
          Instruction(
            operation: .alu(op, width, op == .neg ? .imm : source), dst: d, src: reg(), imm: i))
      case 8:
        let op: ALUOperation = rng.pick(
          width == .w64 ? [.movsx8, .movsx16, .movsx32] : [.movsx8, .movsx16])
        add(Instruction(operation: .alu(op, width, .reg), dst: d, src: reg()))
      case 9:
        let kind: ByteSwap = rng.pick([.toLittle, .toBig, .always])
        add(Instruction(operation: .byteSwap(kind, bits: rng.pick([16, 32, 64])), dst: d))
      case 10:
        add(Instruction(operation: .loadImm64(.immediate), dst: d, imm64: value()))
      case 11, 12:
        let size = rng.pick(AccessSize.allCases)
        if rng.below(2) == 0 {
          add(
            Instruction(
              operation: .storeReg(size), dst: .r10, src: reg(), offset: slot(size, within: frame)))
        } else {
          add(
            Instruction(
              operation: .storeImm(size), dst: .r10, offset: slot(size, within: frame), imm: imm()))
        }
      case 13, 14:
        let size = rng.pick(AccessSize.allCases)
        let signed = size != .double && rng.below(2) == 0
        add(
          Instruction(
            operation: signed ? .loadSigned(size) : .load(size), dst: d, src: .r10,
            offset: slot(size, within: frame)))
      case 15:
        let op = rng.pick(AtomicOperation.allCases)
        let size: AccessSize = rng.below(2) == 0 ? .word : .double
        // cmpxchg writes r0, the fetch forms their source register.
        let s = reg(except: counter)
        if op == .cmpxchg && counter == .r0 { continue }
        if rng.below(2) == 0 {
          let offset = -Int16(size.byteCount * (1 + rng.below(frame / size.byteCount)))
          add(Instruction(operation: .atomic(op, size), dst: .r10, src: s, offset: offset))
        } else {
          let offset = Int16(size.byteCount * rng.below(BPFProgram.dataSize / size.byteCount))
          add(Instruction(operation: .atomic(op, size), dst: .r6, src: s, offset: offset))
        }
      case 16, 17:
        let c = rng.pick(Condition.allCases)
        forward.append((code.count, 1 + rng.below(8)))
        add(Instruction(operation: .branch(c, width, source), dst: reg(), src: reg(), imm: imm()))
      case 18:
        forward.append((code.count, 1 + rng.below(4)))
        add(Instruction(operation: .jumpAlways(rng.below(2) == 0 ? .w64 : .w32)))
      case 19:
        guard counter != .r0 else { continue }
        if rng.chance(85) {
          add(Instruction(operation: .callHelper, imm: rng.pick([5, 7])))
        } else {
          // callx: the id in a register; 9 is not registered (a run-time error).
          let r = reg(except: counter)
          add(
            Instruction(
              operation: .loadImm64(.immediate), dst: r, imm64: rng.pick([5, 7, 5, 7, 9])))
          add(Instruction(operation: .callRegister, dst: r))
        }
      case 20, 21:
        // Context loads through r6, sometimes past its end (bounds error).
        let size = rng.pick(AccessSize.allCases)
        let offset =
          rng.chance(1)
          ? rng.pick([Int16(BPFProgram.contextSize), -1, Int16(BPFProgram.contextSize - 1), 4096])
          : Int16(rng.below(BPFProgram.dataSize - size.byteCount + 1))
        let signed = size != .double && rng.below(2) == 0
        add(
          Instruction(
            operation: signed ? .loadSigned(size) : .load(size), dst: d, src: .r6, offset: offset))
      case 22:
        let size = rng.pick(AccessSize.allCases)
        let offset =
          rng.chance(1)
          ? rng.pick([Int16(BPFProgram.contextSize), -8, 1000])
          : Int16(rng.below(BPFProgram.dataSize - size.byteCount + 1))
        if rng.below(2) == 0 {
          add(Instruction(operation: .storeReg(size), dst: .r6, src: reg(), offset: offset))
        } else {
          add(Instruction(operation: .storeImm(size), dst: .r6, offset: offset, imm: imm()))
        }
      case 23:
        // Legacy packet loads (the context is the packet); r0 is written.
        guard counter != .r0 else { continue }
        let size = rng.pick([AccessSize.byte, .half, .word])
        if rng.chance(95) {
          let off = rng.chance(2) ? Int32(BPFProgram.contextSize) : Int32(rng.below(300))
          add(Instruction(operation: .packetLoad(.absolute, size), imm: off))
        } else {
          add(
            Instruction(
              operation: .packetLoad(.indirect, size), src: reg(), imm: Int32(rng.below(64))))
        }
      case 24:
        guard let callee = callees.isEmpty ? nil : rng.pick(callees), counter == nil else {
          continue
        }
        fixups.append(Fixup(at: code.count, target: callee, inImmediate: true))
        add(Instruction(operation: .callLocal, src: .r1))
      default:
        // A bounded loop: counter c = 1...5, a short body that leaves c alone.
        guard counter == nil else { continue }
        let c = reg()
        add(Instruction(operation: .alu(.mov, .w64, .imm), dst: c, imm: Int32(1 + rng.below(5))))
        let top = code.count
        var inner: [(Int, Int)] = []
        body(
          length: 1 + rng.below(6), frame: frame, callees: [], counter: c, into: &code,
          fixups: &fixups, forward: &inner)
        add(Instruction(operation: .alu(.sub, .w64, .imm), dst: c, imm: 1))
        let end = code.count
        fixups.append(Fixup(at: end, target: top, inImmediate: false))
        add(Instruction(operation: .branch(.ne, .w64, .imm), dst: c, imm: 0))
        loops.append(top...end)
        // Forward branches inside the loop stay inside it (at most to the `sub`).
        for (at, skip) in inner {
          fixups.append(Fixup(at: at, target: min(at + 1 + skip, end - 1), inImmediate: false))
        }
      }
    }
  }

  public mutating func program() -> BPFProgram {
    var context = [UInt8](repeating: 0, count: BPFProgram.contextSize)
    for k in 0..<BPFProgram.dataSize { context[k] = UInt8(truncatingIfNeeded: rng.next()) }

    var code: [Instruction] = []
    var fixups: [Fixup] = []
    // Main: r6 = context, defined registers, the frame written.
    code.append(Instruction(operation: .alu(.mov, .w64, .reg), dst: .r6, src: .r1))
    for r in BPFProgram.dumpedRegisters {
      code.append(
        Instruction(operation: .loadImm64(.immediate), dst: Register(rawValue: r)!, imm64: value()))
    }
    for k in 0..<(BPFProgram.frameBytes / 8) {
      code.append(
        Instruction(
          operation: .storeReg(.double), dst: .r10, src: reg(), offset: Int16(-8 * (k + 1))))
    }
    // Callees are placed after main; their indices are known once main is
    // laid out, so main refers to them by number and the fixups are patched.
    let calleeCount = rng.below(3)
    let calleeTags = (0..<calleeCount).map { -1 - $0 }
    var forward: [(Int, Int)] = []
    body(
      length: 1 + rng.below(120), frame: BPFProgram.frameBytes, callees: calleeTags, into: &code,
      fixups: &fixups, forward: &forward)
    let dump = code.count
    for (at, skip) in forward {
      fixups.append(Fixup(at: at, target: min(at + 1 + skip, dump), inImmediate: false))
    }
    // The dump: registers, then the frame through r1, then r0 again.
    let base = Int16(BPFProgram.dumpOffset)
    for (k, r) in BPFProgram.dumpedRegisters.enumerated() {
      code.append(
        Instruction(
          operation: .storeReg(.double), dst: .r6, src: Register(rawValue: r)!,
          offset: base + Int16(8 * k)))
    }
    let frameDump = base + Int16(8 * BPFProgram.dumpedRegisters.count)
    for k in 0..<(BPFProgram.frameBytes / 8) {
      code.append(
        Instruction(operation: .load(.double), dst: .r1, src: .r10, offset: Int16(-8 * (k + 1))))
      code.append(
        Instruction(
          operation: .storeReg(.double), dst: .r6, src: .r1, offset: frameDump + Int16(8 * k)))
    }
    code.append(Instruction(operation: .load(.double), dst: .r0, src: .r6, offset: base))
    code.append(Instruction(operation: .exit))

    // Callees: write 32 bytes of their frame, a body, exit; some recurse forever.
    var starts: [Int] = []
    for k in 0..<calleeCount {
      starts.append(code.count)
      for j in 0..<4 {
        code.append(
          Instruction(
            operation: .storeReg(.double), dst: .r10, src: reg(), offset: Int16(-8 * (j + 1))))
      }
      var calleeForward: [(Int, Int)] = []
      // A callee may call a later callee (or itself when it recurses).
      let later = calleeTags.enumerated().filter { $0.offset > k }.map { $0.element }
      let recurses = rng.chance(10)
      body(
        length: 1 + rng.below(24), frame: 32, callees: later + (recurses ? [calleeTags[k]] : []),
        into: &code, fixups: &fixups, forward: &calleeForward)
      if recurses {
        fixups.append(Fixup(at: code.count, target: calleeTags[k], inImmediate: true))
        code.append(Instruction(operation: .callLocal, src: .r1))
      }
      let exit = code.count
      code.append(Instruction(operation: .exit))
      for (at, skip) in calleeForward {
        fixups.append(Fixup(at: at, target: min(at + 1 + skip, exit), inImmediate: false))
      }
    }

    // Instruction indices to slot offsets (lddw takes two slots).
    var slotOf: [Int] = []
    var s = 0
    for i in code {
      slotOf.append(s)
      s += i.slotCount
    }
    for f in fixups {
      var target = f.target < 0 ? starts[-1 - f.target] : f.target
      // A jump from outside a loop into its body would skip the counter's start.
      for loop in loops where loop.contains(target) && !loop.contains(f.at) {
        target = loop.upperBound + 1
      }
      let delta = slotOf[target] - (slotOf[f.at] + 1)
      if f.inImmediate || code[f.at].operation == .jumpAlways(.w32) {
        code[f.at].imm = Int32(delta)
      } else {
        code[f.at].offset = Int16(delta)
      }
    }
    // Unfixed jumps (a `ja` the loop's `inner` list did not see) jump by 0.
    return BPFProgram(instructions: code, context: context)
  }
}
