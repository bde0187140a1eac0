import EBPF

/// A function placed in the linked program.
public struct LinkedFunction: Hashable, Sendable {
  public let name: String
  public let section: String
  /// Byte offset in its section.
  public let offset: UInt64
  /// First slot in the linked program.
  public let index: Int
  /// Number of slots.
  public let count: Int
}

/// A host address the loader must write once the data sections are allocated:
/// `section`'s base + `offset`.
struct DataAddress: Hashable {
  var section: Int
  var offset: UInt64
}

/// What the linker produces; ``LoadedObject`` allocates the data and applies it.
struct LinkResult {
  var object: EBPFObjectFile
  var entry: ObjectFunction
  var slots: [RawInstruction]
  var functions: [LinkedFunction]
  /// `lddw` at this slot loads the address.
  var immediates: [(slot: Int, address: DataAddress)]
  /// Data sections to allocate, by index, in order of first use.
  var dataSections: [Int]
  /// 64-bit words inside data sections (`R_BPF_64_ABS64`) that hold an address.
  var dataWords: [(at: DataAddress, address: DataAddress)]
}

/// Builds one program from an entry function: the function first, then every
/// function it reaches through local calls (`call` with `src = 1`), in the
/// order they are found, each copied whole so that its jumps stay valid.
///
/// Local calls come in three shapes from clang:
/// * resolved in the same section, no relocation: target slot = slot + imm + 1;
/// * `R_BPF_64_32` against a function symbol, imm = -1;
/// * `R_BPF_64_32` against a section symbol, imm = offset / 8 - 1.
/// All three are `target = S/8 + imm + 1` in the target's section (S = 0 for
/// the first, relative to the call); the linker rewrites imm to the distance
/// in the linked program, `target - (index + 1)`.
///
/// `lddw` with `R_BPF_64_64` loads the address of `S + A` (A = the 64-bit
/// immediate already in the instruction) in a data section; the loader patches
/// in the host address of its copy.
struct Linker {
  let object: EBPFObjectFile

  private struct Unit {
    var section: Int
    var start: Int  // first slot in the section
    var end: Int  // one past the last slot
    var base: Int  // first slot in the linked program
    var name: String
  }

  func link(_ entry: ObjectFunction) throws(EBPFObjectError) -> LinkResult {
    var result = LinkResult(
      object: object, entry: entry, slots: [], functions: [], immediates: [], dataSections: [],
      dataWords: [])
    var units: [Unit] = []
    var sectionSlots: [Int: [RawInstruction]] = [:]

    func slots(of section: Int) throws(EBPFObjectError) -> [RawInstruction] {
      if let s = sectionSlots[section] { return s }
      let s = object.sections[section]
      guard s.size % 8 == 0 else {
        throw .malformed(what: "section \(s.name)", reason: "size \(s.size) is not a multiple of 8")
      }
      let bytes = object.contents(of: s)
      var out: [RawInstruction] = []
      out.reserveCapacity(bytes.count / 8)
      var i = 0
      while i < bytes.count {
        var w: UInt64 = 0
        for k in 0..<8 { w |= UInt64(bytes[i + k]) << UInt64(8 * k) }
        out.append(RawInstruction(word: w))
        i += 8
      }
      sectionSlots[section] = out
      return out
    }

    /// Places the function containing `slot` of `section` (or, without a
    /// function symbol there, the code up to the next function); returns its unit.
    func place(section: Int, slot: Int, name: String?) throws(EBPFObjectError) -> Unit {
      if let u = units.first(where: { $0.section == section && $0.start <= slot && slot < $0.end })
      {
        return u
      }
      let code = try slots(of: section)
      let offset = UInt64(slot) * 8
      var start = slot
      var end = code.count
      var label = name ?? "\(object.sections[section].name)+0x\(hex(offset))"
      if let f = object.functions.first(where: {
        $0.sectionIndex == section && $0.offset <= offset && offset < $0.offset + $0.size
      }) {
        start = Int(f.offset / 8)
        end = Int((f.offset + f.size) / 8)
        label = f.name
      } else if let next = object.functions.filter({
        $0.sectionIndex == section && $0.offset > offset
      })
      .map(\.offset).min() {
        end = Int(next / 8)
      }
      let unit = Unit(
        section: section, start: start, end: end, base: result.slots.count, name: label)
      units.append(unit)
      result.slots += code[start..<end]
      result.functions.append(
        LinkedFunction(
          name: label, section: object.sections[section].name, offset: UInt64(start) * 8,
          index: unit.base, count: end - start))
      return unit
    }

    let entrySection = object.sections[entry.sectionIndex]
    guard entry.size > 0, entry.offset % 8 == 0, entry.size % 8 == 0 else {
      throw .malformed(
        what: "function \(entry.name)", reason: "empty or not a whole number of instructions")
    }
    _ = try slots(of: entrySection.index)
    _ = try place(section: entrySection.index, slot: Int(entry.offset / 8), name: entry.name)

    // Units are appended while this loop runs: a worklist.
    var next = 0
    while next < units.count {
      let unit = units[next]
      next += 1
      let section = object.sections[unit.section]
      var relocations: [Int: Relocation] = [:]
      for rel in object.relocations[unit.section] ?? [] {
        let slot = Int(rel.offset / 8)
        guard slot >= unit.start && slot < unit.end else { continue }
        guard rel.offset % 8 == 0, relocations[slot] == nil else {
          throw .badRelocation(
            section: section.name, offset: rel.offset, symbol: symbolName(rel.symbol),
            reason: rel.offset % 8 == 0
              ? "two relocations on one instruction" : "not at an instruction")
        }
        relocations[slot] = rel
      }

      var slot = unit.start
      while slot < unit.end {
        let index = unit.base + slot - unit.start
        let raw = result.slots[index]
        let isLoadImm64 = raw.opcode == 0x18
        let isLocalCall = raw.opcode == 0x85 && raw.src == 1
        defer { slot += isLoadImm64 ? 2 : 1 }
        let rel = relocations[slot]
        let where_ = (section: section.name, offset: UInt64(slot) * 8)

        if isLocalCall {
          var targetSection = unit.section
          var target = Int64(slot) + Int64(raw.imm) + 1
          if let rel {
            guard rel.type == ELF.rBPF64_32 else {
              throw .unknownRelocation(
                type: rel.type, section: where_.section, offset: where_.offset,
                symbol: symbolName(rel.symbol))
            }
            let symbol = try definedSymbol(rel.symbol, at: where_)
            let s = object.sections[Int(symbol.sectionIndex)]
            guard s.isExecutable else {
              throw .badRelocation(
                section: where_.section, offset: where_.offset, symbol: symbol.name,
                reason: "call target is in \(s.name), which is not executable")
            }
            guard symbol.value % 8 == 0, symbol.value <= s.size else {
              throw .badRelocation(
                section: where_.section, offset: where_.offset, symbol: symbol.name,
                reason: "call target 0x\(hex(symbol.value)) is misaligned or outside \(s.name)")
            }
            targetSection = s.index
            target = Int64(symbol.value / 8) + Int64(raw.imm) + 1
          }
          let count = try slots(of: targetSection).count
          guard target >= 0 && target < Int64(count) else {
            throw .badRelocation(
              section: where_.section, offset: where_.offset,
              symbol: rel.map { symbolName($0.symbol) } ?? object.sections[targetSection].name,
              reason: "call target slot \(target) is outside \(object.sections[targetSection].name)"
            )
          }
          let callee = try place(section: targetSection, slot: Int(target), name: nil)
          let newTarget = callee.base + Int(target) - callee.start
          result.slots[index].imm = Int32(newTarget - (index + 1))
          continue
        }

        guard let rel else { continue }
        guard rel.type == ELF.rBPF64_64 || rel.type == ELF.rBPF64_32 else {
          throw .unknownRelocation(
            type: rel.type, section: where_.section, offset: where_.offset,
            symbol: symbolName(rel.symbol))
        }
        guard rel.type == ELF.rBPF64_64, isLoadImm64, raw.src == 0, index + 1 < result.slots.count,
          slot + 1 < unit.end
        else {
          // Undefined symbols get their own message (helpers by BTF id, kfuncs).
          _ = try definedSymbol(rel.symbol, at: where_)
          throw .badRelocation(
            section: where_.section, offset: where_.offset, symbol: symbolName(rel.symbol),
            reason:
              "relocation type \(rel.type) on an instruction (opcode 0x\(hex(UInt64(raw.opcode)))) it cannot apply to"
          )
        }
        if let tail = relocations[slot + 1] {
          throw .badRelocation(
            section: where_.section, offset: tail.offset, symbol: symbolName(tail.symbol),
            reason: "relocation on the second slot of lddw")
        }
        let symbol = try definedSymbol(rel.symbol, at: where_)
        let addend =
          UInt64(UInt32(bitPattern: raw.imm)) | UInt64(
            UInt32(bitPattern: result.slots[index + 1].imm)) << 32
        let address = try dataAddress(symbol, addend: addend, at: where_, into: &result)
        result.immediates.append((index, address))
      }
    }
    try loadDataRelocations(&result)
    return result
  }

  /// The symbol, which must be defined in a real section.
  private func definedSymbol(_ index: Int, at: (section: String, offset: UInt64))
    throws(EBPFObjectError) -> ObjectSymbol
  {
    let s = object.symbols[index]
    guard s.isDefined else {
      throw .undefinedSymbol(name: s.name, section: at.section, offset: at.offset)
    }
    guard s.sectionIndex < ELF.shnLoreserve else {
      let kind =
        s.sectionIndex == ELF.shnCommon
        ? "a common symbol (compile with -fno-common)" : "an absolute symbol"
      throw .unsupportedReference(
        symbol: s.name, section: at.section, offset: at.offset, reason: "\(kind) has no section")
    }
    return s
  }

  /// `symbol + addend` as a place in a data section (which is then loaded).
  private func dataAddress(
    _ symbol: ObjectSymbol, addend: UInt64, at: (section: String, offset: UInt64),
    into result: inout LinkResult
  ) throws(EBPFObjectError) -> DataAddress {
    let s = object.sections[Int(symbol.sectionIndex)]
    if ELF.isMapSection(s.name) {
      throw .mapsUnsupported(
        symbol: symbol.name, mapSection: s.name, section: at.section, offset: at.offset)
    }
    guard s.isData else {
      let reason =
        s.isExecutable
        ? "function pointers are not supported" : "section \(s.name) is not a data section"
      throw .unsupportedReference(
        symbol: symbol.name, section: at.section, offset: at.offset, reason: reason)
    }
    guard s.size <= LoadedObject.maxSectionSize else {
      throw .malformed(
        what: "section \(s.name)",
        reason: "\(s.size) bytes is more than the \(LoadedObject.maxSectionSize)-byte limit")
    }
    // The target may be the end of the section (a one-past-the-end pointer).
    let offset = symbol.value &+ addend
    guard offset <= s.size else {
      throw .badRelocation(
        section: at.section, offset: at.offset, symbol: symbol.name,
        reason: "address \(s.name)+0x\(hex(offset)) is outside the \(s.size)-byte section")
    }
    if !result.dataSections.contains(s.index) { result.dataSections.append(s.index) }
    return DataAddress(section: s.index, offset: offset)
  }

  /// Pointers stored in loaded data sections (`R_BPF_64_ABS64`), which may
  /// load further data sections.
  private func loadDataRelocations(_ result: inout LinkResult) throws(EBPFObjectError) {
    var next = 0
    while next < result.dataSections.count {
      let section = object.sections[result.dataSections[next]]
      next += 1
      let bytes = object.contents(of: section)
      for rel in object.relocations[section.index] ?? [] {
        let at = (section: section.name, offset: rel.offset)
        guard rel.type == ELF.rBPF64Abs64 else {
          if rel.type == ELF.rBPF64Abs32 {
            throw .unsupportedReference(
              symbol: symbolName(rel.symbol), section: at.section, offset: at.offset,
              reason: "a 32-bit address cannot hold a host address")
          }
          throw .unknownRelocation(
            type: rel.type, section: at.section, offset: at.offset, symbol: symbolName(rel.symbol))
        }
        guard rel.offset <= section.size &- 8, section.size >= 8, section.type != ELF.shtNobits
        else {
          throw .badRelocation(
            section: at.section, offset: at.offset, symbol: symbolName(rel.symbol),
            reason: "64-bit word is outside the section")
        }
        var addend: UInt64 = 0
        for k in 0..<8 { addend |= UInt64(bytes[Int(rel.offset) + k]) << UInt64(8 * k) }
        let symbol = try definedSymbol(rel.symbol, at: at)
        let address = try dataAddress(symbol, addend: addend, at: at, into: &result)
        result.dataWords.append((DataAddress(section: section.index, offset: rel.offset), address))
      }
    }
  }

  private func symbolName(_ index: Int) -> String {
    index < object.symbols.count ? object.symbols[index].name : "#\(index)"
  }
}
