/// The eBPF memory model shared by every Kiln engine (interpreter and JITs).
///
/// **eBPF addresses are host addresses.** A pointer register holds the host
/// address of the byte it points to, zero-extended to 64 bits (on the 32-bit
/// Cortex-M4 the upper half of a valid pointer is 0). The engines never
/// translate addresses; with bounds checks on (the default) every load, store
/// and atomic must fall entirely inside one ``MemoryRegion`` — and for a write,
/// a writable one — or the run ends with
/// ``EBPFError/outOfBounds(index:address:size:isWrite:)``. The check is two
/// compares per region, so a JIT inlines it; in unchecked mode (trusted code)
/// the access is a plain host load or store, as fast as native code.
///
/// Regions of a run, in the order they are searched:
///
/// 1. the stack: `maxCallDepth` frames of 512 bytes in one block; `r10` of the
///    main program points one past its top, each local call moves `r10` down
///    by one frame (RFC 9669 §4.3.2: the callee gets a fresh frame). The
///    whole block is one region, so a callee can use a pointer into its
///    caller's frame:
///
///    ```
///     high  +------------------+ <- stack + 8*512 = r10 of the program
///           | frame 0 (512 B)  |
///           +------------------+ <- r10 in the first local call
///           | frame 1          |
///           |       ...        |
///           | frame 7          |
///     low   +------------------+ <- stack  (maxCallDepth = 8)
///    ```
///
/// 2. the context: the memory the program is run with (`r1` = its address,
///    `r2` = its length; both 0 when there is none), writable; it is also the
///    packet of the legacy `ldabs`/`ldind` loads;
/// 3. the regions the host adds (``MemoryMap/addRegion(base:length:writable:)``),
///    e.g. for pointers that helpers return.
public struct MemoryRegion: Hashable, Sendable {
  /// Host address of the first byte.
  public var base: UInt64
  public var length: UInt64
  public var writable: Bool

  public init(base: UInt64, length: UInt64, writable: Bool) {
    self.base = base
    self.length = length
    self.writable = writable
  }

  /// A region covering a host buffer.
  public init(_ buffer: UnsafeRawBufferPointer, writable: Bool) {
    self.base = buffer.baseAddress.map { UInt64(UInt(bitPattern: $0)) } ?? 0
    self.length = UInt64(buffer.count)
    self.writable = writable
  }

  /// Whether `[address, address + size)` lies inside the region (overflow-safe).
  @inline(__always)
  public func contains(_ address: UInt64, size: UInt64) -> Bool {
    address >= base && length >= size && address - base <= length - size
  }
}

/// Host memory that a ``MemoryMap`` owns: a zeroed allocation freed when
/// the last map (or copy of one) holding a region of it goes away. Engines
/// keep their map, so a program they run can never address the memory after
/// it is freed, whoever else drops it (the eBPF object loader keeps its data
/// sections in these). A concrete final class: no existential, so it also
/// works in Embedded Swift.
public final class HostBuffer: @unchecked Sendable {
  // @unchecked: the pointer never changes; the bytes are the program's
  // memory, which eBPF code and its host share as C code would.
  /// The allocation.
  public let bytes: UnsafeMutableRawBufferPointer

  /// Allocates `byteCount` zeroed bytes (at least 1, so that the buffer has
  /// an address of its own) aligned to `alignment`.
  public init(byteCount: Int, alignment: Int = 16) {
    bytes = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(1, byteCount), alignment: max(1, alignment))
    bytes.initializeMemory(as: UInt8.self, repeating: 0)
    release = nil
  }

  /// Takes ownership of `bytes`, allocated elsewhere (memory a 32-bit port
  /// can address, say), zeroes them, and hands them to `deallocate` when
  /// the last owner goes away.
  public init(
    adopting bytes: UnsafeMutableRawBufferPointer,
    deallocate: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void
  ) {
    self.bytes = bytes
    bytes.initializeMemory(as: UInt8.self, repeating: 0)
    release = deallocate
  }

  /// How adopted bytes are freed (nil: allocated by ``init(byteCount:alignment:)``).
  private let release: (@Sendable (UnsafeMutableRawBufferPointer) -> Void)?

  deinit {
    if let release { release(bytes) } else { bytes.deallocate() }
  }

  /// Host address of the first byte.
  public var address: UInt64 { UInt64(UInt(bitPattern: bytes.baseAddress)) }
}

/// The regions a run may touch besides the stack and the context.
///
/// A region added from a ``HostBuffer`` keeps the buffer alive as long as
/// the map (every engine keeps its map). A region added by address
/// (``addRegion(base:length:writable:)``) is the caller's to keep alive.
public struct MemoryMap: Hashable, Sendable {
  public private(set) var regions: [MemoryRegion] = []
  /// The buffers that regions point into, retained by the map.
  private var owners: [HostBuffer] = []

  public init(regions: [MemoryRegion] = []) { self.regions = regions }

  /// Adds the first `length` bytes of `buffer` (all of it when `nil`;
  /// never more) and keeps `buffer` alive with the map.
  public mutating func addRegion(_ buffer: HostBuffer, length: Int? = nil, writable: Bool) {
    let count = min(max(0, length ?? buffer.bytes.count), buffer.bytes.count)
    regions.append(MemoryRegion(base: buffer.address, length: UInt64(count), writable: writable))
    owners.append(buffer)
  }

  /// Equal regions and the same owning buffers.
  public static func == (a: MemoryMap, b: MemoryMap) -> Bool {
    a.regions == b.regions && a.owners.map { $0.address } == b.owners.map { $0.address }
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(regions) }

  /// Adds the host memory `[base, base + length)`.
  public mutating func addRegion(base: UInt64, length: UInt64, writable: Bool) {
    regions.append(MemoryRegion(base: base, length: length, writable: writable))
  }

  /// Adds a host buffer.
  public mutating func addRegion(_ buffer: UnsafeRawBufferPointer, writable: Bool) {
    regions.append(MemoryRegion(buffer, writable: writable))
  }

  /// Whether an access of `size` bytes at `address` is allowed.
  @inline(__always)
  public func allows(_ address: UInt64, size: UInt64, write: Bool) -> Bool {
    for r in regions where r.contains(address, size: size) && (r.writable || !write) {
      return true
    }
    return false
  }
}

/// Engine-independent run settings.
public struct ExecutionOptions: Hashable, Sendable {
  /// Bounds-check every load, store and atomic (the default). `false` is the
  /// `unchecked` mode for trusted code: accesses go straight to host memory
  /// (the interpreter only still refuses address 0, which Swift cannot form
  /// a pointer to).
  public var boundsChecks: Bool
  /// Stack frames available, the main program's included (each 512 bytes):
  /// 1 through ``maxCallDepthLimit``; the engines refuse other values with
  /// ``EBPFError/invalidCallDepth(requested:limit:)``. RFC 9669's programs
  /// assume 8 (the default, as in Linux). The JIT's local calls are host
  /// calls, so it also refuses, when a run starts, a depth whose host frames
  /// the calling thread's stack cannot hold.
  public var maxCallDepth: Int
  /// Optional budget of executed instructions, on every engine (stops
  /// runaway loops: tests, fuzzing, untrusted programs): a run executes
  /// exactly this many instructions (`lddw` counts once) unless it ends
  /// first, then stops with
  /// ``EBPFError/instructionBudgetExhausted(index:executed:)`` at the same
  /// instruction, with the same registers and memory, on every engine
  /// (``BudgetBlocks`` says how the engines count). `nil` runs without a
  /// budget, and a JIT then compiles no check.
  public var instructionBudget: UInt64?
  /// Lets another thread or a signal handler stop runs
  /// (``Interrupter/interrupt()``, ``EBPFError/interrupted(index:)``);
  /// `nil` (the default) polls nothing and a JIT compiles no poll.
  public var interrupter: Interrupter?

  public static let stackFrameSize = 512
  /// The largest ``maxCallDepth`` the engines accept: 1024 frames, 512 KiB
  /// of eBPF stack per run (the interpreter allocates it per run, the JIT
  /// also needs about 48–64 bytes of host stack per frame).
  public static let maxCallDepthLimit = 1024

  public init(
    boundsChecks: Bool = true, maxCallDepth: Int = 8, instructionBudget: UInt64? = nil,
    interrupter: Interrupter? = nil
  ) {
    self.boundsChecks = boundsChecks
    self.maxCallDepth = max(1, maxCallDepth)
    self.instructionBudget = instructionBudget
    self.interrupter = interrupter
  }

  /// Throws ``EBPFError/invalidCallDepth(requested:limit:)`` unless
  /// ``maxCallDepth`` is in `1...maxCallDepthLimit` (every engine calls it
  /// before allocating a stack).
  public func validate() throws(EBPFError) {
    guard (1...Self.maxCallDepthLimit).contains(maxCallDepth) else {
      throw .invalidCallDepth(requested: maxCallDepth, limit: Self.maxCallDepthLimit)
    }
  }

  /// Trusted code: no bounds checks.
  public static var unchecked: ExecutionOptions { ExecutionOptions(boundsChecks: false) }
}
