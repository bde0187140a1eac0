/// Which loads of a block can reuse an earlier load's page walk, for ports
/// whose paged memory has a guarded pool (`PageTables.guardedPool`).
///
/// A load at `base + o2` that follows a walked load at `base + o1` in the
/// same block, `base` unchanged in between, lies at most one page below or
/// above the walked page P when `|o2 - o1| + size <= 4096`. In a guarded
/// pool the pool pages next to P's hold P - 1 and P + 1 or fault (a run of
/// consecutive guest pages, a gap before and after it), so adding the walked
/// page's entry to the follower's address either finds the follower's bytes
/// or faults into its slow path: no walk and no test. Read entries only ever
/// change from "unmapped" (which faults) to mapped inside a block, so the
/// walked entry stays good for the rest of the block.
///
/// One walk is reused at a time (the port keeps it in one place): every
/// load that does not reuse the current walk walks and becomes the leader.
/// Stores keep their own walk (they need the write table's answer).
///
/// Lowering feeds the block's operations in order (`role(of:)`, then
/// `lowered(_:)`); nothing is allocated (this runs for every compiled block).
public struct PageReuse: Sendable {
  /// What a load does.
  public enum Role: Sendable, Equatable {
    /// Not a load, or a load that walks and is reused by no one.
    case walk
    /// A load that walks; a later load reuses its walk.
    case leader
    /// A load that reuses the current leader's walk: its offset minus the
    /// leader's.
    case follower(delta: Int32)
  }

  /// The current leader's base register and offset.
  private var leader: (base: GuestRegister, offset: Int32)? = nil

  public init() {}

  /// The delta of a load at `base + offset` of `size` bytes from `leader`,
  /// if it may reuse its walk.
  static func delta(
    from leader: (base: GuestRegister, offset: Int32), base: GuestRegister, offset: Int32,
    size: AccessSize
  ) -> Int32? {
    guard leader.base == base else { return nil }
    let delta = Int64(offset) - Int64(leader.offset)
    return delta.magnitude + UInt64(size.rawValue) <= 4096 ? Int32(delta) : nil
  }

  /// The role of `operations[index]`, the next operation lowered (a look
  /// ahead in the block decides whether a walking load leads).
  public func role(of index: Int, in operations: [Operation]) -> Role {
    guard case .load(_, .register(let base), let offset, let size, _, _) = operations[index] else {
      return .walk
    }
    if let leader, let d = Self.delta(from: leader, base: base, offset: offset, size: size) {
      return .follower(delta: d)
    }
    if case .load(let dst, _, _, _, _, _) = operations[index], dst == base { return .walk }
    let next = (base: base, offset: offset)
    var j = index + 1
    while j < operations.count {
      let operation = operations[j]
      if case .load(_, let b, let o, let s, _, _) = operation {
        guard case .register(let r) = b else { return .walk }  // walks, leads
        return Self.delta(from: next, base: r, offset: o, size: s) != nil ? .leader : .walk
      }
      if Self.destination(operation) == base { return .walk }
      j += 1
    }
    return .walk
  }

  /// Records that `operation` (whose role was `role`) has been lowered.
  public mutating func lowered(_ operation: Operation, role: Role) {
    switch role {
    case .follower: break
    case .leader:
      if case .load(_, .register(let base), let offset, _, _, _) = operation {
        leader = (base, offset)
      }
    case .walk:
      if case .load = operation { leader = nil }
    }
    if let written = Self.destination(operation), written == leader?.base { leader = nil }
  }

  /// The register `operation` writes, if any.
  static func destination(_ operation: Operation) -> GuestRegister? {
    switch operation {
    case .move(let d, _), .binary(_, let d, _, _), .load(let d, _, _, _, _, _): d
    case .store: nil
    }
  }
}
