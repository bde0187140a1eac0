/// Lexical pieces of the bpf_conformance assembler syntax: tokens, numbers,
/// registers, memory operands. All errors are ``EBPFError/syntax(line:message:)``.
struct SourceLine {
  let number: Int
  var tokens: [Substring]

  /// Splits a line into tokens at blanks and commas; `#` starts a comment.
  /// Inside `[...]` and `(...)` blanks are dropped, so `[%r1 + 4]` is one token.
  init(_ text: Substring, number: Int) {
    self.number = number
    var depth = 0
    var i = text.startIndex
    var pieces: [String] = []
    var current = ""
    while i < text.endIndex {
      let c = text[i]
      if c == "#" && depth == 0 { break }
      if c == "[" || c == "(" { depth += 1 }
      if c == "]" || c == ")" { depth = max(0, depth - 1) }
      let blank = c == " " || c == "\t" || c == "\r"
      if depth > 0 && blank {
        // drop blanks inside brackets
      } else if depth == 0 && (blank || c == ",") {
        if !current.isEmpty { pieces.append(current) }
        current = ""
      } else {
        current.append(c)
      }
      i = text.index(after: i)
    }
    if !current.isEmpty { pieces.append(current) }
    self.tokens = pieces.map { Substring($0) }
  }

  func error(_ message: String) -> EBPFError { .syntax(line: number, message: message) }

  /// A token as error messages show it: in single quotes, bytes outside
  /// printable ASCII (control characters, `\r`, raw bytes, UTF-8) as `\xNN`,
  /// and at most 40 bytes of it (then `…`), so one bad token is one short line.
  static func quote(_ token: Substring) -> String {
    let hex: [Character] = [
      "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f",
    ]
    var out = "'"
    var count = 0
    for byte in token.utf8 {
      if count == 40 {
        out += "…"
        break
      }
      if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "\\") {
        out.append(Character(Unicode.Scalar(byte)))
      } else {
        out += "\\x"
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xf)])
      }
      count += 1
    }
    return out + "'"
  }

  static func quote(_ token: String) -> String { quote(token[...]) }

  func register(_ token: Substring) throws(EBPFError) -> UInt8 {
    let u = Array(token.utf8)
    guard u.count >= 3, u[0] == UInt8(ascii: "%"), u[1] == UInt8(ascii: "r"),
      let n = Self.decimal(u[2...]), n <= 10
    else { throw error("invalid register: " + Self.quote(token)) }
    return UInt8(n)
  }

  static func isRegister(_ token: Substring) -> Bool { token.utf8.first == UInt8(ascii: "%") }

  /// Decimal digits only.
  static func decimal(_ u: ArraySlice<UInt8>) -> UInt64? {
    guard !u.isEmpty else { return nil }
    var v: UInt64 = 0
    for c in u {
      guard c >= 0x30 && c <= 0x39 else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
      if o1 || o2 { return nil }
      v = a
    }
    return v
  }

  /// `[+|-]` then decimal or `0x` hex: sign and magnitude.
  static func integer(_ token: Substring) -> (negative: Bool, magnitude: UInt64)? {
    var u = Array(token.utf8)[...]
    var negative = false
    if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
      negative = f == UInt8(ascii: "-")
      u = u.dropFirst()
    }
    if u.count > 2, u[u.startIndex] == UInt8(ascii: "0"),
      u[u.startIndex + 1] | 0x20 == UInt8(ascii: "x")
    {
      var v: UInt64 = 0
      for c in u.dropFirst(2) {
        let digit: UInt8
        switch c {
        case 0x30...0x39: digit = c - 0x30
        case 0x61...0x66: digit = c - 0x61 + 10
        case 0x41...0x46: digit = c - 0x41 + 10
        default: return nil
        }
        guard v >> 60 == 0 else { return nil }
        v = v << 4 | UInt64(digit)
      }
      return (negative, v)
    }
    guard let v = decimal(u) else { return nil }
    return (negative, v)
  }

  /// A 32-bit immediate: −2³¹ … 2³²−1, stored as its low 32 bits.
  func imm32(_ token: Substring) throws(EBPFError) -> Int32 {
    guard let (neg, mag) = Self.integer(token) else {
      throw error("invalid immediate: " + Self.quote(token))
    }
    if neg {
      guard mag <= 0x8000_0000 else { throw error("immediate out of range: " + Self.quote(token)) }
      return Int32(truncatingIfNeeded: 0 &- mag)
    }
    guard mag <= 0xFFFF_FFFF else { throw error("immediate out of range: " + Self.quote(token)) }
    return Int32(truncatingIfNeeded: mag)
  }

  /// A 64-bit immediate: −2⁶³ … 2⁶⁴−1.
  func imm64(_ token: Substring) throws(EBPFError) -> UInt64 {
    guard let (neg, mag) = Self.integer(token) else {
      throw error("invalid immediate: " + Self.quote(token))
    }
    if neg {
      guard mag <= 0x8000_0000_0000_0000 else {
        throw error("immediate out of range: " + Self.quote(token))
      }
      return 0 &- mag
    }
    return mag
  }

  /// A signed 16-bit offset.
  func offset16(_ token: Substring) throws(EBPFError) -> Int16 {
    guard let (neg, mag) = Self.integer(token), mag <= (neg ? 0x8000 : 0x7FFF) else {
      throw error("invalid offset: " + Self.quote(token))
    }
    return Int16(truncatingIfNeeded: neg ? 0 &- mag : mag)
  }

  /// `[%rN]`, `[%rN+off]`, `[%rN-off]`.
  func memory(_ token: Substring) throws(EBPFError) -> (UInt8, Int16) {
    guard token.first == "[", token.last == "]" else {
      throw error("expected a memory operand [%rN+off]: " + Self.quote(token))
    }
    let inner = token.dropFirst().dropLast()
    guard let sign = inner.firstIndex(where: { $0 == "+" || $0 == "-" }) else {
      return (try register(inner), 0)
    }
    return (try register(inner[..<sign]), try offset16(inner[sign...]))
  }
}
