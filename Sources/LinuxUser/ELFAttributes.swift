/// The RISC-V extensions an executable's `.riscv.attributes` section names
/// (`Tag_RISCV_arch`, e.g. `rv32i2p1_m2p0_a2p1_f2p2_zicsr2p0`), to refuse
/// at load time the files that need extensions Kiln does not run.
///
/// Section layout (RISC-V ELF psABI, "Attributes"), all little-endian:
///
///     'A'                                   format version
///     u32 length, "riscv\0"                 vendor subsection (length includes itself)
///       uleb tag 1 (Tag_File), u32 length   file sub-subsection
///         (uleb tag, value)*                even tags: uleb value; odd tags: NUL-terminated string
///
/// Tag_RISCV_arch is tag 5. A missing or malformed section names nothing:
/// the file is then judged by its `e_flags` alone.
enum RISCVAttributes {
  /// SHT_RISCV_ATTRIBUTES.
  static let sectionType: UInt32 = 0x7000_0003
  /// Single-letter extensions Kiln does not run: atomics, floats, compressed.
  static let unsupported: Set<String> = ["a", "f", "d", "q", "c"]

  /// The unsupported extensions the file's arch string names, upper-case
  /// and in the string's order (empty if none, or no readable section).
  static func unsupportedExtensions(_ bytes: [UInt8]) -> [String] {
    guard let arch = archString(bytes) else { return [] }
    return extensions(of: arch).filter { unsupported.contains($0) }.map { $0.uppercased() }
  }

  /// The extension names of an arch string: `rv32i2p1_m2p0_a2p1_zicsr2p0`
  /// → i, m, a, zicsr; an unnormalised `rv32imafd` → i, m, a, f, d.
  static func extensions(of arch: String) -> [String] {
    let lower = arch.lowercased()
    guard lower.hasPrefix("rv32") || lower.hasPrefix("rv64") else { return [] }
    var names: [String] = []
    for (n, part) in lower.dropFirst(4).split(separator: "_").enumerated() {
      let letters = part.prefix { $0.isLetter }
      if letters.first == "z" || letters.first == "s" || letters.first == "x" {
        names.append(String(letters))
      } else if n == 0 || letters.count > 1 {
        // The base and any single letters written together (`imafd`).
        names += letters.map { String($0) }
      } else {
        names.append(String(letters))
      }
    }
    return names
  }

  /// Tag_RISCV_arch of the first SHT_RISCV_ATTRIBUTES section, if readable.
  static func archString(_ bytes: [UInt8]) -> String? {
    let r = ByteReader(bytes)
    guard let shoff = r.u32(32), let shentsize = r.u16(46), let shnum = r.u16(48),
      shentsize == 40, r.contains(offset: UInt64(shoff), count: UInt64(shnum) * 40)
    else { return nil }
    for i in 0..<Int(shnum) {
      let base = Int(shoff) + i * 40
      guard r.u32(base + 4) == sectionType, let offset = r.u32(base + 16),
        let size = r.u32(base + 20), r.contains(offset: UInt64(offset), count: UInt64(size))
      else { continue }
      return arch(in: bytes[Int(offset)..<Int(offset) + Int(size)])
    }
    return nil
  }

  /// Walks the section's vendor subsections to `riscv`'s Tag_File attributes.
  static func arch(in section: ArraySlice<UInt8>) -> String? {
    var p = section.startIndex
    guard p < section.endIndex, section[p] == UInt8(ascii: "A") else { return nil }
    p += 1
    while p + 4 <= section.endIndex {
      let length = Int(le32(section, p))
      guard length >= 4, p + length <= section.endIndex else { return nil }
      let end = p + length
      var q = p + 4
      let vendorEnd = section[q..<end].firstIndex(of: 0) ?? end
      let vendor = String(decoding: section[q..<vendorEnd], as: UTF8.self)
      q = vendorEnd + 1
      if vendor == "riscv" {
        while q < end {
          // A sub-subsection: uleb tag, u32 length (counted from the tag), attributes.
          let start = q
          guard let tag = uleb(section, &q, end), q + 4 <= end else { return nil }
          let subLength = Int(le32(section, q))
          guard subLength >= q + 4 - start, start + subLength <= end else { return nil }
          var a = q + 4
          let attributesEnd = start + subLength
          if tag == 1 {  // Tag_File
            while a < attributesEnd {
              guard let attribute = uleb(section, &a, attributesEnd) else { return nil }
              if attribute % 2 == 1 {
                let stringEnd = section[a..<attributesEnd].firstIndex(of: 0) ?? attributesEnd
                if attribute == 5 {
                  return String(decoding: section[a..<stringEnd], as: UTF8.self)
                }
                a = stringEnd + 1
              } else {
                guard uleb(section, &a, attributesEnd) != nil else { return nil }
              }
            }
          }
          q = attributesEnd
        }
      }
      p = end
    }
    return nil
  }

  private static func le32(_ s: ArraySlice<UInt8>, _ p: Int) -> UInt32 {
    UInt32(s[p]) | UInt32(s[p + 1]) << 8 | UInt32(s[p + 2]) << 16 | UInt32(s[p + 3]) << 24
  }

  /// An unsigned LEB128 number at `p` (advanced past it); nil if it runs
  /// past `end` or beyond 32 bits.
  private static func uleb(_ s: ArraySlice<UInt8>, _ p: inout Int, _ end: Int) -> UInt32? {
    var value: UInt32 = 0
    var shift: UInt32 = 0
    while p < end {
      let byte = s[p]
      p += 1
      guard shift < 32 else { return nil }
      value |= UInt32(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }
}
