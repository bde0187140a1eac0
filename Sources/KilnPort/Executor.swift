import KilnCore

/// Where generated code runs: natively on this machine, or in an emulator
/// (any port, on any machine). Engines reach every piece of memory that
/// generated code addresses through their executor, enter the code through
/// it, and give generated code the addresses of host functions through it,
/// so the same engine runs unchanged in both.
///
/// Addresses are identity-mapped: memory the executor hands out is at the
/// same address for Swift code and for generated code, so pointers stored
/// in a state block mean the same on both sides. An emulator for a 32-bit
/// host allocates below 4 GiB (`allocate`, code memory, its stack and
/// trap page), where a 32-bit pointer reaches. The one exception is
/// memory the caller owns and lends with `expose`: generated code of a
/// 32-bit port cannot address a buffer above 4 GiB, so the executor lends
/// it a low copy instead and says where (see `expose`).
public protocol Executor: AnyObject {
  /// "native" or "unicorn", for statistics and errors.
  var name: String { get }
  /// True if generated code runs on this machine's processor (host faults
  /// then arrive as signals).
  var runsNatively: Bool { get }

  /// Zeroed memory of `bytes` bytes (at least 16-byte aligned) that
  /// generated code may read and write.
  func allocate(bytes: Int) throws(ExecutorError) -> UnsafeMutableRawPointer
  /// Returns memory from `allocate`.
  func deallocate(_ memory: UnsafeMutableRawPointer, bytes: Int)

  /// Code memory of at least `capacity` bytes for code of `port`.
  func makeCodeMemory(capacity: Int, port: PortFacts) throws(ExecutorError) -> any CodeMemory

  /// Lets generated code address memory the caller owns (an eBPF context,
  /// data sections) until the matching `withdraw`, and returns the address
  /// generated code reaches the buffer's first byte at: pass that one to
  /// generated code (arguments, region bases in a state block).
  ///
  /// * Natively, and in an emulator of a 64-bit port, the buffer itself
  ///   (identity): the returned address is `buffer.baseAddress`.
  /// * In an emulator of a 32-bit port, the buffer itself if it lies below
  ///   4 GiB; otherwise a copy below 4 GiB, made here. The copy is real
  ///   host memory at the same address for Swift and for generated code,
  ///   so a host function that gets the address from generated code may
  ///   dereference it. While exposed, the copy *is* the memory: Swift code
  ///   that runs meanwhile (a helper) must use the addresses generated code
  ///   hands it, not its own pointer to the original. `withdraw` copies a
  ///   `writable` buffer back into the original; a read-only one is mapped
  ///   read-only (a write is an emulator error) and not copied back.
  ///
  /// Exposing a buffer again, or one inside an exposed buffer, shares the
  /// first exposure (counted; each needs its `withdraw`). Addresses that
  /// generated code holds from elsewhere (constants compiled into a
  /// program) do not follow a copy: memory reached that way must be
  /// allocated where the port can address it (below 4 GiB for a 32-bit
  /// port, e.g. with `Emulator.allocatePages(_:below4GiB:)` or `allocate`).
  func expose(_ buffer: UnsafeRawBufferPointer, writable: Bool) throws(ExecutorError) -> UInt
  /// Ends an `expose` of the same buffer (copying a writable low copy back).
  func withdraw(_ buffer: UnsafeRawBufferPointer)

  /// Registers memory whose pages become accessible on first touch by
  /// generated code (flat guest memory). Natively the runtime's signal
  /// handler serves such faults and this does nothing; an emulator asks
  /// `memory` on each first touch.
  func attach(_ memory: any LazyMemory) throws(ExecutorError)
  /// `memory` made its pages inaccessible again (`LazyMemory` cleared):
  /// forget every page of it the executor had made accessible.
  func lazyMemoryCleared(_ memory: any LazyMemory)

  /// The address generated code calls to reach `function` (natively the
  /// function itself; in an emulator, a trap address served by the host).
  func hostCallAddress(_ function: HostFunction) throws(ExecutorError) -> UInt

  /// Calls the generated code at `entry` as the C function
  /// `uint64_t f(uintptr_t first, uintptr_t second)` in the port's
  /// convention (a function of one ignores the second), and returns its
  /// result: on a 32-bit Arm port, arguments in r0 and r1, result from
  /// r0:r1, and `entry` is entered in Thumb state. A host function may call
  /// this again while generated code is paused in it (nested calls).
  /// On a 32-bit port, `entry`, `first` and `second` must fit in 32 bits.
  func call(_ entry: UInt, _ first: UInt, _ second: UInt) throws(ExecutorError) -> UInt64

  /// Host instructions executed by generated code so far, where the
  /// executor counts them (an emulator with counting on); else nil.
  var executedInstructions: UInt64? { get }
}

/// Why an executor could not do what was asked.
public enum ExecutorError: Error, Equatable, Sendable, CustomStringConvertible {
  case allocationFailed(bytes: Int)
  case codeMemory(CodeGenError)
  /// The emulator stopped with an error of its own (unmapped access,
  /// invalid instruction) at host address `pc`.
  case emulator(message: String, pc: UInt64)
  /// This executor cannot run code of this port.
  case unsupported(String)
  /// A value meant as an address for generated code does not fit the
  /// port's `pointerBits` (a 32-bit port handed memory above 4 GiB).
  case outsideAddressSpace(address: UInt64, pointerBits: Int)

  public var description: String {
    switch self {
    case .allocationFailed(let n): "could not allocate \(n) bytes for generated code to address"
    case .codeMemory(let e): e.description
    case .emulator(let message, let pc):
      "emulated host code stopped at 0x\(String(pc, radix: 16)): \(message)"
    case .unsupported(let why): why
    case .outsideAddressSpace(let address, let bits):
      "0x\(String(address, radix: 16)) does not fit a \(bits)-bit address"
    }
  }
}

/// Memory whose pages are made accessible when generated code first touches
/// them: the flat guest memory's reservation. It decides, as the native
/// signal handler does, whether a touch maps the page (within the quota) or
/// sends the access to its slow path.
public protocol LazyMemory: AnyObject {
  /// The host addresses generated code may touch lazily.
  var lazyRange: Range<UInt> { get }
  /// Generated code at host address `pc` touched `address`, which is not
  /// accessible yet.
  func touch(address: UInt, pc: UInt) -> LazyTouch
}

/// What a first touch of lazy memory leads to.
public enum LazyTouch: Equatable, Sendable {
  /// The page at `page` (`size` bytes) is accessible now: retry the access.
  case mapped(page: UInt, size: Int)
  /// Do not retry: resume generated code at `resume`, with every register
  /// as it was at the access (the access's slow path takes over).
  case redirect(resume: UInt)
  /// Not an access the memory serves (a bug in generated code).
  case refused
}
