/// How an encoding lays out its operand fields, and so how the decoder
/// extracts them and the disassembler prints them.
///
///     31        25 24   20 19   15 14  12 11        7 6      0
///    ┌────────────┬───────┬───────┬──────┬───────────┬────────┐
///    │   funct7   │  rs2  │  rs1  │funct3│    rd     │ opcode │  R  register
///    │     imm[11:0]      │  rs1  │funct3│    rd     │ opcode │  I  immediate, load, jumpRegister
///    │   funct7   │ shamt │  rs1  │funct3│    rd     │ opcode │     shiftImmediate
///    │ imm[11:5]  │  rs2  │  rs1  │funct3│ imm[4:0]  │ opcode │  S  store
///    │imm[12|10:5]│  rs2  │  rs1  │funct3│imm[4:1|11]│ opcode │  B  branch
///    │            imm[31:12]            │    rd     │ opcode │  U  upper
///    │    imm[20|10:1|11|19:12]         │    rd     │ opcode │  J  jump
///    │ fm │pred│succ│  rs1  │funct3│    rd     │ opcode │     fence
///    └────────────┴───────┴───────┴──────┴───────────┴────────┘
public enum InstructionFormat: Sendable, Equatable {
  /// `rd, rs1, rs2`.
  case register
  /// `rd, rs1, imm` with a sign-extended 12-bit immediate.
  case immediate
  /// `rd, imm(rs1)`: an I-type load.
  case load
  /// `rd, imm(rs1)`: JALR, I-type.
  case jumpRegister
  /// `rd, rs1, shamt`: I-type with a 5-bit shift amount; bits 31:25 are a funct7.
  case shiftImmediate
  /// `rs2, imm(rs1)`: S-type.
  case store
  /// `rs1, rs2, target`: B-type, offset in multiples of 2.
  case branch
  /// `rd, imm[31:12]`: U-type.
  case upper
  /// `rd, target`: J-type, offset in multiples of 2.
  case jump
  /// `pred, succ`: FENCE (fm, rs1 and rd are ignored, as the ISA asks).
  case fence
  /// No operands (ECALL, EBREAK, FENCE.I).
  case system
}
