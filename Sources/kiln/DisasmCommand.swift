import ArgumentParser
import LinuxUser
import RV32

extension Kiln {
  /// `kiln disasm`: list the executable segments of an RV32 ELF file.
  struct Disasm: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Disassemble the executable segments of a static RV32 ELF file.")

    @Argument(help: "The program (a static RV32 ELF executable).")
    var program: String

    func run() throws {
      let bytes = try readProgram(program, limit: InputLimit.executable)
      let elf: ELFExecutable
      do {
        // Listing needs no guest memory: allow any size.
        elf = try ELFExecutable(parsing: bytes, limits: .init(memoryBytes: 1 << 32))
      } catch {
        report("\(program): \(error)")
        throw ExitCode(KilnExit.loadFailure)
      }
      let symbols = elf.symbols()
      var out = "\(program): entry 0x\(hex8(elf.entry))\n"
      for segment in elf.segments where segment.isExecutable {
        let flags =
          (segment.isReadable ? "r" : "-") + (segment.isWritable ? "w" : "-") + "x"
        out +=
          "\nsegment \(segment.index) at 0x\(hex8(segment.virtualAddress)), \(segment.fileSize) bytes, \(flags)\n"
        let code = elf.fileBytes(of: segment)
        var offset = 0
        while offset + 4 <= code.count {
          let pc = segment.virtualAddress &+ UInt32(offset)
          if let name = symbols[pc] { out += "\n\(hex8(pc)) <\(name)>:\n" }
          let at = code.startIndex + offset
          let word = (0..<4).reduce(UInt32(0)) { $0 | UInt32(code[at + $1]) << (8 * $1) }
          out += "  \(hex8(pc)): \(hex8(word))  \(disassemble(word, pc: pc))\n"
          offset += 4
        }
        if offset < code.count {
          let rest = code[(code.startIndex + offset)...].map { byteHex($0) }.joined(separator: " ")
          out += "  \(hex8(segment.virtualAddress &+ UInt32(offset))): \(rest)  (trailing bytes)\n"
        }
      }
      try writeStdout(out)
    }
  }
}
