import EBPF
import Emulation
import Testing

/// The `lddw` pseudo forms (RFC 9669 §5.4), resolved at load time and run on
/// both engines.
@Suite struct PseudoLoadTests {
  /// A map whose value area is a host buffer of 32 bytes (0, 1, 2, …).
  struct Fixture {
    let buffer: UnsafeMutableRawBufferPointer
    var table = PseudoLoadTable()
    var map = MemoryMap()
    var base: UInt64 { UInt64(UInt(bitPattern: buffer.baseAddress!)) }

    init() throws {
      // Low memory: the program holds the buffer's address as a constant,
      // which the 32-bit port must be able to address.
      buffer = try lowBuffer(32)
      for i in 0..<32 { buffer[i] = UInt8(i) }
      table.mapsByFD[3] = .init(handle: 0xA3, value: base)
      table.mapsByIndex[0] = .init(handle: 0xB0, value: base + 8)
      table.variables[7] = base + 16
      map.addRegion(UnsafeRawBufferPointer(buffer), writable: true)
    }
  }

  func run(_ source: String, _ f: Fixture, _ engine: Engine) throws(EBPFError) -> UInt64 {
    let program = try Program(assembly: source).resolvingPseudoLoads(f.table)
    return try engine.run(program, memory: nil, helpers: .conformance, map: f.map)
  }

  @Test(arguments: Engine.allCases)
  func everyResolvableForm(_ engine: Engine) throws {
    let f = try Fixture()
    defer { freeLowBuffer(f.buffer) }
    #expect(try run("lddw %r0, map_by_fd(3)\nexit", f, engine) == 0xA3)
    #expect(try run("lddw %r0, map_by_idx(0)\nexit", f, engine) == 0xB0)
    // map_val + next_imm, then a load through it: byte 4 of the value area.
    #expect(try run("lddw %r1, map_val_by_fd(3)+4\nldxb %r0, [%r1]\nexit", f, engine) == 4)
    #expect(try run("lddw %r1, map_val_by_idx(0)+1\nldxb %r0, [%r1]\nexit", f, engine) == 9)
    #expect(try run("lddw %r1, var_addr(7)\nldxb %r0, [%r1+2]\nexit", f, engine) == 18)
    // Stores into the value area reach the host.
    _ = try run("lddw %r1, map_val_by_fd(3)\nstb [%r1+31], 0x55\nmov %r0, 0\nexit", f, engine)
    #expect(f.buffer[31] == 0x55)
  }

  @Test func unresolvedAndCodeAddressAreRefused() throws {
    let f = try Fixture()
    defer { freeLowBuffer(f.buffer) }
    func refusal(_ source: String) -> EBPFError? {
      error { () throws(EBPFError) in try Program(assembly: source).resolvingPseudoLoads(f.table) }
    }
    #expect(
      refusal("mov %r0, 0\nlddw %r1, map_by_fd(4)\nexit")
        == .unresolvedLoadImm64(index: 1, form: "map_by_fd", id: 4))
    #expect(
      refusal("lddw %r1, var_addr(1)\nexit")
        == .unresolvedLoadImm64(index: 0, form: "var_addr", id: 1))
    #expect(
      refusal("lddw %r1, code_addr(1)\nexit")
        == .unsupportedInstruction(index: 0, mnemonic: "lddw code_addr"))
    // Without resolution the checker (run by every engine) refuses the pseudo forms.
    for engine in Engine.allCases {
      #expect(
        error { () throws(EBPFError) in
          try engine.run(
            Program(assembly: "lddw %r0, map_by_fd(3)\nexit"), memory: nil, helpers: .conformance)
        } == .unsupportedInstruction(index: 0, mnemonic: "lddw map_by_fd"))
    }
  }
}
