/// RV32IM instruction words, one function per format (RISC-V unprivileged
/// ISA, chapter 2 "Base Instruction Formats"). The fuzzer only needs valid
/// words; the differential test checks them against LLVM's assembler.
public enum RV32Word {
  /// R: funct7[31:25] rs2[24:20] rs1[19:15] funct3[14:12] rd[11:7] opcode[6:0]
  public static func r(_ funct7: UInt32, _ funct3: UInt32, rd: Int, rs1: Int, rs2: Int) -> UInt32 {
    funct7 << 25 | UInt32(rs2) << 20 | UInt32(rs1) << 15 | funct3 << 12 | UInt32(rd) << 7 | 0x33
  }

  /// I: imm[11:0][31:20] rs1[19:15] funct3[14:12] rd[11:7] opcode[6:0]
  public static func i(_ opcode: UInt32, _ funct3: UInt32, rd: Int, rs1: Int, imm: Int32)
    -> UInt32
  {
    (UInt32(bitPattern: imm) & 0xFFF) << 20 | UInt32(rs1) << 15 | funct3 << 12 | UInt32(rd) << 7
      | opcode
  }

  /// S: imm[11:5][31:25] rs2[24:20] rs1[19:15] funct3[14:12] imm[4:0][11:7] 0100011
  public static func s(_ funct3: UInt32, rs1: Int, rs2: Int, imm: Int32) -> UInt32 {
    let u = UInt32(bitPattern: imm)
    return (u >> 5 & 0x7F) << 25 | UInt32(rs2) << 20 | UInt32(rs1) << 15 | funct3 << 12
      | (u & 0x1F) << 7 | 0x23
  }

  /// B: imm[12][31] imm[10:5][30:25] rs2 rs1 funct3 imm[4:1][11:8] imm[11][7] 1100011
  public static func b(_ funct3: UInt32, rs1: Int, rs2: Int, offset: Int32) -> UInt32 {
    let u = UInt32(bitPattern: offset)
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3F) << 25 | UInt32(rs2) << 20 | UInt32(rs1) << 15
      | funct3 << 12 | (u >> 1 & 0xF) << 8 | (u >> 11 & 1) << 7 | 0x63
  }

  /// U: imm[31:12] rd[11:7] opcode (0110111 lui, 0010111 auipc)
  public static func u(_ opcode: UInt32, rd: Int, imm20: UInt32) -> UInt32 {
    (imm20 & 0xFFFFF) << 12 | UInt32(rd) << 7 | opcode
  }

  /// J: imm[20][31] imm[10:1][30:21] imm[11][20] imm[19:12][19:12] rd 1101111
  public static func jal(rd: Int, offset: Int32) -> UInt32 {
    let u = UInt32(bitPattern: offset)
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3FF) << 21 | (u >> 11 & 1) << 20
      | (u >> 12 & 0xFF) << 12 | UInt32(rd) << 7 | 0x6F
  }

  public static let ecall: UInt32 = 0x0000_0073
  public static let ebreak: UInt32 = 0x0010_0073
  /// fence iorw, iorw
  public static let fence: UInt32 = 0x0FF0_000F
  /// jalr x0, 0(x1)
  public static let ret: UInt32 = 0x0000_8067
}
