import KilnCore
import KilnIR

/// Calling convention and register map of the x86-64 port.
///
/// x86-64 has 16 registers, so the guest register file lives in memory
/// (`StateLayout.registers`, reached through the pinned state pointer r15)
/// and the first guest registers of the front end's hint
/// (`StateLayout.preferredRegisters`; for RV32: sp, a0–a5) are kept in the
/// seven `pinnedHosts` while generated code runs:
///
///     host   role                         host   role
///     ----   -------------------------    ----   -------------------------
///     r13    hint 0 (RV32 x2 sp)          rbx    block cache 0
///     rsi    hint 1 (RV32 x10 a0)         rbp    block cache 1
///     rdi    hint 2 (RV32 x11 a1)         r12    block cache 2
///     r8     hint 3 (RV32 x12 a2)         r14    block cache 3
///     r9     hint 4 (RV32 x13 a3)         rax    scratch, exit reason
///     r10    hint 5 (RV32 x14 a4)         rcx    scratch (shift count)
///     r11    hint 6 (RV32 x15 a5)         rdx    scratch (page index, div)
///     r15    state pointer                rsp    host stack (16-aligned)
///
/// The hinted registers are pinned for the whole run. Every other guest
/// register (and the scratch slot 32) lives in the register file,
/// `[r15 + 4*n]`; each block keeps its four most used ones in the cache
/// registers while it runs (see `RegisterCache.swift`). The pinned registers
/// are written back to the register file on every exit and around every
/// host call, and reloaded after it, so the runtime (syscall handlers,
/// `readRegister`) always sees them there.
///
/// With an instruction budget (`StateLayout.budget`), the budget left
/// (`BudgetLayout.remaining`) stays in its state word, `[r15 + remaining]`,
/// and generated code counts it down in place: the check is
/// `sub qword [r15 + remaining], n; jb` (`Budget.swift`), two instructions
/// like a register's, and no guest register gives up its host register
/// for it. (Until 2026-12-03 it took r11 from RV32 a5, which then lived in
/// the register file: that cost vm's handler regions and sort's merge
/// loop a load or two per pass, more than the memory operand costs.)
///
/// Frame while generated code runs (built by the entry stub):
///
///     [rsp + 56]  return address into the dispatcher
///     [rsp + 48]  saved rbx
///     [rsp + 40]  saved rbp
///     [rsp + 32]  saved r12
///     [rsp + 24]  saved r13
///     [rsp + 16]  saved r14
///     [rsp +  8]  saved r15
///     [rsp +  0]  padding: keeps rsp 16-byte aligned at host calls; paged
///                 memory keeps a reused page walk there (`PageReuse`)
///
/// Host calls (`HostCall`) use the System V ABI: rdi = r15 + hostContext (the
/// runtime's context word), rsi, rdx, rcx = arguments, result in rax; they go
/// through the table at `[r15 + hostCalls + 8*id]`, the port's single
/// host-call mechanism.
///
/// Guest memory is reached through r15 too. Paged mode: r15 is the start of
/// the state block and generated code walks the page tables in it. Flat mode:
/// r15 is the host address of guest address 0, the state block lies just
/// below it (its fields at negative offsets) and a guest access is one
/// instruction, `mov dst, [r15 + rax]` with rax = the zero-extended address:
///
///     r15 - state size   state block (jump cache, code-page map, host calls, registers)
///     r15                guest 0x0000_0000 ┐ 4 GiB reserved PROT_NONE, pages made
///     r15 + 0xFFFF_FFFF  guest 0xFFFF_FFFF ┘ read-write on first touch
///     r15 + 4 GiB        guard (PROT_NONE): accesses that wrap past the top
public struct X86ABI: Sendable {
  public static let state = GPR.r15
  public static let scratch0 = GPR.rax
  public static let scratch1 = GPR.rcx
  public static let scratch2 = GPR.rdx

  /// Host registers that hold the front end's preferred guest registers,
  /// in hint order.
  public static let pinnedHosts: [GPR] = [.r13, .rsi, .rdi, .r8, .r9, .r10, .r11]
  /// Callee-saved registers that each block assigns to its own most used
  /// memory-backed guest registers (`RegisterCache.swift`).
  public static let cacheRegisters: [GPR] = [.rbx, .rbp, .r12, .r14]
  public static let calleeSaved: [GPR] = [.rbx, .rbp, .r12, .r13, .r14, .r15]
  /// The budget left while generated code runs (only with a budget): its
  /// state word, `BudgetLayout.remaining`, counted down in place.
  public var budgetCounter: Memory? { layout.budget.map { field($0.remaining) } }

  /// The cache registers of this layout (the same with and without a
  /// budget).
  public var cacheHosts: [GPR] { Self.cacheRegisters }

  public let layout: StateLayout
  /// Guest register → pinned host register, for this layout's hint.
  public let pinned: [(guest: GuestRegister, host: GPR)]
  private let hostOf: [GPR?]

  public init(layout: StateLayout) {
    self.layout = layout
    let hinted = layout.preferredRegisters.filter { Int($0.index) < layout.registerCount }
    pinned = Array(zip(hinted, Self.pinnedHosts))
    var map = [GPR?](repeating: nil, count: layout.registerCount)
    for (guest, host) in pinned { map[Int(guest.index)] = host }
    hostOf = map
  }

  /// The host register holding guest register `g`, if it is pinned.
  public func host(_ g: GuestRegister) -> GPR? { hostOf[Int(g.index)] }

  /// The register-file slot of guest register `g`.
  public func slot(_ g: GuestRegister) -> Memory {
    Memory(base: Self.state, displacement: layout.registers + 4 * Int32(g.index))
  }

  public func field(_ offset: Int32) -> Memory { Memory(base: Self.state, displacement: offset) }

  /// Stores every pinned register to its slot.
  public func spillPinned(_ a: inout X86Assembler) {
    for (guest, host) in pinned { a.mov(.dword, slot(guest), host) }
  }

  /// Loads every pinned register from its slot.
  public func reloadPinned(_ a: inout X86Assembler) {
    for (guest, host) in pinned { a.mov(.dword, host, slot(guest)) }
  }

  /// The host-call sequence: `call [r15 + hostCalls + 8*id]` with rdi =
  /// r15 + hostContext (the caller has spilled the pinned registers and set
  /// rsi, rdx, rcx), then reload pinned registers. The result is in rax.
  public func emitCall(_ id: HostCall, _ a: inout X86Assembler) {
    a.lea(.qword, .rdi, field(layout.hostContext))
    a.call(field(layout.hostCalls + 8 * Int32(id.rawValue)))
    reloadPinned(&a)
  }
}
