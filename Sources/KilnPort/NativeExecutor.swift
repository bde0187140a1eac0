import KilnCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs generated code on this machine: memory from `mmap`, code in W^X
/// ``ExecutableMemory``, host calls straight to the C functions, entry by a
/// C call. Only for the port of this machine's architecture.
public final class NativeExecutor: Executor {
  public let name = "native"
  public var runsNatively: Bool { true }

  public init() {}

  /// Below this size memory comes from the Swift allocator (an eBPF run's
  /// stack and state, allocated per run, must be cheap); from it up, from
  /// `mmap` (lazily backed: a page pool costs only what is touched).
  static let mmapThreshold = 64 << 10

  public func allocate(bytes: Int) throws(ExecutorError) -> UnsafeMutableRawPointer {
    if bytes < Self.mmapThreshold {
      let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 16)
      p.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
      return p
    }
    guard
      let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      p != MAP_FAILED
    else { throw .allocationFailed(bytes: bytes) }
    return p
  }

  public func deallocate(_ memory: UnsafeMutableRawPointer, bytes: Int) {
    if bytes < Self.mmapThreshold { memory.deallocate() } else { munmap(memory, bytes) }
  }

  public func makeCodeMemory(capacity: Int, port: PortFacts) throws(ExecutorError)
    -> any CodeMemory
  {
    do {
      return try ExecutableMemory(
        capacity: capacity, flushInstructionCache: port.instructionCache == .flushAfterWrite)
    } catch { throw .codeMemory(error) }
  }

  /// Identity: native code addresses the buffer itself.
  public func expose(_ buffer: UnsafeRawBufferPointer, writable: Bool) -> UInt {
    UInt(bitPattern: buffer.baseAddress)
  }
  public func withdraw(_ buffer: UnsafeRawBufferPointer) {}

  /// The SIGSEGV handler of `CKilnFault` serves first touches natively.
  public func attach(_ memory: any LazyMemory) {}
  public func lazyMemoryCleared(_ memory: any LazyMemory) {}

  public func hostCallAddress(_ function: HostFunction) -> UInt {
    UInt(bitPattern: function.address)
  }

  @inline(__always)
  public func call(_ entry: UInt, _ first: UInt, _ second: UInt) -> UInt64 {
    // SAFETY: `entry` is installed, committed code of this machine's port
    // with this C signature (an entry stub or a compiled function).
    let function = unsafeBitCast(entry, to: (@convention(c) (UInt, UInt) -> UInt64).self)
    return function(first, second)
  }

  public var executedInstructions: UInt64? { nil }
}
