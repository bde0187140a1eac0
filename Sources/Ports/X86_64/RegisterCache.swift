import KilnCore
import KilnIR

/// Block-local allocation of the cache registers (`X86ABI.cacheRegisters`).
///
/// The guest registers a block uses most that are not pinned (chosen by
/// KilnIR's ``RegisterUses`` pass, which every port shares) get a
/// callee-saved host register for the length of the block: loaded from the
/// register file on entry (blocks are only ever entered at their start)
/// unless the block writes it before reading it, and stored back before
/// every way out: all written ones at the terminator; at the error and
/// code-modified exits of slow paths, those written before that point (the
/// others still hold their register-file value, or were never loaded).
/// Host calls preserve them, being callee-saved, and the runtime never reads
/// guest registers inside a memory slow path, so they need no spill there.
extension BlockLowering {
  /// Gives the block's most used registers (the shared ``RegisterUses``
  /// pass, pinned ones left out) the cache registers, loading those the
  /// block reads before it writes them.
  mutating func allocateCache(_ block: Block) {
    let uses = block.registerUses(registerCount: abi.layout.registerCount)
    let chosen = uses.ranked(limit: X86ABI.cacheRegisters.count) { abi.host($0) != nil }
    for (g, host) in zip(chosen, X86ABI.cacheRegisters) {
      cached[Int(g.index)] = host
      if uses.isReadFirst(g) { a.mov(.dword, host, abi.slot(g)) }
    }
  }

  /// Records that `operation` has written its destination (for write-back).
  mutating func noteWrite(_ operation: Operation) {
    let destination: GuestRegister? =
      switch operation {
      case .move(let d, _), .binary(_, let d, _, _), .load(let d, _, _, _, _, _): d
      case .store: nil
      }
    if let d = destination, cached[Int(d.index)] != nil, !dirty.contains(d) { dirty.append(d) }
  }

  /// Stores the written cache registers back to the register file.
  mutating func writeBackCache() {
    for g in dirty { writeBack(g) }
  }

  /// Stores `g` to its slot if it lives in a cache register.
  mutating func writeBack(_ g: GuestRegister) {
    if let host = cached[Int(g.index)] { a.mov(.dword, abi.slot(g), host) }
  }
}
