import KilnCore
import KilnIR
import KilnPort

/// The AArch64 host port. RV32 blocks (`BlockPort`, in `BlockPort.swift`)
/// and ``FunctionIR`` functions (`FunctionPort`, in `FunctionPort.swift`)
/// are its two halves.
public enum AArch64Port: HostPort {
  public static let facts = AArch64Facts.facts
}
