import KilnCore
import KilnPort

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a port's generated code in Unicorn, on any machine: the
/// ``Executor`` of emulated hosts (and of `--emulate` for the native one).
///
/// * Memory is identity-mapped: what `allocate` returns is host memory
///   (from `mmap`) mapped into the emulator at its own address, so the
///   pointers Swift writes into state blocks mean the same to emulated code.
///   For a 32-bit port (`pointerBits == 32`) everything the executor
///   allocates (`allocate`, code memory, the stack, the trap page) lies
///   below 4 GiB, in the executable regions of the M-profile memory map
///   (``Emulator/allocatePages(_:below4GiB:)``).
/// * Caller-owned buffers (an eBPF context, data sections) are mapped page
///   by page while exposed, at their own address; for a 32-bit port a
///   buffer above 4 GiB is lent as a low copy instead (copied in by
///   `expose`, back by `withdraw` when writable; ``expose(_:writable:)``).
/// * Code memory is host memory mapped read/write/execute into the emulator
///   (the host never executes it, so W^X does not apply); `commit` drops
///   Unicorn's translations of exactly the committed range.
/// * Host calls: each host function gets a slot in a trap page (its
///   address has the Thumb bit set on a Thumb port, as a C function
///   pointer there has). A code hook on that page reads the arguments where
///   the port's convention puts them for the function's ``HostSignature``
///   (registers, register pairs, the stack: ``HostCallConvention``), calls
///   the function natively, writes the result register(s) and emulates the
///   return (`UnicornTarget.returnAddress`). A host function may run
///   generated code again (a syscall handler calling back into the VM): the
///   nested run starts below the current stack pointer and restores the
///   stack and program counter of the paused one when it ends.
/// * Other host memory: code that addresses memory it was never given (an
///   unchecked eBPF program following a host pointer) reads the host page
///   as native code would: an unmapped-memory hook maps the page if the host
///   has it mapped, until the outermost call ends. A pointer to nowhere is
///   an emulator error instead of the host crash it would be natively.
/// * Entry: arguments in the port's registers, a sentinel return address,
///   run until the sentinel; a 64-bit result from `result` (and
///   `resultHigh` on a 32-bit port).
public final class UnicornExecutor: Executor {
  public let name = "unicorn"
  public var runsNatively: Bool { false }
  let emulator: Emulator
  let target: UnicornTarget
  let below4GiB: Bool
  /// 1 on a Thumb port: the bit a code address carries in a branch target.
  let thumbBit: UInt64
  /// Mapped allocations, by address → size.
  private var allocations: [UInt: Int] = [:]
  /// Exposed caller pages (page address → number of exposures).
  private var exposedPages: [UInt: Int] = [:]
  /// Low copies of exposed caller buffers above 4 GiB (32-bit ports).
  private var copies: [LowCopy] = []
  /// Host functions by their trap address.
  private var hostFunctions: [UInt64: HostFunction] = [:]
  private let trapPage: UnsafeMutableRawPointer
  private let stack: UnsafeMutableRawPointer
  private var depth = 0
  /// Host pages mapped on demand for the current outermost call.
  private var lazyPages: [UInt] = []
  /// Lazy memories (flat guest memory) and the pages of each made
  /// accessible so far, mapped into the emulator as maximal runs of
  /// adjacent pages (`LazyRuns`).
  private var lazyMemories: [(memory: any LazyMemory, pages: Set<UInt>, runs: LazyRuns)] = []
  /// Where a lazy memory sent the faulting access (the run restarts there).
  private var pendingRedirect: UInt64?
  /// The error a hook ran into; reported when the run stops.
  private var hookError: ExecutorError?

  static let pageSize = 4096
  static let stackSize = 1 << 20
  static let trapSlot = 16
  /// The return address of the outermost call: never mapped, never reached
  /// by anything but the final return.
  private var sentinel: UInt64 { UInt64(UInt(bitPattern: trapPage)) + UInt64(Self.pageSize - 16) }

  /// An emulator for code of the port `facts` describes; `countInstructions`
  /// counts every executed host instruction (exact, and several times slower).
  public init(port facts: PortFacts, countInstructions: Bool = false) throws(ExecutorError) {
    target = facts.unicorn
    below4GiB = facts.pointerBits == 32
    guard let architecture = Architecture(unicorn: facts.unicorn) else {
      throw .unsupported(
        "Unicorn architecture \(facts.unicorn.architecture) mode \(facts.unicorn.mode)")
    }
    let convention = facts.unicorn.convention
    guard convention.pointerBits == facts.pointerBits,
      architecture.addressBits == facts.pointerBits,
      facts.unicorn.arguments.count >= convention.argumentRegisters,
      convention != .aapcs32 || facts.unicorn.resultHigh != nil
    else {
      throw .unsupported(
        "\(facts.name): the Unicorn target's convention \(convention), registers and "
          + "\(architecture) do not fit \(facts.pointerBits)-bit pointers")
    }
    thumbBit = architecture == .thumb ? 1 : 0
    do {
      emulator = try Emulator(architecture: architecture, cpuModel: facts.unicorn.cpuModel)
      emulator.countInstructions = countInstructions
      trapPage = try Emulator.allocatePages(Self.pageSize, below4GiB: below4GiB)
      stack = try Emulator.allocatePages(Self.stackSize, below4GiB: below4GiB)
      try emulator.mapIdentity(trapPage, size: Self.pageSize, permissions: .all)
      try emulator.mapIdentity(stack, size: Self.stackSize, permissions: .readWrite)
    } catch { throw .emulator(message: error.description, pc: 0) }
    let first = UInt64(UInt(bitPattern: trapPage))
    do {
      try emulator.onCode(in: first...(first + UInt64(Self.pageSize - 1))) {
        [unowned self] emulator, address in
        self.serveHostCall(at: address)
      }
      try emulator.onUnmappedMemory { [unowned self] emulator, access, address, size in
        guard access != .fetch else { return false }
        if let i = self.lazyMemories.firstIndex(where: {
          $0.memory.lazyRange.contains(UInt(address))
        }) {
          return self.touchLazy(i, address, size, pc: emulator.programCounter)
        }
        return self.mapHostPages(address, size)
      }
    } catch { throw .emulator(message: error.description, pc: 0) }
  }

  // MARK: lazy memory

  /// Flat guest memory in Unicorn. Its first touches need the exact pc of
  /// the access (to find its slow path), which Unicorn 2.0.1 reports only
  /// when a code hook covers the instruction: attaching turns on the
  /// executor's per-instruction counting hook, which is such a hook.
  public func attach(_ memory: any LazyMemory) throws(ExecutorError) {
    lazyMemories.append((memory, [], LazyRuns()))
    emulator.countInstructions = true
  }

  public func lazyMemoryCleared(_ memory: any LazyMemory) {
    guard let i = lazyMemories.firstIndex(where: { $0.memory === memory }) else { return }
    for (start, end) in lazyMemories[i].runs.starts {
      try? emulator.unmap(address: UInt64(start), size: Int(end - start))
    }
    lazyMemories[i].pages.removeAll()
    lazyMemories[i].runs = LazyRuns()
  }

  /// A first touch of lazy memory `i`: map what it maps, or stop the run
  /// to restart it where the memory sends the access.
  private func touchLazy(_ i: Int, _ address: UInt64, _ size: Int, pc: UInt64) -> Bool {
    let page = UInt64(Self.pageSize)
    var p = address & ~(page - 1)
    while p < address + UInt64(max(size, 1)) {
      defer { p += page }
      if lazyMemories[i].pages.contains(UInt(p)) { continue }
      switch lazyMemories[i].memory.touch(address: UInt(max(p, address)), pc: UInt(pc)) {
      case .mapped(let start, let bytes):
        guard mapLazyRun(i, start: start, end: start + UInt(bytes)) else { return false }
        lazyMemories[i].pages.insert(start)
      case .redirect(let resume):
        pendingRedirect = UInt64(resume)
        return false
      case .refused:
        return false
      }
    }
    return true
  }

  /// Makes `[start, end)` of lazy memory `i` accessible as part of one
  /// mapping with the runs next to it (unmapped and mapped again as one).
  /// Unicorn keeps each mapping as its own section and has room for only
  /// about a page's worth of them (1 KiB pages on Arm), so page-by-page
  /// mappings would run out on programs touching a few thousand pages.
  private func mapLazyRun(_ i: Int, start: UInt, end: UInt) -> Bool {
    var (first, last) = (start, end)
    if let before = lazyMemories[i].runs.ends[start] {
      try? emulator.unmap(address: UInt64(before), size: Int(start - before))
      lazyMemories[i].runs.remove(start: before, end: start)
      first = before
    }
    if let after = lazyMemories[i].runs.starts[end] {
      try? emulator.unmap(address: UInt64(end), size: Int(after - end))
      lazyMemories[i].runs.remove(start: end, end: after)
      last = after
    }
    guard let pointer = UnsafeMutableRawPointer(bitPattern: first),
      (try? emulator.mapIdentity(pointer, size: Int(last - first), permissions: .readWrite)) != nil
    else { return false }
    lazyMemories[i].runs.add(start: first, end: last)
    return true
  }

  /// Maps the host pages under `[address, address + size)` if the host has
  /// them mapped (msync fails with ENOMEM on unmapped memory).
  private func mapHostPages(_ address: UInt64, _ size: Int) -> Bool {
    let page = UInt(Self.pageSize)
    var p = UInt(address) & ~(page - 1)
    let end = UInt(address) + UInt(max(size, 1))
    while p < end {
      guard let pointer = UnsafeMutableRawPointer(bitPattern: p),
        msync(pointer, Self.pageSize, MS_ASYNC) == 0,
        (try? emulator.mapIdentity(pointer, size: Self.pageSize, permissions: .readWrite)) != nil
      else { return false }
      lazyPages.append(p)
      p += page
    }
    return true
  }

  deinit {
    for (address, size) in allocations {
      Emulator.freePages(UnsafeMutableRawPointer(bitPattern: address).unsafelyUnwrapped, size: size)
    }
    for c in copies { Emulator.freePages(c.copy, size: c.size) }
    Emulator.freePages(trapPage, size: Self.pageSize)
    Emulator.freePages(stack, size: Self.stackSize)
  }

  // MARK: memory

  static func pages(_ bytes: Int) -> Int { (max(bytes, 1) + pageSize - 1) / pageSize * pageSize }

  public func allocate(bytes: Int) throws(ExecutorError) -> UnsafeMutableRawPointer {
    try allocate(bytes: bytes, permissions: .readWrite)
  }

  func allocate(bytes: Int, permissions: Permissions) throws(ExecutorError)
    -> UnsafeMutableRawPointer
  {
    let size = Self.pages(bytes)
    do {
      let p = try Emulator.allocatePages(size, below4GiB: below4GiB)
      do { try emulator.mapIdentity(p, size: size, permissions: permissions) } catch {
        Emulator.freePages(p, size: size)
        throw error
      }
      allocations[UInt(bitPattern: p)] = size
      return p
    } catch { throw .allocationFailed(bytes: bytes) }
  }

  public func deallocate(_ memory: UnsafeMutableRawPointer, bytes: Int) {
    guard let size = allocations.removeValue(forKey: UInt(bitPattern: memory)) else { return }
    try? emulator.unmap(address: UInt64(UInt(bitPattern: memory)), size: size)
    Emulator.freePages(memory, size: size)
  }

  public func makeCodeMemory(capacity: Int, port: PortFacts) throws(ExecutorError)
    -> any CodeMemory
  {
    let base = try allocate(bytes: capacity, permissions: .all)
    return EmulatedCodeMemory(base: base, capacity: Self.pages(capacity), executor: self)
  }

  /// Drops Unicorn's translations of `[begin, end)` after code was written there.
  func invalidate(_ begin: UInt, _ end: UInt) {
    try? emulator.invalidateCode(from: UInt64(begin), to: UInt64(end))
  }

  /// The addresses of the pages `buffer` touches.
  static func pages(of buffer: UnsafeRawBufferPointer) -> StrideTo<UInt> {
    let page = UInt(pageSize)
    guard let start = buffer.baseAddress, buffer.count > 0 else {
      return stride(from: 0, to: 0, by: 1)
    }
    let first = UInt(bitPattern: start) & ~(page - 1)
    let end = (UInt(bitPattern: start) + UInt(buffer.count) + page - 1) & ~(page - 1)
    return stride(from: first, to: end, by: Int(page))
  }

  /// Lends `buffer` to generated code (see ``Executor/expose(_:writable:)``):
  /// its own pages, identity-mapped read/write; for a 32-bit port and a
  /// buffer reaching above 4 GiB, a low copy (same offset within its first
  /// page, so alignment is kept), mapped read/write if `writable`, else
  /// read-only. A buffer inside an exposed copy shares it; one that
  /// overlaps a copy only in part is refused (the two would diverge).
  public func expose(_ buffer: UnsafeRawBufferPointer, writable: Bool) throws(ExecutorError)
    -> UInt
  {
    guard let start = buffer.baseAddress, buffer.count > 0 else {
      return UInt(bitPattern: buffer.baseAddress)
    }
    let first = UInt(bitPattern: start)
    let end = first + UInt(buffer.count)
    if let i = copies.firstIndex(where: { $0.overlaps(first, end) }) {
      guard copies[i].contains(first, end) else {
        throw .unsupported(
          "buffer 0x\(String(first, radix: 16))+\(buffer.count) overlaps an exposed buffer in part")
      }
      copies[i].exposures += 1
      return copies[i].address(of: first)
    }
    if below4GiB && UInt64(end) > 1 << 32 { return try exposeCopy(buffer, writable: writable) }
    for address in Self.pages(of: buffer) {
      if let n = exposedPages[address] {
        exposedPages[address] = n + 1
        continue
      }
      if isAllocated(address) { continue }
      do {
        try emulator.mapIdentity(
          UnsafeMutableRawPointer(bitPattern: address).unsafelyUnwrapped, size: Self.pageSize,
          permissions: .readWrite)
      } catch { throw .emulator(message: "cannot map caller memory: \(error)", pc: 0) }
      exposedPages[address] = 1
    }
    return first
  }

  /// A low copy of `buffer` (32-bit ports), mapped and registered.
  private func exposeCopy(_ buffer: UnsafeRawBufferPointer, writable: Bool)
    throws(ExecutorError) -> UInt
  {
    let source = UInt(bitPattern: buffer.baseAddress)
    let offset = Int(source & UInt(Self.pageSize - 1))
    let size = Self.pages(offset + buffer.count)
    let copy: UnsafeMutableRawPointer
    do {
      copy = try Emulator.allocatePages(size, below4GiB: true)
      (copy + offset).copyMemory(
        from: buffer.baseAddress.unsafelyUnwrapped, byteCount: buffer.count)
      do {
        try emulator.mapIdentity(copy, size: size, permissions: writable ? .readWrite : .read)
      } catch {
        Emulator.freePages(copy, size: size)
        throw error
      }
    } catch { throw .emulator(message: "cannot copy caller memory below 4 GiB: \(error)", pc: 0) }
    copies.append(
      LowCopy(source: buffer, copy: copy, offset: offset, size: size, writable: writable))
    return UInt(bitPattern: copy) + UInt(offset)
  }

  public func withdraw(_ buffer: UnsafeRawBufferPointer) {
    guard let start = buffer.baseAddress, buffer.count > 0 else { return }
    let first = UInt(bitPattern: start)
    if let i = copies.firstIndex(where: { $0.contains(first, first + UInt(buffer.count)) }) {
      copies[i].exposures -= 1
      guard copies[i].exposures == 0 else { return }
      let c = copies.remove(at: i)
      try? emulator.unmap(address: UInt64(UInt(bitPattern: c.copy)), size: c.size)
      if c.writable {
        // SAFETY: the caller lent `source` as writable memory until now.
        UnsafeMutableRawPointer(mutating: c.source.baseAddress.unsafelyUnwrapped).copyMemory(
          from: c.copy + c.offset, byteCount: c.source.count)
      }
      Emulator.freePages(c.copy, size: c.size)
      return
    }
    for address in Self.pages(of: buffer) {
      guard let n = exposedPages[address] else { continue }
      if n > 1 {
        exposedPages[address] = n - 1
      } else {
        exposedPages[address] = nil
        try? emulator.unmap(address: UInt64(address), size: Self.pageSize)
      }
    }
  }

  private func isAllocated(_ page: UInt) -> Bool {
    allocations.contains { page >= $0.key && page < $0.key + UInt($0.value) }
      || copies.contains {
        let c = UInt(bitPattern: $0.copy)
        return page >= c && page < c + UInt($0.size)
      }
  }

  // MARK: host calls

  public func hostCallAddress(_ function: HostFunction) throws(ExecutorError) -> UInt {
    let slots = (Self.pageSize - 16) / Self.trapSlot
    if let existing = hostFunctions.first(where: {
      $0.value.address == function.address && $0.value.signature == function.signature
    }) {
      return UInt(existing.key | thumbBit)
    }
    guard hostFunctions.count < slots else {
      throw .unsupported("more than \(slots) host functions in one emulator")
    }
    let address =
      UInt64(UInt(bitPattern: trapPage)) + UInt64(hostFunctions.count * Self.trapSlot)
    hostFunctions[address] = function
    return UInt(address | thumbBit)
  }

  /// The trap-page hook: calls the host function of the slot at `address`
  /// with the arguments generated code passed, per the port's convention.
  private func serveHostCall(at address: UInt64) {
    guard let function = hostFunctions[address] else {
      hookError = .emulator(message: "call to an unknown host function", pc: address)
      emulator.stop()
      return
    }
    do throws(ExecutorError) {
      var a = [UInt64](repeating: 0, count: HostSignature.maxArguments)
      let locations = target.convention.argumentLocations(function.signature)
      for (i, location) in locations.enumerated() {
        a[i] = try read(location, registers: target.arguments, at: address)
      }
      // SAFETY: `function` was registered with this signature by the
      // runtime, and every host function is a native C function of at most
      // six integer or pointer arguments, each one 64-bit register on the
      // (64-bit) machine running the emulator, pointers zero-extended.
      typealias C6 = @convention(c) (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) -> UInt64
      let callee = unsafeBitCast(function.address, to: C6.self)
      let result = callee(a[0], a[1], a[2], a[3], a[4], a[5])
      try writeResult(result, function.signature.result, at: address)
      returnFromCall()
    } catch {
      hookError = error
      emulator.stop()
    }
  }

  /// The value at `location` of a call (registers from `registers`).
  private func read(_ location: ValueLocation, registers: [Int32], at pc: UInt64)
    throws(ExecutorError) -> UInt64
  {
    let word: UInt64 = below4GiB ? 0xFFFF_FFFF : ~0
    switch location {
    case .register(let n):
      return emulator.readRegister(registers[n]) & word
    case .registerPair(let n):
      let low = emulator.readRegister(registers[n]) & 0xFFFF_FFFF
      return low | emulator.readRegister(registers[n + 1]) << 32
    case .stack(let offset, let size):
      let sp = emulator.readRegister(target.stackPointer)
      do {
        return size == 8
          ? try emulator.readUInt64(at: sp &+ UInt64(offset))
          : UInt64(try emulator.readUInt32(at: sp &+ UInt64(offset)))
      } catch {
        throw .emulator(message: "host call arguments on the stack: \(error)", pc: pc)
      }
    }
  }

  /// Puts a host function's `result` where generated code expects it.
  private func writeResult(_ result: UInt64, _ kind: HostValue, at pc: UInt64)
    throws(ExecutorError)
  {
    switch target.convention.resultLocation(kind) {
    case .registerPair:
      emulator.writeRegister(target.result, result & 0xFFFF_FFFF)
      if let high = target.resultHigh { emulator.writeRegister(high, result >> 32) }
    default:
      if below4GiB && kind == .pointer && result > 0xFFFF_FFFF {
        throw .outsideAddressSpace(address: result, pointerBits: 32)
      }
      emulator.writeRegister(target.result, result)
    }
  }

  private func returnFromCall() {
    switch target.returnAddress {
    case .stack(let slot):
      let sp = emulator.readRegister(target.stackPointer)
      // SAFETY: the stack is identity-mapped host memory.
      let ret = UnsafeRawPointer(bitPattern: UInt(sp)).unsafelyUnwrapped.load(as: UInt64.self)
      emulator.writeRegister(target.stackPointer, sp &+ UInt64(slot))
      emulator.writeRegister(target.pc, ret)
    case .register(let link):
      emulator.writeRegister(target.pc, emulator.readRegister(link))
    }
  }

  // MARK: entry

  public func call(_ entry: UInt, _ first: UInt, _ second: UInt) throws(ExecutorError) -> UInt64 {
    if below4GiB {
      for value in [entry, first, second] where UInt64(value) > 0xFFFF_FFFF {
        throw .outsideAddressSpace(address: UInt64(value), pointerBits: 32)
      }
    }
    let savedSP = emulator.readRegister(target.stackPointer)
    let savedPC = emulator.readRegister(target.pc)
    // A link-register port returns from the paused host call through it,
    // and the nested run overwrites it with the sentinel.
    var savedLink: UInt64?
    if case .register(let link) = target.returnAddress { savedLink = emulator.readRegister(link) }
    var sp: UInt64
    if depth == 0 {
      sp = UInt64(UInt(bitPattern: stack)) + UInt64(Self.stackSize) - 64
    } else {
      // Below the paused run's stack and its red zone.
      sp = (savedSP &- 256) & ~15
    }
    // `uint64_t f(uintptr_t, uintptr_t)`: both in registers in every convention.
    emulator.writeRegister(target.arguments[0], UInt64(first))
    emulator.writeRegister(target.arguments[1], UInt64(second))
    switch target.returnAddress {
    case .stack(let slot):
      sp &-= UInt64(slot)
      UnsafeMutableRawPointer(bitPattern: UInt(sp)).unsafelyUnwrapped.storeBytes(
        of: sentinel, as: UInt64.self)
    case .register(let link):
      // With the Thumb bit: a return to an even address would leave
      // Thumb state (a fault on an M-profile core).
      emulator.writeRegister(link, sentinel | thumbBit)
    }
    emulator.writeRegister(target.stackPointer, sp)
    depth += 1
    defer {
      depth -= 1
      if depth > 0 {
        emulator.writeRegister(target.stackPointer, savedSP)
        // The pc reads without the Thumb bit; writing it without would
        // clear the Thumb state.
        emulator.writeRegister(target.pc, savedPC | thumbBit)
        if case .register(let link) = target.returnAddress, let savedLink {
          emulator.writeRegister(link, savedLink)
        }
      } else {
        for p in lazyPages { try? emulator.unmap(address: UInt64(p), size: Self.pageSize) }
        lazyPages.removeAll()
      }
    }
    var start = UInt64(entry)
    while true {
      do {
        try emulator.run(from: start, until: sentinel)
        break
      } catch {
        // A lazy memory sent a faulting access to its slow path: go on
        // there with every register as it was at the access, as the native
        // signal handler does by changing only the pc.
        guard let resume = pendingRedirect else {
          throw .emulator(message: error.description, pc: error.pc ?? 0)
        }
        pendingRedirect = nil
        start = resume
      }
    }
    if let hookError {
      self.hookError = nil
      throw hookError
    }
    if let high = target.resultHigh {
      return emulator.readRegister(target.result) & 0xFFFF_FFFF | emulator.readRegister(high) << 32
    }
    return emulator.readRegister(target.result)
  }

  public var executedInstructions: UInt64? {
    emulator.countInstructions ? emulator.executedInstructions : nil
  }
}

/// Code memory inside the emulator: plain host memory, mapped RWX there.
final class EmulatedCodeMemory: CodeMemory {
  let base: UnsafeMutableRawPointer
  let capacity: Int
  unowned let executor: UnicornExecutor

  init(base: UnsafeMutableRawPointer, capacity: Int, executor: UnicornExecutor) {
    self.base = base
    self.capacity = capacity
    self.executor = executor
  }

  var address: UInt { UInt(bitPattern: base) }

  func write(_ bytes: [UInt8], at offset: Int) {
    precondition(offset >= 0 && offset + bytes.count <= capacity, "write outside code memory")
    bytes.withUnsafeBytes { src in
      guard let s = src.baseAddress else { return }
      (base + offset).copyMemory(from: s, byteCount: src.count)
    }
  }

  func commit(_ range: Range<Int>) {
    guard !range.isEmpty else { return }
    executor.invalidate(address + UInt(range.lowerBound), address + UInt(range.upperBound))
  }
}

extension Architecture {
  /// The architecture of a port's `UnicornTarget`, if the emulator has it.
  init?(unicorn target: UnicornTarget) {
    switch (target.architecture, target.mode) {
    case (4, 8): self = .x86_64  // UC_ARCH_X86, UC_MODE_64
    case (2, _): self = .aarch64  // UC_ARCH_ARM64
    case (1, _): self = .thumb  // UC_ARCH_ARM (Thumb, M-profile)
    default: return nil
    }
  }
}

/// A low copy of an exposed caller buffer that lies above 4 GiB (for a
/// 32-bit port): `copy` holds `size` bytes of pages, the buffer's bytes at
/// `offset`.
struct LowCopy {
  let source: UnsafeRawBufferPointer
  let copy: UnsafeMutableRawPointer
  let offset: Int
  let size: Int
  let writable: Bool
  var exposures = 1

  var start: UInt { UInt(bitPattern: source.baseAddress) }
  var end: UInt { start + UInt(source.count) }

  /// Whether `[first, last)` lies within the source buffer.
  func contains(_ first: UInt, _ last: UInt) -> Bool { first >= start && last <= end }
  func overlaps(_ first: UInt, _ last: UInt) -> Bool { first < end && last > start }
  /// Where generated code sees source address `address`.
  func address(of address: UInt) -> UInt {
    UInt(bitPattern: copy) + UInt(offset) + (address - start)
  }
}

/// Disjoint runs `[start, end)` of mapped lazy pages, by both ends.
struct LazyRuns {
  var starts: [UInt: UInt] = [:]
  var ends: [UInt: UInt] = [:]

  mutating func add(start: UInt, end: UInt) {
    starts[start] = end
    ends[end] = start
  }

  mutating func remove(start: UInt, end: UInt) {
    starts[start] = nil
    ends[end] = nil
  }
}
