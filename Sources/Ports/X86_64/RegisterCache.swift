import KilnCore
import KilnIR

/// Region-wide allocation of the cache registers (`X86ABI.cacheRegisters`).
///
/// The guest registers a region uses most that are not pinned (chosen by
/// KilnIR's ``RegionAnalysis``, which every port can share; uses in loops
/// weigh more) get a callee-saved host register for the length of the
/// region: loaded from the register file on entry (regions are only ever
/// entered at their start) unless the analysis shows the entry block writes
/// it first, kept across the region's internal jumps, and stored back before
/// every way out: those possibly written on some path to that exit (the
/// others still hold their register-file value).
/// Host calls preserve them, being callee-saved, and the runtime never reads
/// guest registers inside a memory slow path, so they need no spill there.
extension BlockLowering {
  /// Gives the region's most used registers (weighted by loops, the shared
  /// ``RegionAnalysis``; pinned ones left out) the cache registers, loading
  /// on entry those the analysis says need it.
  mutating func allocateCache(_ analysis: RegionAnalysis) {
    let chosen = analysis.ranked(limit: abi.cacheHosts.count) { abi.host($0) != nil }
    for (g, host) in zip(chosen, abi.cacheHosts) {
      cached[Int(g.index)] = host
      cacheOrder.append(g)
      if analysis.needsEntryLoad(g) { a.mov(.dword, host, abi.slot(g)) }
    }
  }
  /// Records that `operation` has written its destination (for write-back).
  mutating func noteWrite(_ operation: Operation) {
    noteLowered(operation)
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

/// Guest register index → cache host register for the few cache registers
/// of a region, without an array (one array of `registerCount` optionals
/// per block before): up to four entries packed in one word, each 16 bits:
/// guest index + 1 (0: free) in the low byte, the host register above it.
struct CacheMap {
  private var entries: UInt64 = 0

  static let capacity = 4

  subscript(index: Int) -> GPR? {
    get {
      guard index >= 0, index < 255 else { return nil }
      for i in 0..<Self.capacity {
        let e = (entries >> UInt64(16 * i)) & 0xFFFF
        if Int(e & 0xFF) == index + 1 { return GPR(rawValue: UInt8(truncatingIfNeeded: e >> 8)) }
      }
      return nil
    }
    set {
      precondition(index >= 0 && index < 255, "guest register index out of range")
      // The entry of `index`, else the first free one.
      var slot: Int? = nil
      for i in 0..<Self.capacity {
        let e = (entries >> UInt64(16 * i)) & 0xFFFF
        if Int(e & 0xFF) == index + 1 {
          slot = i
          break
        }
        if e == 0 && slot == nil { slot = i }
      }
      guard let slot else { preconditionFailure("more cached registers than cache registers") }
      let shift = UInt64(16 * slot)
      entries &= ~(UInt64(0xFFFF) << shift)
      if let host = newValue {
        entries |= (UInt64(index + 1) | UInt64(host.rawValue) << 8) << shift
      }
    }
  }
}
