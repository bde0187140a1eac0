/// A random RV32IM function: initial registers, data bytes and code words.
///
/// It runs from ``base`` with `ra` = the VM's return address and ends with
/// `ret`, or stops with an error every engine must report alike: an illegal
/// word, `ebreak` (with `haltOnBreakpoint`), a misaligned `jalr`, or a
/// syscall that fails. `s11` points into the data area, which loads and
/// stores reach across a page boundary; other loads read anywhere. Branches
/// go forward, or back in a bounded loop whose counter nothing else writes.
public struct RV32Program: Sendable {
  public var registers: [UInt32]  // x0...x31
  public var data: [UInt8]
  public var words: [UInt32]
  /// Instructions per block for the JIT (many boundaries when small).
  public var blockSize: Int

  public static let base: UInt32 = 0x1000
  public static let dataBase: UInt32 = 0x40FC0
  public static let dataSize = 160

  public var code: [UInt8] {
    words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
  }
}

public struct RV32Generator {
  var rng: FuzzRandom

  public init(bytes: [UInt8]) { rng = FuzzRandom(bytes: bytes) }

  static let interesting: [UInt32] = [
    0, 1, 0xFFFF_FFFF, 2, 31, 32, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF, 0x8000, 0xFFFF_F800, 2047,
    4095, 4096,
  ]
  /// (funct7, funct3) of add … and, then the M extension.
  static let rOps: [(UInt32, UInt32)] =
    [(0, 0), (0x20, 0), (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0x20, 5), (0, 6), (0, 7)]
    + (0..<8).map { (1, UInt32($0)) }
  static let iOps: [UInt32] = [0, 2, 3, 4, 6, 7]
  static let loads: [UInt32] = [0, 1, 2, 4, 5]
  static let branches: [UInt32] = [0, 1, 4, 5, 6, 7]

  /// Registers a random instruction may write: not x0, ra, s11 (x27) or `counter`.
  mutating func rd(except counter: Int? = nil) -> Int {
    while true {
      let r = 2 + rng.below(30)
      if r != 27 && r != counter { return r }
    }
  }

  mutating func rs() -> Int { rng.below(32) }

  /// Instructions of one straight or forward-branching run; `words` gets them.
  mutating func body(length: Int, counter: Int?, into words: inout [UInt32]) {
    var pending: [(at: Int, target: Int)] = []
    // Loop bodies and jalr words: forward branches land after them.
    var loops: [ClosedRange<Int>] = []
    for _ in 0..<length {
      let d = rd(except: counter)
      switch rng.below(30) {
      case 0..<10:
        let (f7, f3) = rng.pick(Self.rOps)
        words.append(RV32Word.r(f7, f3, rd: d, rs1: rs(), rs2: rs()))
      case 10, 11:
        words.append(
          RV32Word.i(
            0x13, rng.pick(Self.iOps), rd: d, rs1: rs(), imm: Int32(rng.below(4096)) - 2048))
      case 12:
        let (f3, f7): (UInt32, Int32) = rng.pick([(1, 0), (5, 0), (5, 0x400)])
        words.append(RV32Word.i(0x13, f3, rd: d, rs1: rs(), imm: f7 | Int32(rng.below(32))))
      case 13, 14, 15:
        words.append(
          RV32Word.i(0x03, rng.pick(Self.loads), rd: d, rs1: 27, imm: Int32(rng.below(64)) - 32))
      case 16, 17, 18:
        words.append(
          RV32Word.s(UInt32(rng.below(3)), rs1: 27, rs2: rs(), imm: Int32(rng.below(64)) - 32))
      case 19:
        words.append(RV32Word.u(rng.pick([0x37, 0x17]), rd: d, imm20: UInt32(rng.below(1 << 20))))
      case 20, 21, 22:
        pending.append((words.count, words.count + 1 + rng.below(4)))
        words.append(RV32Word.b(rng.pick(Self.branches), rs1: rs(), rs2: rs(), offset: 0))
      case 23:
        // jal forward, linking into a register.
        pending.append((words.count, words.count + 1 + rng.below(3)))
        words.append(RV32Word.jal(rd: rng.chance(50) ? 0 : d, offset: 0))
      case 24:
        // auipc t, 0; jalr rd, t + 4k (+2 now and then: misaligned).
        let t = rd(except: counter)
        let skip = Int32(2 + rng.below(3))
        let misaligned: Int32 = rng.chance(5) ? 2 : 0
        words.append(RV32Word.u(0x17, rd: t, imm20: 0))
        // No branch may land on the jalr: t would not hold its address.
        loops.append(words.count...words.count)
        words.append(
          RV32Word.i(0x67, 0, rd: rd(except: counter), rs1: t, imm: 4 * skip + misaligned))
        for _ in 2..<skip { words.append(RV32Word.i(0x13, 0, rd: d, rs1: d, imm: 1)) }
      case 25:
        // A load from anywhere (unmapped pages read as zero… or fail alike).
        words.append(RV32Word.i(0x03, rng.pick(Self.loads), rd: d, rs1: rs(), imm: 0))
      case 26:
        // The syscall handler writes a0: not while a0 counts a loop.
        guard counter != 10 else { continue }
        words.append(RV32Word.ecall)
      case 27:
        words.append(rng.chance(90) ? RV32Word.fence : RV32Word.ebreak)
      case 28:
        // Any word: mostly illegal, sometimes another instruction; but no
        // jump, store (which could loop or rewrite code) or system
        // instruction (ecall, which writes a0), and no write to
        // ra, s11 or the loop counter.
        guard rng.chance(15) else { continue }
        let w = UInt32(truncatingIfNeeded: rng.next())
        let rdField = Int(w >> 7 & 31)
        guard ![0x63, 0x6F, 0x67, 0x23, 0x73].contains(w & 0x7F), rdField != 1, rdField != 27,
          rdField != counter
        else { continue }
        words.append(w)
      default:
        guard counter == nil else { continue }
        // Bounded loop: c = 1...5; body; c -= 1; bnez c, top.
        let c = rd()
        words.append(RV32Word.i(0x13, 0, rd: c, rs1: 0, imm: Int32(1 + rng.below(5))))
        let top = words.count
        body(length: 1 + rng.below(6), counter: c, into: &words)
        words.append(RV32Word.i(0x13, 0, rd: c, rs1: c, imm: -1))
        let at = words.count
        words.append(RV32Word.b(1, rs1: c, rs2: 0, offset: Int32(4 * (top - at))))
        loops.append(top...at)
      }
    }
    // Forward targets stay inside this run (its end is the next instruction).
    let end = words.count
    for (at, target) in pending {
      // Not into a loop's body, which would skip the counter's start.
      var target = min(target, end)
      for loop in loops where loop.contains(target) { target = loop.upperBound + 1 }
      let offset = Int32(4 * (target - at))
      if words[at] & 0x7F == 0x63 {
        words[at] |= RV32Word.b(0, rs1: 0, rs2: 0, offset: offset)
      } else {
        words[at] |= RV32Word.jal(rd: 0, offset: offset)
      }
    }
  }

  public mutating func program() -> RV32Program {
    var registers = [UInt32](repeating: 0, count: 32)
    for r in 2..<32 {
      registers[r] =
        rng.below(3) == 0 ? rng.pick(Self.interesting) : UInt32(truncatingIfNeeded: rng.next())
    }
    registers[27] = 0x40FF0 + UInt32(rng.below(64))
    let data = (0..<RV32Program.dataSize).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    var words: [UInt32] = []
    body(length: 1 + rng.below(120), counter: nil, into: &words)
    words.append(RV32Word.ret)
    return RV32Program(
      registers: registers, data: data, words: words, blockSize: rng.pick([1, 4, 16, 64]))
  }
}
