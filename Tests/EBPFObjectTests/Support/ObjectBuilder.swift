/// Writes small ELF64 eBPF relocatable objects byte by byte, so that each
/// malformation the loader must reject can be made on purpose. Sections
/// are laid out after the header; `.rel*`, `.symtab`, `.strtab` and
/// `.shstrtab` are appended by ``bytes()``.
struct ObjectBuilder {
  struct Section {
    var name: String
    var type: UInt32
    var flags: UInt64
    var data: [UInt8]
    /// For NOBITS: the size (data is empty).
    var size: UInt64? = nil
    var align: UInt64 = 8
  }

  struct Symbol {
    var name: String
    var kind: UInt8
    var binding: UInt8
    var section: UInt16
    var value: UInt64
    var size: UInt64
  }

  var fileClass: UInt8 = 2
  var byteOrder: UInt8 = 1
  var type: UInt16 = 1
  var machine: UInt16 = 247
  var sections: [Section] = []
  /// Index 0 is the null symbol, added by `bytes()`.
  var symbols: [Symbol] = []
  var relocations: [(section: Int, offset: UInt64, type: UInt32, symbol: Int)] = []
  /// Write relocations as RELA (24-byte entries) instead of REL.
  var useRela = false
  /// As bpf_conformance's bpf_writer_classic does: no `.strtab`; symbol
  /// names live in `.shstrtab`, which `.symtab` links to.
  var symbolNamesInSectionNames = false

  static let progbits: UInt32 = 1
  static let nobits: UInt32 = 8
  static let code: UInt64 = 0x6  // SHF_ALLOC | SHF_EXECINSTR
  static let readOnly: UInt64 = 0x2
  static let writable: UInt64 = 0x3

  /// Adds a section; returns its index in the file (the null section is 0).
  @discardableResult
  mutating func section(
    _ name: String, type: UInt32 = progbits, flags: UInt64, _ data: [UInt8], size: UInt64? = nil
  ) -> Int {
    sections.append(Section(name: name, type: type, flags: flags, data: data, size: size))
    return sections.count
  }

  /// Adds a symbol; returns its index (the null symbol is 0).
  @discardableResult
  mutating func symbol(
    _ name: String, kind: UInt8 = 2, binding: UInt8 = 1, section: Int, value: UInt64 = 0,
    size: UInt64 = 0
  ) -> Int {
    symbols.append(
      Symbol(
        name: name, kind: kind, binding: binding, section: UInt16(truncatingIfNeeded: section),
        value: value, size: size))
    return symbols.count
  }

  mutating func relocate(_ section: Int, offset: UInt64, type: UInt32, symbol: Int) {
    relocations.append((section, offset, type, symbol))
  }

  /// Instruction words as code bytes.
  static func code(_ words: [UInt64]) -> [UInt8] {
    words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
  }

  func bytes() -> [UInt8] {
    var all = sections
    // Relocation sections, one per patched section.
    let relocated = Array(Set(relocations.map(\.section))).sorted()
    var relInfo: [(index: Int, target: Int)] = []
    for target in relocated {
      var data: [UInt8] = []
      for r in relocations where r.section == target {
        data += le(r.offset, 8) + le(UInt64(r.symbol) << 32 | UInt64(r.type), 8)
        if useRela { data += le(0, 8) }
      }
      all.append(
        Section(
          name: (useRela ? ".rela" : ".rel") + sections[target - 1].name,
          type: useRela ? 4 : 9, flags: 0, data: data))
      relInfo.append((all.count, target))
    }
    // Section names first, then symbol names (in .strtab, or after them in .shstrtab).
    var names: [UInt8] = [0]
    var nameOffsets: [UInt32] = []
    let fixed = [".symtab"] + (symbolNamesInSectionNames ? [] : [".strtab"]) + [".shstrtab"]
    for name in all.map(\.name) + fixed {
      nameOffsets.append(UInt32(names.count))
      names += Array(name.utf8) + [0]
    }
    var strtab: [UInt8] = symbolNamesInSectionNames ? names : [0]
    var symtab = [UInt8](repeating: 0, count: 24)
    for s in symbols {
      let name = UInt32(strtab.count)
      strtab += Array(s.name.utf8) + [0]
      symtab += le(UInt64(name), 4) + [s.binding << 4 | s.kind, 0] + le(UInt64(s.section), 2)
      symtab += le(s.value, 8) + le(s.size, 8)
    }
    all.append(Section(name: ".symtab", type: 2, flags: 0, data: symtab))
    let symtabIndex = all.count
    if !symbolNamesInSectionNames {
      all.append(Section(name: ".strtab", type: 3, flags: 0, data: strtab, align: 1))
      strtab = names
    }
    all.append(Section(name: ".shstrtab", type: 3, flags: 0, data: strtab, align: 1))
    let strtabIndex = symbolNamesInSectionNames ? all.count : all.count - 1

    var out = [UInt8](repeating: 0, count: 64)
    var offsets: [UInt64] = []
    for s in all {
      while out.count % 8 != 0 { out.append(0) }
      offsets.append(UInt64(out.count))
      out += s.data
    }
    while out.count % 8 != 0 { out.append(0) }
    let shoff = UInt64(out.count)
    out += [UInt8](repeating: 0, count: 64)  // null section
    for (i, s) in all.enumerated() {
      var link: UInt32 = 0
      var info: UInt32 = 0
      var entsize: UInt64 = 0
      if let r = relInfo.first(where: { $0.index == i + 1 }) {
        link = UInt32(symtabIndex)
        info = UInt32(r.target)
        entsize = useRela ? 24 : 16
      }
      if i + 1 == symtabIndex {
        link = UInt32(strtabIndex)
        info = 1
        entsize = 24
      }
      out += le(UInt64(nameOffsets[i]), 4) + le(UInt64(s.type), 4) + le(s.flags, 8) + le(0, 8)
      out += le(offsets[i], 8) + le(s.size ?? UInt64(s.data.count), 8)
      out += le(UInt64(link), 4) + le(UInt64(info), 4) + le(s.align, 8) + le(entsize, 8)
    }
    out.replaceSubrange(0..<4, with: [0x7f, 0x45, 0x4c, 0x46])
    out[4] = fileClass
    out[5] = byteOrder
    out[6] = 1
    func put(_ v: UInt64, _ width: Int, _ at: Int) {
      out.replaceSubrange(at..<at + width, with: le(v, width))
    }
    put(UInt64(type), 2, 16)
    put(UInt64(machine), 2, 18)
    put(1, 4, 20)
    put(shoff, 8, 40)
    put(64, 2, 52)
    put(64, 2, 58)
    put(UInt64(all.count + 1), 2, 60)
    put(UInt64(all.count), 2, 62)
    return out
  }
}

func le(_ v: UInt64, _ width: Int) -> [UInt8] {
  (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
}

/// Instruction words for hand-built code (RFC 9669 encodings).
enum BPF {
  static let exit: UInt64 = 0x95
  /// `mov r0, imm`
  static func mov0(_ imm: Int32) -> UInt64 { 0xb7 | UInt64(UInt32(bitPattern: imm)) << 32 }
  /// `call local imm` (src = 1)
  static func callLocal(_ imm: Int32) -> UInt64 {
    0x85 | 0x1000 | UInt64(UInt32(bitPattern: imm)) << 32
  }
  /// `lddw r0, imm` (two slots).
  static func lddw0(_ imm: UInt64 = 0) -> [UInt64] {
    [0x18 | (imm & 0xffff_ffff) << 32, (imm >> 32) << 32]
  }
  /// `ldxdw r0, [r0]`
  static let loadR0: UInt64 = 0x79
}
