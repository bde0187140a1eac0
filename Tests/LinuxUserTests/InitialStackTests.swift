import LinuxUser
import Testing

@Suite("Linux initial stack")
struct InitialStackTests {
  static let top: UInt32 = AddressSpace.stackTop

  /// Reads the word at guest `address` from the stack block.
  static func word(_ s: InitialStack, _ address: UInt32) -> UInt32 {
    let o = Int(address - s.stackPointer)
    return (0..<4).reduce(0) { $0 | UInt32(s.bytes[o + $1]) << (8 * $1) }
  }

  static func string(_ s: InitialStack, _ address: UInt32) -> String {
    let o = Int(address - s.stackPointer)
    let end = s.bytes[o...].firstIndex(of: 0) ?? s.bytes.endIndex
    return String(decoding: s.bytes[o..<end], as: UTF8.self)
  }

  static func build(_ args: [String], _ env: [String]) throws -> InitialStack {
    try #require(
      InitialStack.build(
        top: top, arguments: args, environment: env, executableName: args.first ?? "",
        auxiliary: [(.pagesz, 4096), (.entry, 0x10100), (.phdr, 0x10034), (.phnum, 3)],
        random: Array(1...16)))
  }

  @Test(
    arguments: [
      ([], []), (["prog"], []), (["prog", "a", "bb", ""], ["HOME=/root", "X=1"]),
      (["ünïcødé", String(repeating: "x", count: 5000)], ["PATH=/bin"]),
    ] as [([String], [String])])
  func layout(args: [String], env: [String]) throws {
    let s = try Self.build(args, env)
    #expect(s.stackPointer % 16 == 0)
    #expect(UInt64(s.stackPointer) + UInt64(s.bytes.count) == UInt64(Self.top))
    var at = s.stackPointer
    #expect(Self.word(s, at) == UInt32(args.count))
    at += 4
    for a in args {
      #expect(Self.string(s, Self.word(s, at)) == a)
      at += 4
    }
    #expect(Self.word(s, at) == 0)
    at += 4
    for e in env {
      #expect(Self.string(s, Self.word(s, at)) == e)
      at += 4
    }
    #expect(Self.word(s, at) == 0)
    at += 4
    var aux: [UInt32: UInt32] = [:]
    while Self.word(s, at) != 0 {
      aux[Self.word(s, at)] = Self.word(s, at + 4)
      at += 8
    }
    #expect(Self.word(s, at + 4) == 0)  // AT_NULL's value
    #expect(aux[6] == 4096)  // AT_PAGESZ
    #expect(aux[9] == 0x10100)  // AT_ENTRY
    #expect(aux[3] == 0x10034)  // AT_PHDR
    #expect(aux[5] == 3)  // AT_PHNUM
    let random = try #require(aux[25])  // AT_RANDOM
    #expect(random == s.randomAddress)
    let o = Int(random - s.stackPointer)
    #expect(Array(s.bytes[o..<o + 16]) == Array(1...16))
    let execfn = try #require(aux[31])
    #expect(Self.string(s, execfn) == (args.first ?? ""))
  }

  @Test func oversizedArgumentsAreRefused() {
    let huge = [String](repeating: String(repeating: "y", count: 100_000), count: 30)
    #expect(
      InitialStack.build(
        top: Self.top, arguments: huge, environment: [], executableName: "p", auxiliary: [],
        random: []) == nil)
  }
}
