/// How often a block uses each guest register: the analysis behind
/// use-count register allocation, which every ``Block`` port shares.
///
/// A port that keeps guest registers in memory can give the block's most
/// used ones host registers for the length of the block (blocks are only
/// entered at their start): ``ranked(limit:minimumUses:excluding:)`` says
/// which, ``isReadFirst(_:)`` whether one must be loaded on entry. The port
/// keeps only how many registers it has and the code it emits.
///
/// A use is a read of an operand or a write of a destination, counted once
/// for each time it appears in an operation; the terminator's reads count
/// too (a branch's operands, an indirect jump's base). The link register an
/// indirect jump writes on the way out is not counted: that write happens
/// once, as the block ends. One pass over the block.
public struct RegisterUses: Sendable, Equatable {
  /// Per register slot, indexed by ``GuestRegister/index``: the number of
  /// uses times two, plus one if the first use is a read. One array, so
  /// that the pass allocates once per block (it runs for every block the
  /// JIT compiles).
  private var slots: [UInt32]

  /// Uses per register slot, indexed by ``GuestRegister/index``.
  public var counts: [Int] { slots.map { Int($0 >> 1) } }
  /// Per slot: whether the block's first use of the register is a read,
  /// so that a host register holding it must be loaded on entry.
  public var readFirst: [Bool] { slots.map { $0 & 1 != 0 } }

  /// A register must be used at least this often to be worth a host
  /// register: one load on entry and one store on exit.
  public static let worthwhile = 2

  /// Counts the uses in `block` of slots `0..<registerCount` (and of any
  /// higher slot it names).
  public init(_ block: Block, registerCount: Int) {
    slots = [UInt32](repeating: 0, count: max(0, registerCount))
    for operation in block.operations {
      switch operation {
      case .move(let d, let v):
        read(v)
        write(d)
      case .binary(_, let d, let l, let r):
        read(l)
        read(r)
        write(d)
      case .load(let d, let base, _, _, _, _):
        read(base)
        write(d)
      case .store(let v, let base, _, _, _):
        read(v)
        read(base)
      }
    }
    switch block.terminator {
    case .branch(_, let l, let r, _, _):
      read(l)
      read(r)
    case .jumpIndirect(let base, _, _, _, _): read(base)
    case .jump, .syscall, .breakpoint, .synchronize, .fault: break
    }
  }

  /// How often the block uses `g`.
  /// The number of slots counted (`counts.count`, without building `counts`).
  public var slotCount: Int { slots.count }

  /// `counts[slot]`, without building `counts` (an array per call).
  public func count(atSlot slot: Int) -> Int { Int(slots[slot] >> 1) }

  public func count(of g: GuestRegister) -> Int {
    Int(g.index) < slots.count ? Int(slots[Int(g.index)] >> 1) : 0
  }

  /// Whether the block reads `g` before it writes it.
  public func isReadFirst(_ g: GuestRegister) -> Bool {
    Int(g.index) < slots.count && slots[Int(g.index)] & 1 != 0
  }

  /// The registers worth a host register, most used first, ties broken by
  /// the lower slot: at most `limit` of those used at least `minimumUses`
  /// times, leaving out the ones `excluded` says (a port's pinned registers).
  ///
  /// A selection of the `limit` best (a handful) in one pass per pick:
  /// no sort and no intermediate arrays.
  public func ranked(
    limit: Int, minimumUses: Int = worthwhile, excluding excluded: (GuestRegister) -> Bool
  ) -> [GuestRegister] {
    var chosen: [GuestRegister] = []
    guard limit > 0 else { return chosen }
    chosen.reserveCapacity(limit)
    // Picks in order of (count descending, slot ascending): the next pick
    // is the best slot strictly after the previous pick in that order.
    var previous: (count: Int, slot: Int)? = nil
    while chosen.count < limit {
      var best: (count: Int, slot: Int)? = nil
      for slot in slots.indices {
        let count = Int(slots[slot] >> 1)
        guard count >= minimumUses else { continue }
        if let p = previous, !(count < p.count || (count == p.count && slot > p.slot)) {
          continue
        }
        if let b = best, !(count > b.count) { continue }
        if excluded(GuestRegister(UInt8(truncatingIfNeeded: slot))) { continue }
        best = (count, slot)
      }
      guard let b = best else { break }
      chosen.append(GuestRegister(UInt8(truncatingIfNeeded: b.slot)))
      previous = b
    }
    return chosen
  }

  private mutating func read(_ v: Value) {
    guard case .register(let g) = v else { return }
    grow(to: g)
    let slot = Int(g.index)
    slots[slot] = slots[slot] == 0 ? 3 : slots[slot] &+ 2
  }

  private mutating func write(_ g: GuestRegister) {
    grow(to: g)
    slots[Int(g.index)] &+= 2
  }

  /// Makes room for `g` (translators stay below `registerCount`; this only
  /// keeps a hand-built block from trapping).
  private mutating func grow(to g: GuestRegister) {
    let needed = Int(g.index) + 1
    if needed > slots.count { slots += [UInt32](repeating: 0, count: needed - slots.count) }
  }
}

extension Block {
  /// The block's register uses over slots `0..<registerCount` (see ``RegisterUses``).
  public func registerUses(registerCount: Int) -> RegisterUses {
    RegisterUses(self, registerCount: registerCount)
  }
}
