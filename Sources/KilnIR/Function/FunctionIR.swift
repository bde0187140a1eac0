/// The host-neutral IR of whole functions on 64-bit registers, the way eBPF
/// programs are compiled (RV32 uses the per-block IR of `Block.swift`).
///
/// A ``FunctionIR/Function`` is a list of operations over eleven 64-bit
/// registers with a fixed convention, the one eBPF defines and every Kiln
/// port maps onto its own registers:
///
///     r0        result of calls and of the function
///     r1 – r5   arguments; clobbered by helper calls
///     r6 – r9   preserved across local calls
///     r10       frame pointer, read only: one past the top of this call's
///               512-byte frame; a local call gives the callee the next frame down
///
/// Every operation has one exact meaning, which every port implements
/// without host shortcuts. Arithmetic and branch conditions are the
/// vocabulary the block IR uses too (``BinaryOperation`` and ``Condition``,
/// defined by their `evaluate` and `holds`): 32-bit operations work on the
/// low halves and zero-extend the result, division by zero and
/// `INT_MIN / -1` never trap, shift counts are masked. Memory accesses name
/// the host address `base + offset` (eBPF pointers are host addresses); when
/// the ``FunctionIR/Environment`` asks for bounds checks, ports check each
/// access against the regions of the run and leave with a
/// ``FunctionIR/Status`` on failure.
///
/// No Foundation, no existentials: this compiles as Embedded Swift with the
/// eBPF front end.
public enum FunctionIR {
  /// Operation width: 32-bit operations read the low halves and zero-extend
  /// (the shared ``KilnIR/Width``).
  public typealias Width = KilnIR.Width

  /// One of the eleven registers `r0`…`r10`.
  public struct Register: Hashable, Sendable, CustomStringConvertible {
    public let index: UInt8
    public init(_ index: UInt8) {
      precondition(index <= 10, "FunctionIR has registers r0…r10")
      self.index = index
    }
    public static let r0 = Register(0)
    public static let r10 = Register(10)
    public var description: String { "r\(index)" }
  }

  /// A register, or a 32-bit immediate: sign-extended to 64 bits for 64-bit
  /// operations, taken as is for 32-bit ones.
  public enum Operand: Hashable, Sendable {
    case register(Register)
    case immediate(Int32)
  }

  /// Atomic read-modify-write operations (`fetch` forms return the old value).
  public enum Atomic: Sendable, Hashable {
    case add, or, and, xor
    /// `src = old; mem = src`.
    case xchg
    /// Compare the low `size` bytes of `r0` with memory; if equal store
    /// `src`; `r0` = old value (zero-extended for 4 bytes).
    case cmpxchg
  }

  /// A branch target inside the function.
  public struct Label: Hashable, Sendable {
    public let id: Int
    public init(_ id: Int) { self.id = id }
  }

  /// Access sizes in bytes: 1, 2, 4 or 8.
  public typealias Size = Int

  /// One operation. `site` is the guest's own instruction index, carried
  /// into run-time errors.
  public enum Op: Hashable, Sendable {
    /// Binds `Label` here.
    case label(Label)
    /// `dst = dst op src`, in the shared vocabulary; eBPF's divisions use
    /// the ``DivisionRule/ebpf`` rule and its `mov` is ``BinaryOperation/move``.
    case alu(BinaryOperation, Width, Register, Operand)
    case negate(Width, Register)
    /// `dst = sign-extend(low bits of src)`, then zero-extended for `w32`.
    case signExtend(Width, Register, from: Register, bits: UInt8)
    /// `dst = dst & (2^bits - 1)` for bits 16 or 32 (and 64: no change).
    case zeroExtend(Register, bits: UInt8)
    /// Reverses the low `bits` (16, 32, 64) bytes of `dst` and zero-extends.
    case byteSwap(Register, bits: UInt8)
    case constant(Register, UInt64)
    /// `dst = [base + offset]`, zero- or sign-extended to 64 bits.
    case load(Register, base: Register, offset: Int32, size: Size, signExtend: Bool, site: Int)
    /// `[base + offset] = low bytes of value` (an immediate is sign-extended first).
    case store(base: Register, offset: Int32, size: Size, value: Operand, site: Int)
    /// Atomic on 4 or 8 bytes at `base + offset` with `source`; with `fetch`,
    /// `source` receives the old value (zero-extended for 4 bytes). `xchg`
    /// always fetches; `cmpxchg` uses `r0` as described in ``Atomic``.
    case atomic(
      Atomic, fetch: Bool, size: Size, base: Register, offset: Int32, source: Register, site: Int)
    /// Legacy packet load: `r0` = the big-endian value of `size` bytes at
    /// offset `index + imm` (or `imm`) of the context region (always checked
    /// against the context length; failure is ``Status/packetOutOfBounds``).
    case packetLoad(size: Size, index: Register?, imm: Int32, site: Int)
    case jump(Label)
    /// Jumps to `Label` if the shared ``Condition`` holds for the register
    /// and the operand at `Width`.
    case branch(Condition, Width, Register, Operand, Label)
    /// Calls helper `id` with r1–r5, result in r0.
    case callHelper(id: UInt32, site: Int)
    /// Calls the helper whose id is the value of the register (unknown ids
    /// end the run with ``Status/unknownHelper``).
    case callHelperIndirect(Register, site: Int)
    /// Calls the local function at `Label` with a fresh frame (r10 − frame
    /// size); r6–r10 are restored on return. Deeper than the environment's
    /// limit ends the run with ``Status/callDepthExceeded``.
    case callLocal(Label, site: Int)
    /// Returns r0 from the current function (or from the run at depth 1).
    case `return`
    /// The instruction budget, at the start of a straight-line run of
    /// `cost` guest instructions beginning at guest instruction `site`: if
    /// the state's `budgetRemaining` is less than `cost`, the run ends with
    /// ``Status/budgetExhausted`` (`errorSite` = site) before any of them
    /// runs, with r0…r10 in the state's `stopRegisters` and
    /// `budgetRemaining` what was left before the run; else `cost` is taken
    /// from it. Front ends emit it only for runs with a budget, so a run
    /// without one has no check code. (The runtime then finishes the
    /// budget exactly: the part of the run it covers is straight-line code.)
    case budget(cost: Int, site: Int)
    /// An interrupt poll before guest instruction `site` (where a front end
    /// puts it: eBPF at every function entry, loop head and exit, and
    /// return point): if the state's `interrupt` word is not 0,
    /// the run ends as for a failed ``budget(cost:site:)`` check (status
    /// ``Status/budgetExhausted``, `errorSite` = site, registers saved,
    /// `budgetRemaining` untouched) and the runtime reports the interrupt.
    /// Front ends emit it only for interruptible runs.
    case poll(site: Int)
    /// A merged instruction budget check (eBPF's `BudgetRegions`): takes
    /// `cost` from the state's `budgetRemaining` (modulo 2^64) and, if it
    /// did not cover it (a borrow), goes to `otherwise`, whose code gives
    /// the cost back with ``refund(_:)`` first (a conditional branch for
    /// every analysis). Front ends emit it only for runs with a budget.
    case charge(cost: Int, otherwise: Label)
    /// Gives `amount` back to the state's `budgetRemaining` (what a merged
    /// ``charge(cost:otherwise:)`` took for a longer path than the one
    /// taken).
    case refund(Int)
  }

  /// A function: entry at the first operation, with r1 = context address,
  /// r2 = context length, r10 = top of the first frame, all others 0.
  public struct Function: Sendable {
    public var ops: [Op]
    /// Labels are numbered `0..<labelCount`.
    public var labelCount: Int
    /// What ``RangeAnalysis`` proved, by access site (empty: nothing, every
    /// access checked). Ports leave out the check of a `.proven` site.
    public var accessFacts: [AccessFact] = []

    public init(ops: [Op], labelCount: Int) {
      self.ops = ops
      self.labelCount = labelCount
    }

    /// The fact recorded for `site` (`.checked` when none is).
    @inline(__always)
    public func accessFact(site: Int) -> AccessFact {
      site >= 0 && site < accessFacts.count ? accessFacts[site] : .checked
    }

    /// Runs ``RangeAnalysis`` and records its facts.
    public mutating func analyzeRanges(frameSize: Int) {
      accessFacts = RangeAnalysis.facts(for: self, frameSize: frameSize)
    }
  }

  /// How a run ended (the `status` field of the state block).
  public enum Status: UInt64, Sendable {
    case ok = 0
    /// `errorSite`, `errorAddress` = address, `errorDetail` = the access
    /// (`AccessDescriptor.encoded`: size, isWrite).
    case outOfBounds = 1
    /// `errorSite`, `errorAddress` = packet offset, `errorDetail` = the
    /// access (`AccessDescriptor.encoded`: size).
    case packetOutOfBounds = 2
    /// `errorSite`.
    case callDepthExceeded = 3
    /// `errorSite`, `errorAddress` = helper id.
    case unknownHelper = 4
    /// `errorSite` (the first instruction not run); `budgetRemaining` is
    /// what was left (less than the next run's cost, unless an interrupt
    /// poll stopped the run), r0…r10 in `stopRegisters`.
    case budgetExhausted = 5
  }
}
