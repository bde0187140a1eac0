/// ELF64 constants used by the loader (System V gABI; BPF relocations from
/// the kernel's Documentation/bpf/llvm_reloc.rst).
enum ELF {
  static let headerSize: UInt64 = 64
  static let sectionHeaderSize: UInt64 = 64
  static let symbolSize: UInt64 = 24
  static let relSize: UInt64 = 16
  static let relaSize: UInt64 = 24

  static let classELF64: UInt8 = 2
  static let dataLittleEndian: UInt8 = 1
  static let typeRelocatable: UInt16 = 1
  static let machineBPF: UInt16 = 247

  // Section types.
  static let shtNull: UInt32 = 0
  static let shtProgbits: UInt32 = 1
  static let shtSymtab: UInt32 = 2
  static let shtStrtab: UInt32 = 3
  static let shtRela: UInt32 = 4
  static let shtNobits: UInt32 = 8
  static let shtRel: UInt32 = 9

  // Section flags.
  static let shfWrite: UInt64 = 0x1
  static let shfAlloc: UInt64 = 0x2
  static let shfExecinstr: UInt64 = 0x4

  // Special section indices.
  static let shnUndef: UInt16 = 0
  static let shnLoreserve: UInt16 = 0xff00
  static let shnAbs: UInt16 = 0xfff1
  static let shnCommon: UInt16 = 0xfff2
  static let shnXindex: UInt16 = 0xffff

  // Symbol types and bindings.
  static let sttNotype: UInt8 = 0
  static let sttObject: UInt8 = 1
  static let sttFunc: UInt8 = 2
  static let sttSection: UInt8 = 3
  static let stbLocal: UInt8 = 0
  static let stbGlobal: UInt8 = 1
  static let stbWeak: UInt8 = 2

  // BPF relocation types.
  /// `R_BPF_64_64`: the 64-bit immediate of `lddw` = S + A (A in the instruction).
  static let rBPF64_64: UInt32 = 1
  /// `R_BPF_64_ABS64`: a 64-bit data word = S + A (A in place).
  static let rBPF64Abs64: UInt32 = 2
  /// `R_BPF_64_ABS32`: a 32-bit data word = S + A.
  static let rBPF64Abs32: UInt32 = 3
  /// `R_BPF_64_32`: the `imm` of a pseudo call = (S + A) / 8 - 1 relative to the section.
  static let rBPF64_32: UInt32 = 10

  /// Section names of eBPF maps (legacy `maps` and BTF-defined `.maps`).
  static func isMapSection(_ name: String) -> Bool {
    name == "maps" || name == ".maps" || name.hasPrefix("maps/") || name.hasPrefix(".maps.")
  }
}

/// One section header of the object.
public struct ObjectSection: Hashable, Sendable {
  public let index: Int
  public let name: String
  /// `sh_type` (1 PROGBITS, 2 SYMTAB, 3 STRTAB, 8 NOBITS, 9 REL …).
  public let type: UInt32
  public let flags: UInt64
  /// File offset of the contents (meaningless for NOBITS).
  public let offset: UInt64
  public let size: UInt64
  public let link: UInt32
  public let info: UInt32
  public let alignment: UInt64
  public let entrySize: UInt64

  public var isExecutable: Bool { flags & ELF.shfExecinstr != 0 && type == ELF.shtProgbits }
  public var isWritable: Bool { flags & ELF.shfWrite != 0 }
  public var isAllocated: Bool { flags & ELF.shfAlloc != 0 }
  /// A section the program may address as data (`.data`, `.rodata*`, `.bss` …).
  public var isData: Bool {
    isAllocated && !isExecutable && (type == ELF.shtProgbits || type == ELF.shtNobits)
      && !ELF.isMapSection(name)
  }
}

/// One entry of `.symtab`.
public struct ObjectSymbol: Hashable, Sendable {
  public let index: Int
  public let name: String
  /// `STT_*`: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE.
  public let kind: UInt8
  /// `STB_*`: 0 LOCAL, 1 GLOBAL, 2 WEAK.
  public let binding: UInt8
  /// `st_shndx`: 0 undefined, 0xfff1 absolute, 0xfff2 common, else a section index.
  public let sectionIndex: UInt16
  public let value: UInt64
  public let size: UInt64

  public var isDefined: Bool { sectionIndex != ELF.shnUndef }
  public var isGlobal: Bool { binding == ELF.stbGlobal || binding == ELF.stbWeak }
}

/// One relocation entry (REL; RELA sections are rejected).
struct Relocation: Hashable, Sendable {
  var offset: UInt64
  var type: UInt32
  var symbol: Int
}
