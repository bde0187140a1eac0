import EBPF
import EBPFObject
import KilnTestSupport
import Testing

/// Truncated and mutated objects must never crash the loader: each input
/// loads (and then runs bounds-checked without crashing) or gives a typed
/// `EBPFObjectError`.
@Suite(.requires(Toolchain.clang != nil, "clang (for --target=bpf) is not on PATH"))
struct ObjectFuzzTests {
  static let inputs = ["globals", "sections"]

  /// Parses and links; on success runs the program briefly. True if it loaded.
  static func check(_ bytes: [UInt8]) -> Bool {
    do {
      let object = try EBPFObjectFile(bytes: bytes)
      for f in object.functions {
        #expect(f.offset % 8 == 0 && f.size % 8 == 0)
      }
      let loaded = try object.load(function: object.functions.last?.name)
      if let vm = try? Interpreter(
        program: loaded.program, helpers: TestHelpers.table,
        options: ExecutionOptions(instructionBudget: 2000), memoryMap: loaded.memoryMap)
      {
        var memory: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        _ = try? vm.run(memory: &memory)
      }
      return true
    } catch {
      #expect(!error.description.isEmpty)
      return false
    }
  }

  @Test(arguments: inputs)
  func everyTruncation(_ name: String) throws {
    let bytes = try Toolchain.bpfObject(name)
    #expect(Self.check(bytes))
    var loaded = 0
    for length in 0..<bytes.count where Self.check(Array(bytes.prefix(length))) { loaded += 1 }
    // The section header table is at the end: no proper prefix is a whole object.
    #expect(loaded == 0)
  }

  @Test(arguments: inputs)
  func headerAndTableBytesMutated(_ name: String) throws {
    let bytes = try Toolchain.bpfObject(name)
    let shoff = Int(bytes[40]) | Int(bytes[41]) << 8 | Int(bytes[42]) << 16
    // The ELF header and every section header, several values per byte.
    for offset in Array(0..<64) + Array(shoff..<bytes.count) {
      for value: UInt8 in [0x00, 0x01, 0x7f, 0x80, 0xff, bytes[offset] &+ 8, bytes[offset] ^ 0x40] {
        var m = bytes
        m[offset] = value
        _ = Self.check(m)
      }
    }
  }

  @Test(arguments: inputs)
  func randomMutations(_ name: String) throws {
    let bytes = try Toolchain.bpfObject(name)
    var rng = SplitMix64(seed: 0x6f62_6a65_6374)
    var loaded = 0
    for _ in 0..<3000 {
      var m = bytes
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let offset = Int.random(in: 0..<m.count, using: &rng)
        if Bool.random(using: &rng) {
          m[offset] = UInt8.random(in: 0...255, using: &rng)
        } else {
          // A whole little-endian word, often an extreme value.
          let word: UInt64 = [
            0, .max, 1 << 63, 0xffff_fff8, .random(in: 0...UInt64.max, using: &rng),
          ][
            Int.random(in: 0..<5, using: &rng)]
          for k in 0..<8 where offset + k < m.count {
            m[offset + k] = UInt8(truncatingIfNeeded: word >> (8 * k))
          }
        }
      }
      if Self.check(m) { loaded += 1 }
    }
    #expect(loaded > 0, "some mutants (in code or padding) should still load")
  }
}
