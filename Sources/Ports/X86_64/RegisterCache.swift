import KilnCore
import KilnIR

/// Block-local allocation of the cache registers (`X86ABI.cacheRegisters`).
///
/// The guest registers a block uses most that are not pinned get a
/// callee-saved host register for the length of the block: loaded from the
/// register file on entry (blocks are only ever entered at their start)
/// unless the block writes it before reading it, and stored back before every
/// way out: all written ones at the terminator; at the error and
/// code-modified exits of slow paths, those written before that point (the
/// others still hold their register-file value, or were never loaded). Host calls preserve them, being
/// callee-saved, and the runtime never reads guest registers inside a memory
/// slow path, so they need no spill there.
extension BlockLowering {
  /// A register must be used at least this often to be worth a load and a store.
  static let minimumUses = 2

  mutating func allocateCache(_ block: Block) {
    var uses = [Int](repeating: 0, count: abi.layout.registerCount)
    var readFirst = [Bool](repeating: false, count: abi.layout.registerCount)
    func count(_ v: Value) {
      if case .register(let g) = v {
        if uses[Int(g.index)] == 0 { readFirst[Int(g.index)] = true }
        uses[Int(g.index)] += 1
      }
    }
    func write(_ g: GuestRegister) { uses[Int(g.index)] += 1 }
    for operation in block.operations {
      switch operation {
      case .move(let d, let v):
        count(v)
        write(d)
      case .binary(_, let d, let l, let r):
        count(l)
        count(r)
        write(d)
      case .load(let d, let base, _, _, _, _):
        count(base)
        write(d)
      case .store(let v, let base, _, _, _):
        count(v)
        count(base)
      }
    }
    switch block.terminator {
    case .branch(_, let l, let r, _, _):
      count(l)
      count(r)
    case .jumpIndirect(let base, _, _, _, _): count(base)
    default: break
    }
    let candidates = (1..<abi.layout.registerCount)
      .filter { abi.host(GuestRegister(UInt8($0))) == nil && uses[$0] >= Self.minimumUses }
      .sorted { uses[$0] > uses[$1] }
    for (index, host) in zip(candidates, X86ABI.cacheRegisters) {
      let g = GuestRegister(UInt8(index))
      cached[index] = host
      if readFirst[index] { a.mov(.dword, host, abi.slot(g)) }
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
