/// Superinstructions: pairs of slots that the interpreter's loop runs in
/// one dispatch. The compilers' eBPF is two-address code, so a copy
/// followed by an operation on the copy (`r0 = r3; r0 *= r5`) and a loop
/// counter's increment followed by its test (`r4 += 1; if r4 < r2 goto`)
/// are most of what loops execute.
///
/// A fused slot is the first slot of the pair with only its code changed
/// (`DecodedProgram.fused`): its second half reads the next slot, which
/// keeps its own code, so a jump to it still runs it alone, and no slot
/// needs to know where jumps land. Only arithmetic and conditional jumps
/// are fused, so no half can fault or call. A run with an instruction
/// budget or interrupter runs the unfused slots, where the budget is spent
/// slot by slot.
extension DecodedSlot.Code {
  /// The second half of a superinstruction.
  enum Fused: Equatable {
    case arithmetic(ALUOperation, Width)
    case branch(Condition, Width)
  }

  /// The superinstruction of `lead` followed by `second`, if there is one.
  /// The fused codes of one lead follow the order of the second codes
  /// (the 36 arithmetic codes from `add64`, then, after `mov64` and
  /// `add64`, the conditional jumps from `jeq64`); `InterpreterCodeTests`
  /// checks this against `dispatch`.
  static func fused(lead: DecodedSlot.Code, second: DecodedSlot.Code) -> DecodedSlot.Code? {
    let first: DecodedSlot.Code
    let branches: Bool
    switch lead {
    case .mov64: (first, branches) = (.mov64ThenAdd64, true)
    case .add64: (first, branches) = (.add64ThenAdd64, true)
    case .mov32: (first, branches) = (.mov32ThenAdd64, false)
    default: return nil
    }
    let arithmeticCount = DecodedSlot.Code.toLittleEndian.rawValue
    let branchStart = DecodedSlot.Code.jeq64.rawValue
    let index: UInt8
    if second.rawValue < arithmeticCount {
      index = second.rawValue
    } else if branches, second.rawValue >= branchStart,
      second.rawValue < DecodedSlot.Code.callHelper.rawValue
    {
      index = arithmeticCount + (second.rawValue - branchStart)
    } else {
      return nil
    }
    return DecodedSlot.Code(rawValue: first.rawValue + index)
  }

  /// A superinstruction's lead and second half; nil for other codes.
  var fusedParts: ((ALUOperation, Width), Fused)? {
    dispatch(
      arithmetic: { _, _, _ in nil }, branch: { _, _, _ in nil }, other: { _ in nil },
      fusedArithmetic: { lead, second, _, _ in (lead, .arithmetic(second.0, second.1)) },
      fusedBranch: { lead, second, _, _ in (lead, .branch(second.0, second.1)) })
  }
}

extension DecodedProgram {
  /// `slots` with every slot that starts a superinstruction with the next
  /// one given its fused code (see `InterpreterFusion.swift`).
  static func fuse(_ slots: [DecodedSlot]) -> [DecodedSlot] {
    var fused = slots
    for i in slots.indices.dropLast() {
      if let code = DecodedSlot.Code.fused(lead: slots[i].code, second: slots[i + 1].code) {
        fused[i].code = code
      }
    }
    return fused
  }
}
