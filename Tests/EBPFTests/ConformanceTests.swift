import EBPF
import KilnTestSupport
import Testing

/// The 313 files of the bpf_conformance suite, read at test time from where
/// `ConformanceSuite.locate` finds them (`$KILN_BPF_CONFORMANCE`, ../shared,
/// or the checkout that Scripts/conformance.sh makes).
@Suite struct ConformanceTests {
  @Test(.requires(!ConformanceFile.names.isEmpty, ConformanceSuite.missingReason))
  func suiteIsPresent() {
    #expect(ConformanceFile.names.count == 313, "\(ConformanceSuite.missingReason)")
  }

  /// Runs each file on the interpreter and compares r0 (or the expected failure).
  @Test(arguments: ConformanceFile.names)
  func interpreter(_ name: String) throws {
    try Self.check(name, engine: .interpreter)
  }

  /// The same files on the JIT of every port, natively and in Unicorn.
  @Test(arguments: ConformanceFile.names, Engine.jits)
  func jit(_ name: String, _ engine: Engine) throws {
    try Self.check(name, engine: engine)
  }

  static func check(_ name: String, engine: Engine) throws {
    let file = try ConformanceFile.load(name)
    let result: Result<UInt64, EBPFError> = {
      do throws(EBPFError) {
        let program: Program
        if let words = file.raw {
          program = try Program(words: words)
        } else {
          program = try Program(assembly: file.asm)
        }
        return .success(
          try engine.run(program, memory: file.hasMemory ? file.memory : nil, helpers: .conformance)
        )
      } catch {
        return .failure(error)
      }
    }()
    if let expected = file.error {
      guard case .failure = result else {
        Issue.record("\(name): expected failure '\(expected)', got \(result)")
        return
      }
    } else {
      #expect(try result.get() == file.result, "\(name) on \(engine)")
    }
  }

  /// Assembles `-- asm`, compares with `-- raw` where present, then checks that
  /// disassembling and reassembling gives the same bytes.
  @Test(arguments: ConformanceFile.names)
  func roundTrip(_ name: String) throws {
    let file = try ConformanceFile.load(name)
    let slots = try Assembler.assemble(file.asm)
    if let raw = file.raw {
      #expect(slots.map(\.word) == raw, "\(name): -- asm and -- raw differ")
    }
    let program = try Program(slots: slots)
    let text = Disassembler.text(program)
    let again = try Assembler.assemble(text)
    #expect(again == slots, "\(name): reassembly differs:\n\(text)")
  }
}
