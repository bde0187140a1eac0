/// The spill stack of the RV32IM spec: one saved register set per nested
/// `callFunction`, in memory allocated when the VM is created. Its size
/// (`Config.maxStackDepth`) bounds the nesting depth, so runaway recursion
/// through syscall handlers ends with `RuntimeError.stackOverflow` instead of
/// exhausting the host stack.
struct SpillStack {
  /// 33 register slots + pc.
  static let frameWords = GuestState.registerCount + 1
  static let frameBytes = frameWords * 4

  let storage: HostAllocation
  let capacity: Int
  private(set) var depth = 0

  init(bytes: Int) throws(VMError) {
    capacity = bytes / Self.frameBytes
    storage = try HostAllocation(size: capacity * Self.frameBytes)
  }

  /// Saves `registers` and `pc`; throws when the stack is full.
  mutating func push(_ registers: UnsafeMutablePointer<UInt32>, pc: UInt32) throws(RuntimeError) {
    guard depth < capacity else { throw .stackOverflow(depth: depth) }
    let frame = (storage.base + depth * Self.frameBytes).assumingMemoryBound(to: UInt32.self)
    frame.update(from: registers, count: GuestState.registerCount)
    frame[GuestState.registerCount] = pc
    depth += 1
  }

  /// Restores the most recently saved set and returns its pc.
  mutating func pop(into registers: UnsafeMutablePointer<UInt32>) -> UInt32 {
    precondition(depth > 0, "spill stack underflow")
    depth -= 1
    let frame = (storage.base + depth * Self.frameBytes).assumingMemoryBound(to: UInt32.self)
    registers.update(from: frame, count: GuestState.registerCount)
    return frame[GuestState.registerCount]
  }
}

extension SpillStack {
  /// Drops the most recently saved set without restoring it.
  mutating func discard() {
    precondition(depth > 0, "spill stack underflow")
    depth -= 1
  }
}
