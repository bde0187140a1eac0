/// The load-time checker: not a verifier (it proves nothing about loops,
/// pointers or initialised registers), but it guarantees what the engines rely
/// on so that control never leaves the program:
///
/// * a non-empty program of at most `maxProgramInstructions` slots;
/// * valid opcodes and registers, complete `lddw` (already by the ``Decoder``);
/// * `r10` is never written (RFC 9669 §2.2: "R10: read-only frame pointer");
/// * every jump target is inside the program and not the second slot of `lddw`;
/// * local call targets likewise; helper calls name a registered helper;
/// * the last instruction is `exit` or an unconditional jump, so execution
///   cannot run past the end;
/// * forms the engines do not implement (`lddw` map/variable pseudo forms,
///   calls by BTF id) are rejected with ``EBPFError/unsupportedInstruction(index:mnemonic:)``.
public struct Checker: Sendable {
  /// Default program size limit, in slots.
  public static let defaultMaxProgramInstructions = 65536

  /// The program size limit, in slots (the run budget is
  /// ``ExecutionOptions/instructionBudget``).
  public var maxProgramInstructions: Int
  public var helpers: HelperTable

  public init(
    helpers: HelperTable, maxProgramInstructions: Int = Checker.defaultMaxProgramInstructions
  ) {
    self.helpers = helpers
    self.maxProgramInstructions = maxProgramInstructions
  }

  public func check(_ program: Program) throws(EBPFError) {
    let insts = program.instructions
    let count = insts.count
    guard count > 0 else { throw .emptyProgram }
    guard count <= maxProgramInstructions else {
      throw .programTooLarge(count: count, limit: maxProgramInstructions)
    }

    func target(_ i: Int, _ delta: Int64) -> Int64 { Int64(i) + 1 + delta }
    func isTail(_ t: Int64) -> Bool { insts[Int(t)].operation == .loadImm64Tail }
    func checkJump(_ i: Int, _ delta: Int64) throws(EBPFError) {
      let t = target(i, delta)
      guard t >= 0 && t < Int64(count) else {
        throw .jumpOutOfBounds(index: i, target: Int(clamping: t))
      }
      guard !isTail(t) else { throw .jumpIntoLoadImm64(index: i, target: Int(t)) }
    }

    for i in 0..<count {
      let inst = insts[i]
      if inst.writtenRegister == .r10 { throw .writesFrameRegister(index: i) }
      switch inst.operation {
      case .jumpAlways(.w64), .branch:
        try checkJump(i, Int64(inst.offset))
      case .jumpAlways(.w32):
        try checkJump(i, Int64(inst.imm))
      case .callLocal:
        let t = target(i, Int64(inst.imm))
        guard t >= 0 && t < Int64(count) else {
          throw .invalidCallTarget(index: i, target: Int(clamping: t))
        }
        guard !isTail(t) else { throw .jumpIntoLoadImm64(index: i, target: Int(t)) }
      case .callHelper:
        let id = UInt64(UInt32(bitPattern: inst.imm))
        guard helpers.contains(id) else { throw .unknownHelper(index: i, id: id) }
      case .callBTF:
        throw .unsupportedInstruction(index: i, mnemonic: "call runtime")
      case .loadImm64(let kind) where kind != .immediate:
        // Resolved at load time by `Program.resolvingPseudoLoads`.
        throw .unsupportedInstruction(index: i, mnemonic: "lddw " + kind.pseudoName)
      default:
        break
      }
    }

    let last = insts[count - 1]
    switch last.operation {
    case .exit, .jumpAlways: break
    case .loadImm64Tail: throw .fallsOffEnd(index: count - 2)
    default: throw .fallsOffEnd(index: count - 1)
    }
  }
}
