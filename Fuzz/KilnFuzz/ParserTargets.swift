import EBPF
import EBPFJIT
import EBPFObject
import KilnHosts
import LinuxUser

/// The parsers and the checker take any bytes: each input gives a value or
/// a typed error, never a crash; what they accept must keep the promises
/// checked here (a broken promise is a ``Divergence``).
public enum ParserTargets {
  /// RV32 ELF loader: segments inside the file and the address limit, in order.
  public static func elf(_ bytes: [UInt8]) -> Divergence? {
    let elf: ELFExecutable
    do { elf = try ELFExecutable(parsing: bytes) } catch { return nil }
    _ = elf.symbols()
    for (i, s) in elf.segments.enumerated() {
      var broken: String?
      if s.fileSize > s.memorySize { broken = "file size above memory size" }
      if UInt64(s.fileOffset) + UInt64(s.fileSize) > UInt64(bytes.count) {
        broken = "file bytes past the end of the file"
      }
      if s.end > UInt64(AddressSpace.segmentLimit) { broken = "segment past the address limit" }
      if i > 0 && elf.segments[i - 1].end > UInt64(s.virtualAddress) {
        broken = "segments overlap or are out of order"
      }
      if let broken {
        return Divergence(engines: "ELF loader", detail: "segment \(i): \(broken)")
      }
    }
    return nil
  }

  /// eBPF object loader: parse, link the last function, run it briefly
  /// (bounds-checked) on the interpreter.
  public static func object(_ bytes: [UInt8]) -> Divergence? {
    let object: EBPFObjectFile
    do { object = try EBPFObjectFile(bytes: bytes) } catch { return nil }
    for f in object.functions where f.offset % 8 != 0 || f.size % 8 != 0 {
      return Divergence(engines: "object loader", detail: "function \(f.name) not slot-aligned")
    }
    guard let loaded = try? object.load(function: object.functions.last?.name) else { return nil }
    let options = ExecutionOptions(instructionBudget: 2000)
    if let vm = try? Interpreter(
      program: loaded.program, helpers: BPFProgram.helpers, options: options,
      memoryMap: loaded.memoryMap)
    {
      var memory: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
      _ = try? vm.run(memory: &memory)
    }
    return nil
  }

  /// eBPF assembler: text → program; what it accepts must disassemble to
  /// text that assembles to the same slots.
  public static func assembler(_ bytes: [UInt8]) -> Divergence? {
    let source = String(decoding: bytes, as: UTF8.self)
    let program: Program
    do { program = try Program(assembly: source) } catch { return nil }
    let text = Disassembler.text(program)
    do {
      let again = try Program(assembly: text)
      guard again == program else {
        return Divergence(
          engines: "assembler round trip",
          detail: "source:\n\(source)\ndisassembly:\n\(text)\nassembles to different slots")
      }
    } catch {
      return Divergence(
        engines: "assembler round trip",
        detail: "source:\n\(source)\ndisassembly:\n\(text)\ndoes not assemble: \(error)")
    }
    return nil
  }

  /// Checker: raw slots. An accepted program runs on the interpreter (with a
  /// budget) and, when it cannot run long (no backward jump, no local call),
  /// on the native JIT: typed errors only, never a crash.
  public static func checker(_ bytes: [UInt8]) -> Divergence? {
    let usable = bytes.prefix(bytes.count / 8 * 8)
    guard let program = try? Program(bytes: Array(usable)) else { return nil }
    guard (try? Checker(helpers: BPFProgram.helpers).check(program)) != nil else { return nil }
    var context = [UInt8](repeating: 0x5A, count: 64)
    let options = ExecutionOptions(instructionBudget: 10_000)
    if let vm = try? Interpreter(program: program, helpers: BPFProgram.helpers, options: options) {
      _ = try? vm.run(memory: &context)
    }
    guard let host = Hosts.native, isShort(program) else { return nil }
    if let jit = try? makeJITProgram(host: host, program: program, helpers: BPFProgram.helpers) {
      _ = try? jit.run(memory: &context)
    }
    return nil
  }

  /// No backward jump and no local call: the run is at most one pass.
  static func isShort(_ program: Program) -> Bool {
    for raw in program.slots {
      let cls = raw.opcode & 7
      guard cls == 5 || cls == 6 else { continue }  // JMP, JMP32
      let op = raw.opcode & 0xF0
      if op == 0x80 && raw.src == 1 { return false }  // call local
      if op == 0x90 || op == 0x80 || op == 0xE0 { continue }  // exit, call, callx
      if raw.offset < 0 { return false }
      if op == 0x00 && cls == 6 && raw.imm < 0 { return false }  // gotol
    }
    return true
  }
}
