import EBPF

/// Everything that can go wrong loading an eBPF ELF object. Each case names
/// where: the section (by name, or `#index` before names are known), the byte
/// offset in it or in the file, the symbol.
public enum EBPFObjectError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file does not start with `\x7fELF`.
  case notELF
  /// `EI_CLASS` is not ELFCLASS64 (2).
  case unsupportedClass(UInt8)
  /// `EI_DATA` is not ELFDATA2LSB (1).
  case unsupportedByteOrder(UInt8)
  /// `e_machine` is not EM_BPF (247).
  case wrongMachine(UInt16)
  /// `e_type` is not ET_REL (1): only relocatable objects (`clang -c`) are loaded.
  case notRelocatable(type: UInt16)
  /// A header or table extends past the end of the file.
  case truncated(what: String, offset: UInt64, size: UInt64, fileSize: Int)
  /// A structural field is out of range (entry sizes, counts, indices, alignment).
  case malformed(what: String, reason: String)
  /// A symbol table entry that cannot be used.
  case badSymbol(index: Int, name: String, reason: String)
  /// A relocation that is malformed or cannot be applied where it is.
  case badRelocation(section: String, offset: UInt64, symbol: String, reason: String)
  /// A relocation type this loader does not implement.
  case unknownRelocation(type: UInt32, section: String, offset: UInt64, symbol: String)
  /// A relocation against a symbol the object does not define (extern
  /// variables, functions, kfuncs, maps declared elsewhere).
  case undefinedSymbol(name: String, section: String, offset: UInt64)
  /// A reference to a map (sections `maps`, `.maps`): maps are not supported.
  case mapsUnsupported(symbol: String, mapSection: String, section: String, offset: UInt64)
  /// A reference the engines cannot represent (function pointers, 32-bit
  /// absolute addresses, symbols in sections that are not data).
  case unsupportedReference(symbol: String, section: String, offset: UInt64, reason: String)
  /// `--function NAME` names no function; `candidates` are the functions there are.
  case noSuchFunction(name: String, candidates: [String])
  /// `--section NAME` names no executable section; `candidates` are the program sections.
  case noSuchSection(name: String, candidates: [String])
  /// No function was named and several could be the program.
  case ambiguousProgram(candidates: [String])
  /// The object defines no function and no program section to run.
  case noFunctions
  /// The linked code does not decode as eBPF.
  case invalidProgram(function: String, error: EBPFError)
  /// The ``SectionMemory`` had no `size` bytes for the copy of `section`.
  case sectionAllocationFailed(section: String, size: Int)

  public var description: String {
    switch self {
    case .notELF:
      return "not an ELF file (no \\x7fELF magic)"
    case .unsupportedClass(let c):
      return "unsupported ELF class \(c) (expected 2, ELFCLASS64)"
    case .unsupportedByteOrder(let d):
      return "unsupported ELF data encoding \(d) (expected 1, little-endian)"
    case .wrongMachine(let m):
      return "ELF machine \(m) is not eBPF (expected 247, EM_BPF)"
    case .notRelocatable(let t):
      return "ELF type \(t) is not a relocatable object (expected 1, ET_REL, as from clang -c)"
    case .truncated(let what, let offset, let size, let fileSize):
      return
        "truncated ELF: \(what) at file offset 0x\(hex(offset)) (\(size) bytes) extends past the end of the \(fileSize)-byte file"
    case .malformed(let what, let reason):
      return "malformed ELF: \(what): \(reason)"
    case .badSymbol(let index, let name, let reason):
      return "bad symbol #\(index) '\(name)': \(reason)"
    case .badRelocation(let section, let offset, let symbol, let reason):
      return "bad relocation at \(section)+0x\(hex(offset)) against '\(symbol)': \(reason)"
    case .unknownRelocation(let type, let section, let offset, let symbol):
      return
        "unsupported relocation type \(type) at \(section)+0x\(hex(offset)) against '\(symbol)'"
    case .undefinedSymbol(let name, let section, let offset):
      return
        "undefined symbol '\(name)' referenced at \(section)+0x\(hex(offset)) (extern variables, functions and maps are not supported)"
    case .mapsUnsupported(let symbol, let mapSection, let section, let offset):
      return
        "map '\(symbol)' in section \(mapSection) referenced at \(section)+0x\(hex(offset)): maps are not supported"
    case .unsupportedReference(let symbol, let section, let offset, let reason):
      return "unsupported reference to '\(symbol)' at \(section)+0x\(hex(offset)): \(reason)"
    case .noSuchFunction(let name, let candidates):
      return "no function '\(name)' in the object" + list(candidates, "functions")
    case .noSuchSection(let name, let candidates):
      return "no program section '\(name)' in the object" + list(candidates, "program sections")
    case .ambiguousProgram(let candidates):
      return "several functions could be the program; choose one by name"
        + list(candidates, "candidates")
    case .noFunctions:
      return "the object defines no function to run"
    case .invalidProgram(let function, let error):
      return "function '\(function)': \(error)"
    case .sectionAllocationFailed(let section, let size):
      return "no \(size) bytes of memory for the copy of section \(section)"
    }
  }
}

private func list(_ names: [String], _ what: String) -> String {
  names.isEmpty ? " (there are none)" : " (\(what): \(names.joined(separator: ", ")))"
}

func hex(_ v: UInt64) -> String { String(v, radix: 16) }
