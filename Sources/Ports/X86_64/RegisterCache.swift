import KilnCore
import KilnIR

/// Block-local allocation of the cache registers (`X86ABI.cacheRegisters`).
///
/// The guest registers a block uses most that are not pinned get a
/// callee-saved host register for the length of the block: loaded from the
/// register file on entry (blocks are only ever entered at their start),
/// stored back before every way out (the terminator, and the error and
/// code-modified exits of slow paths). Host calls preserve them, being
/// callee-saved, and the runtime never reads guest registers inside a memory
/// slow path, so they need no spill there.
extension BlockLowering {
  /// A register must be used at least this often to be worth a load and a store.
  static let minimumUses = 2

  mutating func allocateCache(_ block: Block) {
    var uses = [Int](repeating: 0, count: abi.layout.registerCount)
    var written = [Bool](repeating: false, count: abi.layout.registerCount)
    func count(_ v: Value) {
      if case .register(let g) = v { uses[Int(g.index)] += 1 }
    }
    func write(_ g: GuestRegister) {
      uses[Int(g.index)] += 1
      written[Int(g.index)] = true
    }
    for operation in block.operations {
      switch operation {
      case .move(let d, let v):
        write(d)
        count(v)
      case .binary(_, let d, let l, let r):
        write(d)
        count(l)
        count(r)
      case .load(let d, let base, _, _, _, _):
        write(d)
        count(base)
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
      a.mov(.dword, host, abi.slot(g))
      if written[index] { dirty.append((g, host)) }
    }
  }

  /// Stores the written cache registers back to the register file.
  mutating func writeBackCache() {
    for (guest, host) in dirty { a.mov(.dword, abi.slot(guest), host) }
  }

  /// Stores `g` to its slot if it lives in a cache register.
  mutating func writeBack(_ g: GuestRegister) {
    if let host = cached[Int(g.index)] { a.mov(.dword, abi.slot(g), host) }
  }
}
