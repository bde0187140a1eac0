import KilnCore

/// Branches, PC-relative addresses and literal loads. Forms that take a
/// label emit a zero field and a fixup (Fixups.swift); conditional ones are
/// relaxed when their label is out of reach (Islands.swift).
extension AArch64Assembler {
  // MARK: Encoder functions (the label field is filled in by the fixup)

  /// Unconditional branch (immediate), fixup `b26`:
  ///
  ///     31 30-26 25-0
  ///     op 00101 imm26       op: 0 b, 1 bl
  static func branchImmediate(link: Bool) -> UInt32 { (link ? 1 : 0) << 31 | 0b00101 << 26 }

  /// Conditional branch, fixup `bcond19`:
  ///
  ///     31-25   24 23-5  4 3-0
  ///     0101010 0  imm19 0 cond
  static func branchConditional(_ cond: Condition) -> UInt32 { 0b0101010 << 25 | cond.rawValue }

  /// Compare and branch, fixup `cbz19`:
  ///
  ///     31 30-25  24 23-5  4-0
  ///     sf 011010 op imm19 Rt        op: 0 cbz, 1 cbnz
  static func compareAndBranch(sf: UInt32, nonZero: Bool, rt: UInt32) -> UInt32 {
    sf << 31 | 0b011010 << 25 | (nonZero ? 1 : 0) << 24 | rt
  }

  /// Test bit and branch, fixup `tbz14`:
  ///
  ///     31 30-25  24 23-19 18-5  4-0
  ///     b5 011011 op b40   imm14 Rt    op: 0 tbz, 1 tbnz; bit = b5:b40
  static func testAndBranch(bit: UInt32, nonZero: Bool, rt: UInt32) -> UInt32 {
    (bit >> 5) << 31 | 0b011011 << 25 | (nonZero ? 1 : 0) << 24 | (bit & 31) << 19 | rt
  }

  /// Unconditional branch (register):
  ///
  ///     31-25   24-21 20-16 15-10  9-5 4-0
  ///     1101011 opc   11111 000000 Rn  00000    opc: 0000 br, 0001 blr, 0010 ret
  mutating func branchRegister(opc: UInt32, rn: UInt32) {
    let word = 0b1101011 << 25 | opc << 21 | 0b11111 << 16 | rn << 5
    if opc == 0b0001 { emit(word) } else { emitUnconditional(word) }
  }

  /// PC-relative address (ADR: bytes, fixup `adr21`; ADRP: 4 KiB pages):
  ///
  ///     31 30-29 28-24 23-5  4-0
  ///     op immlo 10000 immhi Rd      op: 0 adr, 1 adrp
  static func pcRelative(page: Bool, imm21: UInt32, rd: UInt32) -> UInt32 {
    (page ? 1 : 0) << 31 | (imm21 & 0b11) << 29 | 0b10000 << 24 | (imm21 >> 2 & 0x7FFFF) << 5 | rd
  }

  /// Load register (literal), fixup `ldr19`:
  ///
  ///     31-30 29-27 26 25-24 23-5  4-0
  ///     opc   011   0  00    imm19 Rt     opc: 00 ldr W, 01 ldr X, 10 ldrsw
  static func loadLiteral(opc: UInt32, rt: UInt32) -> UInt32 { opc << 30 | 0b011 << 27 | rt }

  // MARK: To labels

  /// `b label` (±128 MiB).
  public mutating func b(_ label: Label) {
    emit(Self.branchImmediate(link: false), referring: label, .b26)
    afterUnconditional = true
  }

  /// `bl label`: x30 = the next instruction's address.
  public mutating func bl(_ label: Label) {
    emit(Self.branchImmediate(link: true), referring: label, .b26)
  }

  /// `b.cond label`, relaxed if the label is out of reach (±1 MiB).
  public mutating func b(_ cond: Condition, _ label: Label) {
    let inverse = cond.inverted.map(Self.branchConditional)
    emitConditional(Self.branchConditional(cond), inverse: inverse, to: label, .bcond19)
  }

  /// `cbz t, label`: branch if t is zero (±1 MiB, relaxed beyond).
  public mutating func cbz<R: RegisterOrZR>(_ t: R, _ label: Label) {
    emitConditional(
      Self.compareAndBranch(sf: R.sf, nonZero: false, rt: t.field),
      inverse: Self.compareAndBranch(sf: R.sf, nonZero: true, rt: t.field), to: label, .cbz19)
  }

  /// `cbnz t, label`: branch if t is not zero (±1 MiB, relaxed beyond).
  public mutating func cbnz<R: RegisterOrZR>(_ t: R, _ label: Label) {
    emitConditional(
      Self.compareAndBranch(sf: R.sf, nonZero: true, rt: t.field),
      inverse: Self.compareAndBranch(sf: R.sf, nonZero: false, rt: t.field), to: label, .cbz19)
  }

  /// `tbz t, #bit, label`: branch if bit `bit` of t is 0 (±32 KiB, relaxed beyond).
  public mutating func tbz<R: RegisterOrZR>(_ t: R, _ bit: UInt32, _ label: Label) {
    precondition(bit < R.bits, "bit \(bit) out of range")
    emitConditional(
      Self.testAndBranch(bit: bit, nonZero: false, rt: t.field),
      inverse: Self.testAndBranch(bit: bit, nonZero: true, rt: t.field), to: label, .tbz14)
  }

  /// `tbnz t, #bit, label`: branch if bit `bit` of t is 1 (±32 KiB, relaxed beyond).
  public mutating func tbnz<R: RegisterOrZR>(_ t: R, _ bit: UInt32, _ label: Label) {
    precondition(bit < R.bits, "bit \(bit) out of range")
    emitConditional(
      Self.testAndBranch(bit: bit, nonZero: true, rt: t.field),
      inverse: Self.testAndBranch(bit: bit, nonZero: false, rt: t.field), to: label, .tbz14)
  }

  /// `adr d, label`: d = the label's address (±1 MiB).
  public mutating func adr(_ d: XReg, _ label: Label) {
    emit(Self.pcRelative(page: false, imm21: 0, rd: d.field), referring: label, .adr21)
  }

  /// `ldr t, label`: 32 or 64 bits from the literal at `label` (±1 MiB).
  public mutating func ldr<R: RegisterOrZR>(_ t: R, literal label: Label) {
    emit(Self.loadLiteral(opc: R.sf, rt: t.field), referring: label, .ldr19)
  }

  /// `ldrsw xt, label`: the 32-bit literal at `label`, sign-extended.
  public mutating func ldrsw(_ t: XReg, literal label: Label) {
    emit(Self.loadLiteral(opc: 0b10, rt: t.field), referring: label, .ldr19)
  }

  // MARK: To absolute host addresses

  /// `b target`, to the absolute host address `target` (computed from
  /// `buffer.baseAddress`). Returns the buffer offset of the instruction, to
  /// re-patch it later with `branchInstruction(site:target:)`. Throws
  /// `.branchOutOfRange` if `target` is not within ±128 MiB, emitting nothing.
  @discardableResult
  public mutating func b(absolute target: UInt) throws(CodeGenError) -> Int {
    keepTogether(words: 1)
    let word = try branchInstruction(site: buffer.address, target: target)
    return emitUnconditional(word)
  }

  /// `b.cond target` to the absolute host address `target` if it is within
  /// ±1 MiB; emits nothing and returns false if not (the caller then
  /// branches over a `b`).
  public mutating func b(_ cond: Condition, absolute target: UInt) -> Bool {
    emitShort(Self.branchConditional(cond), .bcond19, absolute: target)
  }

  /// `cbz t, target` to an absolute host address, if within ±1 MiB (else
  /// nothing, and false).
  public mutating func cbz<R: RegisterOrZR>(_ t: R, absolute target: UInt) -> Bool {
    emitShort(
      Self.compareAndBranch(sf: R.sf, nonZero: false, rt: t.field), .cbz19, absolute: target)
  }

  /// `cbnz t, target` to an absolute host address, if within ±1 MiB (else
  /// nothing, and false).
  public mutating func cbnz<R: RegisterOrZR>(_ t: R, absolute target: UInt) -> Bool {
    emitShort(
      Self.compareAndBranch(sf: R.sf, nonZero: true, rt: t.field), .cbz19, absolute: target)
  }

  /// `word` (a short branch of `kind` with a zero field) to `target`, if it reaches.
  private mutating func emitShort(_ word: UInt32, _ kind: AArch64Fixup, absolute target: UInt)
    -> Bool
  {
    keepTogether(words: 1)
    let distance = Int(
      truncatingIfNeeded: Int64(bitPattern: UInt64(target) &- UInt64(buffer.address)))
    guard kind.reaches(distance) else { return false }
    _ = emit(kind.insert(distance, into: word))
    return true
  }

  /// `bl target`, to an absolute host address (see `b(absolute:)`).
  @discardableResult
  public mutating func bl(absolute target: UInt) throws(CodeGenError) -> Int {
    keepTogether(words: 1)
    return emit(try branchInstruction(site: buffer.address, target: target, link: true))
  }

  /// `adr d, target`: d = the absolute host address `target` (±1 MiB).
  public mutating func adr(_ d: XReg, absolute target: UInt) throws(CodeGenError) {
    keepTogether(words: 1)
    let distance = Int(
      truncatingIfNeeded: Int64(bitPattern: UInt64(target) &- UInt64(buffer.address)))
    try AArch64Fixup.adr21.check(distance)
    emit(Self.pcRelative(page: false, imm21: UInt32(truncatingIfNeeded: distance), rd: d.field))
  }

  /// `adrp d, target`: d = the 4 KiB page of the absolute host address
  /// `target` (±4 GiB of this instruction's page); add the low 12 bits
  /// with `add d, d, #(target & 0xFFF)` or a load offset.
  public mutating func adrp(_ d: XReg, absolute target: UInt) throws(CodeGenError) {
    keepTogether(words: 1)
    let pages = Int64(bitPattern: UInt64(target >> 12) &- UInt64(buffer.address >> 12))
    guard fitsSigned(pages, bits: 21) else {
      throw .branchOutOfRange(kind: "adrp", distance: Int(truncatingIfNeeded: pages) << 12)
    }
    emit(Self.pcRelative(page: true, imm21: UInt32(truncatingIfNeeded: pages), rd: d.field))
  }

  // MARK: Registers

  /// `br n`: jump to the address in n.
  public mutating func br(_ n: XReg) { branchRegister(opc: 0b0000, rn: n.field) }

  /// `blr n`: call the address in n (x30 = return address).
  public mutating func blr(_ n: XReg) { branchRegister(opc: 0b0001, rn: n.field) }

  /// `ret {n}`: return to the address in n (x30 by default).
  public mutating func ret(_ n: XReg = .x30) { branchRegister(opc: 0b0010, rn: n.field) }

  // MARK: System

  /// `nop`.
  public mutating func nop() { emit(0xD503_201F) }

  /// `brk #imm16`: a breakpoint exception (SIGTRAP on Linux).
  ///
  ///     31-21        20-5  4-0
  ///     11010100001  imm16 00000
  public mutating func brk(_ imm16: UInt16) { emit(0b110_10100001 << 21 | UInt32(imm16) << 5) }
}
