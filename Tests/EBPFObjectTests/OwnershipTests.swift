import EBPF
import EBPFJIT
import EBPFObject
import KilnHosts
import KilnTestSupport
import Testing

/// An engine keeps the data sections its program addresses alive, whoever
/// drops the `LoadedObject` (issue 12, section 1: before, a bounds-checked
/// program read and wrote freed memory, r0 211 came back as 23016541504).
/// The map of the object owns the host copies (`HostBuffer`), and every
/// engine keeps its map.
@Suite(.requires(Toolchain.clang != nil, "clang (for --target=bpf) is not on PATH"))
struct OwnershipTests {
  /// `counter` in .data starts at 200; each run adds 11 and returns it.
  static let source = """
    #include "bpf.h"
    u64 counter = 200;
    u64 bump(u8 *mem, u64 len) {
      counter += 11;
      return counter;
    }
    """

  /// An engine made from an object that is dropped before it runs, and a
  /// weak reference to the object.
  static func engine(_ kind: EngineUnderTest) throws -> (any ExecutionEngine, weakObject: Weak) {
    let object = try EBPFObjectFile(bytes: Toolchain.bpfObject("ownership", source: source))
    // Below 4 GiB for a 32-bit port: the program holds the section addresses.
    let loaded = try object.load(memory: kind.sectionMemory)
    let weak = Weak(loaded)
    let engine: any ExecutionEngine
    switch kind {
    case .interpreter:
      engine = try Interpreter(program: loaded.program, memoryMap: loaded.memoryMap)
    case .jit:
      let host = try #require(Hosts.native)
      engine = try makeJITProgram(
        host: host, program: loaded.program, memoryMap: loaded.memoryMap)
    case .emulated(let host):
      engine = try makeJITProgram(
        host: host, program: loaded.program, memoryMap: loaded.memoryMap)
    }
    return (engine, weak)
  }

  @Test(arguments: EngineUnderTest.allCases)
  func engineKeepsDataSectionsAlive(_ kind: EngineUnderTest) throws {
    let (engine, weak) = try Self.engine(kind)
    // The object itself is gone; its data sections are not.
    #expect(weak.object == nil)
    // Reuse freed memory, as a program would meet it.
    let churn = (0..<64).map { _ in [UInt8](repeating: 0xA5, count: 4097) }
    #expect(churn.count == 64)
    #expect(try engine.run() == 211)
    #expect(try engine.run() == 222)
  }

  /// A map owns its buffers: copies share them, and they outlive the map
  /// they were added to as long as one copy is left.
  @Test func mapsRetainTheirBuffers() {
    var map = MemoryMap()
    weak var weakBuffer: HostBuffer?
    do {
      let buffer = HostBuffer(byteCount: 16)
      weakBuffer = buffer
      map.addRegion(buffer, length: 8, writable: true)
    }
    #expect(weakBuffer != nil)
    #expect(map.regions.first?.length == 8)
    let copy = map
    map = MemoryMap()
    #expect(weakBuffer != nil)
    #expect(copy.regions.count == 1)
    _ = consume copy
    #expect(weakBuffer == nil)
  }
}

/// A weak reference to a loaded object.
final class Weak {
  weak var object: LoadedObject?
  init(_ object: LoadedObject) { self.object = object }
}
