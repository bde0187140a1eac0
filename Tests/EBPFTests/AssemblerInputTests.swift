import EBPF
import Testing

/// Hostile or foreign assembler input: CRLF line ends, raw bytes and huge
/// tokens. Errors stay one short line that quotes the token.
@Suite struct AssemblerInputTests {
  /// A CRLF file assembles to the same slots as its LF twin.
  @Test func crlfLineEnds() throws {
    let lf = "mov %r0, 1\nja +1\nmov %r0, 2\nexit\n"
    let crlf = lf.replacingOccurrences("\n", with: "\r\n")
    let slots = try Assembler.assemble(crlf)
    #expect(slots == (try Assembler.assemble(lf)))
    #expect(slots.count == 4)
    // Line numbers count CRLF lines too.
    #expect(syntaxError("mov %r0, 1\r\nnop\r\nexit\r\n") == "line 2: unknown mnemonic: 'nop'")
  }

  @Test(arguments: [
    ("mov %r0, \u{1b}[2J\n", "invalid immediate: '\\x1b[2J'"),
    ("fr\u{7f}ob %r0\n", "unknown mnemonic: 'fr\\x7fob'"),
    ("mov %r0, é\n", "invalid immediate: '\\xc3\\xa9'"),
    ("mov %r0, 1\u{0}\r\n", "invalid immediate: '1\\x00'"),
    ("ja lab'el\nexit\n", "undefined label: 'lab\\x27el'"),
  ])
  func tokensAreQuoted(source: String, message: String) {
    #expect(syntaxError(source) == "line 1: " + message)
  }

  /// A 100 kB token is cut to 40 bytes in the message.
  @Test func hugeTokenIsTruncated() throws {
    let token = String(repeating: "A", count: 100_000)
    let message = syntaxError("mov %r0, \(token)\nexit\n")
    #expect(message == "line 1: invalid immediate: '\(token.prefix(40))…'")
    #expect((message?.utf8.count ?? 0) < 80)
  }
}

/// "line N: message" of the syntax error `source` raises (nil if none).
private func syntaxError(_ source: String) -> String? {
  do {
    _ = try Assembler.assemble(source)
    return nil
  } catch {
    guard case .syntax(let line, let message) = error else { return "not a syntax error: \(error)" }
    return "line \(line): \(message)"
  }
}

extension String {
  fileprivate func replacingOccurrences(_ a: String, with b: String) -> String {
    split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
  }
}
