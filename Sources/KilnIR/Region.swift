/// A region: guest blocks compiled as one unit of host code, entered only at
/// the start of its first block. Direct jumps and branches between its
/// blocks stay inside the region (a port lowers them to local jumps, keeping
/// its register allocation); every other way out is an exit.
///
/// Formed by ``form(at:limits:translate:)`` from the entry block by
/// following direct jumps, fall-throughs and both sides of conditional
/// branches, so a superblock (straight code across unconditional jumps) and
/// a whole loop with its inner branches become one region. A block entered
/// both from inside the region and from elsewhere is simply compiled again as
/// the entry of its own region when the dispatcher first reaches it
/// (duplication, as in superblock compilers).
public struct Region: Sendable, Equatable {
  /// The blocks; `blocks[0]` is the entry. The others are in ascending start
  /// address, so that fall-throughs become adjacent in host code.
  public var blocks: [Block]

  public init(blocks: [Block]) { self.blocks = blocks }

  /// A region of one block (ports that lower regions block by block).
  public init(_ block: Block) { blocks = [block] }

  public var entry: Block { blocks[0] }

  /// Guest instructions over all blocks.
  public var guestInstructionCount: Int { blocks.reduce(0) { $0 + $1.guestInstructionCount } }

  /// The index of the block starting at `pc`, if it is in the region.
  public func index(of pc: UInt32) -> Int? { blocks.firstIndex { $0.startPC == pc } }

  /// How far region formation goes.
  public struct Limits: Sendable, Equatable {
    /// At most this many blocks.
    public var blocks: Int
    /// At most this many guest instructions in all (a block that would pass
    /// it is left out, and the edge to it is an exit).
    public var instructions: Int
    /// Blocks start at most this many bytes before or after the entry.
    public var window: UInt32

    public init(blocks: Int = 16, instructions: Int = 256, window: UInt32 = 4096) {
      self.blocks = max(1, blocks)
      self.instructions = max(1, instructions)
      self.window = window
    }

    /// Single blocks only: the region is the entry block.
    public static let single = Limits(blocks: 1, instructions: 1, window: 0)
  }

  /// Forms the region entered at `pc`: breadth first over the direct
  /// successors of its blocks (`Terminator` `.jump` and `.branch` targets),
  /// within `limits`, except calls (a direct jump that writes its return
  /// address: the callee returns through an indirect jump, which leaves the
  /// region anyway) and the heads of loops other than the entry's (targets
  /// of backward edges that lie on a cycle of the region not through its
  /// entry, ``onInnerCycles(_:)``): such a loop becomes the region of its
  /// own head, so that its registers are chosen for it alone. `translate` gives the
  /// block at a guest address.
  public static func form(
    at pc: UInt32, limits: Limits, translate: (UInt32) -> Block
  ) -> Region {
    var translated: [UInt32: Block] = [:]
    func block(at address: UInt32) -> Block {
      if let b = translated[address] { return b }
      let b = translate(address)
      translated[address] = b
      return b
    }
    // Leaving a loop out can let new blocks (and new loops) in: repeat
    // until no block inside jumps backward to anything but the entry.
    var heads: Set<UInt32> = []
    var blocks: [Block] = []
    for _ in 0..<8 {
      blocks = breadthFirst(from: pc, limits: limits, excluding: heads, block: block)
      let before = heads.count
      let looping = onInnerCycles(blocks)
      for b in blocks {
        for target in b.directSuccessors
        where target < b.endPC && target != pc && looping.contains(target) {
          heads.insert(target)
        }
      }
      if heads.count == before { break }
    }
    let unsettled = !onInnerCycles(blocks).isEmpty
    // Not settled within the rounds (never seen in practice): the entry block alone.
    if unsettled { blocks = [blocks[0]] }
    let rest = blocks.dropFirst().sorted { $0.startPC < $1.startPC }
    return Region(blocks: [blocks[0]] + rest)
  }

  /// The start addresses of the blocks that lie on a cycle of `blocks`'
  /// internal edges that does not pass through the entry (`blocks[0]`):
  /// the loops a region must leave out. A backward jump to a block on no
  /// such cycle (an interpreter's dispatch block, which every case jumps
  /// back to and which leaves through an indirect jump) stays inside: the
  /// block is duplicated into each region that jumps to it, as a tail
  /// duplicating compiler does, so each copy's indirect jump is predicted
  /// on its own.
  public static func onInnerCycles(_ blocks: [Block]) -> Set<UInt32> {
    guard let entry = blocks.first?.startPC else { return [] }
    var index: [UInt32: Int] = [:]
    for (i, b) in blocks.enumerated() where b.startPC != entry { index[b.startPC] = i }
    let successors = blocks.map { b in b.directSuccessors.compactMap { index[$0] } }
    var result: Set<UInt32> = []
    for start in blocks.indices.dropFirst() {
      // Is `start` reachable from its own successors, avoiding the entry?
      var visited = [Bool](repeating: false, count: blocks.count)
      var stack = successors[start]
      while let b = stack.popLast() {
        if b == start {
          result.insert(blocks[start].startPC)
          break
        }
        if visited[b] { continue }
        visited[b] = true
        stack += successors[b]
      }
    }
    return result
  }

  private static func breadthFirst(
    from pc: UInt32, limits: Limits, excluding excluded: Set<UInt32>,
    block: (UInt32) -> Block
  ) -> [Block] {
    let entry = block(pc)
    var blocks = [entry]
    var instructions = entry.guestInstructionCount
    var queue = entry.regionSuccessors
    var seen: Set<UInt32> = [pc]
    var next = 0
    while next < queue.count, blocks.count < limits.blocks {
      let target = queue[next]
      next += 1
      guard !seen.contains(target), !excluded.contains(target) else { continue }
      seen.insert(target)
      let distance = target >= pc ? target &- pc : pc &- target
      guard distance <= limits.window else { continue }
      let b = block(target)
      // A block that would fault at once gains nothing from being inside.
      if case .fault = b.terminator, b.guestInstructionCount <= 1 { continue }
      guard instructions + b.guestInstructionCount <= limits.instructions else { continue }
      instructions += b.guestInstructionCount
      blocks.append(b)
      queue += b.regionSuccessors
    }
    return blocks
  }
}

extension Block {
  /// Guest addresses this block may go to directly (jump, branch sides).
  public var directSuccessors: [UInt32] {
    var out: [UInt32] = []
    func add(_ t: Target) { if case .pc(let p) = t { out.append(p) } }
    switch terminator {
    case .jump(let t): add(t)
    case .branch(_, _, _, let taken, let notTaken):
      // Fall-through first: the straight path is the likelier one to be hot.
      add(notTaken)
      add(taken)
    case .jumpIndirect, .syscall, .breakpoint, .synchronize, .fault: break
    }
    return out
  }

  /// Whether the block ends in a call: a direct jump whose last operation
  /// writes the return address (the address after the block) to a register.
  public var endsInCall: Bool {
    guard case .jump = terminator, case .move(_, .immediate(let v))? = operations.last else {
      return false
    }
    return v == endPC
  }

  /// The successors region formation follows: none after a call.
  var regionSuccessors: [UInt32] { endsInCall ? [] : directSuccessors }
}
