import EBPF
import Foundation
import KilnTestSupport

/// One `.data` file of the bpf_conformance suite (format in
/// `../shared/bpf_conformance/README.md`), as the runner reads it.
struct BPFConformanceData: Sendable {
  var name: String
  var asm = ""
  var raw: [UInt64]? = nil
  var memory: [UInt8] = []
  var result: UInt64? = nil
  var error: String? = nil

  /// The suite's directory (`ConformanceSuite.locate`: the suite is data
  /// beside the repository, not part of it); a path that does not exist when
  /// it is missing.
  static let suite =
    ConformanceSuite.locate(repositoryRoot: Tools.repositoryRoot)
    ?? URL(fileURLWithPath: "/nonexistent/bpf_conformance/tests")
  /// Programs that must fail (the suite has no `-- error` files).
  static let errors = Tools.repositoryRoot.appendingPathComponent(
    "Tests/Fixtures/bpf/conformance-errors")

  static func files(in dir: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix(".data") }.sorted().map { dir.appendingPathComponent($0) }
  }

  init(name: String) { self.name = name }

  init(_ url: URL) throws {
    name = url.lastPathComponent
    var section = ""
    var sections: [String: [String]] = [:]
    for line in try String(contentsOf: url, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    {
      if line.hasPrefix("-- ") {
        section = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
        sections[section, default: []] = []
      } else if !line.hasPrefix("#") || section == "asm" {
        sections[section, default: []].append(String(line))
      }
    }
    asm = (sections["asm"] ?? []).joined(separator: "\n")
    raw = sections["raw"].map { lines in
      lines.compactMap { line in
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : UInt64(t.hasPrefix("0x") ? String(t.dropFirst(2)) : t, radix: 16)
      }
    }
    memory = (sections["mem"] ?? []).joined(separator: " ").split(whereSeparator: \.isWhitespace)
      .compactMap { UInt8($0, radix: 16) }
    if let r = sections["result"]?.joined().trimmingCharacters(in: .whitespaces) {
      result = r.hasPrefix("0x") ? UInt64(r.dropFirst(2), radix: 16) : UInt64(r)
    }
    error = sections["error"]?.joined(separator: "\n").trimmingCharacters(
      in: .whitespacesAndNewlines)
  }

  /// The instruction bytes the runner sends: `-- raw` if present, else the assembled `-- asm`.
  func programBytes() throws -> [UInt8] {
    if let raw {
      return raw.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    }
    return RawInstruction.bytes(of: try Assembler.assemble(asm))
  }

  /// The runner's hex encoding: two hex digits and two spaces per byte.
  static func runnerHex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x  ", $0) }.joined()
  }

  /// The ELF object the runner writes for `--elf` (bpf_conformance's
  /// bpf_writer_classic, by ELFIO): sections null, .shstrtab, .symtab, .text;
  /// the symbol table takes its names from .shstrtab; one global function
  /// `main` covering .text.
  static func runnerELF(_ code: [UInt8]) -> [UInt8] {
    func le(_ v: UInt64, _ n: Int) -> [UInt8] {
      (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }
    let shstrtab = Array("\0.shstrtab\0.symtab\0.text\0main\0".utf8)
    let symtab =
      [UInt8](repeating: 0, count: 24) + le(25, 4) + [0x12, 0] + le(3, 2) + le(0, 8)
      + le(UInt64(code.count), 8)
    var out = [UInt8](repeating: 0, count: 64)
    let offsets = [64, 64 + shstrtab.count, 64 + shstrtab.count + symtab.count].map(UInt64.init)
    out += shstrtab + symtab + code
    while out.count % 8 != 0 { out.append(0) }
    let shoff = UInt64(out.count)
    func header(
      _ name: UInt64, _ type: UInt64, _ flags: UInt64, _ offset: UInt64, _ size: Int,
      _ link: UInt64, _ info: UInt64, _ entsize: UInt64
    ) -> [UInt8] {
      le(name, 4) + le(type, 4) + le(flags, 8) + le(0, 8) + le(offset, 8) + le(UInt64(size), 8)
        + le(link, 4) + le(info, 4) + le(4, 8) + le(entsize, 8)
    }
    out += [UInt8](repeating: 0, count: 64)
    out += header(1, 3, 0, offsets[0], shstrtab.count, 0, 0, 0)
    out += header(11, 2, 0, offsets[1], symtab.count, 1, 1, 24)
    out += header(19, 1, 6, offsets[2], code.count, 0, 0, 0)
    out.replaceSubrange(0..<7, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
    out.replaceSubrange(16..<24, with: le(1, 2) + le(247, 2) + le(1, 4))
    out.replaceSubrange(40..<48, with: le(shoff, 8))
    out.replaceSubrange(52..<54, with: le(64, 2))
    out.replaceSubrange(58..<64, with: le(64, 2) + le(4, 2) + le(1, 2))
    return out
  }
}
