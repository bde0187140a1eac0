/// Builds small ELF32 files byte by byte for loader tests: a valid static
/// RV32 executable by default, with every header field overridable so each
/// malformation can be produced on purpose.
struct ELFBuilder {
  struct ProgramHeader {
    var type: UInt32 = 1  // PT_LOAD
    var offset: UInt32 = 0
    var vaddr: UInt32 = 0x10000
    var filesz: UInt32 = 0
    var memsz: UInt32 = 0
    var flags: UInt32 = 5  // R X
    var align: UInt32 = 0x1000
  }

  var magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
  var fileClass: UInt8 = 1
  var data: UInt8 = 1
  var identVersion: UInt8 = 1
  var type: UInt16 = 2
  var machine: UInt16 = 243
  var version: UInt32 = 1
  var entry: UInt32 = 0x10000 + 0x100
  /// `e_flags` (RISC-V: EF_RISCV_RVC = 0x1, float ABI bits 0x6).
  var elfFlags: UInt32 = 0
  var phoff: UInt32 = 52
  var phentsize: UInt16 = 32
  var phnum: UInt16?
  var headers: [ProgramHeader] = []
  /// Bytes placed at file offset 0x100 (after headers and padding).
  var payload: [UInt8] = []

  static let payloadOffset = 0x100

  /// A runnable program: one R+X PT_LOAD at 0x10000 covering the whole file,
  /// the instructions at file offset 0x100 (= entry).
  static func program(_ words: [UInt32], extraMemory: UInt32 = 0) -> ELFBuilder {
    var b = ELFBuilder()
    b.payload = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    let size = UInt32(payloadOffset + b.payload.count)
    b.headers = [ProgramHeader(offset: 0, vaddr: 0x10000, filesz: size, memsz: size + extraMemory)]
    return b
  }

  func bytes() -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 52)
    out.replaceSubrange(0..<min(4, magic.count), with: magic.prefix(4))
    out[4] = fileClass
    out[5] = data
    out[6] = identVersion
    func put16(_ v: UInt16, _ at: Int) {
      out[at] = UInt8(v & 0xff)
      out[at + 1] = UInt8(v >> 8)
    }
    func put32(_ v: UInt32, _ at: Int) {
      for i in 0..<4 { out[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }
    put16(type, 16)
    put16(machine, 18)
    put32(version, 20)
    put32(entry, 24)
    put32(phoff, 28)
    put32(elfFlags, 36)
    put16(52, 40)
    put16(phentsize, 42)
    put16(phnum ?? UInt16(headers.count), 44)
    for h in headers {
      var ph = [UInt8](repeating: 0, count: 32)
      for (i, v) in [h.type, h.offset, h.vaddr, h.vaddr, h.filesz, h.memsz, h.flags, h.align]
        .enumerated()
      {
        for k in 0..<4 { ph[i * 4 + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
      }
      out += ph
    }
    if out.count < Self.payloadOffset {
      out += [UInt8](repeating: 0, count: Self.payloadOffset - out.count)
    }
    out += payload
    return out
  }
}

/// RV32I encodings used by the hand-built programs.
enum RV {
  static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 {
    (UInt32(bitPattern: imm) & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13
  }
  /// `bne rs1, rs2, offset` (B-type; `bne a0, zero, -4` is 0xfe051ee3, from
  /// `echo "bne a0, zero, -4" | llvm-mc --triple=riscv32 --show-encoding`).
  static func bne(_ rs1: UInt32, _ rs2: UInt32, _ offset: Int32) -> UInt32 {
    let i = UInt32(bitPattern: offset)
    return (i >> 12 & 1) << 31 | (i >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12
      | (i >> 1 & 0xf) << 8 | (i >> 11 & 1) << 7 | 0x63
  }
  static let ecall: UInt32 = 0x0000_0073
  static let a0: UInt32 = 10
  static let a7: UInt32 = 17
  /// `exit(status)`: li a0, status; li a7, 93; ecall.
  static func exit(_ status: Int32) -> [UInt32] { [addi(a0, 0, status), addi(a7, 0, 93), ecall] }
}
