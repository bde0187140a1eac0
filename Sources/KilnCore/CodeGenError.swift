/// Errors raised while generating host code. Apart from `bufferFull`, each of
/// these is an internal error of a port (a bug), reported instead of crashing.
public enum CodeGenError: Error, Equatable, Sendable, CustomStringConvertible {
  case labelUnbound(Int)
  case labelBoundTwice(Int)
  case branchOutOfRange(kind: String, distance: Int)
  case immediateOutOfRange(String)
  /// The executable code buffer has no room for the code being installed.
  case bufferFull(needed: Int, available: Int)
  case memoryMapFailed(errno: Int32)

  public var description: String {
    switch self {
    case .labelUnbound(let id): "internal: label \(id) used but never bound"
    case .labelBoundTwice(let id): "internal: label \(id) bound twice"
    case .branchOutOfRange(let kind, let distance):
      "internal: \(kind) branch cannot reach distance \(distance)"
    case .immediateOutOfRange(let what): "internal: immediate out of range: \(what)"
    case .bufferFull(let needed, let available):
      "code buffer full: \(needed) bytes needed, \(available) available"
    case .memoryMapFailed(let errno): "mmap/mprotect of code memory failed (errno \(errno))"
    }
  }
}
