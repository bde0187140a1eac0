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

  /// `[66] [REX] [0F] opcode ModRM [SIB] [disp]` with ModRM.reg = `reg`
  /// (a register number or a `/digit` opcode extension).
  mutating func emitModRM(
    w: Bool, operandSize16: Bool = false, map: OpcodeMap = .primary, opcode: UInt8,
    reg: UInt8, rm: RMOperand, forceREX: Bool = false
  ) {
    if operandSize16 { emit8(0x66) }
    switch rm {
    case .reg(let r):
      emitREX(w: w, r: reg >> 3, x: 0, b: r.high1, force: forceREX)
    case .mem(let m):
      emitREX(w: w, r: reg >> 3, x: m.index?.high1 ?? 0, b: m.base.high1, force: forceREX)
    }
    if map == .escape0F { emit8(0x0F) }
    emit8(opcode)
    switch rm {
    case .reg(let r):
      emit8(0b11 << 6 | (reg & 0b111) << 3 | r.low3)
    case .mem(let m):
      emitAddress(reg: reg, m)
    }
  }

  /// ModRM, SIB and displacement for a memory operand.
  private mutating func emitAddress(reg: UInt8, _ m: Memory) {
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
    emit8(mod << 6 | (reg & 0b111) << 3 | rm)
    if needsSIB {
      let index: UInt8 = m.index?.low3 ?? 0b100
      emit8(m.scale.rawValue << 6 | index << 3 | m.base.low3)
    }
    switch mod {
    case 0b01: emit8(UInt8(truncatingIfNeeded: m.displacement))
    case 0b10: emit32(UInt32(bitPattern: m.displacement))
    default: break
    }
  }

  /// True if `value` fits a sign-extended imm8.
  static func fitsImm8(_ value: Int32) -> Bool {
    Int32(Int8(truncatingIfNeeded: value)) == value
  }
}
