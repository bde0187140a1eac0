/// The analyses a port needs to keep guest registers in host registers for
/// the length of a ``Region`` (one pass over the blocks plus a small
/// fixed point over the region's edges; regions have a few dozen blocks):
///
/// * the internal edges and which blocks lie on a cycle (a loop inside the
///   region), so uses in a loop count more when choosing registers;
/// * per register, the uses over the region (``RegisterUses`` per block,
///   weighted by ``loopWeight`` inside loops): ``ranked(limit:excluding:)``;
/// * which registers must be loaded on entry (``needsEntryLoad(_:)``): all
///   but those the entry block writes before reading them (and that no
///   back edge brings back to the entry block already written);
/// * per block, the registers that may have been written on some path from
///   the entry to its start (``mayWriteIn``, a forward "may" data flow):
///   at an exit, exactly those (plus the ones written earlier in the block)
///   need writing back; the others still equal their register-file slot.
///
/// Writing back a register that was loaded on entry but not written on the
/// path actually taken stores the value it was loaded with, so the "may"
/// set is always safe; a register not loaded on entry is written in the
/// entry block before any exit, so it is never written back unset.
public struct RegionAnalysis: Sendable {
  /// Uses inside a loop of the region count this many times: enough that
  /// a register the loop uses at all outranks any register used only in
  /// straight-line code around it (a block of 1,000 instructions reaches
  /// 3,000 uses at most; a loop runs many times).
  public static let loopWeight = 4096

  /// Internal successors (block indices) of each block.
  public let successors: [[Int]]
  /// Whether each block lies on a cycle of internal edges.
  public let inCycle: [Bool]
  /// Weighted uses per register slot.
  public let counts: [Int]
  /// Per block, registers possibly written between region entry and the block's start.
  public let mayWriteIn: [RegisterSet]
  /// Per register slot, the order of preference for a host register
  /// (``priorities(_:inCycle:loopWrites:loopComputed:slots:)``).
  public let priority: [Int]
  private let entryUses: RegisterUses

  public init(_ region: Region, registerCount: Int) {
    let blocks = region.blocks
    if blocks.count == 1 {
      self = RegionAnalysis(single: blocks[0], registerCount: registerCount)
      return
    }
    var successors: [[Int]] = []
    successors.reserveCapacity(blocks.count)
    for block in blocks {
      successors.append(block.directSuccessors.compactMap { region.index(of: $0) })
    }
    self.successors = successors

    var inCycle = [Bool](repeating: false, count: blocks.count)
    if blocks.count == 1 {
      // One block (the block-at-a-time ports, `compile-bench`): a cycle is a
      // jump to itself; no search (and none of its arrays).
      inCycle[0] = successors[0].contains(0)
    } else {
      Self.findCycles(successors, into: &inCycle)
    }
    self.inCycle = inCycle

    var counts = [Int](repeating: 0, count: max(0, registerCount))
    var writes: [RegisterSet] = []
    var blockUses: [RegisterUses] = []
    blockUses.reserveCapacity(blocks.count)
    var loopWrites = RegisterSet()
    var loopComputed = RegisterSet()
    for (i, block) in blocks.enumerated() {
      let uses = block.registerUses(registerCount: registerCount)
      blockUses.append(uses)
      if uses.slotCount > counts.count {
        counts += [Int](repeating: 0, count: uses.slotCount - counts.count)
      }
      let weight = inCycle[i] ? Self.loopWeight : 1
      for slot in 0..<uses.slotCount { counts[slot] += uses.count(atSlot: slot) * weight }
      let written = block.writtenRegisters
      writes.append(written)
      if inCycle[i] {
        loopWrites = loopWrites.union(written)
        loopComputed = loopComputed.union(block.computedRegisters)
      }
    }
    self.counts = counts
    self.priority = Self.priorities(
      blockUses, inCycle: inCycle, loopWrites: loopWrites, loopComputed: loopComputed,
      slots: counts.count)
    let entryUses = blockUses.first
    self.entryUses = entryUses ?? RegisterUses(Block.empty, registerCount: registerCount)

    // Forward "may be written" flow: in(b) = ∪ out(p) over internal predecessors.
    var mayIn = [RegisterSet](repeating: RegisterSet(), count: blocks.count)
    var changed = true
    while changed {
      changed = false
      for b in blocks.indices {
        let out = mayIn[b].union(writes[b])
        for s in successors[b] where s != 0 {
          let merged = mayIn[s].union(out)
          if merged != mayIn[s] {
            mayIn[s] = merged
            changed = true
          }
        }
        // The entry block is re-entered by back edges: its later passes
        // start with whatever was written before.
        if successors[b].contains(0) {
          let merged = mayIn[0].union(out)
          if merged != mayIn[0] {
            mayIn[0] = merged
            changed = true
          }
        }
      }
    }
    mayWriteIn = mayIn
  }

  /// The analysis of a region of one block (every region of the
  /// block-at-a-time ports, and `compile-bench`): what the general `init`
  /// computes, without its search for cycles, its fixed point and the
  /// arrays they take (allocations were most of the analysis' cost,
  /// callgrind).
  private init(single block: Block, registerCount: Int) {
    let start = block.startPC
    func isStart(_ t: Target) -> Bool {
      if case .pc(let p) = t { return p == start }
      return false
    }
    let selfLoop =
      switch block.terminator {
      case .jump(let t): isStart(t)
      case .branch(_, _, _, let taken, let notTaken): isStart(taken) || isStart(notTaken)
      case .jumpIndirect, .syscall, .breakpoint, .synchronize, .fault: false
      }
    successors = [selfLoop ? [0] : []]
    inCycle = [selfLoop]
    let uses = block.registerUses(registerCount: registerCount)
    let weight = selfLoop ? Self.loopWeight : 1
    counts = (0..<max(0, registerCount, uses.slotCount)).map { slot in
      slot < uses.slotCount ? uses.count(atSlot: slot) * weight : 0
    }
    let written = block.writtenRegisters
    priority = Self.priorities(
      CollectionOfOne(uses), inCycle: inCycle, loopWrites: selfLoop ? written : RegisterSet(),
      loopComputed: selfLoop ? block.computedRegisters : RegisterSet(), slots: counts.count)
    entryUses = uses
    mayWriteIn = [selfLoop ? written : RegisterSet()]
  }

  /// Whether a host register holding `g` must be loaded on region entry:
  /// yes unless the entry block's first use of `g` is a write and no back
  /// edge re-enters the entry block with `g` possibly written (its exits
  /// then write `g` back before the entry block has set it).
  public func needsEntryLoad(_ g: GuestRegister) -> Bool {
    entryUses.count(of: g) == 0 || entryUses.isReadFirst(g) || mayWriteIn[0].contains(g)
  }

  /// A loop-carried register (one a loop block reads before writing it and
  /// the loop computes, ``Block/computedRegisters``) outranks every other:
  /// kept in memory, its value goes through a store and a forwarded load on
  /// every trip round the loop, which adds about five cycles to the chain of
  /// computation it is on (hash's FNV-1a 64 loop ran at twice native time
  /// for one such register). An induction variable that the loop only
  /// steps by a constant is not: in memory it is one `add [slot], imm` on a
  /// chain of its own, which the loop's other work hides (coremark's matrix
  /// loops ran 12% slower with their pointers preferred to a temporary).
  public static let carriedBonus = 64 * loopWeight

  /// Preference for a host register, per slot: uses weighted as in
  /// ``counts``, except that a loop only weighs `loopWeight / 8` for a
  /// register it reads but never writes (an invariant is a memory operand
  /// at the cost of one load, off the critical chain, where a temporary
  /// in memory costs a store and a forwarded load in a row), plus
  /// ``carriedBonus`` for a loop-carried register.
  static func priorities(
    _ uses: some Collection<RegisterUses>, inCycle: [Bool], loopWrites: RegisterSet,
    loopComputed: RegisterSet, slots: Int
  ) -> [Int] {
    var priority = [Int](repeating: 0, count: slots)
    var carried = RegisterSet()
    for (i, blockUses) in uses.enumerated() {
      for slot in 0..<min(blockUses.slotCount, slots) {
        let n = blockUses.count(atSlot: slot)
        guard n > 0 else { continue }
        let g = GuestRegister(UInt8(truncatingIfNeeded: slot))
        guard inCycle[i] else {
          priority[slot] += n
          continue
        }
        guard loopWrites.contains(g) else {
          priority[slot] += n * (loopWeight / 8)
          continue
        }
        priority[slot] += n * loopWeight
        if blockUses.isReadFirst(g) && loopComputed.contains(g) && !carried.contains(g) {
          carried.insert(g)
          priority[slot] += carriedBonus
        }
      }
    }
    return priority
  }

  /// The registers worth a host register, highest ``priority`` first, ties
  /// broken by the lower slot: at most `limit` of those used at least
  /// `minimumUses` times (weighted, ``counts``), leaving out the ones
  /// `excluded` says.
  public func ranked(
    limit: Int, minimumUses: Int = RegisterUses.worthwhile,
    excluding excluded: (GuestRegister) -> Bool
  ) -> [GuestRegister] {
    // Selection rather than a sort: `limit` is small (a port's cache
    // registers), and a sort of the candidates cost more than the rest of
    // the analysis (callgrind, `compile-bench`). Picks in order of
    // (priority descending, slot ascending): the next pick is the best slot
    // strictly after the previous pick in that order.
    var chosen: [GuestRegister] = []
    guard limit > 0 else { return chosen }
    chosen.reserveCapacity(limit)
    var previous: (priority: Int, slot: Int)? = nil
    while chosen.count < limit {
      var best: (priority: Int, slot: Int)? = nil
      for slot in counts.indices where counts[slot] >= minimumUses {
        let p = priority[slot]
        if let q = previous, !(p < q.priority || (p == q.priority && slot > q.slot)) { continue }
        if let b = best, !(p > b.priority) { continue }
        if excluded(GuestRegister(UInt8(truncatingIfNeeded: slot))) { continue }
        best = (p, slot)
      }
      guard let b = best else { break }
      chosen.append(GuestRegister(UInt8(truncatingIfNeeded: b.slot)))
      previous = b
    }
    return chosen
  }

  /// Marks the blocks that can reach themselves over `successors`.
  private static func findCycles(_ successors: [[Int]], into inCycle: inout [Bool]) {
    for start in successors.indices {
      // Is `start` reachable from its own successors?
      var visited = [Bool](repeating: false, count: successors.count)
      var stack = successors[start]
      while let b = stack.popLast() {
        if b == start {
          inCycle[start] = true
          break
        }
        if visited[b] { continue }
        visited[b] = true
        stack += successors[b]
      }
    }
  }
}

/// A set of guest register slots (all 256 a ``GuestRegister`` can name).
public struct RegisterSet: Sendable, Equatable {
  private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

  public init() {}

  public func contains(_ g: GuestRegister) -> Bool {
    let bit = UInt64(1) << UInt64(g.index & 63)
    switch g.index >> 6 {
    case 0: return words.0 & bit != 0
    case 1: return words.1 & bit != 0
    case 2: return words.2 & bit != 0
    default: return words.3 & bit != 0
    }
  }

  public mutating func insert(_ g: GuestRegister) {
    let bit = UInt64(1) << UInt64(g.index & 63)
    switch g.index >> 6 {
    case 0: words.0 |= bit
    case 1: words.1 |= bit
    case 2: words.2 |= bit
    default: words.3 |= bit
    }
  }

  public func union(_ other: RegisterSet) -> RegisterSet {
    var r = RegisterSet()
    r.words = (
      words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2,
      words.3 | other.words.3
    )
    return r
  }

  public static func == (l: RegisterSet, r: RegisterSet) -> Bool {
    l.words.0 == r.words.0 && l.words.1 == r.words.1 && l.words.2 == r.words.2
      && l.words.3 == r.words.3
  }
}

extension Block {
  /// The destinations of the block's operations other than constant steps
  /// of themselves (`g = g ± imm`, an induction variable's update).
  public var computedRegisters: RegisterSet {
    var set = RegisterSet()
    for operation in operations {
      switch operation {
      case .binary(.add, let d, .register(let s), .immediate),
        .binary(.sub, let d, .register(let s), .immediate):
        if s != d { set.insert(d) }
      case .move(let d, _), .binary(_, let d, _, _), .load(let d, _, _, _, _, _): set.insert(d)
      case .store: break
      }
    }
    return set
  }

  /// The destinations of the block's operations.
  public var writtenRegisters: RegisterSet {
    var set = RegisterSet()
    for operation in operations {
      switch operation {
      case .move(let d, _), .binary(_, let d, _, _), .load(let d, _, _, _, _, _): set.insert(d)
      case .store: break
      }
    }
    return set
  }

  static let empty = Block(
    startPC: 0, operations: [], terminator: .synchronize(next: 0), guestInstructionCount: 0,
    endPC: 0)
}
