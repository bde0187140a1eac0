// The shared operand encoder: optional prefixes, REX, opcode, ModRM, SIB and
// displacement. Every instruction form with a ModRM byte goes through
// `emitModRM`; forms without one (`op+r`, `jmp rel32`, …) emit their bytes
// directly.
//
//     REX    0100 W R X B     W: 64-bit operand; R, X, B: bit 3 of reg, index, base/rm
//     ModRM  mod(2) reg(3) rm(3)
//     SIB    scale(2) index(3) base(3)
//
// The special cases, as LLVM encodes them:
// * rm = 100 (rsp, r12) means "a SIB byte follows", so these bases always
//   get a SIB byte; SIB.index = 100 without REX.X means "no index".
// * mod = 00 with rm = 101 means RIP-relative and with SIB.base = 101 "disp32,
//   no base", so rbp and r13 as bases always take a displacement (a zero
//   disp8 at least).
// * mod = 00: no displacement; 01: disp8 (sign-extended); 10: disp32.

/// The r/m operand of a ModRM-encoded instruction.
enum RMOperand {
  case reg(GPR)
  case mem(Memory)
}

/// The opcode map: one-byte opcodes, or two-byte opcodes after a `0F` escape.
enum OpcodeMap {
  case primary
  case escape0F
}

extension X86Assembler {
  /// Emits a REX prefix `0100WRXB` if any bit is set or `force` is true
  /// (byte registers spl/bpl/sil/dil need an empty REX).
  mutating func emitREX(w: Bool, r: UInt8, x: UInt8, b: UInt8, force: Bool = false) {
    let rex: UInt8 = 0b0100_0000 | (w ? 1 : 0) << 3 | r << 2 | x << 1 | b
    if rex != 0b0100_0000 || force { emit8(rex) }
  }

  /// `[66] [REX] [0F] opcode ModRM [SIB] [disp] [imm]` with ModRM.reg =
  /// `reg` (a register number or a `/digit` opcode extension) and the
  /// `immediateBytes` (0, 1 or 4) low bytes of `immediate` last. The bytes
  /// are collected in registers and written to the buffer at once.
  mutating func emitModRM(
    w: Bool, operandSize16: Bool = false, map: OpcodeMap = .primary, opcode: UInt8,
    reg: UInt8, rm: RMOperand, forceREX: Bool = false, immediate: UInt32 = 0,
    immediateBytes: Int = 0
  ) {
    var bytes = InstructionBytes()
    if operandSize16 { bytes.add8(0x66) }
    let x: UInt8
    let b: UInt8
    switch rm {
    case .reg(let r):
      x = 0
      b = r.high1
    case .mem(let m):
      x = m.index?.high1 ?? 0
      b = m.base.high1
    }
    let rex: UInt8 = 0b0100_0000 | (w ? 1 : 0) << 3 | (reg >> 3) << 2 | x << 1 | b
    if rex != 0b0100_0000 || forceREX { bytes.add8(rex) }
    if map == .escape0F { bytes.add8(0x0F) }
    bytes.add8(opcode)
    switch rm {
    case .reg(let r):
      bytes.add8(0b11 << 6 | (reg & 0b111) << 3 | r.low3)
    case .mem(let m):
      Self.address(reg: reg, m, into: &bytes)
    }
    switch immediateBytes {
    case 1: bytes.add8(UInt8(truncatingIfNeeded: immediate))
    case 4: bytes.add32(immediate)
    default: break
    }
    emit(bytes)
  }

  /// ModRM, SIB and displacement for a memory operand.
  private static func address(reg: UInt8, _ m: Memory, into bytes: inout InstructionBytes) {
    let needsSIB = m.index != nil || m.base.low3 == 0b100
    let mod: UInt8
    if m.displacement == 0 && m.base.low3 != 0b101 {
      mod = 0b00
    } else if Int32(Int8(truncatingIfNeeded: m.displacement)) == m.displacement {
      mod = 0b01
    } else {
      mod = 0b10
    }
    let rm: UInt8 = needsSIB ? 0b100 : m.base.low3
    bytes.add8(mod << 6 | (reg & 0b111) << 3 | rm)
    if needsSIB {
      let index: UInt8 = m.index?.low3 ?? 0b100
      bytes.add8(m.scale.rawValue << 6 | index << 3 | m.base.low3)
    }
    switch mod {
    case 0b01: bytes.add8(UInt8(truncatingIfNeeded: m.displacement))
    case 0b10: bytes.add32(UInt32(bitPattern: m.displacement))
    default: break
    }
  }

  /// True if `value` fits a sign-extended imm8.
  static func fitsImm8(_ value: Int32) -> Bool {
    Int32(Int8(truncatingIfNeeded: value)) == value
  }
}

/// The bytes of one instruction (at most 16; x86-64 allows 15), collected
/// in two words so that the encoder writes them with one
/// `CodeBuffer.emit(_:_:count:)` instead of a call per byte.
struct InstructionBytes {
  var lo: UInt64 = 0
  var hi: UInt64 = 0
  var count = 0

  mutating func add8(_ byte: UInt8) {
    if count < 8 {
      lo |= UInt64(byte) &<< UInt64(count &* 8)
    } else {
      hi |= UInt64(byte) &<< UInt64((count &- 8) &* 8)
    }
    count &+= 1
  }

  mutating func add32(_ value: UInt32) {
    let v = UInt64(value)
    if count >= 8 {
      hi |= v &<< UInt64((count &- 8) &* 8)
    } else {
      lo |= v &<< UInt64(count &* 8)  // the bytes that fit; the rest go to hi
      if count > 4 { hi |= v &>> UInt64((8 &- count) &* 8) }
    }
    count &+= 4
  }
}
