import Foundation
import KilnHosts
import LinuxUser
import Runtime
import Testing

/// Truncating and mutating real ELF files must never crash the loader: each
/// input either loads or gives a typed `ELFError` (or `LinuxError`).
@Suite("ELF loader robustness")
struct ELFFuzzTests {
  static func realELF() throws -> [UInt8] {
    try [UInt8](Data(contentsOf: Tools.helloELF))
  }

  /// A deterministic generator (SplitMix64) so failures reproduce.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// Parses; on success also checks the invariants a loader relies on, and
  /// reads the symbol table (which must not crash either).
  static func check(_ bytes: [UInt8]) -> Bool {
    do {
      let elf = try ELFExecutable(parsing: bytes)
      _ = elf.symbols()
      for (i, s) in elf.segments.enumerated() {
        #expect(s.fileSize <= s.memorySize)
        #expect(UInt64(s.fileOffset) + UInt64(s.fileSize) <= UInt64(bytes.count))
        #expect(s.end <= UInt64(AddressSpace.segmentLimit))
        if i > 0 { #expect(elf.segments[i - 1].end <= UInt64(s.virtualAddress)) }
      }
      return true
    } catch {
      #expect(!error.description.isEmpty)
      return false
    }
  }

  @Test func everyTruncation() throws {
    let bytes = try Self.realELF()
    var loaded = 0
    for length in 0..<bytes.count where Self.check(Array(bytes.prefix(length))) { loaded += 1 }
    #expect(Self.check(bytes))
    // Cutting off the section headers or symbols may still leave a loadable file,
    // but cutting into the header and program headers must not.
    #expect(loaded < bytes.count)
  }

  @Test func everyHeaderByteMutated() throws {
    let bytes = try Self.realELF()
    // ELF header and program headers: every byte, several values.
    for offset in 0..<min(bytes.count, 52 + 32 * 8) {
      for value: UInt8 in [0x00, 0x01, 0x7f, 0x80, 0xff, bytes[offset] &+ 1, bytes[offset] ^ 0x40] {
        var m = bytes
        m[offset] = value
        _ = Self.check(m)
      }
    }
  }

  @Test func randomMutationsAndLoading() throws {
    let bytes = try Self.realELF()
    var rng = SplitMix(state: 0x6b69_6c6e)
    var config = Config()
    config.maxMemoryPages = 64
    config.engine = .interpreter
    var loadedProcesses = 0
    for _ in 0..<3000 {
      var m = bytes
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        // Mostly mutate the headers, where the structure is.
        let span = Bool.random(using: &rng) ? min(m.count, 52 + 32 * 8) : m.count
        let offset = Int.random(in: 0..<span, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: m[offset] = UInt8.random(in: 0...255, using: &rng)
        case 1:
          // a whole random little-endian word, often an extreme value
          let word: UInt32 = [
            0, 0xFFFF_FFFF, 0x8000_0000, 0xFFFF_F000,
            UInt32.random(in: 0...UInt32.max, using: &rng),
          ][Int.random(in: 0..<5, using: &rng)]
          for k in 0..<4 where offset + k < m.count {
            m[offset + k] = UInt8(truncatingIfNeeded: word >> (8 * k))
          }
        default: m = Array(m.prefix(Int.random(in: 0...m.count, using: &rng)))
        }
        if m.isEmpty { break }
      }
      if Self.check(m) {
        // Loading (VM creation, segment copies, initial stack) must not crash either.
        do {
          _ = try LinuxProcess(
            executable: m, config: config, host: Hosts.native,
            options: LinuxOptions(arguments: ["fuzz"]))
          loadedProcesses += 1
        } catch {
          #expect(!error.description.isEmpty)
        }
      }
    }
    #expect(loadedProcesses > 0, "some mutants (e.g. in padding or symbols) should still load")
  }
}
