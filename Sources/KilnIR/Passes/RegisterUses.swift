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
  /// Uses per register slot, indexed by ``GuestRegister/index``.
  public private(set) var counts: [Int]
  /// Per slot: whether the block's first use of the register is a read,
  /// so that a host register holding it must be loaded on entry.
  public private(set) var readFirst: [Bool]

  /// A register must be used at least this often to be worth a host
  /// register: one load on entry and one store on exit.
  public static let worthwhile = 2

  /// Counts the uses in `block` of slots `0..<registerCount` (and of any
  /// higher slot it names).
  public init(_ block: Block, registerCount: Int) {
    counts = [Int](repeating: 0, count: max(0, registerCount))
    readFirst = [Bool](repeating: false, count: max(0, registerCount))
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
  public func count(of g: GuestRegister) -> Int {
    Int(g.index) < counts.count ? counts[Int(g.index)] : 0
  }

  /// Whether the block reads `g` before it writes it.
  public func isReadFirst(_ g: GuestRegister) -> Bool {
    Int(g.index) < readFirst.count && readFirst[Int(g.index)]
  }

  /// The registers worth a host register, most used first, ties broken by
  /// the lower slot: at most `limit` of those used at least `minimumUses`
  /// times, leaving out the ones `excluded` says (a port's pinned registers).
  public func ranked(
    limit: Int, minimumUses: Int = worthwhile, excluding excluded: (GuestRegister) -> Bool
  ) -> [GuestRegister] {
    let candidates = counts.indices.filter { slot in
      counts[slot] >= minimumUses && !excluded(GuestRegister(UInt8(truncatingIfNeeded: slot)))
    }
    let ordered = candidates.sorted { x, y in
      counts[x] != counts[y] ? counts[x] > counts[y] : x < y
    }
    return ordered.prefix(max(0, limit)).map { GuestRegister(UInt8(truncatingIfNeeded: $0)) }
  }

  private mutating func read(_ v: Value) {
    guard case .register(let g) = v else { return }
    grow(to: g)
    let slot = Int(g.index)
    if counts[slot] == 0 { readFirst[slot] = true }
    counts[slot] += 1
  }

  private mutating func write(_ g: GuestRegister) {
    grow(to: g)
    counts[Int(g.index)] += 1
  }

  /// Makes room for `g` (translators stay below `registerCount`; this only
  /// keeps a hand-built block from trapping).
  private mutating func grow(to g: GuestRegister) {
    let needed = Int(g.index) + 1
    if needed > counts.count {
      counts += [Int](repeating: 0, count: needed - counts.count)
      readFirst += [Bool](repeating: false, count: needed - readFirst.count)
    }
  }
}

extension Block {
  /// The block's register uses over slots `0..<registerCount` (see ``RegisterUses``).
  public func registerUses(registerCount: Int) -> RegisterUses {
    RegisterUses(self, registerCount: registerCount)
  }
}
