import ArgumentParser
import EBPF
import EBPFObject
import KilnHosts
import KilnPort

/// A program read by `kiln bpf`, with what listings and runs need.
struct BPFInput {
  enum Kind: String {
    case elf = "ELF object"
    case raw = "raw instructions"
    case assembly = "assembly"
  }

  var kind: Kind
  var program: Program
  /// Regions of the object's data sections (empty for raw and assembly input).
  var memoryMap = MemoryMap()
  /// Function names by their first slot (ELF input).
  var labels: [Int: String] = [:]
  /// Notes by slot: what an `lddw` of a global points to (ELF input).
  var notes: [Int: String] = [:]
  /// Owns the data sections the program's pointers point into.
  var object: LoadedObject? = nil

  /// The kind of a file: ELF if it starts with `\x7fELF` or ends in `.o`;
  /// assembly for `.s`/`.asm`; raw little-endian instruction bytes otherwise.
  static func kind(of path: String, _ bytes: [UInt8]) -> Kind {
    if bytes.starts(with: [0x7f, 0x45, 0x4c, 0x46]) || path.hasSuffix(".o") { return .elf }
    if path.hasSuffix(".s") || path.hasSuffix(".asm") { return .assembly }
    return .raw
  }

  /// Reads and decodes `path`; on failure reports one line and exits with status 1.
  static func load(
    _ path: String, function: String?, section: String?, memory: SectionMemory = .heap
  ) throws -> BPFInput {
    let bytes = try readProgram(path, limit: InputLimit.bpf)
    let kind = kind(of: path, bytes)
    if kind != .elf, function != nil || section != nil {
      throw ValidationError(
        "--function and --section choose a program in an ELF object, not in \(kind.rawValue)")
    }
    do {
      return try decode(bytes, kind: kind, function: function, section: section, memory: memory)
    } catch {
      report("\(path): \(error)")
      throw ExitCode(KilnExit.loadFailure)
    }
  }

  static func decode(
    _ bytes: [UInt8], kind: Kind, function: String?, section: String?,
    memory: SectionMemory = .heap
  )
    throws(BPFLoadError)
    -> BPFInput
  {
    switch kind {
    case .raw:
      do { return BPFInput(kind: kind, program: try Program(bytes: bytes)) } catch {
        throw .program(error)
      }
    case .assembly:
      let text = String(decoding: bytes, as: UTF8.self)
      do { return BPFInput(kind: kind, program: try Program(assembly: text)) } catch {
        throw .program(error)
      }
    case .elf:
      let loaded: LoadedObject
      do {
        loaded = try EBPFObjectFile(bytes: bytes).load(
          function: function, section: section, memory: memory)
      } catch {
        throw .object(error)
      }
      var input = BPFInput(
        kind: kind, program: loaded.program, memoryMap: loaded.memoryMap, object: loaded)
      for f in loaded.functions { input.labels[f.index] = f.name }
      for r in loaded.dataReferences {
        input.notes[r.index] = "\(r.section)+0x\(String(r.offset, radix: 16))"
      }
      return input
    }
  }

  /// The program as a listing, `   3: jeq %r1, 5, +2`, with function labels and notes.
  var listing: String {
    var out = ""
    for (i, inst) in program.instructions.enumerated() where inst.operation != .loadImm64Tail {
      if let label = labels[i] { out += "\(label):\n" }
      var line = String(i)
      line =
        String(repeating: " ", count: max(0, 4 - line.count)) + line + ": "
        + Disassembler.format(inst)
      if let note = notes[i] { line += "  ; \(note)" }
      out += line + "\n"
    }
    return out
  }
}

/// Why a program file could not be turned into a program.
enum BPFLoadError: Error, CustomStringConvertible {
  case program(EBPFError)
  case object(EBPFObjectError)

  var description: String {
    switch self {
    case .program(let e): e.description
    case .object(let e): e.description
    }
  }
}

/// Bytes from hex text: pairs of hex digits, whitespace anywhere ("00  01  ",
/// "0a0b"). Nil if a character is not a hex digit or the digits are odd in number.
func bytesFromHex<S: StringProtocol>(_ text: S) -> [UInt8]? {
  var out: [UInt8] = []
  var high: UInt8? = nil
  for c in text.utf8 {
    let v: UInt8
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
    default: return nil
    }
    if let h = high {
      out.append(h << 4 | v)
      high = nil
    } else {
      high = v
    }
  }
  return high == nil ? out : nil
}
