import KilnPort
import Runtime

/// Why a Linux program could not be loaded or run.
public enum LinuxError: Error, Equatable, CustomStringConvertible {
  /// The file is not a runnable static RV32 executable.
  case elf(ELFError)
  /// The VM could not be created (bad configuration, allocation failure).
  case vm(VMError)
  /// Copying segments or the start-up stack into guest memory failed.
  case load(String)
  /// argv and envp do not fit in the start-up stack.
  case argumentsTooLong(bytes: Int, limit: Int)
  /// The guest stopped with an error (not by exiting).
  case runtime(RuntimeError)

  public var description: String {
    switch self {
    case .elf(let e): e.description
    case .vm(let e): e.description
    case .load(let why): "cannot load program: \(why)"
    case .argumentsTooLong(let n, let limit):
      "arguments and environment need \(n) bytes, more than the \(limit) the start-up stack allows"
    case .runtime(let e): e.description
    }
  }
}

/// How to start a program.
public struct LinuxOptions {
  /// argv, including argv[0].
  public var arguments: [String]
  /// envp ("NAME=value" strings).
  public var environment: [String]
  /// Options of the syscall layer (file writes, logging, tracing).
  public var syscalls: LinuxSyscalls.Options

  public init(
    arguments: [String], environment: [String] = [],
    syscalls: LinuxSyscalls.Options = LinuxSyscalls.Options()
  ) {
    self.arguments = arguments
    self.environment = environment
    self.syscalls = syscalls
  }
}

/// A static RV32 Linux program loaded into a fresh `VirtualMachine`, ready to
/// run: segments copied (bss is the VM's zeroed memory), the initial stack
/// built at `AddressSpace.stackTop`, the program break after the highest
/// segment.
///
/// ```swift
/// let process = try LinuxProcess(
///   executable: bytes, host: Hosts.native, options: LinuxOptions(arguments: ["prog"]))
/// let status = try process.run()   // the guest's exit status
/// ```
public final class LinuxProcess {
  public let executable: ELFExecutable
  public let vm: VirtualMachine
  public let syscalls: LinuxSyscalls
  public let initialStack: InitialStack

  /// `host`: the JIT's port and executor (`KilnHosts.Hosts.native` for
  /// this machine), nil for the interpreter.
  public init(
    executable bytes: [UInt8], config: Config = Config(), host: HostTarget?,
    options: LinuxOptions
  ) throws(LinuxError) {
    let memoryBytes = UInt64(max(config.maxMemoryPages, 0)) * UInt64(AddressSpace.pageSize)
    let elf: ELFExecutable
    do {
      elf = try ELFExecutable(
        parsing: bytes,
        limits: .init(addressLimit: AddressSpace.segmentLimit, memoryBytes: memoryBytes))
    } catch { throw .elf(error) }

    let brkStart = UInt32(truncatingIfNeeded: AddressSpace.pageAlignUp(elf.highestAddress))
    let syscalls = LinuxSyscalls(
      brkStart: brkStart, memoryLimit: memoryBytes, options: options.syscalls)

    let vm: VirtualMachine
    do {
      vm = try VirtualMachine(config: config, host: host) { vm, number throws(RuntimeError) in
        try syscalls.handle(vm, number: number)
      }
    } catch { throw .vm(error) }
    // Below the stack, as on Linux: an overflowing stack faults (SIGSEGV)
    // instead of running into the mmap2 area.
    vm.guardPages = AddressSpace.guardGap

    for segment in elf.segments where segment.fileSize > 0 {
      do {
        try vm.loadProgram(Array(elf.fileBytes(of: segment)), at: segment.virtualAddress)
      } catch {
        throw .load("segment at \(hex32(segment.virtualAddress)): \(error)")
      }
    }
    // The stack, the heap and anonymous mappings are not executable unless
    // PT_GNU_STACK says otherwise (then, more than Linux, all of them are).
    vm.unprotectedPagesExecutable = elf.executableStack
    try Self.applySegmentPermissions(elf.segments, to: vm)

    let auxiliary: [(type: InitialStack.AuxType, value: UInt32)] = [
      (.phdr, elf.programHeaderAddress),
      (.phent, UInt32(ELFExecutable.programHeaderSize)),
      (.phnum, UInt32(elf.programHeaderCount)),
      (.pagesz, AddressSpace.pageSize),
      (.base, 0),
      (.flags, 0),
      (.entry, elf.entry),
      (.uid, hostIdentity(.getuid)),
      (.euid, hostIdentity(.geteuid)),
      (.gid, hostIdentity(.getgid)),
      (.egid, hostIdentity(.getegid)),
      // ISA letters as Linux reports them: 'I' and 'M'.
      (.hwcap, 1 << (UInt32(UInt8(ascii: "i")) - 97) | 1 << (UInt32(UInt8(ascii: "m")) - 97)),
      (.clktck, 100),
      (.secure, 0),
    ]
    guard
      let stack = InitialStack.build(
        top: AddressSpace.stackTop, arguments: options.arguments,
        environment: options.environment, executableName: options.arguments.first ?? "",
        auxiliary: auxiliary, random: randomBytes(16))
    else {
      let size = (options.arguments + options.environment).reduce(0) { $0 + $1.utf8.count + 1 }
      throw .argumentsTooLong(bytes: size, limit: InitialStack.maxSize)
    }
    do {
      try vm.writeMemory(at: stack.stackPointer, stack.bytes)
    } catch {
      throw .load("initial stack: \(error)")
    }

    self.executable = elf
    self.vm = vm
    self.syscalls = syscalls
    self.initialStack = stack
  }

  /// Runs the program from its entry point until it exits.
  ///
  /// - Returns: the status passed to exit/exit_group.
  /// - Throws: `LinuxError.runtime` when the guest stops with an error.
  public func run() throws(LinuxError) -> Int32 {
    for r in 1..<32 { vm.writeRegister(r, 0) }
    vm.writeRegister(2, initialStack.stackPointer)  // sp
    do {
      try vm.run(from: executable.entry)
    } catch .exited(let status) {
      return status
    } catch {
      throw .runtime(error)
    }
    // run(from:) only ends by throwing; treat a plain return as exit(0).
    return syscalls.exitStatus ?? 0
  }
}

extension LinuxProcess {
  /// The segments' flags, page by page, as Linux maps them: a page is
  /// writable if a writable segment covers part of it and executable if an
  /// executable one does; pages of the other segments become read-only or
  /// not executable (`VirtualMachine.protect`). Pages outside the segments
  /// (brk, mmap2, the stack) are read-write and executable only with an
  /// executable stack (`unprotectedPagesExecutable`).
  static func applySegmentPermissions(_ segments: [ELFExecutable.Segment], to vm: VirtualMachine)
    throws(LinuxError)
  {
    var pages: [UInt32: (writable: Bool, executable: Bool)] = [:]
    for segment in segments where segment.memorySize > 0 {
      let first = segment.virtualAddress >> 12
      let last = UInt32((segment.end - 1) >> 12)
      for page in first...last {
        let old = pages[page] ?? (false, false)
        pages[page] = (old.writable || segment.isWritable, old.executable || segment.isExecutable)
      }
    }
    let plain = (writable: true, executable: vm.unprotectedPagesExecutable)
    for (page, p) in pages.sorted(by: { $0.key < $1.key }) where p != plain {
      do {
        try vm.protect(pages: page..<page + 1, writable: p.writable, executable: p.executable)
      } catch {
        throw .load("segment page at \(hex32(page << 12)): \(error)")
      }
    }
  }
}
