/// Field extraction from a 32-bit instruction word, one accessor per field
/// of the formats drawn in `InstructionFormat`. Immediates come back
/// sign-extended and scaled as the ISA says.
struct InstructionFields {
  let word: UInt32

  @inline(__always) init(_ word: UInt32) { self.word = word }

  @inline(__always) var rd: Register { Register(field: word >> 7) }
  @inline(__always) var rs1: Register { Register(field: word >> 15) }
  @inline(__always) var rs2: Register { Register(field: word >> 20) }

  /// I-type: imm[11:0] = word[31:20].
  @inline(__always) var iImmediate: Int32 { Int32(bitPattern: word) >> 20 }

  /// Shift amount: word[24:20].
  @inline(__always) var shiftAmount: Int32 { Int32(bitPattern: (word >> 20) & 0x1F) }

  /// S-type: imm[11:5] = word[31:25], imm[4:0] = word[11:7].
  @inline(__always) var sImmediate: Int32 {
    (Int32(bitPattern: word) >> 25) << 5 | Int32(bitPattern: (word >> 7) & 0x1F)
  }

  /// B-type: imm[12] = word[31], imm[11] = word[7], imm[10:5] = word[30:25], imm[4:1] = word[11:8].
  @inline(__always) var bImmediate: Int32 {
    let high = (Int32(bitPattern: word) >> 31) << 12
    let bit11 = Int32(bitPattern: (word >> 7) & 1) << 11
    let bits10to5 = Int32(bitPattern: (word >> 25) & 0x3F) << 5
    let bits4to1 = Int32(bitPattern: (word >> 8) & 0xF) << 1
    return high | bit11 | bits10to5 | bits4to1
  }

  /// U-type: imm[31:12] = word[31:12], low 12 bits zero.
  @inline(__always) var uImmediate: Int32 { Int32(bitPattern: word & 0xFFFF_F000) }

  /// J-type: imm[20] = word[31], imm[19:12] = word[19:12], imm[11] = word[20], imm[10:1] = word[30:21].
  @inline(__always) var jImmediate: Int32 {
    let high = (Int32(bitPattern: word) >> 31) << 20
    let bits19to12 = Int32(bitPattern: word & 0x000F_F000)
    let bit11 = Int32(bitPattern: (word >> 20) & 1) << 11
    let bits10to1 = Int32(bitPattern: (word >> 21) & 0x3FF) << 1
    return high | bits19to12 | bit11 | bits10to1
  }

  /// FENCE: fm = word[31:28], pred = word[27:24], succ = word[23:20].
  @inline(__always) var fenceMode: UInt8 { UInt8(truncatingIfNeeded: word >> 28) }
  @inline(__always) var predecessor: UInt8 { UInt8(truncatingIfNeeded: (word >> 24) & 0xF) }
  @inline(__always) var successor: UInt8 { UInt8(truncatingIfNeeded: (word >> 20) & 0xF) }
}
