extension ELFExecutable {
  /// Function and label symbols from `.symtab`, by address, for disassembly
  /// listings. Best effort: a missing or malformed symbol table gives an
  /// empty dictionary, never an error.
  public func symbols() -> [UInt32: String] {
    let r = ByteReader(bytes)
    guard let shoff = r.u32(32), let shentsize = r.u16(46), let shnum = r.u16(48),
      shoff != 0, shentsize == 40,
      r.contains(offset: UInt64(shoff), count: UInt64(shnum) * 40)
    else { return [:] }

    func section(_ i: Int) -> (type: UInt32, offset: UInt32, size: UInt32, link: UInt32)? {
      guard i >= 0, i < Int(shnum) else { return nil }
      let base = Int(shoff) + i * 40
      guard let type = r.u32(base + 4), let offset = r.u32(base + 16), let size = r.u32(base + 20),
        let link = r.u32(base + 24)
      else { return nil }
      return (type, offset, size, link)
    }

    var result: [UInt32: (name: String, isFunction: Bool)] = [:]
    for i in 0..<Int(shnum) {
      guard let symtab = section(i), symtab.type == 2,  // SHT_SYMTAB
        let strtab = section(Int(symtab.link)),
        r.contains(offset: UInt64(symtab.offset), count: UInt64(symtab.size)),
        r.contains(offset: UInt64(strtab.offset), count: UInt64(strtab.size))
      else { continue }
      let count = Int(symtab.size) / 16
      for s in 0..<count {
        let base = Int(symtab.offset) + s * 16
        guard let nameOffset = r.u32(base), let value = r.u32(base + 4), let info = r.u8(base + 12),
          let shndx = r.u16(base + 14), shndx != 0, nameOffset < strtab.size
        else { continue }
        let kind = info & 0xf
        guard kind == 0 || kind == 2 else { continue }  // STT_NOTYPE, STT_FUNC
        guard let name = r.cString(Int(strtab.offset) + Int(nameOffset), limit: 512), !name.isEmpty,
          !name.hasPrefix("$"), !name.hasPrefix(".L")
        else { continue }
        let isFunction = kind == 2
        if let existing = result[value], existing.isFunction || !isFunction { continue }
        result[value] = (name, isFunction)
      }
    }
    return result.mapValues(\.name)
  }
}
