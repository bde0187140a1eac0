/// A C function that generated code calls: its address and its C
/// signature. Every host call of every engine goes through one of these
/// (the eBPF helper trampoline, the RV32 runtime's host calls), so an
/// emulator can serve it: read the arguments where the port's convention
/// puts them, call the function natively, put the result back.
public struct HostFunction: @unchecked Sendable {
  // @unchecked: a C function pointer is immutable code.
  public var address: UnsafeRawPointer
  public var signature: HostSignature

  public init(address: UnsafeRawPointer, signature: HostSignature) {
    self.address = address
    self.signature = signature
  }

  /// Number of arguments.
  public var arity: Int { signature.arguments.count }
}

/// The C type of one argument or of the result of a host function, as far
/// as a calling convention cares: its width. Only integers and pointers
/// cross between generated code and the host.
public enum HostValue: Sendable, Equatable {
  /// `uint64_t` / `int64_t`: one register on a 64-bit host; on a 32-bit
  /// host a register pair (low word first) or 8 stack bytes, 8-byte aligned.
  case int64
  /// A pointer or `uintptr_t`: one register of the host's width.
  case pointer
}

/// A host function's C signature: `result f(arguments…)`, at most
/// ``maxArguments`` arguments.
///
/// The host side of a call is always a native function of this machine,
/// which is 64-bit wherever an emulator serves calls: every argument and
/// the result are then one integer register of the native convention, and
/// an emulator calls the function as `uint64_t f(uint64_t × 6)` with
/// pointers zero-extended.
public struct HostSignature: Sendable, Equatable {
  /// Arguments a host function may take: what every supported native
  /// convention passes in registers (System V x86-64 and AAPCS64).
  public static let maxArguments = 6

  public var arguments: [HostValue]
  public var result: HostValue

  public init(_ arguments: [HostValue], result: HostValue) {
    precondition(
      arguments.count <= Self.maxArguments,
      "host functions take at most \(Self.maxArguments) arguments")
    self.arguments = arguments
    self.result = result
  }
}

/// How a port's generated code passes integer arguments to a C function
/// and gets its result back (and how the executor calls generated code).
/// Registers are numbered by their place in the port's argument-register
/// list (`UnicornTarget.arguments`): 0 is the first argument register.
public enum HostCallConvention: Sendable, Equatable {
  /// Each argument, 64-bit integer or pointer, in the next argument
  /// register; the result in one register. System V x86-64 (rdi, rsi, rdx,
  /// rcx, r8, r9 → rax) and AAPCS64 (x0–x5 → x0) for up to six arguments.
  case registers64
  /// The AAPCS base standard (32-bit Arm, integer arguments, soft-float or
  /// not: no floating-point crosses). Arguments go to r0–r3 in order; a
  /// 64-bit one takes an even–odd pair (r0:r1 or r2:r3, low word in the
  /// lower register), skipping an odd register. Once a 64-bit argument no
  /// longer fits in r0–r3, it and every later argument go to the stack,
  /// starting at the stack pointer of the call: 4 bytes per pointer, 8
  /// bytes at an 8-byte-aligned offset per 64-bit integer (AAPCS rules C.3
  /// to C.8). A 64-bit result comes back in r0:r1, a pointer in r0. The
  /// stack pointer is 8-byte aligned at the call.
  ///
  /// `uint64_t f(uint64_t a1…a5, void *p)` (the eBPF helper trampoline):
  ///
  ///     a1 → r0:r1   a2 → r2:r3   a3 → [sp]   a4 → [sp+8]   a5 → [sp+16]
  ///     p  → [sp+24]               result ← r0:r1         (28 → 32 bytes)
  ///
  /// `uint64_t f(void *p, uint64_t a, uint64_t b, uint64_t c)` (RV32 host calls):
  ///
  ///     p → r0   (r1 skipped)   a → r2:r3   b → [sp]   c → [sp+8]
  case aapcs32

  /// Bits of a pointer in this convention.
  public var pointerBits: Int { self == .aapcs32 ? 32 : 64 }

  /// Argument registers the convention needs the port to list (the
  /// executor checks `UnicornTarget.arguments` against it).
  public var argumentRegisters: Int {
    self == .aapcs32 ? 4 : HostSignature.maxArguments
  }

  /// Where each argument of `signature` is at the call, in order.
  public func argumentLocations(_ signature: HostSignature) -> [ValueLocation] {
    switch self {
    case .registers64:
      return signature.arguments.indices.map { .register($0) }
    case .aapcs32:
      var register = 0  // the NCRN of the AAPCS
      var stack = 0  // the NSAA, as an offset from the stack pointer
      var locations: [ValueLocation] = []
      for argument in signature.arguments {
        switch argument {
        case .pointer:
          if register < 4 {
            locations.append(.register(register))
            register += 1
          } else {
            locations.append(.stack(offset: stack, size: 4))
            stack += 4
          }
        case .int64:
          register = (register + 1) & ~1  // C.3: an even register
          if register + 2 <= 4 {
            locations.append(.registerPair(register))
            register += 2
          } else {
            register = 4  // C.6: no later argument goes to a register
            stack = (stack + 7) & ~7  // C.7: double-word aligned
            locations.append(.stack(offset: stack, size: 8))
            stack += 8
          }
        }
      }
      return locations
    }
  }

  /// Bytes of outgoing stack arguments of `signature`, rounded up so that
  /// the stack pointer stays 8-byte aligned (0 when all fit in registers).
  public func stackArgumentBytes(_ signature: HostSignature) -> Int {
    var end = 0
    for case .stack(let offset, let size) in argumentLocations(signature) {
      end = max(end, offset + size)
    }
    return (end + 7) & ~7
  }

  /// Where a result of type `result` comes back: `.register(0)` is the
  /// port's result register (`UnicornTarget.result`); `.registerPair(0)`
  /// adds its high word in `UnicornTarget.resultHigh`.
  public func resultLocation(_ result: HostValue) -> ValueLocation {
    self == .aapcs32 && result == .int64 ? .registerPair(0) : .register(0)
  }
}

/// Where one argument or result of a host call lives at the call.
public enum ValueLocation: Sendable, Equatable {
  /// The whole value in register `n` of the convention's list.
  case register(Int)
  /// The low word in register `n`, the high word in register `n + 1`.
  case registerPair(Int)
  /// `size` bytes, little endian, at the stack pointer of the call plus
  /// `offset` (at the callee's entry too: Arm calls leave the return
  /// address in the link register).
  case stack(offset: Int, size: Int)
}
