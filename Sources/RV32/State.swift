import KilnIR

/// The architectural state of one RV32 hart.
public struct RV32State: Sendable, Equatable {
  /// `x0`…`x31`; always exactly 32 entries, `registers[0]` always 0.
  public var registers: [UInt32]
  public var pc: UInt32

  /// A state at `pc`; `registers` is padded or cut to 32 entries and `x0` cleared.
  public init(registers: [UInt32] = [], pc: UInt32) {
    var file = Array(registers.prefix(32))
    file.append(contentsOf: repeatElement(0, count: 32 - file.count))
    file[0] = 0
    self.registers = file
    self.pc = pc
  }

  public subscript(register: Register) -> UInt32 {
    get { registers[Int(register.index)] }
    set { if register.index != 0 { registers[Int(register.index)] = newValue } }
  }
}

/// Why the interpreter stopped before its stop PC or budget.
public enum StepEvent: Equatable, Sendable {
  /// ECALL executed; `state.pc` is already the next instruction.
  case ecall(pc: UInt32)
  /// EBREAK executed; `state.pc` is already the next instruction.
  case ebreak(pc: UInt32)
  /// FENCE.I executed; `state.pc` is already the next instruction. Callers
  /// that cache translations must revalidate them.
  case fenceI(pc: UInt32)
  /// The instruction at `state.pc` cannot execute; the state is as it was before it.
  case fault(GuestFault)
}
