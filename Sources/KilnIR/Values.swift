/// A guest register slot: an index into the guest register file.
///
/// Guest translators never name a hard-wired zero register as a destination
/// and read it as `.immediate(0)`; ports may therefore treat every slot as an
/// ordinary register. Slots beyond the guest's architectural registers are
/// scratch slots (see `StateLayout.registerCount`).
public struct GuestRegister: Hashable, Sendable, CustomStringConvertible {
  public let index: UInt8
  public init(_ index: UInt8) { self.index = index }
  public var description: String { "g\(index)" }
}

/// An operand: a guest register or a 32-bit constant.
public enum Value: Hashable, Sendable, CustomStringConvertible {
  case register(GuestRegister)
  case immediate(UInt32)

  public var description: String {
    switch self {
    case .register(let r): r.description
    case .immediate(let v): "#\(Int32(bitPattern: v))"
    }
  }
}

/// Width of a guest memory access in bytes.
public enum AccessSize: Int, Sendable, CaseIterable {
  case byte = 1
  case half = 2
  case word = 4
}
