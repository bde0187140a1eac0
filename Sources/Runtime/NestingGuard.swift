import KilnCore

/// Bounds nested runs (a syscall handler calling `callFunction` again) by
/// the host stack they recurse on, as well as by the spill stack.
///
/// Every level of nesting costs host stack: the engine's frames from
/// `callFunction` down to the syscall handler (and, on the JIT, the
/// generated code's frame and the host-call trampoline), plus whatever the
/// handler itself uses. The guard measures that cost as it goes (the
/// distance between the frames of two consecutive levels; the largest seen
/// counts), finds the thread's stack bound once per outermost run, and
/// refuses a new level unless the room left covers two more levels and a
/// fixed reserve for the transient peaks of a level (compiling a block,
/// the flat-memory fault handler, the handler's own calls).
///
/// ```
///  high  +--------------------------+ <- outermost callFunction (mark 0)
///        | level 1 (measured cost)  |
///        +--------------------------+ <- mark 1
///        |          ...             |
///        +--------------------------+ <- mark d: refused unless
///        | 2 × cost + reserve       |    mark d − low ≥ 2 × cost + reserve
///  low   +--------------------------+ <- HostStack.lowerBound()
/// ```
struct NestingGuard {
  /// Host stack kept free below the deepest level for its transient peaks.
  static let reserve = 64 << 10

  /// The frame address of the innermost active level (0: none).
  private var mark: UInt = 0
  /// The largest host stack cost of one level measured in this outermost run.
  private(set) var levelCost = 0
  /// The thread's stack bound, looked up at the first nested level of an
  /// outermost run (`.some(nil)`: the platform cannot tell).
  private var bound: UInt??

  /// Enters a level whose frame is at `here`; returns the mark to restore
  /// with `leave`. Throws `stackOverflow(depth:)` when the host stack has no
  /// room for it.
  mutating func enter(here: UInt, depth: Int) throws(RuntimeError) -> UInt {
    let previous = mark
    if depth == 0 {
      levelCost = 0
      bound = nil
    } else {
      if previous > here { levelCost = max(levelCost, Int(previous - here)) }
      if bound == nil { bound = .some(HostStack.lowerBound()) }
      if let low = bound ?? nil {
        let room = here > low ? Int(here - low) : 0
        guard room >= 2 * levelCost + Self.reserve else { throw .stackOverflow(depth: depth) }
      }
    }
    mark = here
    return previous
  }

  /// Leaves the innermost level.
  mutating func leave(restoring previous: UInt) { mark = previous }
}
