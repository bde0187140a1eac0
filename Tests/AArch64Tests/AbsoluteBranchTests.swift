import Testing

@testable import AArch64Port

/// The short branches to absolute host addresses that block code uses for
/// jumps to compiled blocks (`b.cond`, `cbz`, `cbnz` with `absolute:`):
/// the same words as LLVM's for every golden `b.cond`/`cbz`/`cbnz` row
/// (GoldenTables.swift), and nothing emitted (false) one word past the reach.
@Suite struct AbsoluteBranchTests {
  static let base: UInt = 0x10_0000_0000

  static var rows: [Golden] {
    goldenBranches.filter {
      switch $0.form {
      case .bcond, .cbz: true
      default: false
      }
    }
  }

  /// Emits `form` (a `.bcond` or `.cbz` row) to `base + distance`; the
  /// word, or nil if the emitter refused.
  static func emit(_ form: Form, distance: Int) -> [UInt8]? {
    var a = AArch64Assembler(baseAddress: base)
    let target = UInt(bitPattern: Int(bitPattern: base) + distance)
    let emitted: Bool
    switch form {
    case .bcond(let c, _):
      emitted = a.b(c, absolute: target)
    case .cbz(let op, let width, let t, _):
      switch (op, width) {
      case (.cbz, .w): emitted = a.cbz(WReg(field: UInt32(t)), absolute: target)
      case (.cbnz, .w): emitted = a.cbnz(WReg(field: UInt32(t)), absolute: target)
      case (.cbz, .x): emitted = a.cbz(XReg(field: UInt32(t)), absolute: target)
      case (.cbnz, .x): emitted = a.cbnz(XReg(field: UInt32(t)), absolute: target)
      }
    default:
      return nil
    }
    return emitted ? a.buffer.bytes : (a.buffer.bytes.isEmpty ? nil : [0xBA, 0xD0])
  }

  static func distance(_ form: Form) -> Int? {
    switch form {
    case .bcond(_, let d), .cbz(_, _, _, let d): d
    default: nil
    }
  }

  @Test func tableHasBothDirectionsAndBothLimits() {
    let distances = Set(Self.rows.compactMap { Self.distance($0.form) })
    #expect(distances.contains(1_048_572) && distances.contains(-1_048_576))
    #expect(Self.rows.count >= 10)
  }

  @Test(arguments: rows) func sameWordAsLLVM(_ row: Golden) throws {
    let d = try #require(Self.distance(row.form))
    #expect(Self.emit(row.form, distance: d) == row.bytes, "\(row.asm)")
  }

  @Test(arguments: rows) func outOfReachEmitsNothing(_ row: Golden) {
    #expect(Self.emit(row.form, distance: 1_048_576) == nil, "\(row.asm) +1 MiB")
    #expect(Self.emit(row.form, distance: -1_048_580) == nil, "\(row.asm) −1 MiB − 4")
  }
}
