import Foundation

/// The parts of a 32-bit little-endian ARM ELF executable the benchmark
/// needs: its loadable segments (at their load addresses) and its symbols.
struct ELFImage {
  struct Segment {
    var loadAddress: UInt32
    var bytes: [UInt8]
  }

  var segments: [Segment] = []
  var symbols: [String: UInt32] = [:]

  enum Failure: Error, CustomStringConvertible {
    case notELF32(String)
    case truncated(String)
    var description: String {
      switch self {
      case .notELF32(let path): "\(path): not a 32-bit little-endian ELF file"
      case .truncated(let what): "ELF file truncated (\(what))"
      }
    }
  }

  init(path: String) throws {
    let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    guard data.count >= 52, data[0..<4] == [0x7F, 0x45, 0x4C, 0x46], data[4] == 1, data[5] == 1
    else { throw Failure.notELF32(path) }
    func u16(_ o: Int) throws -> Int {
      guard o + 2 <= data.count else { throw Failure.truncated("u16 at \(o)") }
      return Int(data[o]) | Int(data[o + 1]) << 8
    }
    func u32(_ o: Int) throws -> UInt32 {
      guard o + 4 <= data.count else { throw Failure.truncated("u32 at \(o)") }
      return (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[o + $1]) << (8 * $1) }
    }
    func bytes(_ offset: UInt32, _ count: UInt32) throws -> [UInt8] {
      let start = Int(offset)
      guard start + Int(count) <= data.count else { throw Failure.truncated("bytes at \(start)") }
      return Array(data[start..<start + Int(count)])
    }

    // Program headers: PT_LOAD segments, file contents at the physical
    // (load) address; .data's image sits in flash and kiln_init copies it.
    let phoff = Int(try u32(0x1C))
    let phentsize = try u16(0x2A)
    for i in 0..<(try u16(0x2C)) {
      let h = phoff + i * phentsize
      guard try u32(h) == 1 else { continue }  // PT_LOAD
      let fileSize = try u32(h + 16)
      guard fileSize > 0 else { continue }
      segments.append(
        Segment(loadAddress: try u32(h + 12), bytes: try bytes(try u32(h + 4), fileSize)))
    }

    // Section headers: the symbol table and its string table.
    let shoff = Int(try u32(0x20))
    let shentsize = try u16(0x2E)
    for i in 0..<(try u16(0x30)) {
      let s = shoff + i * shentsize
      guard try u32(s + 4) == 2 else { continue }  // SHT_SYMTAB
      let offset = Int(try u32(s + 16))
      let size = Int(try u32(s + 20))
      let strtab = shoff + Int(try u32(s + 24)) * shentsize
      let strings = Int(try u32(strtab + 16))
      for e in stride(from: offset, to: offset + size, by: 16) {
        var n = strings + Int(try u32(e))
        var name: [UInt8] = []
        while n < data.count, data[n] != 0 {
          name.append(data[n])
          n += 1
        }
        if !name.isEmpty { symbols[String(decoding: name, as: UTF8.self)] = try u32(e + 4) }
      }
    }
  }
}
