/// What Kiln needs to know about a host besides how to generate code for it.
/// Each port states its facts in one place (`Ports/<Host>/Facts.swift`);
/// nothing outside the port hard-codes them.
public struct PortFacts: Sendable {
  /// Shown in dumps and statistics ("x86-64").
  public var name: String
  /// The name `--host` takes ("x86_64"), Swift's `arch()` spelling.
  public var architecture: String
  /// Width of a host pointer in bits (64, or 32 for Thumb-2).
  public var pointerBits: Int
  /// How far, in bytes, the direct branches that link generated code reach
  /// in either direction; the code buffer must be no larger than this.
  public var branchReach: Int
  public var instructionCache: InstructionCachePolicy
  /// How `-v` dumps disassemble the port's code.
  public var capstone: CapstoneTarget
  /// How the port's code runs in Unicorn, and the C calling convention the
  /// emulator serves host calls with.
  public var unicorn: UnicornTarget
  /// Linux only: byte offset of the program counter in the `ucontext_t` a
  /// signal handler receives (how the flat-memory fault handler reads and
  /// redirects the faulting pc); nil if the port has no native fault path.
  public var signalContextPC: Int?
  /// The register map, one row per host register the port assigns.
  public var registerMap: [RegisterRow]
  /// Whether the port's RV32 code implements the faulting page walk
  /// (`PageTables.missBase`); the runtime uses it only natively on Linux.
  public var faultingPageWalk = false

  public init(
    name: String, architecture: String, pointerBits: Int, branchReach: Int,
    instructionCache: InstructionCachePolicy, capstone: CapstoneTarget, unicorn: UnicornTarget,
    signalContextPC: Int?, registerMap: [RegisterRow]
  ) {
    self.name = name
    self.architecture = architecture
    self.pointerBits = pointerBits
    self.branchReach = branchReach
    self.instructionCache = instructionCache
    self.capstone = capstone
    self.unicorn = unicorn
    self.signalContextPC = signalContextPC
    self.registerMap = registerMap
  }

  /// The largest code buffer every direct branch inside it can span.
  public var maxCodeSize: Int { branchReach }
}

/// Whether written code needs an instruction-cache flush before it runs.
public enum InstructionCachePolicy: Sendable, Equatable {
  /// Instruction fetch sees data writes (x86).
  case coherent
  /// Code memory must be cleaned to the point of unification and the
  /// instruction cache invalidated for every written range (Arm).
  case flushAfterWrite
}

/// Capstone's `cs_arch` and `cs_mode` values for the port's code: for
/// example `CS_ARCH_X86` (3), `CS_MODE_64` (8); for Thumb-2 on a Cortex-M,
/// `CS_ARCH_ARM` (0) and `CS_MODE_THUMB | CS_MODE_MCLASS` (16 | 32 = 48).
/// Dumps disassemble from the code's address without the Thumb bit.
public struct CapstoneTarget: Sendable, Equatable {
  public var architecture: Int32
  public var mode: Int32
  public init(architecture: Int32, mode: Int32) {
    self.architecture = architecture
    self.mode = mode
  }
}

/// Unicorn's view of the port: architecture, mode and CPU model, and the
/// registers of the C calling convention that generated code uses for host
/// calls and that the executor uses to enter generated code. Register
/// numbers are Unicorn's (`UC_X86_REG_*`, `UC_ARM64_REG_*`, `UC_ARM_REG_*`).
///
/// A Thumb-2 (Cortex-M4) port states, for example:
///
///     UnicornTarget(
///       architecture: 1, mode: 16, cpuModel: 9,  // UC_ARCH_ARM, UC_MODE_THUMB, UC_CPU_ARM_CORTEX_M4
///       pc: 11, stackPointer: 12,                // UC_ARM_REG_PC, UC_ARM_REG_SP
///       arguments: [66, 67, 68, 69],             // r0–r3
///       result: 66, resultHigh: 67,              // r0:r1
///       returnAddress: .register(10),            // lr
///       convention: .aapcs32)
public struct UnicornTarget: Sendable, Equatable {
  /// `uc_arch`, `uc_mode`, and a `uc_cpu_*` model (nil: Unicorn's default).
  public var architecture: Int32
  public var mode: Int32
  public var cpuModel: Int32?
  public var pc: Int32
  public var stackPointer: Int32
  /// Integer argument registers, in order (as many as the convention's
  /// `argumentRegisters`: six for `.registers64`, r0–r3 for `.aapcs32`).
  public var arguments: [Int32]
  public var result: Int32
  /// The register holding the high word of a 64-bit result (r1 on a
  /// 32-bit Arm port); nil where one register holds 64 bits.
  public var resultHigh: Int32?
  public var returnAddress: ReturnAddress
  /// How arguments and results are laid out (see ``HostCallConvention``).
  public var convention: HostCallConvention

  public init(
    architecture: Int32, mode: Int32, cpuModel: Int32?, pc: Int32, stackPointer: Int32,
    arguments: [Int32], result: Int32, resultHigh: Int32? = nil, returnAddress: ReturnAddress,
    convention: HostCallConvention = .registers64
  ) {
    self.architecture = architecture
    self.mode = mode
    self.cpuModel = cpuModel
    self.pc = pc
    self.stackPointer = stackPointer
    self.arguments = arguments
    self.result = result
    self.resultHigh = resultHigh
    self.returnAddress = returnAddress
    self.convention = convention
  }

  /// Where a call leaves its return address.
  public enum ReturnAddress: Sendable, Equatable {
    /// Pushed on the stack (x86): a return pops it.
    case stack(slotBytes: Int)
    /// In a link register (Arm), given by its Unicorn number.
    case register(Int32)
  }
}

/// One host register and what each front end's code keeps in it.
public struct RegisterRow: Sendable, Equatable {
  public var host: String
  /// Its role in RV32 block code ("x2 sp", "scratch", "state pointer", …).
  public var blocks: String
  /// Its role in ``FunctionIR`` code ("r0", "frame pointer", …).
  public var functions: String

  public init(host: String, blocks: String, functions: String) {
    self.host = host
    self.blocks = blocks
    self.functions = functions
  }
}
