import KilnCore
import Testing

@testable import AArch64Port

/// One instruction form with its operands, as the golden tables describe it.
/// Registers are field values (0–31); each form knows whether field 31 is
/// zr or sp, exactly as the assembler method it calls does. `emit` calls
/// the assembler method under test.
enum Form: Sendable {
  case addSub(AddSubOp, Width, Int, Int, Int, Shift)
  case addSubExtended(AddSubOp, Width, Int, Int, Int, Extend, UInt32)
  case addSubExtendedX(AddSubOp, Int, Int, Int, Extend, UInt32)
  case cmpExtended(Width, Int, Int, Extend, UInt32)
  case addSubImm(AddSubOp, Width, Int, Int, Int, Bool)
  case cmp(Width, Int, Int, Shift)
  case cmn(Width, Int, Int, Shift)
  case neg(Width, Int, Int, Shift)
  case negs(Width, Int, Int, Shift)
  case cmpImm(Width, Int, Int, Bool)
  case cmnImm(Width, Int, Int, Bool)
  case movSP(Width, Int, Int)
  case logical(LogicOp, Width, Int, Int, Int, Shift)
  case tst(Width, Int, Int, Shift)
  case mvn(Width, Int, Int, Shift)
  case mov(Width, Int, Int)
  case logicalImm(LogicImmOp, Width, Int, Int, UInt64)
  case tstImm(Width, Int, UInt64)
  case moveWide(MoveOp, Width, Int, UInt16, HalfwordShift)
  case shiftV(ShiftVOp, Width, Int, Int, Int)
  case shiftImm(ShiftImmOp, Width, Int, Int, UInt32)
  case bitfield(BitfieldOp, Width, Int, Int, UInt32, UInt32)
  case extract(ExtractOp, Width, Int, Int, UInt32, UInt32)
  case extr(Width, Int, Int, Int, UInt32)
  case extend(ExtendOp, Width, Int, Int)
  case mulAdd(MulAddOp, Width, Int, Int, Int, Int)
  case mul3(Mul3Op, Width, Int, Int, Int)
  case mulLong(MulLongOp, Int, Int, Int, Int)
  case mulHigh(MulHighOp, Int, Int, Int)
  case condSelect(CondSelectOp, Width, Int, Int, Int, Condition)
  case condSet(CondSetOp, Width, Int, Condition)
  case condUnary(CondUnaryOp, Width, Int, Int, Condition)
  case unary(UnaryOp, Width, Int, Int)
  case loadStore(LoadStoreOp, Int, Address)
  case pair(PairOp, Int, Int, PairMode, Int, Int)
  case loadExclusive(LoadExclusiveOp, Width, Int, Int)
  case storeExclusive(StoreExclusiveOp, Width, Int, Int, Int)
  case atomic(AtomicOp, MemoryOrdering, Width, Int, Int, Int)
  case cas(MemoryOrdering, Width, Int, Int, Int)
  case dmb(Barrier)
  case branch(link: Bool, Int)
  case bcond(Condition, Int)
  case cbz(CbzOp, Width, Int, Int)
  case tbz(TbzOp, Width, Int, UInt32, Int)
  case adr(Int, Int)
  case adrp(Int, Int)
  case literal(LiteralOp, Int, Int)
  case branchRegister(BranchRegOp, Int)
  case nop
  case brk(UInt16)

  /// The width of the data registers (`.x` for forms that have none).
  var width: Width {
    switch self {
    case .addSub(_, let w, _, _, _, _), .addSubExtended(_, let w, _, _, _, _, _),
      .cmpExtended(let w, _, _, _, _), .addSubImm(_, let w, _, _, _, _), .cmp(let w, _, _, _),
      .cmn(let w, _, _, _), .neg(let w, _, _, _), .negs(let w, _, _, _), .cmpImm(let w, _, _, _),
      .cmnImm(let w, _, _, _), .movSP(let w, _, _), .logical(_, let w, _, _, _, _),
      .tst(let w, _, _, _), .mvn(let w, _, _, _), .mov(let w, _, _),
      .logicalImm(_, let w, _, _, _), .tstImm(let w, _, _), .moveWide(_, let w, _, _, _),
      .shiftV(_, let w, _, _, _), .shiftImm(_, let w, _, _, _), .bitfield(_, let w, _, _, _, _),
      .extract(_, let w, _, _, _, _), .extr(let w, _, _, _, _), .extend(_, let w, _, _),
      .mulAdd(_, let w, _, _, _, _), .mul3(_, let w, _, _, _),
      .condSelect(_, let w, _, _, _, _), .condSet(_, let w, _, _), .condUnary(_, let w, _, _, _),
      .unary(_, let w, _, _), .loadExclusive(_, let w, _, _), .storeExclusive(_, let w, _, _, _),
      .atomic(_, _, let w, _, _, _), .cas(_, let w, _, _, _), .cbz(_, let w, _, _),
      .tbz(_, let w, _, _, _):
      w
    default: .x
    }
  }

  /// The bytes Kiln's encoder produces for this form alone. Label forms are
  /// emitted to an unbound label and their fixup applied for a target at
  /// the row's distance; `adrp` is emitted at a page-aligned base address.
  var encoded: [UInt8] {
    get throws {
      var a = AArch64Assembler(baseAddress: 0x10_0000_0000)
      switch width {
      case .w: try emit(into: &a, as: WReg.self)
      case .x: try emit(into: &a, as: XReg.self)
      }
      return a.buffer.bytes
    }
  }

  private func emit<R: RegisterOrZR>(into a: inout AArch64Assembler, as _: R.Type) throws {
    func r(_ i: Int) -> R { R(field: UInt32(i)) }
    func s(_ i: Int) -> R.SP { R.SP(field: UInt32(i)) }
    func x(_ i: Int) -> XReg { XReg(field: UInt32(i)) }
    func xs(_ i: Int) -> XRegSP { XRegSP(field: UInt32(i)) }
    func w(_ i: Int) -> WReg { WReg(field: UInt32(i)) }
    func imm(_ v: Int, _ sh: Bool) -> AddSubImmediate { AddSubImmediate(imm12: v, lsl12: sh)! }
    /// Emits with a fresh label, then patches the field for `distance`.
    func label(
      _ kind: AArch64Fixup, _ distance: Int, _ body: (inout AArch64Assembler, Label) -> Void
    )
      throws
    {
      let l = a.newLabel()
      body(&a, l)
      var buffer = a.buffer
      try kind.apply(to: &buffer, site: 0, target: distance)
      a.buffer = buffer
    }
    switch self {
    case .addSub(let op, _, let d, let n, let m, let sh):
      switch op {
      case .add: a.add(r(d), r(n), r(m), sh)
      case .adds: a.adds(r(d), r(n), r(m), sh)
      case .sub: a.sub(r(d), r(n), r(m), sh)
      case .subs: a.subs(r(d), r(n), r(m), sh)
      }
    case .addSubExtended(let op, _, let d, let n, let m, let e, let amt):
      switch op {
      case .add: a.add(s(d), s(n), w(m), e, amt)
      case .adds: a.adds(r(d), s(n), w(m), e, amt)
      case .sub: a.sub(s(d), s(n), w(m), e, amt)
      case .subs: a.subs(r(d), s(n), w(m), e, amt)
      }
    case .addSubExtendedX(let op, let d, let n, let m, let e, let amt):
      if op == .add { a.add(xs(d), xs(n), x(m), e, amt) } else { a.sub(xs(d), xs(n), x(m), e, amt) }
    case .cmpExtended(_, let n, let m, let e, let amt): a.cmp(s(n), w(m), e, amt)
    case .addSubImm(let op, _, let d, let n, let v, let sh):
      switch op {
      case .add: a.add(s(d), s(n), imm(v, sh))
      case .adds: a.adds(r(d), s(n), imm(v, sh))
      case .sub: a.sub(s(d), s(n), imm(v, sh))
      case .subs: a.subs(r(d), s(n), imm(v, sh))
      }
    case .cmp(_, let n, let m, let sh): a.cmp(r(n), r(m), sh)
    case .cmn(_, let n, let m, let sh): a.cmn(r(n), r(m), sh)
    case .neg(_, let d, let m, let sh): a.neg(r(d), r(m), sh)
    case .negs(_, let d, let m, let sh): a.negs(r(d), r(m), sh)
    case .cmpImm(_, let n, let v, let sh): a.cmp(s(n), imm(v, sh))
    case .cmnImm(_, let n, let v, let sh): a.cmn(s(n), imm(v, sh))
    case .movSP(_, let d, let n): a.movSP(s(d), s(n))
    case .logical(let op, _, let d, let n, let m, let sh):
      switch op {
      case .and: a.and(r(d), r(n), r(m), sh)
      case .bic: a.bic(r(d), r(n), r(m), sh)
      case .orr: a.orr(r(d), r(n), r(m), sh)
      case .orn: a.orn(r(d), r(n), r(m), sh)
      case .eor: a.eor(r(d), r(n), r(m), sh)
      case .eon: a.eon(r(d), r(n), r(m), sh)
      case .ands: a.ands(r(d), r(n), r(m), sh)
      case .bics: a.bics(r(d), r(n), r(m), sh)
      }
    case .tst(_, let n, let m, let sh): a.tst(r(n), r(m), sh)
    case .mvn(_, let d, let m, let sh): a.mvn(r(d), r(m), sh)
    case .mov(_, let d, let m): a.mov(r(d), r(m))
    case .logicalImm(let op, _, let d, let n, let v):
      let bitmask = try #require(tableBitmask(v, R.Bitmask.self), "0x\(String(v, radix: 16))")
      switch op {
      case .and: a.and(s(d), r(n), bitmask)
      case .orr: a.orr(s(d), r(n), bitmask)
      case .eor: a.eor(s(d), r(n), bitmask)
      case .ands: a.ands(r(d), r(n), bitmask)
      }
    case .tstImm(_, let n, let v):
      a.tst(r(n), try #require(tableBitmask(v, R.Bitmask.self), "0x\(String(v, radix: 16))"))
    case .moveWide(let op, _, let d, let v, let hw):
      switch op {
      case .movz: a.movz(r(d), v, hw)
      case .movn: a.movn(r(d), v, hw)
      case .movk: a.movk(r(d), v, hw)
      }
    case .shiftV(let op, _, let d, let n, let m):
      switch op {
      case .lslv: a.lslv(r(d), r(n), r(m))
      case .lsrv: a.lsrv(r(d), r(n), r(m))
      case .asrv: a.asrv(r(d), r(n), r(m))
      case .rorv: a.rorv(r(d), r(n), r(m))
      }
    case .shiftImm(let op, _, let d, let n, let amt):
      switch op {
      case .lsl: a.lsl(r(d), r(n), amt)
      case .lsr: a.lsr(r(d), r(n), amt)
      case .asr: a.asr(r(d), r(n), amt)
      case .ror: a.ror(r(d), r(n), amt)
      }
    case .bitfield(let op, _, let d, let n, let immr, let imms):
      if op == .ubfm {
        a.ubfm(r(d), r(n), immr: immr, imms: imms)
      } else {
        a.sbfm(r(d), r(n), immr: immr, imms: imms)
      }
    case .extract(let op, _, let d, let n, let lsb, let width):
      if op == .ubfx {
        a.ubfx(r(d), r(n), lsb: lsb, width: width)
      } else {
        a.sbfx(r(d), r(n), lsb: lsb, width: width)
      }
    case .extr(_, let d, let n, let m, let lsb): a.extr(r(d), r(n), r(m), lsb: lsb)
    case .extend(let op, _, let d, let n):
      switch op {
      case .uxtb: a.uxtb(w(d), w(n))
      case .uxth: a.uxth(w(d), w(n))
      case .sxtb: a.sxtb(r(d), w(n))
      case .sxth: a.sxth(r(d), w(n))
      case .sxtw: a.sxtw(x(d), w(n))
      }
    case .mulAdd(let op, _, let d, let n, let m, let acc):
      if op == .madd { a.madd(r(d), r(n), r(m), r(acc)) } else { a.msub(r(d), r(n), r(m), r(acc)) }
    case .mul3(let op, _, let d, let n, let m):
      switch op {
      case .mul: a.mul(r(d), r(n), r(m))
      case .mneg: a.mneg(r(d), r(n), r(m))
      case .udiv: a.udiv(r(d), r(n), r(m))
      case .sdiv: a.sdiv(r(d), r(n), r(m))
      }
    case .mulLong(let op, let d, let n, let m, let acc):
      if op == .smaddl {
        a.smaddl(x(d), w(n), w(m), x(acc))
      } else {
        a.umaddl(x(d), w(n), w(m), x(acc))
      }
    case .mulHigh(let op, let d, let n, let m):
      switch op {
      case .smull: a.smull(x(d), w(n), w(m))
      case .umull: a.umull(x(d), w(n), w(m))
      case .smulh: a.smulh(x(d), x(n), x(m))
      case .umulh: a.umulh(x(d), x(n), x(m))
      }
    case .condSelect(let op, _, let d, let n, let m, let c):
      switch op {
      case .csel: a.csel(r(d), r(n), r(m), c)
      case .csinc: a.csinc(r(d), r(n), r(m), c)
      case .csinv: a.csinv(r(d), r(n), r(m), c)
      case .csneg: a.csneg(r(d), r(n), r(m), c)
      }
    case .condSet(let op, _, let d, let c):
      if op == .cset { a.cset(r(d), c) } else { a.csetm(r(d), c) }
    case .condUnary(let op, _, let d, let n, let c):
      if op == .cinc { a.cinc(r(d), r(n), c) } else { a.cneg(r(d), r(n), c) }
    case .unary(let op, _, let d, let n):
      switch op {
      case .clz: a.clz(r(d), r(n))
      case .rbit: a.rbit(r(d), r(n))
      case .rev: a.rev(r(d), r(n))
      case .rev16: a.rev16(r(d), r(n))
      case .rev32: a.rev32(x(d), x(n))
      }
    case .loadStore(let op, let t, let address):
      switch op {
      case .ldrW: a.ldr(w(t), address)
      case .ldrX: a.ldr(x(t), address)
      case .strW: a.str(w(t), address)
      case .strX: a.str(x(t), address)
      case .ldrb: a.ldrb(w(t), address)
      case .strb: a.strb(w(t), address)
      case .ldrh: a.ldrh(w(t), address)
      case .strh: a.strh(w(t), address)
      case .ldrsbW: a.ldrsb(w(t), address)
      case .ldrsbX: a.ldrsb(x(t), address)
      case .ldrshW: a.ldrsh(w(t), address)
      case .ldrshX: a.ldrsh(x(t), address)
      case .ldrsw: a.ldrsw(x(t), address)
      }
    case .pair(let op, let t1, let t2, let mode, let base, let offset):
      let o = try #require(PairOffset(exactly: offset))
      let address: PairAddress =
        switch mode {
        case .offset: .offset(xs(base), o)
        case .preIndex: .preIndex(xs(base), o)
        case .postIndex: .postIndex(xs(base), o)
        }
      if op == .ldp { a.ldp(x(t1), x(t2), address) } else { a.stp(x(t1), x(t2), address) }
    case .loadExclusive(let op, _, let t, let n):
      if op == .ldxr { a.ldxr(r(t), xs(n)) } else { a.ldaxr(r(t), xs(n)) }
    case .storeExclusive(let op, _, let st, let t, let n):
      if op == .stxr { a.stxr(w(st), r(t), xs(n)) } else { a.stlxr(w(st), r(t), xs(n)) }
    case .atomic(let op, let order, _, let rs, let t, let n):
      a.atomic(op, r(rs), r(t), xs(n), order)
    case .cas(let order, _, let rs, let t, let n): a.cas(r(rs), r(t), xs(n), order)
    case .dmb(let option): a.dmb(option)
    case .branch(let link, let distance):
      try label(.b26, distance) { link ? $0.bl($1) : $0.b($1) }
    case .bcond(let c, let distance): try label(.bcond19, distance) { $0.b(c, $1) }
    case .cbz(let op, _, let t, let distance):
      try label(.cbz19, distance) { op == .cbz ? $0.cbz(r(t), $1) : $0.cbnz(r(t), $1) }
    case .tbz(let op, _, let t, let bit, let distance):
      try label(.tbz14, distance) { op == .tbz ? $0.tbz(r(t), bit, $1) : $0.tbnz(r(t), bit, $1) }
    case .adr(let d, let distance): try label(.adr21, distance) { $0.adr(x(d), $1) }
    case .adrp(let d, let pages):
      let base = a.buffer.baseAddress
      try a.adrp(x(d), absolute: UInt(bitPattern: Int(bitPattern: base) + pages * 4096 + 0x123))
    case .literal(let op, let t, let distance):
      try label(.ldr19, distance) {
        switch op {
        case .w: $0.ldr(w(t), literal: $1)
        case .x: $0.ldr(x(t), literal: $1)
        case .sw: $0.ldrsw(x(t), literal: $1)
        }
      }
    case .branchRegister(let op, let n):
      switch op {
      case .br: a.br(x(n))
      case .blr: a.blr(x(n))
      case .ret: a.ret(x(n))
      }
    case .nop: a.nop()
    case .brk(let v): a.brk(v)
    }
  }
}

enum Width: Sendable { case w, x }
enum AddSubOp: Sendable { case add, adds, sub, subs }
enum LogicOp: Sendable { case and, bic, orr, orn, eor, eon, ands, bics }
enum LogicImmOp: Sendable { case and, orr, eor, ands }
enum MoveOp: Sendable { case movz, movn, movk }
enum ShiftVOp: Sendable { case lslv, lsrv, asrv, rorv }
enum ShiftImmOp: Sendable { case lsl, lsr, asr, ror }
enum BitfieldOp: Sendable { case ubfm, sbfm }
enum ExtractOp: Sendable { case ubfx, sbfx }
enum ExtendOp: Sendable { case uxtb, uxth, sxtb, sxth, sxtw }
enum MulAddOp: Sendable { case madd, msub }
enum Mul3Op: Sendable { case mul, mneg, udiv, sdiv }
enum MulLongOp: Sendable { case smaddl, umaddl }
enum MulHighOp: Sendable { case smull, umull, smulh, umulh }
enum CondSelectOp: Sendable { case csel, csinc, csinv, csneg }
enum CondSetOp: Sendable { case cset, csetm }
enum CondUnaryOp: Sendable { case cinc, cneg }
enum UnaryOp: Sendable { case clz, rbit, rev, rev16, rev32 }
enum LoadStoreOp: Sendable {
  case ldrW, ldrX, strW, strX, ldrb, strb, ldrh, strh, ldrsbW, ldrsbX, ldrshW, ldrshX, ldrsw
}
enum PairOp: Sendable { case ldp, stp }
enum PairMode: Sendable { case offset, preIndex, postIndex }
enum LoadExclusiveOp: Sendable { case ldxr, ldaxr }
enum StoreExclusiveOp: Sendable { case stxr, stlxr }
enum CbzOp: Sendable { case cbz, cbnz }
enum TbzOp: Sendable { case tbz, tbnz }
enum LiteralOp: Sendable { case w, x, sw }
enum BranchRegOp: Sendable { case br, blr, ret }

/// Builds a bitmask immediate of either width from a table's UInt64.
protocol TableBitmask: BitmaskImmediate {
  static func make(_ value: UInt64) -> Self?
}
extension LogicalImmediate64: TableBitmask {
  static func make(_ value: UInt64) -> Self? { Self(value) }
}
extension LogicalImmediate32: TableBitmask {
  static func make(_ value: UInt64) -> Self? {
    value >> 32 == 0 ? Self(UInt32(value)) : nil
  }
}

/// `value` as a bitmask immediate of type `B`, or nil if not encodable.
func tableBitmask<B: BitmaskImmediate>(_ value: UInt64, _: B.Type) -> B? {
  (B.self as? any TableBitmask.Type)?.make(value) as? B
}

/// A golden row: a form, the exact text LLVM assembled, and LLVM's word.
struct Golden: Sendable, CustomTestStringConvertible {
  let form: Form
  let asm: String
  let word: UInt32

  init(_ form: Form, _ asm: String, _ word: UInt32) {
    self.form = form
    self.asm = asm
    self.word = word
  }

  var bytes: [UInt8] { [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
  var testDescription: String { asm }
}

/// Hex for failure messages: `8b020020` for the little-endian bytes 20 00 02 8b.
func hex(_ bytes: [UInt8]) -> String {
  stride(from: 0, to: bytes.count, by: 4).map { i in
    bytes[i..<min(i + 4, bytes.count)].reversed().map {
      ($0 < 16 ? "0" : "") + String($0, radix: 16)
    }
    .joined()
  }.joined(separator: " ")
}
