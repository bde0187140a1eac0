import CUnicorn

extension Emulator {
  /// Bytes of the scratch buffer register reads and writes go through: the
  /// widest value Unicorn stores for a register id (x86 ZMM, 64 bytes), so a
  /// wide register cannot write past it.
  private static let registerBufferSize = 64

  /// The low 64 bits of Unicorn register `id` (`uc_reg_read`). 32-bit
  /// registers are zero-extended. An id the architecture does not know reads 0.
  public func readRegister(_ id: Int32) -> UInt64 {
    // Unicorn writes as many bytes as the register is wide; the buffer is
    // wide enough for any register and starts zeroed, so narrow registers
    // come out zero-extended (little-endian host).
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.registerBufferSize / 8) {
      buffer in
      buffer.initialize(repeating: 0)
      _ = uc_reg_read(engine, id, buffer.baseAddress)
      return buffer[0]
    }
  }

  /// Sets Unicorn register `id` to `value` (`uc_reg_write`): truncated for
  /// 32-bit registers, zero-extended for wider ones.
  ///
  /// Writing the program counter from a code hook redirects execution: the
  /// hooked instruction does not run and emulation continues at `value`
  /// (checked on Unicorn 2.0.1, also for an instruction in the middle of a
  /// translated block). On ``Architecture/thumb``, keep bit 0 set (as in a
  /// return address in `lr`) to stay in Thumb state.
  public func writeRegister(_ id: Int32, _ value: UInt64) {
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.registerBufferSize / 8) {
      buffer in
      buffer.initialize(repeating: 0)
      buffer[0] = value
      _ = uc_reg_write(engine, id, buffer.baseAddress)
    }
  }

  /// `readRegister(_:)` for a named register of this emulator's architecture.
  public func readRegister<R: EmulatorRegister>(_ register: R) -> UInt64 {
    precondition(R.architecture == architecture, "\(register) is not a \(architecture) register")
    return readRegister(register.id)
  }

  /// `writeRegister(_:_:)` for a named register of this emulator's architecture.
  public func writeRegister<R: EmulatorRegister>(_ register: R, _ value: UInt64) {
    precondition(R.architecture == architecture, "\(register) is not a \(architecture) register")
    writeRegister(register.id, value)
  }

  /// The program counter (`rip` or `pc`). Setting it from a code hook
  /// redirects execution (see `writeRegister(_:_:)`).
  public var programCounter: UInt64 {
    get { readRegister(architecture.programCounter) }
    set { writeRegister(architecture.programCounter, newValue) }
  }

  /// The stack pointer (`rsp` or `sp`).
  public var stackPointer: UInt64 {
    get { readRegister(architecture.stackPointer) }
    set { writeRegister(architecture.stackPointer, newValue) }
  }

  /// Emulates the return of the function call that brought execution here,
  /// for a host-call hook that has done the call's work: on x86-64 pops the
  /// return address from `[rsp]` into `rip`; on AArch64 and Thumb sets `pc`
  /// to `lr`. Call it from a code hook (``onCode(in:_:)``).
  ///
  /// - Throws: when `[rsp]` is not mapped readable.
  public func returnFromCall() throws(EmulatorError) {
    switch architecture {
    case .x86_64:
      let sp = stackPointer
      var returnAddress: UInt64 = 0
      try check(uc_mem_read(engine, sp, &returnAddress, 8), "uc_mem_read")
      stackPointer = sp &+ 8
      programCounter = returnAddress
    case .aarch64:
      programCounter = readRegister(AArch64Register.lr)
    case .thumb:
      programCounter = readRegister(ARMRegister.lr)
    }
  }
}
