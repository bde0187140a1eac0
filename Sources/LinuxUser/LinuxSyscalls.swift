import Runtime

/// Syscall numbers of the Linux rv32 ABI (asm-generic `unistd.h`, 32-bit:
/// time64 calls, `_llseek`, `mmap2`).
public enum SyscallNumber: UInt32, Sendable, CaseIterable {
  case ioctl = 29
  case openat = 56
  case close = 57
  case llseek = 62
  case read = 63
  case write = 64
  case writev = 66
  case fstat = 80
  case exit = 93
  case exitGroup = 94
  case setTidAddress = 96
  case uname = 160
  case getpid = 172
  case getppid = 173
  case getuid = 174
  case geteuid = 175
  case getgid = 176
  case getegid = 177
  case gettid = 178
  case brk = 214
  case munmap = 215
  case mmap2 = 222
  case mprotect = 226
  case getrandom = 278
  case clockGettime64 = 403
}

/// The state of one Linux user-mode process and its syscalls: file
/// descriptors, program break, mmap2 regions.
///
/// `handle(_:number:)` is meant to be called from a `VirtualMachine` syscall
/// handler: it reads the arguments from a0–a5, writes the result (or
/// `-errno`) to a0, and throws `RuntimeError.exited` for exit/exit_group.
public final class LinuxSyscalls {
  public struct Options {
    /// Let openat open files for writing (O_WRONLY/O_RDWR/O_CREAT/O_TRUNC/O_APPEND).
    /// Off by default: such opens fail with EACCES.
    public var allowFileWrites = false
    /// Receives one line per unsupported syscall (`unsupported syscall N`).
    public var log: ((String) -> Void)?
    /// Receives one line per syscall with its arguments and result.
    public var trace: ((String) -> Void)?

    public init(
      allowFileWrites: Bool = false, log: ((String) -> Void)? = nil,
      trace: ((String) -> Void)? = nil
    ) {
      self.allowFileWrites = allowFileWrites
      self.log = log
      self.trace = trace
    }
  }

  /// An open guest file descriptor.
  struct OpenFile {
    var hostFD: Int32
    /// False for the process's own stdin/stdout/stderr, which closing the
    /// guest descriptor leaves open on the host.
    var ownsHostFD: Bool
  }

  public var options: Options
  var files: [Int32: OpenFile] = [
    0: OpenFile(hostFD: 0, ownsHostFD: false),
    1: OpenFile(hostFD: 1, ownsHostFD: false),
    2: OpenFile(hostFD: 2, ownsHostFD: false),
  ]
  static let maxOpenFiles = 1024

  /// Program break: starts at `brkStart`, moved by brk().
  public internal(set) var brkStart: UInt32
  public internal(set) var brk: UInt32
  /// Highest break ever set: memory below it may be dirty and is zeroed
  /// when the break grows over it again.
  var brkHighWater: UInt32

  /// mmap2 regions in use, sorted by start, non-overlapping, page aligned.
  var mappings: [Range<UInt64>] = []
  /// Lowest address ever handed out by mmap2; memory from here to
  /// `AddressSpace.mmapTop` may be dirty and is zeroed on reuse.
  var mmapLowWater: UInt64 = UInt64(AddressSpace.mmapTop)
  /// Bytes of guest memory the VM has (brk and mmap2 are refused beyond it).
  let memoryLimit: UInt64

  /// Called when the guest exits, before `RuntimeError.exited` is thrown.
  public private(set) var exitStatus: Int32?

  /// - Parameters:
  ///   - brkStart: the initial program break (page after the highest segment).
  ///   - memoryLimit: guest memory in bytes (`Config.maxMemoryPages * 4096`).
  public init(brkStart: UInt32, memoryLimit: UInt64, options: Options = Options()) {
    self.brkStart = brkStart
    self.brk = brkStart
    self.brkHighWater = brkStart
    self.memoryLimit = memoryLimit
    self.options = options
  }

  /// Runs syscall `number` (a7) for `guest`.
  public func handle<G: LinuxGuest>(_ guest: G, number: UInt32) throws(RuntimeError) {
    let a = (10...15).map { guest.readRegister($0) }
    guard let call = SyscallNumber(rawValue: number) else {
      options.log?("unsupported syscall \(number)")
      options.trace?("syscall \(number)(\(a.map { hex32($0) }.joined(separator: ", "))) = -ENOSYS")
      guest.writeRegister(10, Errno.ENOSYS.returnValue)
      return
    }
    let result: Int
    switch call {
    case .exit, .exitGroup:
      let status = Int32(bitPattern: a[0])
      options.trace?("\(call)(\(status))")
      exitStatus = status
      throw RuntimeError.exited(status: status)
    case .read: result = read(guest, fd: a[0], buffer: a[1], count: a[2])
    case .write: result = write(guest, fd: a[0], buffer: a[1], count: a[2])
    case .writev: result = writev(guest, fd: a[0], iov: a[1], count: a[2])
    case .openat: result = openat(guest, dirfd: a[0], path: a[1], flags: a[2], mode: a[3])
    case .close: result = close(fd: a[0])
    case .llseek:
      result = llseek(guest, fd: a[0], high: a[1], low: a[2], resultAddress: a[3], whence: a[4])
    case .fstat: result = fstat(guest, fd: a[0], buffer: a[1])
    case .ioctl: result = file(a[0]) == nil ? fail(.EBADF) : fail(.ENOTTY)
    case .brk: result = Int(setBreak(guest, a[0]))
    case .mmap2:
      result = mmap2(
        guest, address: a[0], length: a[1], protection: a[2], flags: a[3], fd: a[4],
        pageOffset: a[5])
    case .munmap: result = munmap(guest, address: a[0], length: a[1])
    case .mprotect: result = mprotect(guest, address: a[0], length: a[1], protection: a[2])
    case .clockGettime64: result = clockGettime(guest, clock: a[0], timespec: a[1])
    case .getrandom: result = getrandom(guest, buffer: a[0], count: a[1], flags: a[2])
    case .uname: result = uname(guest, buffer: a[0])
    case .setTidAddress, .gettid, .getpid: result = Int(hostProcessID())
    case .getppid: result = Int(hostParentProcessID())
    case .getuid, .geteuid, .getgid, .getegid: result = Int(hostIdentity(call))
    }
    let a0 = UInt32(truncatingIfNeeded: result)
    if let trace = options.trace {
      let shown =
        result < 0 && result > -4096
        ? "-\(Errno(rawValue: Int32(-result)).map { "\($0)" } ?? "\(-result)")" : hex32(a0)
      trace(
        "\(call)(\(a.prefix(call.argumentCount).map { hex32($0) }.joined(separator: ", "))) = \(shown)"
      )
    }
    guest.writeRegister(10, a0)
  }

  func fail(_ e: Errno) -> Int { -Int(e.rawValue) }

  func file(_ fd: UInt32) -> OpenFile? { files[Int32(bitPattern: fd)] }
}

extension SyscallNumber {
  /// How many argument registers the call uses (for traces).
  var argumentCount: Int {
    switch self {
    case .exit, .exitGroup, .close, .brk, .setTidAddress, .uname: 1
    case .fstat, .munmap, .clockGettime64: 2
    case .read, .write, .writev, .ioctl, .mprotect, .getrandom: 3
    case .openat: 4
    case .llseek: 5
    case .mmap2: 6
    case .getpid, .getppid, .getuid, .geteuid, .getgid, .getegid, .gettid: 0
    }
  }
}
