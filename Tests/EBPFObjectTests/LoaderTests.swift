import EBPF
import EBPFObject
import Foundation
import KilnTestSupport
import Testing

/// The loader on objects compiled by clang from `Tests/Fixtures/bpf`.
@Suite(.requires(Toolchain.clang != nil, "clang (for --target=bpf) is not on PATH"))
struct LoaderTests {
  static let fixtures = ["checksum", "strings", "globals", "sections", "sort"]

  /// Function symbols against llvm-readelf's symbol table (the outside reading).
  @Test(
    .requires(Toolchain.readelf != nil, "llvm-readelf is not on PATH"), arguments: fixtures)
  func functionsMatchLLVMReadelf(_ name: String) throws {
    let readelf = try #require(Toolchain.readelf, "llvm-readelf is not on PATH")
    let bytes = try Toolchain.bpfObject(name)
    let path = Toolchain.scratch.appendingPathComponent("\(name).bpf.o").path
    let object = try EBPFObjectFile(bytes: bytes)

    // "  [Nr] Name Type Address Off Size ES Flg Lk Inf Al"
    var sectionNames: [Int: String] = [:]
    for line in try Toolchain.run(readelf, ["--sections", "--wide", path])
      .split(separator: "\n")
    {
      guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
        let index = Int(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
      else { continue }
      let rest = line[line.index(after: close)...].split(separator: " ")
      if let first = rest.first, index > 0 { sectionNames[index] = String(first) }
    }
    // "   Num: Value Size Type Bind Vis Ndx Name"
    var expected: Set<String> = []
    for line in try Toolchain.run(readelf, ["--symbols", "--wide", path])
      .split(separator: "\n")
    {
      let f = line.split(separator: " ")
      guard f.count == 8, f[3] == "FUNC", let ndx = Int(f[6]), let value = UInt64(f[1], radix: 16)
      else { continue }
      expected.insert("\(f[7]) \(sectionNames[ndx] ?? "?") \(value) \(f[2]) \(f[4] != "LOCAL")")
    }
    let actual = Set(
      object.functions.map { "\($0.name) \($0.section) \($0.offset) \($0.size) \($0.isGlobal)" })
    #expect(!expected.isEmpty)
    #expect(actual == expected)
  }

  @Test func defaultIsTheOnlyGlobalFunction() throws {
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("strings"))
    // vowel_score is global; vowel_index and rot13 are static.
    #expect(try object.entryFunction().name == "vowel_score")
    #expect(object.programSections.map(\.name) == [".text"])
  }

  @Test func mainWinsOverOtherGlobals() throws {
    let source = """
      unsigned long other(void) { return 1; }
      int main(void) { return 3; }
      """
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("with-main", source: source))
    #expect(try object.entryFunction().name == "main")
    let loaded = try object.load()
    #expect(try Interpreter(program: loaded.program).run() == 3)
  }

  @Test func choosingByNameAndSection() throws {
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("sections"))
    #expect(Set(object.programSections.map(\.name)) == [".text", "xdp", "tc"])
    #expect(try object.entryFunction(section: "xdp").name == "classify")
    #expect(try object.entryFunction(section: "tc").name == "tail_sum")
    #expect(try object.entryFunction(named: "score").section == ".text")
    #expect(try object.entryFunction(named: "weigh").isGlobal == false)

    // Three globals and no main: the error names them.
    let ambiguous = #expect(throws: EBPFObjectError.self) { try object.entryFunction() }
    guard case .ambiguousProgram(let candidates) = ambiguous else {
      Issue.record("expected ambiguousProgram, got \(String(describing: ambiguous))")
      return
    }
    #expect(Set(candidates) == ["classify (xdp)", "tail_sum (tc)", "score (.text)"])

    let missing = #expect(throws: EBPFObjectError.self) { try object.entryFunction(named: "nope") }
    #expect(missing?.description.contains("no function 'nope'") == true)
    #expect(missing?.description.contains("classify") == true)
    let noSection = #expect(throws: EBPFObjectError.self) {
      try object.entryFunction(section: "kprobe")
    }
    #expect(noSection?.description.contains("xdp") == true)
  }

  /// `classify` (xdp) calls `score` (global, relocation against its symbol) and
  /// `weigh` (static, relocation against `.text` + addend); every linked call
  /// must land on the start of the function it names.
  @Test(arguments: [
    ("xdp", ["classify", "score", "weigh"]), ("tc", ["tail_sum", "weigh", "score"]),
  ])
  func crossSectionCallsAreLinked(section: String, expected: [String]) throws {
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("sections"))
    let loaded = try object.load(section: section)
    #expect(loaded.functions.first?.name == expected[0])
    #expect(loaded.functions.first?.index == 0)
    #expect(Set(loaded.functions.map(\.name)) == Set(expected))
    let starts = Set(loaded.functions.map(\.index))
    var calls = 0
    for (i, slot) in loaded.program.slots.enumerated() where slot.opcode == 0x85 && slot.src == 1 {
      calls += 1
      #expect(
        starts.contains(i + 1 + Int(slot.imm)), "call at \(i) lands at \(i + 1 + Int(slot.imm))")
    }
    #expect(calls >= 2)
    // The linked program passes the checker with the helpers it uses.
    _ = try Interpreter(program: loaded.program, helpers: TestHelpers.table)
  }

  @Test func dataSectionsAreCopiedWithTheirPermissions() throws {
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("globals"))
    let loaded = try object.load()
    let sections = Dictionary(uniqueKeysWithValues: loaded.dataSections.map { ($0.name, $0) })
    #expect(sections[".data"]?.writable == true)
    #expect(sections[".bss"]?.writable == true)
    #expect(sections[".rodata"]?.writable == false)
    #expect(sections[".rodata.str1.1"]?.writable == false)
    #expect(loaded.memoryMap.regions.count == loaded.dataSections.count)
    // `u64 calls = 100;` and the 16 zero counters of `u32 histogram[16]`.
    #expect(loaded.contents(of: ".data") == le(100, 8))
    #expect(loaded.contents(of: ".bss") == [UInt8](repeating: 0, count: 64))
    // names[] in .rodata holds host pointers to the strings ("zero" first).
    let table = try #require(loaded.contents(of: ".rodata"))
    let strings = try #require(sections[".rodata.str1.1"])
    let first = table.prefix(8).enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * $1.offset)
    }
    #expect(first >= strings.address && first < strings.address + UInt64(strings.size))

    // Globals persist across runs, as a C function's do: calls 100 → 101 → 102.
    let vm = try Interpreter(
      program: loaded.program, helpers: TestHelpers.table, memoryMap: loaded.memoryMap)
    var memory: [UInt8] = [1, 2, 3]
    _ = try vm.run(memory: &memory)
    #expect(loaded.contents(of: ".data") == le(101, 8))
    _ = try vm.run(memory: &memory)
    #expect(loaded.contents(of: ".data") == le(102, 8))
  }

  /// Data sections go where the ``SectionMemory`` puts them (low memory
  /// for a 32-bit port), the program's constants point there, and they are
  /// given back to it.
  @Test func dataSectionsGoToTheGivenMemory() throws {
    final class Recorder: @unchecked Sendable {
      // @unchecked: every access holds `lock`.
      let lock = NSLock()
      var live: [UInt: Int] = [:]
      var freed = 0
    }
    let recorder = Recorder()
    let memory = SectionMemory(
      allocate: { n, alignment in
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: n, alignment: alignment)
        recorder.lock.withLock { recorder.live[UInt(bitPattern: b.baseAddress)] = n }
        return b
      },
      deallocate: { b in
        recorder.lock.withLock {
          recorder.live[UInt(bitPattern: b.baseAddress)] = nil
          recorder.freed += 1
        }
        b.deallocate()
      })
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("globals"))
    var loaded: LoadedObject? = try object.load(memory: memory)
    let sections = try #require(loaded?.dataSections)
    let program = try #require(loaded?.program)
    let live = recorder.lock.withLock { recorder.live }
    #expect(live.count == sections.count)
    for section in sections {
      #expect(live[UInt(section.address)] == section.size + 1, "\(section.name)")
    }
    // Every lddw of a global holds an address inside one of those copies.
    for reference in try #require(loaded?.dataReferences) {
      let value = program.instructions[reference.index].imm64
      let section = try #require(sections.first { $0.name == reference.section })
      #expect(value == section.address + reference.offset)
    }
    loaded = nil
    #expect(recorder.lock.withLock { (recorder.live.count, recorder.freed) } == (0, sections.count))
  }

  @Test func storesToRodataAreOutOfBounds() throws {
    let source = """
      static const unsigned long table[2] = {1, 2};
      unsigned long poke(unsigned char *m, unsigned long len) {
        volatile unsigned long *p = (volatile unsigned long *)&table[len & 1];
        *p = 9;
        return *p;
      }
      """
    let loaded = try EBPFObjectFile(bytes: Toolchain.bpfObject("poke", source: source)).load()
    let rodata = try #require(loaded.dataSections.first { $0.name.hasPrefix(".rodata") })
    #expect(!rodata.writable)
    let vm = try Interpreter(program: loaded.program, memoryMap: loaded.memoryMap)
    var memory: [UInt8] = [0]
    let error = #expect(throws: EBPFError.self) { try vm.run(memory: &memory) }
    guard case .outOfBounds(_, let address, 8, true) = error else {
      Issue.record("expected an out-of-bounds store, got \(String(describing: error))")
      return
    }
    #expect(address >= rodata.address && address < rodata.address + UInt64(rodata.size))
  }

  /// A whole section without function symbols (hand-written objects) is one program.
  @Test func sectionWithoutSymbolsIsOneProgram() throws {
    var b = ObjectBuilder()
    b.section("prog", flags: ObjectBuilder.code, ObjectBuilder.code([BPF.mov0(42), BPF.exit]))
    let object = try EBPFObjectFile(bytes: b.bytes())
    #expect(object.functions.isEmpty)
    let loaded = try object.load()
    #expect(loaded.entry.name == "prog")
    #expect(try Interpreter(program: loaded.program).run() == 42)
  }

  /// The runner's `--elf` objects (bpf_conformance's bpf_writer_classic): the
  /// symbol table's names come from `.shstrtab`, `main` covers `.text`.
  @Test func conformanceRunnerObject() throws {
    let code = ObjectBuilder.code([BPF.mov0(7), BPF.callLocal(1), BPF.exit, BPF.mov0(9), BPF.exit])
    var b = ObjectBuilder()
    b.symbolNamesInSectionNames = true
    let text = b.section(".text", flags: ObjectBuilder.code, code)
    b.symbol("main", section: text, size: UInt64(code.count))
    let loaded = try EBPFObjectFile(bytes: b.bytes()).load()
    #expect(loaded.entry.name == "main")
    #expect(loaded.program.bytes == code)
    // The local call inside main is resolved within it: r0 = 9 from the callee.
    #expect(try Interpreter(program: loaded.program).run() == 9)
  }
}
