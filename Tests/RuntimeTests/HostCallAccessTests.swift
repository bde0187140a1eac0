import KilnIR
import Testing

@testable import Runtime

/// The load and store host calls accept exactly the descriptors a port
/// emits for them: 1, 2 or 4 bytes, writing only for stores.
struct HostCallAccessTests {
  @Test(arguments: AccessSize.allCases)
  func portDescriptorsDecode(size: AccessSize) throws {
    let load = AccessDescriptor(size, signed: true, isWrite: false, pc: 0xFFFF_FFFC)
    #expect(HostCalls.access(load.encoded, isWrite: false) == load)
    let store = AccessDescriptor(size, isWrite: true, pc: 0x1_0000)
    #expect(HostCalls.access(store.encoded, isWrite: true) == store)
  }

  @Test func othersAreRejected() throws {
    let load = AccessDescriptor(.word, isWrite: false, pc: 0x1000).encoded
    #expect(HostCalls.access(load, isWrite: true) == nil)  // a load passed to the store call
    let store = AccessDescriptor(.word, isWrite: true, pc: 0x1000).encoded
    #expect(HostCalls.access(store, isWrite: false) == nil)
    let wide = try #require(AccessDescriptor(size: 8, isWrite: false)).encoded
    #expect(HostCalls.access(wide, isWrite: false) == nil)  // RV32 has no 8-byte access
    #expect(HostCalls.access(3, isWrite: false) == nil)
    #expect(HostCalls.access(load | 0x400, isWrite: false) == nil)
  }
}
