import KilnCore
import KilnIR
import KilnPort

/// Slow paths shared by every block, installed with the permanent stubs
/// (`Stubs`), so that a block's cold code for them is a few bytes instead
/// of a spill, a host call and a reload each (about 150 bytes per guest
/// access before):
///
/// * `access[index(size, signed, store)]`, reached by `call` from a block's
///   cold code, with eax = guest address, edx = guest pc of the access,
///   ecx = the value (stores), the block's dirty cache registers already
///   written back:
///
///         spill pinned ; push rdx (pc; 16-aligns rsp for the host call)
///         esi = eax ; rdx = pc << 32 | kind          AccessDescriptor
///         call host (load|store) ; reload pinned ; pop rcx (pc)
///         rdx = rax >> 32 ; jne failed ; ret         eax = loaded value
///     failed:                                        (shared by all kinds)
///         drop the return address ; cmp edx, codeModified ; je modified
///         eax = error ; jmp exit
///     modified:
///         exitPC = pc + 4 ; eax = synchronize ; jmp exit
///
/// * `chain` (jumped to; edx = the guest pc of the target, rax = host
///   address of the rel32 field to patch): exitPC = edx, exitPatchSite =
///   rax, eax = chain, jmp exit.
/// * `fault` (jumped to; eax = `GuestFaultCode`, edx = guest pc, ecx =
///   detail): records the fault through `HostCall.fault`, exits with `error`.
///
/// Offsets are from the start of the stubs (the entry stub), whose layout
/// does not depend on where they are installed.
struct SharedStubs: Sendable {
  var access = [Int](repeating: 0, count: 12)
  var chain = 0
  var fault = 0

  /// The `access` slot of an access kind.
  static func index(_ size: AccessSize, signed: Bool, store: Bool) -> Int {
    let s =
      switch size {
      case .byte: 0
      case .half: 1
      case .word: 2
      }
    return s * 4 + (signed ? 2 : 0) + (store ? 1 : 0)
  }

  /// Assembles the shared stubs into `a` (after the permanent ones; `exit`
  /// is the exit stub's label).
  mutating func build(abi: X86ABI, _ a: inout X86Assembler, exit: Label) throws(CodeGenError) {
    let layout = abi.layout
    let failed = a.newLabel()
    for size in AccessSize.allCases {
      for signed in [false, true] {
        for store in [false, true] {
          access[Self.index(size, signed: signed, store: store)] = a.offset
          let kind = AccessDescriptor(size, signed: signed, isWrite: store, pc: 0).encoded
          abi.spillPinned(&a)
          a.push(.rdx)
          a.mov(.dword, .rsi, .rax)
          a.shift(.shl, .qword, .rdx, imm: 32)
          a.alu(.or, .qword, .rdx, imm: Int32(truncatingIfNeeded: kind))
          abi.emitCall(store ? .store : .load, &a)
          a.pop(.rcx)
          a.mov(.qword, .rdx, .rax)
          a.shift(.shr, .qword, .rdx, imm: 32)
          a.jcc(.ne, failed)
          a.ret()
        }
      }
    }
    try a.bind(failed)
    let modified = a.newLabel()
    a.alu(.add, .qword, .rsp, imm: 8)
    a.alu(.cmp, .dword, .rdx, imm: Int32(HostCallStatus.codeModified.rawValue))
    a.jccShort(.e, modified)
    a.mov(.rax, imm32: ExitReason.error.rawValue)
    a.jmp(exit)
    try a.bind(modified)
    a.alu(.add, .dword, .rcx, imm: 4)
    a.mov(.dword, abi.field(layout.exitPC), .rcx)
    a.mov(.rax, imm32: ExitReason.synchronize.rawValue)
    a.jmp(exit)

    chain = a.offset
    a.mov(.dword, abi.field(layout.exitPC), .rdx)
    a.mov(.qword, abi.field(layout.exitPatchSite), .rax)
    a.mov(.rax, imm32: ExitReason.chain.rawValue)
    a.jmp(exit)

    fault = a.offset
    abi.spillPinned(&a)
    a.mov(.dword, .rsi, .rax)
    abi.emitCall(.fault, &a)
    a.mov(.rax, imm32: ExitReason.error.rawValue)
    a.jmp(exit)
  }
}

/// Where a block finds the shared stubs: their offsets, added to the entry
/// stub's address (`HostStubs.entry`).
struct SharedStubAddresses: Sendable {
  let offsets: SharedStubs

  func access(_ size: AccessSize, signed: Bool, store: Bool, stubs: HostStubs) -> UInt {
    stubs.entry + UInt(offsets.access[SharedStubs.index(size, signed: signed, store: store)])
  }

  func chain(_ stubs: HostStubs) -> UInt { stubs.entry + UInt(offsets.chain) }
  func fault(_ stubs: HostStubs) -> UInt { stubs.entry + UInt(offsets.fault) }
}
