import KilnCore
import KilnIR
import RV32

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

#if arch(x86_64)
  import X86_64Port
  typealias HostPort = X86_64Backend
#endif

/// The C-ABI entry stub of a port: runs host code until it exits to the dispatcher.
typealias EntryFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer) -> UInt32

/// Lazy block compiler, code cache and dispatcher of the JIT engine.
///
/// Blocks are compiled on first execution into `code` (W^X memory). Direct
/// jumps to blocks not yet compiled leave through a patchable exit; the
/// dispatcher compiles the target and patches the jump to go straight there.
/// Indirect jumps look up a direct-mapped jump cache in generated code and
/// only come back here on a miss. When the buffer is full, or guest code is
/// written, everything is dropped (`flush`) and recompiled on demand.
final class JITEngine {
  let state: GuestState
  let memory: any GuestMemory
  let config: Config
  let code: ExecutableMemory
  #if arch(x86_64)
    let backend: HostPort
  #endif
  let stubs: HostStubs
  let stubsEnd: Int
  let translator: Translator
  let entry: EntryFunction

  private var cursor: Int
  private var blocks: [UInt32: UInt] = [:]
  /// Flat memory: host address of each compiled guest access → host address
  /// of its slow path (`FaultSite`), for `HostCall.memoryFault`.
  private var faultSites: [UInt: UInt] = [:]
  /// Incremented by every flush; patch sites from before a flush are stale.
  private(set) var generation = 0
  var statistics = Statistics()
  var onBlockCompiled: ((CompiledBlockInfo) -> Void)?
  /// The error a host call recorded before returning `HostCallStatus.error`.
  var pendingError: RuntimeError?

  init(state: GuestState, memory: any GuestMemory, config: Config) throws(VMError) {
    #if arch(x86_64)
      self.state = state
      self.memory = memory
      self.config = config
      do {
        code = try ExecutableMemory(capacity: config.maxCodeSize)
      } catch { throw .jitUnavailable(error.description) }
      backend = HostPort(layout: state.layout)
      do {
        stubs = try backend.makeStubs(baseAddress: UInt(bitPattern: code.base))
      } catch { throw .jitUnavailable(error.description) }
      code.write(stubs.bytes, at: 0)
      stubsEnd = (stubs.bytes.count + 63) & ~63
      cursor = stubsEnd
      translator = Translator(maxInstructions: config.maxBlockInstructions)
      entry = unsafeBitCast(UnsafeRawPointer(bitPattern: stubs.entry), to: EntryFunction.self)
      HostCalls.install(in: state)
      if let flat = memory as? FlatMemory {
        let start = UInt(bitPattern: code.base)
        flat.reservation.attachCode(
          start: start + UInt(stubsEnd), end: start + UInt(code.capacity),
          recovery: stubs.memoryFault)
      }
    #else
      throw .jitUnavailable("no JIT port for this host architecture; use the interpreter")
    #endif
  }

  // MARK: dispatcher

  func run(from start: UInt32, vm: VirtualMachine) throws(RuntimeError) {
    var pc = start
    while pc != VirtualMachine.returnAddress {
      let host = try hostCode(for: pc)
      let generationAtEntry = generation
      // SAFETY: `host` is the address of installed code built by the port for this state layout.
      let reason = entry(state.pointer, UnsafeRawPointer(bitPattern: host).unsafelyUnwrapped)
      statistics.dispatcherExits += 1
      switch ExitReason(rawValue: reason) {
      case .chain:
        pc = state.exitPC
        let site = state.exitPatchSite
        guard site != 0, pc != VirtualMachine.returnAddress else { continue }
        let target = try hostCode(for: pc)
        if generation == generationAtEntry { try patch(site: site, target: target) }
      case .indirect:
        pc = state.exitPC
        guard pc != VirtualMachine.returnAddress else { continue }
        state.cacheJump(pc: pc, host: try hostCode(for: pc))
      case .synchronize:
        pc = state.exitPC
      case .error:
        let error = pendingError ?? .internalError("exit without a recorded error")
        pendingError = nil
        throw error
      case nil:
        throw .internalError("unknown exit reason \(reason)")
      }
    }
  }

  // MARK: code cache

  /// Host code for the block at `pc`, compiling it if needed.
  func hostCode(for pc: UInt32) throws(RuntimeError) -> UInt {
    if let host = blocks[pc] { return host }
    guard pc & 3 == 0 else { throw .misalignedJump(pc: pc, target: pc) }
    return try compile(at: pc)
  }

  private func compile(at pc: UInt32) throws(RuntimeError) -> UInt {
    #if arch(x86_64)
      let started = monotonicNanoseconds()
      let block = translator.translate(at: pc) { [memory] address in memory.fetch(address) }
      var compiled = try emit(block)
      if compiled.bytes.count > code.capacity - cursor {
        flush()
        guard compiled.bytes.count <= code.capacity - cursor else {
          throw .codeBufferTooSmall(pc: pc, needed: compiled.bytes.count)
        }
        compiled = try emit(block)
      }
      let bytes = compiled.bytes
      let host = UInt(bitPattern: code.base) + UInt(cursor)
      code.write(bytes, at: cursor)
      cursor = (cursor + bytes.count + 15) & ~15
      blocks[pc] = host
      for site in compiled.faultSites {
        faultSites[host + UInt(site.access)] = host + UInt(site.slowPath)
      }
      if block.endPC != block.startPC {
        for page in (block.startPC >> 12)...((block.endPC &- 1) >> 12) {
          memory.markCode(page: page)
        }
      }
      statistics.blocksCompiled += 1
      statistics.guestInstructionsTranslated += block.guestInstructionCount
      statistics.hostBytesEmitted += bytes.count
      statistics.compileNanoseconds += monotonicNanoseconds() &- started
      if let onBlockCompiled {
        var words: [UInt32] = []
        var a = block.startPC
        while a != block.endPC, let w = memory.fetch(a) {
          words.append(w)
          a &+= 4
        }
        onBlockCompiled(
          CompiledBlockInfo(startPC: pc, guestWords: words, hostAddress: host, hostCode: bytes))
      }
      return host
    #else
      throw .internalError("no JIT port")
    #endif
  }

  #if arch(x86_64)
    private func emit(_ block: Block) throws(RuntimeError) -> CompiledCode {
      let base = UInt(bitPattern: code.base) + UInt(cursor)
      do {
        return try backend.compile(block, baseAddress: base, stubs: stubs) { [blocks] pc in
          blocks[pc]
        }
      } catch { throw .internalError(error.description) }
    }

    private func patch(site: UInt, target: UInt) throws(RuntimeError) {
      let bytes: [UInt8]
      do { bytes = try backend.patchJump(site: site, target: target) } catch {
        throw .internalError(error.description)
      }
      code.write(bytes, at: Int(site - UInt(bitPattern: code.base)))
      statistics.chainedJumps += 1
    }
  #endif

  /// Drops all compiled code. Installed bytes stay in place until new code is
  /// compiled over them, so a block that is still running (the one whose
  /// store invalidated code) can finish its exit sequence.
  func flush() {
    blocks.removeAll(keepingCapacity: true)
    faultSites.removeAll(keepingCapacity: true)
    cursor = stubsEnd
    state.resetJumpCache()
    memory.unmarkAllCode()
    generation += 1
    statistics.cacheFlushes += 1
  }
}

extension JITEngine {
  /// Where generated code resumes after the signal handler sent the guest
  /// access at host address `rip` to the recovery stub: that access's slow
  /// path. Nil if `rip` is not a compiled access (a bug in the port).
  func slowPath(forFaultAt rip: UInt) -> UInt? { faultSites[rip] }
}

func monotonicNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
