import EBPF
import EBPFObject
import Foundation
import KilnTestSupport
import Testing

/// Objects the loader must refuse, each with a typed error that says where.
struct LoaderErrorTests {
  /// `mov r0, 1; exit` in `.text` with a global `main`: the valid base the cases below break.
  static func valid() -> ObjectBuilder {
    var b = ObjectBuilder()
    let text = b.section(
      ".text", flags: ObjectBuilder.code, ObjectBuilder.code([BPF.mov0(1), BPF.exit]))
    b.symbol("main", section: text, size: 16)
    return b
  }

  static func error(_ bytes: [UInt8], function: String? = nil) -> EBPFObjectError? {
    do {
      _ = try EBPFObjectFile(bytes: bytes).load(function: function)
      return nil
    } catch {
      return error
    }
  }

  @Test func validBaseLoads() throws {
    let loaded = try EBPFObjectFile(bytes: Self.valid().bytes()).load()
    #expect(try Interpreter(program: loaded.program).run() == 1)
  }

  @Test func headerErrors() {
    var b = Self.valid()
    #expect(Self.error(Array("hello, world".utf8)) == .notELF)
    #expect(Self.error([]) == .notELF)
    b.fileClass = 1
    #expect(Self.error(b.bytes()) == .unsupportedClass(1))
    b = Self.valid()
    b.byteOrder = 2
    #expect(Self.error(b.bytes()) == .unsupportedByteOrder(2))
    b = Self.valid()
    b.machine = 62  // EM_X86_64
    #expect(Self.error(b.bytes()) == .wrongMachine(62))
    b = Self.valid()
    b.type = 2  // ET_EXEC
    #expect(Self.error(b.bytes()) == .notRelocatable(type: 2))
  }

  @Test func truncatedFiles() {
    let bytes = Self.valid().bytes()
    guard case .truncated(let what, _, _, 40)? = Self.error(Array(bytes.prefix(40))) else {
      Issue.record("expected truncation of the header")
      return
    }
    #expect(what == "ELF header")
    // Cutting off the end loses (part of) the section header table.
    guard case .truncated? = Self.error(Array(bytes.dropLast(10))) else {
      Issue.record("expected truncation of the section headers")
      return
    }
  }

  @Test func relocationAgainstAnUndefinedSymbol() {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code(BPF.lddw0() + [BPF.loadR0, BPF.exit])
    let ext = b.symbol("counter", kind: 0, section: 0)
    b.relocate(1, offset: 0, type: 1, symbol: ext)
    let e = Self.error(b.bytes())
    #expect(e == .undefinedSymbol(name: "counter", section: ".text", offset: 0))
    #expect(e?.description.contains("'counter'") == true)
    #expect(e?.description.contains(".text+0x0") == true)
  }

  @Test func unknownRelocationType() {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code(BPF.lddw0() + [BPF.exit])
    let data = b.section(".data", flags: ObjectBuilder.writable, le(5, 8))
    let sym = b.symbol("x", kind: 1, section: data, size: 8)
    b.relocate(1, offset: 0, type: 7, symbol: sym)
    #expect(
      Self.error(b.bytes()) == .unknownRelocation(type: 7, section: ".text", offset: 0, symbol: "x")
    )
  }

  @Test(arguments: ["maps", ".maps"])
  func mapsAreRejected(_ section: String) {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code(BPF.lddw0() + [BPF.exit])
    let maps = b.section(section, flags: ObjectBuilder.writable, [UInt8](repeating: 0, count: 20))
    let sym = b.symbol("my_map", kind: 1, section: maps, size: 20)
    b.relocate(1, offset: 0, type: 1, symbol: sym)
    #expect(
      Self.error(b.bytes())
        == .mapsUnsupported(symbol: "my_map", mapSection: section, section: ".text", offset: 0))
  }

  @Test func functionPointersAreRejected() {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code(BPF.lddw0() + [BPF.exit, BPF.mov0(2), BPF.exit])
    let callee = b.symbol("callee", binding: 0, section: 1, value: 24, size: 16)
    b.symbols[0].size = 24
    b.relocate(1, offset: 0, type: 1, symbol: callee)
    guard case .unsupportedReference("callee", ".text", 0, let reason)? = Self.error(b.bytes())
    else {
      Issue.record("expected an unsupported reference")
      return
    }
    #expect(reason.contains("function pointer"))
  }

  @Test func lddwAddendOutsideTheSection() {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code(BPF.lddw0(9) + [BPF.exit])
    let data = b.section(".data", flags: ObjectBuilder.writable, le(5, 8))
    let sym = b.symbol(".data", kind: 3, binding: 0, section: data)
    b.relocate(1, offset: 0, type: 1, symbol: sym)
    guard case .badRelocation(".text", 0, ".data", _)? = Self.error(b.bytes()) else {
      Issue.record("expected a bad relocation")
      return
    }
  }

  @Test func callRelocationIntoData() {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code([BPF.callLocal(-1), BPF.exit])
    let data = b.section(".data", flags: ObjectBuilder.writable, le(5, 8))
    let sym = b.symbol("x", kind: 1, section: data, size: 8)
    b.relocate(1, offset: 0, type: 10, symbol: sym)
    guard case .badRelocation(".text", 0, "x", let reason)? = Self.error(b.bytes()) else {
      Issue.record("expected a bad relocation")
      return
    }
    #expect(reason.contains("not executable"))
  }

  @Test func malformedTables() {
    var b = Self.valid()
    b.useRela = true
    b.sections[0].data = ObjectBuilder.code(BPF.lddw0() + [BPF.exit])
    let data = b.section(".data", flags: ObjectBuilder.writable, le(5, 8))
    b.relocate(1, offset: 0, type: 1, symbol: b.symbol("x", kind: 1, section: data, size: 8))
    guard case .malformed(_, let reason)? = Self.error(b.bytes()) else {
      Issue.record("expected RELA to be refused")
      return
    }
    #expect(reason.contains("RELA"))

    b = Self.valid()
    b.sections[0].data = ObjectBuilder.code([BPF.mov0(1), BPF.exit])
    b.relocate(1, offset: 0, type: 1, symbol: 99)
    guard case .badRelocation(".text", 0, _, _)? = Self.error(b.bytes()) else {
      Issue.record("expected the symbol index to be refused")
      return
    }

    b = Self.valid()
    b.symbols[0].value = 4  // not on an instruction
    guard case .badSymbol(1, "main", _)? = Self.error(b.bytes()) else {
      Issue.record("expected the misaligned function to be refused")
      return
    }
  }

  @Test func missingAndAmbiguousFunctions() {
    var b = Self.valid()
    #expect(
      Self.error(b.bytes(), function: "nope") == .noSuchFunction(name: "nope", candidates: ["main"])
    )
    b.sections[0].data = ObjectBuilder.code([BPF.mov0(1), BPF.exit, BPF.mov0(2), BPF.exit])
    b.symbols[0].name = "first"
    b.symbol("second", section: 1, value: 16, size: 16)
    #expect(
      Self.error(b.bytes()) == .ambiguousProgram(candidates: ["first (.text)", "second (.text)"]))
  }

  @Test func codeThatDoesNotDecode() {
    var b = Self.valid()
    b.sections[0].data = ObjectBuilder.code([0xff, BPF.exit])
    guard case .invalidProgram("main", .unknownOpcode(0, 0xff))? = Self.error(b.bytes()) else {
      Issue.record("expected the decoder's error")
      return
    }
  }
}

/// The same refusals on objects clang writes.
@Suite(.requires(Toolchain.clang != nil, "clang (for --target=bpf) is not on PATH"))
struct ClangObjectErrorTests {
  @Test func externVariable() throws {
    let source = """
      extern unsigned long ext;
      unsigned long f(void) { return ext + 1; }
      """
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("extern-var", source: source))
    let error = #expect(throws: EBPFObjectError.self) { try object.load() }
    guard case .undefinedSymbol("ext", ".text", _)? = error else {
      Issue.record("expected an undefined symbol, got \(String(describing: error))")
      return
    }
  }

  @Test func externFunction() throws {
    let source = """
      extern unsigned long ext(unsigned long);
      unsigned long f(unsigned long x) { return ext(x) + 1; }
      """
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("extern-fn", source: source))
    let error = #expect(throws: EBPFObjectError.self) { try object.load() }
    guard case .undefinedSymbol("ext", ".text", _)? = error else {
      Issue.record("expected an undefined symbol, got \(String(describing: error))")
      return
    }
  }

  @Test(arguments: ["maps", ".maps"])
  func mapSections(_ section: String) throws {
    let source = """
      struct { unsigned int type, key, value, max; } counters __attribute__((section("\(section)"), used));
      unsigned long f(void) { return (unsigned long)&counters; }
      """
    let object = try EBPFObjectFile(
      bytes: Toolchain.bpfObject("map-\(section.filter(\.isLetter))", source: source))
    let error = #expect(throws: EBPFObjectError.self) { try object.load() }
    #expect(
      error
        == .mapsUnsupported(symbol: "counters", mapSection: section, section: ".text", offset: 0))
  }
}
