import KilnCore
import KilnIR
import KilnPort

/// The Thumb-2 (ARMv7E-M, Cortex-M4) host port. It compiles ``FunctionIR``
/// functions (eBPF, `FunctionPort.swift`); RV32 blocks are not ported.
public enum Thumb2Port: HostPort {
  public static let facts = Thumb2Facts.facts
}
