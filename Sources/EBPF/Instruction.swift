/// A decoded instruction: its meaning from the table plus validated fields.
///
/// One `Instruction` per slot: `lddw` occupies its slot with the full 64-bit
/// immediate, and the following slot holds a `.loadImm64Tail` marker, so that
/// jump offsets (counted in slots) index the array directly.
public struct Instruction: Hashable, Sendable {
  public var operation: Operation
  /// `dst` register (`.r0` when the form does not use it).
  public var dst: Register
  /// `src` register (`.r0` when the form does not use it).
  public var src: Register
  public var offset: Int16
  public var imm: Int32
  /// `lddw`: the whole 64-bit immediate (low word from this slot, high from the next).
  /// Otherwise `imm` sign-extended to 64 bits, the value 64-bit operations use.
  public var imm64: UInt64

  public init(
    operation: Operation, dst: Register = .r0, src: Register = .r0, offset: Int16 = 0,
    imm: Int32 = 0, imm64: UInt64? = nil
  ) {
    self.operation = operation
    self.dst = dst
    self.src = src
    self.offset = offset
    self.imm = imm
    self.imm64 = imm64 ?? UInt64(bitPattern: Int64(imm))
  }

  /// The register this instruction writes, if any (for the `r10` rule).
  public var writtenRegister: Register? {
    switch operation {
    case .alu, .byteSwap, .loadImm64, .load, .loadSigned: dst
    case .atomic(let a, _):
      a == .cmpxchg ? .r0 : (a.writesSource ? src : nil)
    case .packetLoad, .callHelper, .callLocal, .callBTF, .callRegister: .r0
    default: nil
    }
  }

  /// Number of slots the instruction takes (2 for `lddw`).
  public var slotCount: Int {
    if case .loadImm64 = operation { return 2 }
    return 1
  }
}
