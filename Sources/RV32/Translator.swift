import KilnIR

/// Translates RV32IM guest code into KilnIR blocks, one basic block at a time.
///
/// Register mapping: guest `x<i>` is `GuestRegister(i)`. Reads of `x0` become
/// `.immediate(0)`; writes to `x0` are dropped, except that a load into `x0`
/// must still perform its access (it may fault): it loads into
/// `scratchSlot`, slot 32. The runtime's register file therefore has
/// `registerSlotCount` (33) slots.
///
/// A block ends at a jump, branch, ECALL, EBREAK, FENCE.I or illegal
/// instruction, at an address outside guest memory, or after
/// `maxBlockInstructions` instructions. Faults become terminators, so they are
/// raised only if execution reaches them.
public struct Translator: Sendable {
  /// The slot a load into `x0` writes; never read by translated code.
  public static let scratchSlot = GuestRegister(32)
  /// Register slots translated code uses: `x0`…`x31` and the scratch slot.
  public static let registerSlotCount = 33
  /// The front end's register hint for ports (`StateLayout.preferredRegisters`):
  /// the registers the RISC-V psABI makes hottest, first. `sp` is used by
  /// every function; `a0`–`a5` carry arguments, results and syscall operands;
  /// then `ra`, the frame and first saved registers, the remaining argument
  /// registers and the first temporaries, the other saved registers, the
  /// other temporaries, and last gp and tp (set once, rarely read). All 31
  /// registers: a port pins a prefix of this list, as long as it has
  /// registers for.
  public static let preferredRegisters: [GuestRegister] = [
    2, 10, 11, 12, 13, 14, 15, 1, 8, 9, 16, 17, 5, 6, 7,
    18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 3, 4,
  ].map { GuestRegister($0) }

  /// The most guest instructions in one block (at least 1).
  public let maxBlockInstructions: Int

  public init(maxBlockInstructions: Int = 64) {
    self.maxBlockInstructions = max(1, maxBlockInstructions)
  }

  /// Translates the block starting at `pc`. `fetch` returns nil for
  /// addresses outside guest memory.
  public func translate(at pc: UInt32, fetch: (UInt32) -> UInt32?) -> Block {
    var operations: [Operation] = []
    // At most one operation per instruction: one allocation, no regrowth.
    operations.reserveCapacity(min(maxBlockInstructions, 64))
    var address = pc
    var count = 0

    func finish(_ terminator: Terminator, end: UInt32) -> Block {
      Block(
        startPC: pc, operations: operations, terminator: terminator,
        guestInstructionCount: count, endPC: end)
    }

    while count < maxBlockInstructions {
      guard let word = fetch(address) else {
        // The fault belongs to the instruction at `address`: raise it only when it runs.
        if count == 0 { return finish(.fault(.fetchOutsideMemory(pc: address)), end: address) }
        return finish(.jump(.pc(address)), end: address)
      }
      count += 1
      let next = address &+ 4
      guard let instruction = decode(word) else {
        return finish(.fault(.illegalInstruction(pc: address, word: word)), end: next)
      }
      if var terminator = Self.translate(instruction, at: address, into: &operations) {
        Self.foldConstant(into: &terminator, operations)
        return finish(terminator, end: next)
      }
      Self.foldConstant(&operations)
      address = next
    }
    return finish(.jump(.pc(address)), end: address)
  }

  /// Appends the operations of one instruction; returns its terminator if it ends the block.
  static func translate(
    _ instruction: Instruction, at pc: UInt32, into operations: inout [Operation]
  ) -> Terminator? {
    let next = pc &+ 4
    switch instruction {
    case .lui(let rd, let immediate):
      if let rd = destination(rd) {
        operations.append(.move(rd, .immediate(UInt32(bitPattern: immediate))))
      }
    case .auipc(let rd, let immediate):
      if let rd = destination(rd) {
        operations.append(.move(rd, .immediate(pc &+ UInt32(bitPattern: immediate))))
      }
    case .jal(let rd, let offset):
      let target = jumpTarget(from: pc, offset: offset)
      // A misaligned jump faults before writing rd.
      if case .pc = target, let rd = destination(rd) {
        operations.append(.move(rd, .immediate(next)))
      }
      return .jump(target)
    case .jalr(let rd, let rs1, let offset):
      return .jumpIndirect(
        base: value(rs1), offset: offset, link: destination(rd), returnAddress: next, pc: pc)
    case .branch(let condition, let rs1, let rs2, let offset):
      return .branch(
        condition, value(rs1), value(rs2), taken: jumpTarget(from: pc, offset: offset),
        notTaken: .pc(next))
    case .load(let size, let signed, let rd, let rs1, let offset):
      operations.append(
        .load(
          destination(rd) ?? scratchSlot, base: value(rs1), offset: offset, size: size,
          signed: signed, pc: pc))
    case .store(let size, let rs1, let rs2, let offset):
      operations.append(.store(value(rs2), base: value(rs1), offset: offset, size: size, pc: pc))
    case .operationImmediate(let operation, let rd, let rs1, let immediate):
      guard let rd = destination(rd) else { break }
      if operation == .add && rs1.isZero {
        operations.append(.move(rd, .immediate(UInt32(bitPattern: immediate))))
      } else {
        operations.append(
          .binary(operation, rd, value(rs1), .immediate(UInt32(bitPattern: immediate))))
      }
    case .operation(let operation, let rd, let rs1, let rs2):
      guard let rd = destination(rd) else { break }
      operations.append(.binary(operation, rd, value(rs1), value(rs2)))
    case .fence:
      break
    case .fenceI:
      return .synchronize(next: next)
    case .ecall:
      return .syscall(pc: pc, next: next)
    case .ebreak:
      return .breakpoint(pc: pc, next: next)
    }
    return nil
  }

  // MARK: constants (lui+addi, auipc+addi, li+branch)

  /// If the operation before last sets a register to a constant `c`, the
  /// last one reads `c` as an immediate; an arithmetic result of two
  /// constants becomes a constant, and the constant's own move is dropped
  /// when the last operation overwrites its register without reading it
  /// (not for loads: a faulting load must leave the earlier write visible).
  /// Chains `lui`+`addi` into one move, and feeds `auipc` results straight
  /// into address arithmetic.
  static func foldConstant(_ operations: inout [Operation]) {
    let n = operations.count
    guard n >= 2, case .move(let r, .immediate(let c)) = operations[n - 2] else { return }
    func fold(_ v: Value) -> Value { v == .register(r) ? .immediate(c) : v }
    switch operations[n - 1] {
    case .move(let d, let v):
      operations[n - 1] = .move(d, fold(v))
      if d == r { operations.remove(at: n - 2) }
    case .binary(let op, let d, let lhs, let rhs):
      let l = fold(lhs)
      let rr = fold(rhs)
      if case .immediate(let x) = l, case .immediate(let y) = rr {
        operations[n - 1] = .move(d, .immediate(op.evaluate(x, y)))
      } else {
        operations[n - 1] = .binary(op, d, l, rr)
      }
      if d == r { operations.remove(at: n - 2) }
    case .load(let d, let base, let offset, let size, let signed, let pc):
      operations[n - 1] = .load(
        d, base: fold(base), offset: offset, size: size, signed: signed, pc: pc)
    case .store(let v, let base, let offset, let size, let pc):
      operations[n - 1] = .store(fold(v), base: fold(base), offset: offset, size: size, pc: pc)
    }
  }

  /// A branch right after a constant move compares with the constant.
  static func foldConstant(into terminator: inout Terminator, _ operations: [Operation]) {
    guard case .move(let r, .immediate(let c))? = operations.last,
      case .branch(let condition, let lhs, let rhs, let taken, let notTaken) = terminator
    else { return }
    func fold(_ v: Value) -> Value { v == .register(r) ? .immediate(c) : v }
    terminator = .branch(condition, fold(lhs), fold(rhs), taken: taken, notTaken: notTaken)
  }

  /// The operand that reads `register`.
  @inline(__always)
  static func value(_ register: Register) -> Value {
    register.isZero ? .immediate(0) : .register(GuestRegister(register.index))
  }

  /// The slot that `register` is written to; nil for `x0`.
  @inline(__always)
  static func destination(_ register: Register) -> GuestRegister? {
    register.isZero ? nil : GuestRegister(register.index)
  }

  /// Where a PC-relative jump or taken branch goes: a fault if the target is not 4-byte aligned.
  @inline(__always)
  static func jumpTarget(from pc: UInt32, offset: Int32) -> Target {
    let target = pc &+ UInt32(bitPattern: offset)
    return target & 3 == 0 ? .pc(target) : .fault(.misalignedJump(pc: pc, target: target))
  }
}
