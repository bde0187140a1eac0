import Synchronization

/// Stops a running program from another thread or a signal handler
/// (issue 12 §2): ``interrupt()`` makes the run in progress, on any engine,
/// end at its next straight-line run start (``BudgetBlocks``) on the
/// interpreter, or its next check point (``BudgetRegions``: function entry,
/// loop head or exit, return point; every loop iteration passes one) on a
/// JIT, with
/// ``EBPFError/interrupted(index:)``. Opt-in through
/// ``ExecutionOptions/interrupter``; runs without one poll nothing (and a
/// JIT compiles no poll).
///
/// A request made while no run is in progress stops the next run at its
/// first instruction; a run that reports the interrupt consumes it. The
/// interpreter polls the request itself; a JIT run attaches the
/// `interrupt` word of its state block (which its code polls) for its
/// duration, and ``interrupt()`` writes that word too. One run at a time
/// per interrupter. Everything here is lock-free, so ``interrupt()`` may
/// be called from a signal handler.
public final class Interrupter: Sendable, Hashable {
  /// 1 while an interrupt is requested and not yet reported.
  let requested = Atomic<UInt32>(0)
  /// The address of the attached JIT run's `interrupt` word (0: none).
  let attached = Atomic<UInt>(0)
  /// ``interrupt()`` calls between reading `attached` and writing the word.
  let writers = Atomic<UInt32>(0)

  public init() {}

  /// Asks the run in progress (or the next one) to stop (idempotent).
  public func interrupt() {
    requested.store(1, ordering: .sequentiallyConsistent)
    writers.wrappingAdd(1, ordering: .sequentiallyConsistent)
    let word = attached.load(ordering: .sequentiallyConsistent)
    if let p = UnsafeMutablePointer<UInt64>(bitPattern: word) {
      // An aligned 8-byte store of 1 (a 32-bit port reads the low half);
      // the run's code only reads the word.
      p.pointee = 1
    }
    writers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
  }

  /// Whether an interrupt is requested (not consuming it).
  public var isRequested: Bool { requested.load(ordering: .relaxed) != 0 }

  /// Takes a pending request: true if there was one.
  @inline(__always)
  func consume() -> Bool {
    guard requested.load(ordering: .relaxed) != 0 else { return false }
    return requested.exchange(0, ordering: .sequentiallyConsistent) != 0
  }

  /// Takes a pending request (for the JIT runtime): true if there was one.
  public func takeRequest() -> Bool { consume() }

  /// Attaches a JIT run's `interrupt` word (8 bytes, 0) for the run, and
  /// sets it at once if an interrupt is already pending. The word must
  /// stay valid until ``detach()`` returns.
  public func attach(_ word: UnsafeMutablePointer<UInt64>) {
    attached.store(UInt(bitPattern: word), ordering: .sequentiallyConsistent)
    if requested.load(ordering: .sequentiallyConsistent) != 0 { word.pointee = 1 }
  }

  /// Ends ``attach(_:)``: afterwards no ``interrupt()`` writes the word.
  public func detach() {
    attached.store(0, ordering: .sequentiallyConsistent)
    while writers.load(ordering: .sequentiallyConsistent) != 0 {}
  }

  public static func == (a: Interrupter, b: Interrupter) -> Bool { a === b }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(UInt(bitPattern: ObjectIdentifier(self).hashValue))
  }
}
