/// Everything that can go wrong loading, checking, assembling or running a
/// program. Instruction indices count 8-byte slots from 0.
public enum EBPFError: Error, Hashable, Sendable, CustomStringConvertible {
  // Decoding.
  /// The byte length is not a multiple of 8.
  case truncatedProgram(byteCount: Int)
  case emptyProgram
  /// More slots than the checker's limit.
  case programTooLarge(count: Int, limit: Int)
  /// No row of the instruction table matches (opcode, or its offset/imm/src variant).
  case unknownOpcode(index: Int, opcode: UInt8)
  /// A register field holds 11–15.
  case invalidRegister(index: Int, register: UInt8)
  /// `lddw` is the last slot or its second slot is not `opcode 0, dst 0, src 0, offset 0`.
  case incompleteLoadImm64(index: Int)

  // Checking.
  /// The instruction writes `r10`, the read-only frame pointer.
  case writesFrameRegister(index: Int)
  /// A jump lands outside the program.
  case jumpOutOfBounds(index: Int, target: Int)
  /// A jump or call lands on the second slot of `lddw`.
  case jumpIntoLoadImm64(index: Int, target: Int)
  /// A local call lands outside the program.
  case invalidCallTarget(index: Int, target: Int)
  /// A helper id that is not registered (at load time for `call imm`, at run time for `callx`).
  case unknownHelper(index: Int, id: UInt64)
  /// A valid instruction that these engines do not implement (`lddw` map forms, BTF calls).
  case unsupportedInstruction(index: Int, mnemonic: String)
  /// A pseudo `lddw` names a map or variable that the ``PseudoLoadTable`` lacks.
  case unresolvedLoadImm64(index: Int, form: String, id: Int32)
  /// The last instruction is neither `exit` nor an unconditional jump.
  case fallsOffEnd(index: Int)

  // Assembling.
  case syntax(line: Int, message: String)

  // Running.
  /// A load, store or atomic outside every readable (or, for stores, writable) region.
  case outOfBounds(index: Int, address: UInt64, size: Int, isWrite: Bool)
  /// A legacy packet load (`ldabs`/`ldind`) outside the packet.
  case packetOutOfBounds(index: Int, offset: UInt64, size: Int, length: UInt64)
  /// A local call beyond the frame limit.
  case callDepthExceeded(index: Int, limit: Int)
  /// The instruction budget of ``ExecutionOptions`` ran out: instruction
  /// `index` is the first not executed, after exactly `executed` (the
  /// budget) instructions, on every engine.
  case instructionBudgetExhausted(index: Int, executed: UInt64)
  /// ``Interrupter/interrupt()`` stopped the run before the straight-line
  /// run starting at instruction `index`.
  case interrupted(index: Int)

  /// ``ExecutionOptions/maxCallDepth`` is not in `1...limit`: the engines'
  /// limit (``ExecutionOptions/maxCallDepthLimit``), or for a JIT run on
  /// this machine the frames whose host-stack cost the calling thread's
  /// stack can hold.
  case invalidCallDepth(requested: Int, limit: Int)

  // JIT engines.
  /// The engine cannot run the program as configured (no port for this
  /// host, an option it does not offer, code memory that could not be
  /// mapped, or an internal code-generation error).
  case engineUnavailable(reason: String)

  public var description: String {
    switch self {
    case .truncatedProgram(let n):
      return "program length \(n) is not a multiple of 8 bytes"
    case .emptyProgram:
      return "empty program"
    case .programTooLarge(let n, let limit):
      return "program has \(n) instructions, more than the limit of \(limit)"
    case .unknownOpcode(let i, let op):
      return "invalid opcode 0x\(hex(UInt64(op))) at instruction \(i)"
    case .invalidRegister(let i, let r):
      return "invalid register r\(r) at instruction \(i)"
    case .incompleteLoadImm64(let i):
      return "incomplete lddw at instruction \(i)"
    case .writesFrameRegister(let i):
      return "instruction \(i) writes the read-only frame pointer r10"
    case .jumpOutOfBounds(let i, let t):
      return "jump out of bounds at instruction \(i) (target \(t))"
    case .jumpIntoLoadImm64(let i, let t):
      return "jump into the middle of lddw at instruction \(i) (target \(t))"
    case .invalidCallTarget(let i, let t):
      return "local call out of bounds at instruction \(i) (target \(t))"
    case .unknownHelper(let i, let id):
      return "call to unknown helper \(id) at instruction \(i)"
    case .unsupportedInstruction(let i, let m):
      return "unsupported instruction \(m) at instruction \(i)"
    case .unresolvedLoadImm64(let i, let form, let id):
      return "lddw \(form)(\(id)) at instruction \(i): no such map or variable"
    case .fallsOffEnd(let i):
      return "execution can fall off the end of the program after instruction \(i)"
    case .syntax(let line, let message):
      return "line \(line): \(message)"
    case .outOfBounds(let i, let address, let size, let isWrite):
      return
        "out-of-bounds \(isWrite ? "store" : "load") of \(size) bytes at 0x\(hex(address)) (instruction \(i))"
    case .packetOutOfBounds(let i, let offset, let size, let length):
      return
        "packet load of \(size) bytes at offset \(offset) beyond packet length \(length) (instruction \(i))"
    case .callDepthExceeded(let i, let limit):
      return "call depth exceeded the limit of \(limit) frames at instruction \(i)"
    case .instructionBudgetExhausted(let i, let executed):
      return "instruction budget exhausted at instruction \(i) after \(executed) instructions"
    case .interrupted(let i):
      return "interrupted at instruction \(i)"
    case .invalidCallDepth(let requested, let limit):
      return
        "maxCallDepth \(requested) is outside 1...\(limit) (frames of 512 bytes that the engine and the host stack allow)"
    case .engineUnavailable(let reason):
      return "JIT engine unavailable: \(reason)"
    }
  }
}

/// Lower-case hexadecimal without prefix (Embedded-friendly).
@inline(never)
func hex(_ value: UInt64) -> String {
  String(value, radix: 16)
}
