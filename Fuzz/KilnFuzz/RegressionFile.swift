import EBPF

/// Committed regression inputs (Fuzz/Regressions): minimised programs in a
/// small text form, so that they survive changes to the generators.
///
///     # rv32: what it shows
///     block 64
///     x22 = 0xfff
///     code 00000013 02012403 00008067
///
///     # bpf: what it shows
///     context 0102…            (hex, optional; zero-padded to 512 bytes)
///     mov r6, r1               (assembly, one instruction a line)
///     exit
///
/// Lines starting with `#` are comments; a line `disabled: REASON` marks a
/// known, unfixed divergence that the replay test reports but does not fail.
public enum RegressionFile {
  public struct Parsed {
    public var disabled: String?
    public var rv32: RV32Program?
    public var bpf: BPFProgram?
  }

  public enum ParseError: Error, CustomStringConvertible {
    case bad(line: Int, String)
    public var description: String {
      switch self {
      case .bad(let line, let text): "line \(line): \(text)"
      }
    }
  }

  static func hexBytes(_ text: Substring) -> [UInt8]? {
    let digits = Array(text.filter { !$0.isWhitespace })
    guard digits.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    for i in stride(from: 0, to: digits.count, by: 2) {
      guard let b = UInt8(String(digits[i...i + 1]), radix: 16) else { return nil }
      out.append(b)
    }
    return out
  }

  static func number(_ text: Substring) -> UInt32? {
    let t = text.trimmingPrefix(while: { $0 == " " })
    if t.hasPrefix("0x") { return UInt32(t.dropFirst(2), radix: 16) }
    return UInt32(t)
  }

  /// `kind` is "rv32" or "bpf" (the file's extension).
  public static func parse(_ text: String, kind: String) throws(ParseError) -> Parsed {
    var parsed = Parsed()
    var registers = [UInt32](repeating: 0, count: 32)
    var words: [UInt32] = []
    var block = 64
    var context = [UInt8](repeating: 0, count: BPFProgram.contextSize)
    var assembly: [String] = []
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("disabled:") {
        parsed.disabled = String(line.dropFirst("disabled:".count))
        continue
      }
      if kind == "bpf" {
        if line.hasPrefix("context ") {
          guard let bytes = hexBytes(line.dropFirst(8)), bytes.count <= context.count else {
            throw .bad(line: n + 1, "bad context")
          }
          context.replaceSubrange(0..<bytes.count, with: bytes)
        } else {
          assembly.append(String(line))
        }
        continue
      }
      if line.hasPrefix("block ") {
        guard let b = number(line.dropFirst(6)) else { throw .bad(line: n + 1, "bad block") }
        block = Int(b)
      } else if line.hasPrefix("code ") {
        for w in line.dropFirst(5).split(separator: " ") {
          guard let v = UInt32(w, radix: 16) else { throw .bad(line: n + 1, "bad word \(w)") }
          words.append(v)
        }
      } else if line.hasPrefix("x"), let eq = line.firstIndex(of: "=") {
        guard let r = Int(line[line.index(after: line.startIndex)..<eq].filter { $0 != " " }),
          (0..<32).contains(r), let v = number(line[line.index(after: eq)...])
        else { throw .bad(line: n + 1, "bad register line") }
        registers[r] = v
      } else {
        throw .bad(line: n + 1, "unknown line")
      }
    }
    if kind == "bpf" {
      do {
        let program = try Program(assembly: assembly.joined(separator: "\n"))
        var instructions: [Instruction] = []
        for i in program.instructions where i.operation != .loadImm64Tail { instructions.append(i) }
        parsed.bpf = BPFProgram(instructions: instructions, context: context)
      } catch {
        throw .bad(line: 0, "assembly: \(error)")
      }
    } else {
      parsed.rv32 = RV32Program(
        registers: registers, data: [UInt8](repeating: 0, count: RV32Program.dataSize),
        words: words, blockSize: block)
    }
    return parsed
  }
}
