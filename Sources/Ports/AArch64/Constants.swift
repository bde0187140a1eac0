/// How to put a whole constant into a register: the instructions of
/// `mov(_:imm:)`, chosen before anything is emitted.
///
/// One instruction when possible — MOVZ if at most one 16-bit halfword is
/// non-zero, else MOVN if at most one is not 0xFFFF, else ORR from zr with a
/// bitmask immediate (LLVM's `mov` alias prefers them in this order). Else
/// the shorter of MOVZ + a MOVK per other non-zero halfword and MOVN + a MOVK
/// per other non-0xFFFF halfword; when that takes three or four instructions,
/// an ORR of a bitmask immediate that differs from the value in one or two
/// halfwords, followed by MOVKs that put those halfwords right, if shorter.
public struct ConstantPlan: Sendable, Equatable, CustomStringConvertible {
  public enum Step: Sendable, Equatable {
    case movz(UInt16, HalfwordShift)
    case movn(UInt16, HalfwordShift)
    case movk(UInt16, HalfwordShift)
    /// `orr d, zr, #bitmask`, as N:immr:imms.
    case orr(n: UInt32, immr: UInt32, imms: UInt32)
  }

  public let steps: [Step]
  /// The width the steps write: 32 when a 64-bit constant with a zero upper
  /// half is set more cheaply through the W view (a W write zeroes bits
  /// 32–63), else the register's own width.
  public let bits: Int

  /// The plan for a 64-bit register.
  public init(_ value: UInt64) {
    let wide = ConstantPlan(wide: value)
    if value >> 32 == 0 {
      let narrow = ConstantPlan(UInt32(value))
      if narrow.steps.count <= wide.steps.count {
        self = narrow
        return
      }
    }
    self = wide
  }

  /// The plan for a 64-bit register that writes all 64 bits.
  private init(wide value: UInt64) {
    bits = 64
    let halves = (0..<4).map { UInt16(truncatingIfNeeded: value >> UInt64(16 * $0)) }
    let shifts = HalfwordShift.allCases
    let zeros = halves.filter { $0 == 0 }.count
    let ones = halves.filter { $0 == 0xFFFF }.count
    if zeros >= 3 {
      let i = halves.firstIndex { $0 != 0 } ?? 0
      steps = [.movz(halves[i], shifts[i])]
      return
    }
    if ones >= 3 {
      let i = halves.firstIndex { $0 != 0xFFFF } ?? 0
      steps = [.movn(~halves[i], shifts[i])]
      return
    }
    if let bitmask = LogicalImmediate64(value) {
      steps = [.orr(n: bitmask.n, immr: bitmask.immr, imms: bitmask.imms)]
      return
    }
    // MOVZ or MOVN for the first halfword that differs from the background
    // (0 or 0xFFFF), MOVK for the others.
    let background: UInt16 = ones > zeros ? 0xFFFF : 0
    var wide: [Step] = []
    for i in 0..<4 where halves[i] != background {
      if wide.isEmpty {
        wide.append(background == 0 ? .movz(halves[i], shifts[i]) : .movn(~halves[i], shifts[i]))
      } else {
        wide.append(.movk(halves[i], shifts[i]))
      }
    }
    if wide.count > 2, let viaBitmask = Self.bitmaskPlusMovk(halves, limit: wide.count - 1) {
      steps = viaBitmask
    } else {
      steps = wide
    }
  }

  /// The plan for a 32-bit register (bits 32–63 become zero).
  public init(_ value: UInt32) {
    bits = 32
    let low = UInt16(truncatingIfNeeded: value)
    let high = UInt16(truncatingIfNeeded: value >> 16)
    if high == 0 {
      steps = [.movz(low, .lsl0)]
    } else if low == 0 {
      steps = [.movz(high, .lsl16)]
    } else if high == 0xFFFF {
      steps = [.movn(~low, .lsl0)]
    } else if low == 0xFFFF {
      steps = [.movn(~high, .lsl16)]
    } else if let bitmask = LogicalImmediate32(value) {
      steps = [.orr(n: 0, immr: bitmask.immr, imms: bitmask.imms)]
    } else {
      steps = [.movz(low, .lsl0), .movk(high, .lsl16)]
    }
  }

  /// ORR of a bitmask immediate that agrees with `halves` except in one (or,
  /// if `limit` allows, two) halfwords, then MOVK for those: at most `limit`
  /// instructions, or nil. The candidates for a replaced halfword are 0,
  /// 0xFFFF and the other halfwords (which is what makes repeating patterns
  /// with one odd halfword encodable).
  private static func bitmaskPlusMovk(_ halves: [UInt16], limit: Int) -> [Step]? {
    let shifts = HalfwordShift.allCases
    func compose(_ h: [UInt16]) -> UInt64 {
      h.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(16 * $1.offset) }
    }
    let candidates = Set(halves + [0, 0xFFFF])
    let positions: [[Int]] =
      (0..<4).map { [$0] }
      + (limit >= 3 ? [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] : [])
    for replaced in positions where replaced.count + 1 <= limit {
      var trial = halves
      for first in candidates {
        trial[replaced[0]] = first
        for second in replaced.count > 1 ? Array(candidates) : [0] {
          if replaced.count > 1 { trial[replaced[1]] = second }
          guard let bitmask = LogicalImmediate64(compose(trial)) else { continue }
          return [.orr(n: bitmask.n, immr: bitmask.immr, imms: bitmask.imms)]
            + replaced.map { .movk(halves[$0], shifts[$0]) }
        }
      }
    }
    return nil
  }

  /// The 64-bit value the steps leave in the register (a model of the four
  /// instructions, for tests and dumps).
  public var value: UInt64 {
    let mask: UInt64 = bits == 64 ? .max : 0xFFFF_FFFF
    var register: UInt64 = 0
    for step in steps {
      switch step {
      case .movz(let imm, let shift): register = UInt64(imm) << UInt64(shift.bits)
      case .movn(let imm, let shift): register = ~(UInt64(imm) << UInt64(shift.bits))
      case .movk(let imm, let shift):
        register = register & ~(0xFFFF << UInt64(shift.bits)) | UInt64(imm) << UInt64(shift.bits)
      case .orr(let n, let immr, let imms):
        register = decodeBitmask(n: n, immr: immr, imms: imms) ?? 0
      }
      register &= mask
    }
    return register
  }

  public var description: String {
    (bits == 32 ? "(w) " : "")
      + steps.map { step in
        switch step {
        case .movz(let imm, let shift): "movz #0x\(String(imm, radix: 16)), \(shift)"
        case .movn(let imm, let shift): "movn #0x\(String(imm, radix: 16)), \(shift)"
        case .movk(let imm, let shift): "movk #0x\(String(imm, radix: 16)), \(shift)"
        case .orr(let n, let immr, let imms): "orr N=\(n) immr=\(immr) imms=\(imms)"
        }
      }.joined(separator: "; ")
  }
}
