// Embedded Swift check (the lead should run this in CI):
//   swiftc -target armv7em-none-none-eabi -enable-experimental-feature Embedded \
//     -wmo -parse-as-library -c Sources/EBPF/*.swift -o /tmp/ebpf.o

/// A decoded eBPF program: its slots and one ``Instruction`` per slot.
///
/// Decoding catches malformed instructions; ``Checker`` then decides whether
/// the program may run (the engines call it before running).
public struct Program: Hashable, Sendable {
  /// The encoded slots, as loaded.
  public let slots: [RawInstruction]
  /// One decoded instruction per slot (`lddw`'s second slot is `.loadImm64Tail`).
  public let instructions: [Instruction]

  /// Number of slots (the unit of jump offsets and of the size limit).
  public var count: Int { slots.count }

  public init(slots: [RawInstruction]) throws(EBPFError) {
    self.slots = slots
    self.instructions = try Decoder.decode(slots)
  }

  /// Decodes little-endian instruction bytes (length a multiple of 8).
  public init(bytes: [UInt8]) throws(EBPFError) {
    try self.init(slots: RawInstruction.slots(from: bytes))
  }

  /// Decodes 64-bit words, one per slot (the `-- raw` form of the suite).
  public init(words: [UInt64]) throws(EBPFError) {
    var slots: [RawInstruction] = []
    slots.reserveCapacity(words.count)
    for w in words { slots.append(RawInstruction(word: w)) }
    try self.init(slots: slots)
  }

  /// Assembles source in the bpf_conformance syntax.
  public init(assembly: String) throws(EBPFError) {
    try self.init(slots: Assembler.assemble(assembly))
  }

  /// The encoded bytes.
  public var bytes: [UInt8] { RawInstruction.bytes(of: slots) }
}
