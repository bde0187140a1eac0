/// A helper function: five 64-bit arguments (`r1`–`r5`), a 64-bit result (`r0`).
///
/// Helpers receive raw eBPF values. Pointers among them are host addresses
/// (see ``MemoryRegion``); a helper that dereferences one must check it
/// itself, against the regions it knows.
public typealias HelperFunction = @Sendable (UInt64, UInt64, UInt64, UInt64, UInt64) -> UInt64

/// The helpers a program may call, by static id (`call imm`, `callx`).
///
/// A struct of closures, not a protocol, so that it also works in Embedded Swift.
public struct HelperTable: Sendable {
  /// Helpers with ids below `denseLimit`, indexed by id: one bounds check
  /// and one load per call instead of a dictionary lookup (Linux's helper
  /// ids are below 256).
  private var dense: [HelperFunction?] = []
  /// Helpers with larger ids.
  private var sparse: [UInt32: HelperFunction] = [:]

  /// Ids below this live in the array.
  static let denseLimit: UInt32 = 256

  public init() {}

  /// Registers (or replaces) helper `id`.
  public mutating func register(_ id: UInt32, _ function: @escaping HelperFunction) {
    guard id < Self.denseLimit else {
      sparse[id] = function
      return
    }
    if dense.count <= Int(id) {
      dense += [HelperFunction?](repeating: nil, count: Int(id) + 1 - dense.count)
    }
    dense[Int(id)] = function
  }

  /// The helper with this id; `nil` if none is registered (ids above 32 bits never are).
  @inline(__always)
  public func function(for id: UInt64) -> HelperFunction? {
    if id < UInt64(dense.count) { return dense[Int(id)] }
    guard id >= UInt64(Self.denseLimit), id <= UInt64(UInt32.max) else { return nil }
    return sparse[UInt32(id)]
  }

  public func contains(_ id: UInt64) -> Bool { function(for: id) != nil }

  /// Registered ids, ascending.
  public var ids: [UInt32] {
    dense.indices.compactMap { dense[$0] == nil ? nil : UInt32($0) } + sparse.keys.sorted()
  }

  /// The bpf_conformance convention: helper 5 returns its first argument.
  public static var conformance: HelperTable {
    var table = HelperTable()
    table.register(5) { a, _, _, _, _ in a }
    return table
  }
}
