/// What a port needs to know, besides the function, to compile it: the
/// state block it reaches through its pinned state register, and the
/// run-time rules (bounds checks, call depth). The runtime owns the state
/// block and fills it in before each run.
///
/// State block (offsets from the state pointer, handed out in this order
/// by `LayoutBuilder` in `Offsets`; `layout(regionCount:)` is the whole
/// block):
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
///     96   budgetRemaining   instructions left in the budget (`FunctionIR.Op.budget`)
///     104  interrupt         non-zero: stop at the next run start (`FunctionIR.Op.poll`)
///     112  stopRegisters     r0…r10 (11 words) where a run stopped for the budget
///                            or an interrupt (``FunctionIR/Status/budgetExhausted``)
///     200  regions           regionCount × 40 bytes, each:
///                              +0 base, +8 limit[1], +16 limit[2],
///                              +24 limit[4], +32 limit[8]
///
/// All fields are 8-byte words, on 32-bit hosts too. The runtime writes
/// every word in full, addresses zero-extended (base, frameTop, argument1,
/// helperCall: a 32-bit port may load just the low word of those). A
/// 32-bit port that writes `savedStack` stores its stack pointer in the
/// low word (the high word is never read); the limits are full 64-bit
/// values, compared with the 64-bit `a - base`.
///
/// A region accepts an access of `size` bytes at `a` if
/// `a - base < limit[size]` (unsigned, wrapping), where
/// `limit[size] = length - size + 1` when `length >= size`, else 0.
/// Region 0 is the stack, region 1 the context (also the packet of legacy
/// packet loads); the rest are the host's.
public struct FunctionEnvironment: Sendable {
  /// The offsets, laid out once (with no regions: they follow the fixed fields).
  static let offsets = Offsets(regionCount: 0)

  public static let status: Int32 = offsets.status
  public static let errorSite: Int32 = offsets.errorSite
  public static let errorAddress: Int32 = offsets.errorAddress
  public static let errorDetail: Int32 = offsets.errorDetail
  public static let savedStack: Int32 = offsets.savedStack
  public static let callDepth: Int32 = offsets.callDepth
  public static let helperID: Int32 = offsets.helperID
  public static let helperCall: Int32 = offsets.helperCall
  public static let argument1: Int32 = offsets.argument1
  public static let argument2: Int32 = offsets.argument2
  public static let frameTop: Int32 = offsets.frameTop
  public static let hostContext: Int32 = offsets.hostContext
  public static let budgetRemaining: Int32 = offsets.budgetRemaining
  public static let interrupt: Int32 = offsets.interrupt
  /// IR register `i`'s word where a run stopped (r0…r10).
  public static func stopRegister(_ i: Int) -> Int32 { offsets.stopRegisters + 8 * Int32(i) }
  /// Words of ``stopRegister(_:)``: r0…r10.
  public static let stopRegisterCount = 11
  /// Offset of region 0's record.
  public static let regions: Int32 = offsets.regions
  /// Bytes in one region's record.
  public static let regionSize: Int32 = offsets.regionSize
  public static let stackRegion = 0
  public static let contextRegion = 1

  /// Offset of region `i`'s base.
  public static func regionBase(_ i: Int) -> Int32 {
    regions + regionSize * Int32(i) + offsets.region.base
  }

  /// Offset of region `i`'s limit for `size` (1, 2, 4 or 8).
  public static func regionLimit(_ i: Int, size: Int) -> Int32 {
    let r = offsets.region
    let limit =
      switch size {
      case 1: r.limit1
      case 2: r.limit2
      case 4: r.limit4
      default: r.limit8
      }
    return regions + regionSize * Int32(i) + limit
  }

  /// Size of the state block for `regionCount` regions.
  public static func stateSize(regionCount: Int) -> Int {
    Int(regions) + Int(regionSize) * regionCount
  }

  /// The whole state block for `regionCount` regions, every field recorded
  /// (region `i`'s as `region i.base`, `region i.limit1`, …).
  public static func layout(regionCount: Int) -> FieldLayout {
    Offsets(regionCount: regionCount).layout
  }

  /// Whether each region may be written (regions 0 and 1 always can).
  public var writable: [Bool]
  public var boundsChecks: Bool
  /// Frames available, the entry function's included.
  public var maxCallDepth: Int
  public var frameSize: Int
  /// Helpers the code may call directly, by id: the address (as a call
  /// takes it: with the Thumb bit on Thumb-2) of a C function `(r1, r2, r3,
  /// r4, r5: u64) -> u64` that is the helper itself, so that a call needs
  /// no `helperCall` trampoline and no lookup by id. Ports that do not use
  /// it call every helper through `helperCall`. Empty unless the runtime
  /// has such entry points (the firmware's C helpers).
  public var directHelpers: [UInt32: UInt64] = [:]

  public var regionCount: Int { writable.count }

  /// Whether an access with this ``FunctionIR/AccessFact`` needs a check.
  public func needsCheck(_ fact: FunctionIR.AccessFact) -> Bool {
    boundsChecks && fact != .proven
  }

  /// The regions a checked access tries, in order: all of them (a store:
  /// the writable ones), the context first when the range analysis says the
  /// address is the context's plus something. Any order accepts exactly the
  /// same accesses; the first try is the one that usually succeeds.
  public func regionOrder(write: Bool, fact: FunctionIR.AccessFact) -> [Int] {
    var order: [Int] = []
    order.reserveCapacity(regionCount)
    let first = fact == .context && regionCount > Self.contextRegion ? Self.contextRegion : -1
    if first >= 0 { order.append(first) }
    for i in 0..<regionCount where i != first && (!write || writable[i]) { order.append(i) }
    return order
  }

  public init(writable: [Bool], boundsChecks: Bool, maxCallDepth: Int, frameSize: Int = 512) {
    self.writable = writable
    self.boundsChecks = boundsChecks
    self.maxCallDepth = maxCallDepth
    self.frameSize = frameSize
  }
}

extension FunctionEnvironment {
  /// The offsets of the diagram above, handed out by `LayoutBuilder`.
  struct Offsets: Sendable {
    /// A region's record: offsets of its base and of its limits, from the
    /// record's start.
    struct Region: Sendable {
      let base, limit1, limit2, limit4, limit8: Int32

      /// Lays out one record.
      init(_ r: inout LayoutBuilder) {
        base = r.field("base", size: 8, alignment: 8)
        limit1 = r.field("limit1", size: 8, alignment: 8)
        limit2 = r.field("limit2", size: 8, alignment: 8)
        limit4 = r.field("limit4", size: 8, alignment: 8)
        limit8 = r.field("limit8", size: 8, alignment: 8)
      }
    }

    let status, errorSite, errorAddress, errorDetail, savedStack, callDepth: Int32
    let helperID, helperCall, argument1, argument2, frameTop, hostContext: Int32
    let budgetRemaining, interrupt, stopRegisters: Int32
    let regions, regionSize: Int32
    let region: Region
    /// The block with `regionCount` regions.
    let layout: FieldLayout

    init(regionCount: Int) {
      var b = LayoutBuilder(.upward)
      func word(_ name: String) -> Int32 { b.field(name, size: 8, alignment: 8) }
      status = word("status")
      errorSite = word("errorSite")
      errorAddress = word("errorAddress")
      errorDetail = word("errorDetail")
      savedStack = word("savedStack")
      callDepth = word("callDepth")
      helperID = word("helperID")
      helperCall = word("helperCall")
      argument1 = word("argument1")
      argument2 = word("argument2")
      frameTop = word("frameTop")
      hostContext = word("hostContext")
      budgetRemaining = word("budgetRemaining")
      interrupt = word("interrupt")
      stopRegisters = b.field("stopRegisters", size: 8 * 11, alignment: 8)
      var record = LayoutBuilder(.upward)
      region = Region(&record)
      regionSize = Int32(record.build(alignment: 8).size)
      regions = Int32(b.nextOffset(size: 0, alignment: 8))
      for i in 0..<regionCount {
        b.group("region \(i)", alignment: 8) { _ = Region(&$0) }
      }
      layout = b.build(alignment: 8)
    }
  }
}
