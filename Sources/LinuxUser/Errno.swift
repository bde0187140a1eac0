/// Linux errno values (asm-generic, as used by RISC-V). Syscalls return them
/// negated in a0.
public enum Errno: Int32, Error, Sendable {
  case EPERM = 1
  case ENOENT = 2
  case EINTR = 4
  case EIO = 5
  case EBADF = 9
  case EAGAIN = 11
  case ENOMEM = 12
  case EACCES = 13
  case EFAULT = 14
  case EEXIST = 17
  case ENODEV = 19
  case ENOTDIR = 20
  case EISDIR = 21
  case EINVAL = 22
  case EMFILE = 24
  case ENOTTY = 25
  case EFBIG = 27
  case ESPIPE = 29
  case EPIPE = 32
  case ERANGE = 34
  case ENAMETOOLONG = 36
  case ENOSYS = 38
  case ELOOP = 40
  case EOVERFLOW = 75

  /// The a0 value for a failed syscall: `-errno` as a 32-bit word.
  public var returnValue: UInt32 { UInt32(bitPattern: -rawValue) }

  /// The guest errno for a host errno. On Linux hosts the numbers are the
  /// same (asm-generic); elsewhere the common ones are mapped and the rest
  /// become EIO.
  static func fromHost(_ hostErrno: Int32) -> Int32 {
    #if os(Linux)
      return hostErrno
    #else
      switch hostErrno {
      case 1...34: return hostErrno  // the classic Unix numbers agree
      case 35: return Errno.EAGAIN.rawValue
      case 62: return Errno.ELOOP.rawValue
      case 63: return Errno.ENAMETOOLONG.rawValue
      case 78: return Errno.ENOSYS.rawValue
      case 84: return Errno.EOVERFLOW.rawValue
      default: return Errno.EIO.rawValue
      }
    #endif
  }
}
