/// An address of a single-register load or store. The base is an X register
/// or sp; an index register is never sp.
public enum Address: Sendable, Hashable {
  /// `[base, #bytes]`: unsigned, a multiple of the access size (LDR/STR
  /// unsigned offset).
  case offset(XRegSP, ScaledOffset)
  /// `[base, #bytes]` with a signed unscaled offset −256…255 (LDUR/STUR).
  case unscaled(XRegSP, SImm9)
  /// `[base, #bytes]!`: base += bytes, then access at the new base.
  case preIndex(XRegSP, SImm9)
  /// `[base], #bytes`: access at base, then base += bytes.
  case postIndex(XRegSP, SImm9)
  /// `[base, xm{, lsl #log2(size)}]`: the index shifted by the access size
  /// if `scaled`.
  case register(XRegSP, XReg, scaled: Bool)
  /// `[base, wm, uxtw|sxtw {#log2(size)}]`: a 32-bit index zero- or
  /// sign-extended, then shifted by the access size if `scaled`.
  case extended(XRegSP, WReg, IndexExtend, scaled: Bool)

  /// `[base]`.
  public static func base(_ base: XRegSP) -> Address { .offset(base, 0) }
}

/// How a 32-bit index register is extended (`option` 010 or 110).
public enum IndexExtend: UInt32, Sendable, Hashable, CustomStringConvertible {
  case uxtw = 0b010
  case sxtw = 0b110

  public var description: String { self == .uxtw ? "uxtw" : "sxtw" }
}

/// The single-register loads and stores, for every `Address` form.
///
///     size opc  instruction                 size opc  instruction
///     00   00   strb                        10   00   str (W)
///     00   01   ldrb   (zero-extends)       10   01   ldr (W, zero-extends)
///     00   10   ldrsb  (to X)               10   10   ldrsw
///     00   11   ldrsb  (to W)               11   00   str (X)
///     01   00/01/10/11  strh, ldrh, ldrsh (X), ldrsh (W)   11   01   ldr (X)
extension AArch64Assembler {
  // MARK: Encoder functions

  /// Load/store register (unsigned immediate):
  ///
  ///     31-30 29-27 26 25-24 23-22 21-10 9-5 4-0
  ///     size  111   0  01    opc   imm12 Rn  Rt      Rn: 31 = sp; Rt: 31 = zr
  mutating func loadStoreUnsigned(
    size: AccessSize, opc: UInt32, imm12: UInt32, rn: UInt32, rt: UInt32
  ) {
    emit(size.rawValue << 30 | 0b111 << 27 | 0b01 << 24 | opc << 22 | imm12 << 10 | rn << 5 | rt)
  }

  /// Load/store register (unscaled immediate, post-indexed, pre-indexed):
  ///
  ///     31-30 29-27 26 25-24 23-22 21 20-12 11-10 9-5 4-0
  ///     size  111   0  00    opc   0  imm9  idx   Rn  Rt    idx: 00 unscaled, 01 post, 11 pre
  mutating func loadStoreImm9(
    size: AccessSize, opc: UInt32, imm9: SImm9, idx: UInt32, rn: UInt32, rt: UInt32
  ) {
    // Writeback to the register being loaded or stored is UNPREDICTABLE.
    precondition(idx == 0b00 || rn != rt || rn == 31, "writeback base is also the data register")
    emit(
      size.rawValue << 30 | 0b111 << 27 | opc << 22 | imm9.field << 12 | idx << 10 | rn << 5 | rt)
  }

  /// Load/store register (register offset):
  ///
  ///     31-30 29-27 26 25-24 23-22 21 20-16 15-13  12 11-10 9-5 4-0
  ///     size  111   0  00    opc   1  Rm    option S  10    Rn  Rt
  ///
  ///     option 011: lsl (X index), 010: uxtw, 110: sxtw; S: shift by log2(size)
  mutating func loadStoreRegister(
    size: AccessSize, opc: UInt32, rm: UInt32, option: UInt32, s: UInt32, rn: UInt32, rt: UInt32
  ) {
    emit(
      size.rawValue << 30 | 0b111 << 27 | opc << 22 | 1 << 21 | rm << 16 | option << 13 | s << 12
        | 0b10 << 10 | rn << 5 | rt)
  }

  /// One of the forms above, chosen by `address`.
  mutating func loadStore(_ size: AccessSize, opc: UInt32, _ rt: UInt32, _ address: Address) {
    switch address {
    case .offset(let base, let offset):
      guard let imm12 = ScaledOffset.imm12(offset.bytes, size) else {
        preconditionFailure(
          "offset \(offset.bytes) is not encodable for a \(size.bytes)-byte access")
      }
      loadStoreUnsigned(size: size, opc: opc, imm12: imm12, rn: base.field, rt: rt)
    case .unscaled(let base, let imm):
      loadStoreImm9(size: size, opc: opc, imm9: imm, idx: 0b00, rn: base.field, rt: rt)
    case .postIndex(let base, let imm):
      loadStoreImm9(size: size, opc: opc, imm9: imm, idx: 0b01, rn: base.field, rt: rt)
    case .preIndex(let base, let imm):
      loadStoreImm9(size: size, opc: opc, imm9: imm, idx: 0b11, rn: base.field, rt: rt)
    case .register(let base, let index, let scaled):
      loadStoreRegister(
        size: size, opc: opc, rm: index.field, option: 0b011, s: scaled ? 1 : 0, rn: base.field,
        rt: rt)
    case .extended(let base, let index, let extend, let scaled):
      loadStoreRegister(
        size: size, opc: opc, rm: index.field, option: extend.rawValue, s: scaled ? 1 : 0,
        rn: base.field, rt: rt)
    }
  }

  // MARK: Loads and stores

  /// `ldr t, address`: 32 bits (zero-extended) into a W register, 64 into an X register.
  public mutating func ldr<R: RegisterOrZR>(_ t: R, _ address: Address) {
    loadStore(R.sf == 1 ? .doubleword : .word, opc: 0b01, t.field, address)
  }

  /// `str t, address`: 32 or 64 bits.
  public mutating func str<R: RegisterOrZR>(_ t: R, _ address: Address) {
    loadStore(R.sf == 1 ? .doubleword : .word, opc: 0b00, t.field, address)
  }

  /// `ldrb wt, address`: one byte, zero-extended.
  public mutating func ldrb(_ t: WReg, _ address: Address) {
    loadStore(.byte, opc: 0b01, t.field, address)
  }

  /// `strb wt, address`: the low byte.
  public mutating func strb(_ t: WReg, _ address: Address) {
    loadStore(.byte, opc: 0b00, t.field, address)
  }

  /// `ldrh wt, address`: a halfword, zero-extended.
  public mutating func ldrh(_ t: WReg, _ address: Address) {
    loadStore(.halfword, opc: 0b01, t.field, address)
  }

  /// `strh wt, address`: the low halfword.
  public mutating func strh(_ t: WReg, _ address: Address) {
    loadStore(.halfword, opc: 0b00, t.field, address)
  }

  /// `ldrsb t, address`: one byte, sign-extended to 32 or 64 bits.
  public mutating func ldrsb<R: RegisterOrZR>(_ t: R, _ address: Address) {
    loadStore(.byte, opc: R.sf == 1 ? 0b10 : 0b11, t.field, address)
  }

  /// `ldrsh t, address`: a halfword, sign-extended to 32 or 64 bits.
  public mutating func ldrsh<R: RegisterOrZR>(_ t: R, _ address: Address) {
    loadStore(.halfword, opc: R.sf == 1 ? 0b10 : 0b11, t.field, address)
  }

  /// `ldrsw xt, address`: a word, sign-extended to 64 bits.
  public mutating func ldrsw(_ t: XReg, _ address: Address) {
    loadStore(.word, opc: 0b10, t.field, address)
  }
}
