/// What a port needs to know, besides the function, to compile it: the
/// state block it reaches through its pinned state register, and the
/// run-time rules (bounds checks, call depth). The runtime owns the state
/// block and fills it in before each run.
///
/// State block (all fields 8 bytes, offsets from the state pointer):
///
///     0    status            FunctionIR.Status of the run
///     8    errorSite         guest instruction index of the failure
///     16   errorAddress      address / packet offset / helper id
///     24   errorDetail       the failed access (AccessDescriptor: size, isWrite)
///     32   savedStack        host stack pointer at entry (for error exits)
///     40   callDepth         frames in use (1 in the entry function)
///     48   helperID          id of the helper being called
///     56   helperCall        host function: (r1, r2, r3, r4, r5, state) -> r0
///     64   argument1         r1 at entry (context address)
///     72   argument2         r2 at entry (context length)
///     80   frameTop          r10 at entry
///     88   hostContext       the runtime's own word (ports never touch it)
///     96   regions           regionCount × 40 bytes:
///                              base, then limit[size] for sizes 1, 2, 4, 8
///
/// A region accepts an access of `size` bytes at `a` if
/// `a - base < limit[size]` (unsigned, wrapping), where
/// `limit[size] = length - size + 1` when `length >= size`, else 0.
/// Region 0 is the stack, region 1 the context (also the packet of legacy
/// packet loads); the rest are the host's.
public struct FunctionEnvironment: Sendable {
  public static let status: Int32 = 0
  public static let errorSite: Int32 = 8
  public static let errorAddress: Int32 = 16
  public static let errorDetail: Int32 = 24
  public static let savedStack: Int32 = 32
  public static let callDepth: Int32 = 40
  public static let helperID: Int32 = 48
  public static let helperCall: Int32 = 56
  public static let argument1: Int32 = 64
  public static let argument2: Int32 = 72
  public static let frameTop: Int32 = 80
  public static let hostContext: Int32 = 88
  public static let regions: Int32 = 96
  public static let regionSize: Int32 = 40
  public static let stackRegion = 0
  public static let contextRegion = 1

  /// Offset of region `i`'s base.
  public static func regionBase(_ i: Int) -> Int32 { regions + regionSize * Int32(i) }

  /// Offset of region `i`'s limit for `size` (1, 2, 4 or 8).
  public static func regionLimit(_ i: Int, size: Int) -> Int32 {
    let slot: Int32 =
      switch size {
      case 1: 1
      case 2: 2
      case 4: 3
      default: 4
      }
    return regionBase(i) + 8 * slot
  }

  /// Size of the state block for `regionCount` regions.
  public static func stateSize(regionCount: Int) -> Int {
    Int(regions) + Int(regionSize) * regionCount
  }

  /// Whether each region may be written (regions 0 and 1 always can).
  public var writable: [Bool]
  public var boundsChecks: Bool
  /// Frames available, the entry function's included.
  public var maxCallDepth: Int
  public var frameSize: Int

  public var regionCount: Int { writable.count }

  public init(writable: [Bool], boundsChecks: Bool, maxCallDepth: Int, frameSize: Int = 512) {
    self.writable = writable
    self.boundsChecks = boundsChecks
    self.maxCallDepth = maxCallDepth
    self.frameSize = frameSize
  }
}
