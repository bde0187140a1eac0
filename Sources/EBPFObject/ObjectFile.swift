import EBPF

/// A function of the object: an `STT_FUNC` symbol in an executable section.
public struct ObjectFunction: Hashable, Sendable {
  public let name: String
  /// The executable section holding it (`.text`, `xdp`, …).
  public let section: String
  public let sectionIndex: Int
  /// Byte offset in the section (a multiple of 8).
  public let offset: UInt64
  /// Length in bytes (from `st_size`, or up to the next function or the section end).
  public let size: UInt64
  /// `STB_GLOBAL` or `STB_WEAK`: a candidate program; static functions are not.
  public let isGlobal: Bool
}

/// An ELF64 little-endian relocatable eBPF object, as `clang --target=bpf -O2 -c`
/// writes it: its sections, symbols and functions. ``load(function:section:)``
/// links one function and everything it calls into a ``LoadedObject``.
///
/// ```swift
/// let object = try EBPFObjectFile(bytes: fileBytes)
/// let loaded = try object.load(function: "filter")
/// let vm = try Interpreter(program: loaded.program, memoryMap: loaded.memoryMap)
/// ```
public struct EBPFObjectFile: Sendable {
  /// The file as loaded.
  public let bytes: [UInt8]
  /// Every section header, by index (index 0 is the null section).
  public let sections: [ObjectSection]
  /// `.symtab` entries, by index (empty when there is no symbol table).
  public let symbols: [ObjectSymbol]
  /// Functions in executable sections, ordered by section and offset.
  public let functions: [ObjectFunction]
  /// Relocations by the index of the section they patch (executable and data sections only).
  let relocations: [Int: [Relocation]]

  /// Executable sections with code: the sections a program can be chosen by.
  public var programSections: [ObjectSection] {
    sections.filter { $0.isExecutable && $0.size > 0 }
  }

  public init(bytes: [UInt8]) throws(EBPFObjectError) {
    self.bytes = bytes
    let r = ByteReader(bytes: bytes)
    guard bytes.count >= 4, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46
    else { throw .notELF }
    try r.require("ELF identification", offset: 0, size: 16)
    guard r.u8(4) == ELF.classELF64 else { throw .unsupportedClass(r.u8(4)) }
    guard r.u8(5) == ELF.dataLittleEndian else { throw .unsupportedByteOrder(r.u8(5)) }
    try r.require("ELF header", offset: 0, size: ELF.headerSize)
    guard r.u16(18) == ELF.machineBPF else { throw .wrongMachine(r.u16(18)) }
    guard r.u16(16) == ELF.typeRelocatable else { throw .notRelocatable(type: r.u16(16)) }

    sections = try Self.readSections(r)
    symbols = try Self.readSymbols(r, sections)
    functions = try Self.findFunctions(symbols, sections)
    relocations = try Self.readRelocations(r, sections, symbolCount: symbols.count)
  }

  /// The contents of a section (zeros for NOBITS); ranges were checked at parse time.
  public func contents(of section: ObjectSection) -> [UInt8] {
    if section.type == ELF.shtNobits || section.type == ELF.shtNull {
      return [UInt8](repeating: 0, count: Int(section.size))
    }
    let start = Int(section.offset)
    return Array(bytes[start..<start + Int(section.size)])
  }

  // MARK: Parsing

  private static func readSections(_ r: ByteReader) throws(EBPFObjectError) -> [ObjectSection] {
    let shoff = r.u64(40)
    let shentsize = r.u16(58)
    var count = UInt64(r.u16(60))
    var nameIndex = UInt64(r.u16(62))
    guard shoff != 0 else { throw .malformed(what: "ELF header", reason: "no section headers") }
    guard UInt64(shentsize) == ELF.sectionHeaderSize else {
      throw .malformed(
        what: "ELF header", reason: "section header size \(shentsize), expected 64")
    }
    try r.require("section header 0", offset: shoff, size: ELF.sectionHeaderSize)
    // Extended numbering: the real count and name-table index live in section 0.
    if count == 0 { count = r.u64(shoff + 32) }
    if nameIndex == UInt64(ELF.shnXindex) { nameIndex = UInt64(r.u32(shoff + 40)) }
    guard count > 0, count <= UInt64(r.bytes.count) / ELF.sectionHeaderSize else {
      throw .malformed(what: "ELF header", reason: "\(count) section headers do not fit the file")
    }
    try r.require("section header table", offset: shoff, size: count * ELF.sectionHeaderSize)
    guard nameIndex < count else {
      throw .malformed(
        what: "ELF header", reason: "section name table index \(nameIndex) ≥ \(count) sections")
    }

    struct Header {
      var name, type: UInt32
      var flags, offset, size: UInt64
      var link, info: UInt32
      var align, entsize: UInt64
    }
    var headers: [Header] = []
    for i in 0..<count {
      let at = shoff + i * ELF.sectionHeaderSize
      let h = Header(
        name: r.u32(at), type: r.u32(at + 4), flags: r.u64(at + 8), offset: r.u64(at + 24),
        size: r.u64(at + 32), link: r.u32(at + 40), info: r.u32(at + 44), align: r.u64(at + 48),
        entsize: r.u64(at + 56))
      if i > 0 && h.type != ELF.shtNobits && h.type != ELF.shtNull {
        try r.require("contents of section #\(i)", offset: h.offset, size: h.size)
      }
      headers.append(h)
    }
    let names = headers[Int(nameIndex)]
    guard names.type == ELF.shtStrtab else {
      throw .malformed(what: "section #\(nameIndex)", reason: "section name table is not STRTAB")
    }
    var out: [ObjectSection] = []
    for (i, h) in headers.enumerated() {
      var name = ""
      if i > 0 {
        guard let n = r.string(in: names.offset, size: names.size, at: UInt64(h.name)) else {
          throw .malformed(
            what: "section #\(i)", reason: "name offset \(h.name) is outside the name table")
        }
        name = n
      }
      out.append(
        ObjectSection(
          index: i, name: name, type: h.type, flags: h.flags, offset: h.offset, size: h.size,
          link: h.link, info: h.info, alignment: h.align, entrySize: h.entsize))
    }
    return out
  }

  private static func readSymbols(_ r: ByteReader, _ sections: [ObjectSection])
    throws(EBPFObjectError) -> [ObjectSymbol]
  {
    guard let symtab = sections.first(where: { $0.type == ELF.shtSymtab }) else { return [] }
    let what = "symbol table \(symtab.name)"
    guard symtab.entrySize == ELF.symbolSize, symtab.size % ELF.symbolSize == 0 else {
      throw .malformed(
        what: what,
        reason: "entry size \(symtab.entrySize) / size \(symtab.size), expected 24-byte entries")
    }
    guard Int(symtab.link) < sections.count, sections[Int(symtab.link)].type == ELF.shtStrtab else {
      throw .malformed(what: what, reason: "linked string table #\(symtab.link) is not STRTAB")
    }
    let strtab = sections[Int(symtab.link)]
    var out: [ObjectSymbol] = []
    for i in 0..<Int(symtab.size / ELF.symbolSize) {
      let at = symtab.offset + UInt64(i) * ELF.symbolSize
      guard let name = r.string(in: strtab.offset, size: strtab.size, at: UInt64(r.u32(at))) else {
        throw .badSymbol(index: i, name: "?", reason: "name is outside the string table")
      }
      let info = r.u8(at + 4)
      let shndx = r.u16(at + 6)
      var symbol = ObjectSymbol(
        index: i, name: name, kind: info & 0xf, binding: info >> 4, sectionIndex: shndx,
        value: r.u64(at + 8), size: r.u64(at + 16))
      if shndx == ELF.shnXindex {
        throw .badSymbol(index: i, name: name, reason: "extended section indices are not supported")
      }
      if shndx != ELF.shnUndef && shndx < ELF.shnLoreserve && Int(shndx) >= sections.count {
        throw .badSymbol(
          index: i, name: name, reason: "section index \(shndx) ≥ \(sections.count) sections")
      }
      // A section symbol is named after its section.
      if symbol.kind == ELF.sttSection && name.isEmpty && Int(shndx) < sections.count {
        symbol = ObjectSymbol(
          index: i, name: sections[Int(shndx)].name, kind: symbol.kind, binding: symbol.binding,
          sectionIndex: shndx, value: symbol.value, size: symbol.size)
      }
      out.append(symbol)
    }
    return out
  }

  private static func findFunctions(_ symbols: [ObjectSymbol], _ sections: [ObjectSection])
    throws(EBPFObjectError) -> [ObjectFunction]
  {
    var found: [(symbol: ObjectSymbol, section: ObjectSection)] = []
    for s in symbols where s.kind == ELF.sttFunc && s.isDefined && s.sectionIndex < ELF.shnLoreserve
    {
      let section = sections[Int(s.sectionIndex)]
      guard section.isExecutable else { continue }
      guard s.value % 8 == 0, s.size % 8 == 0, s.value < section.size,
        s.size <= section.size - s.value
      else {
        throw .badSymbol(
          index: s.index, name: s.name,
          reason:
            "function at \(section.name)+0x\(hex(s.value)) (\(s.size) bytes) is misaligned or outside its \(section.size)-byte section"
        )
      }
      found.append((s, section))
    }
    found.sort { ($0.section.index, $0.symbol.value) < ($1.section.index, $1.symbol.value) }
    var out: [ObjectFunction] = []
    for (k, f) in found.enumerated() {
      var size = f.symbol.size
      if size == 0 {
        // No st_size: up to the next function of the section, or its end.
        var end = f.section.size
        for g in found[(k + 1)...]
        where g.section.index == f.section.index && g.symbol.value > f.symbol.value {
          end = g.symbol.value
          break
        }
        size = end - f.symbol.value
      }
      out.append(
        ObjectFunction(
          name: f.symbol.name, section: f.section.name, sectionIndex: f.section.index,
          offset: f.symbol.value, size: size, isGlobal: f.symbol.isGlobal))
    }
    return out
  }

  private static func readRelocations(
    _ r: ByteReader, _ sections: [ObjectSection], symbolCount: Int
  ) throws(EBPFObjectError) -> [Int: [Relocation]] {
    var out: [Int: [Relocation]] = [:]
    for s in sections where s.type == ELF.shtRel || s.type == ELF.shtRela {
      guard Int(s.info) < sections.count else {
        throw .malformed(
          what: "section \(s.name)", reason: "relocates section #\(s.info), which does not exist")
      }
      let target = sections[Int(s.info)]
      // Relocations of debug info, BTF and the like are not needed to run.
      guard target.isExecutable || target.isData else { continue }
      guard s.type == ELF.shtRel else {
        throw .malformed(
          what: "section \(s.name)", reason: "RELA relocations are not supported (clang writes REL)"
        )
      }
      guard s.entrySize == ELF.relSize, s.size % ELF.relSize == 0 else {
        throw .malformed(
          what: "section \(s.name)",
          reason: "entry size \(s.entrySize) / size \(s.size), expected 16-byte entries")
      }
      var list: [Relocation] = []
      for i in 0..<s.size / ELF.relSize {
        let at = s.offset + i * ELF.relSize
        let info = r.u64(at + 8)
        let rel = Relocation(
          offset: r.u64(at), type: UInt32(truncatingIfNeeded: info),
          symbol: Int(truncatingIfNeeded: info >> 32))
        guard rel.symbol < symbolCount, rel.symbol >= 0 else {
          throw .badRelocation(
            section: target.name, offset: rel.offset, symbol: "#\(info >> 32)",
            reason: "symbol index is outside the symbol table (\(symbolCount) entries)")
        }
        guard rel.offset < target.size else {
          throw .badRelocation(
            section: target.name, offset: rel.offset, symbol: "#\(rel.symbol)",
            reason: "offset is outside the \(target.size)-byte section")
        }
        list.append(rel)
      }
      out[target.index, default: []] += list
    }
    return out
  }
}
