#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The host errno after a failed libc call, as a guest `-errno` result.
func hostFailure() -> Int { -Int(Errno.fromHost(errno)) }

func hostProcessID() -> Int32 { getpid() }
func hostParentProcessID() -> Int32 { getppid() }

func hostIdentity(_ call: SyscallNumber) -> UInt32 {
  switch call {
  case .getuid: getuid()
  case .geteuid: geteuid()
  case .getgid: getgid()
  default: getegid()
  }
}

/// Reads up to `count` bytes from a host descriptor, retrying on EINTR.
func hostRead(_ fd: Int32, count: Int) -> Result<[UInt8], HostErrno> {
  var failure: Int32 = 0
  let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
    while true {
      let n = read(fd, buffer.baseAddress, count)
      if n >= 0 {
        initialized = n
        return
      }
      if errno == EINTR { continue }
      failure = errno
      initialized = 0
      return
    }
  }
  return failure == 0 ? .success(bytes) : .failure(HostErrno(failure))
}

/// Writes bytes to a host descriptor; returns how many were written.
func hostWrite(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Result<Int, HostErrno> {
  var done = 0
  while done < bytes.count {
    let n = bytes[(bytes.startIndex + done)...].withUnsafeBytes {
      write(fd, $0.baseAddress, $0.count)
    }
    if n < 0 {
      if errno == EINTR { continue }
      let e = errno
      return done > 0 ? .success(done) : .failure(HostErrno(e))
    }
    done += n
  }
  return .success(done)
}

/// A host errno value.
struct HostErrno: Error {
  var value: Int32
  init(_ value: Int32) { self.value = value }
  var guestResult: Int { -Int(Errno.fromHost(value)) }
}

let hostCurrentDirectoryFD: Int32 = AT_FDCWD

/// Guest open flag → host open flag (O_CLOEXEC is always added on the host so
/// guest descriptors never leak into host children).
let hostOpenFlags: [(UInt32, Int32)] = [
  (LinuxSyscalls.OpenFlag.create, O_CREAT), (LinuxSyscalls.OpenFlag.exclusive, O_EXCL),
  (LinuxSyscalls.OpenFlag.noControllingTTY, O_NOCTTY), (LinuxSyscalls.OpenFlag.truncate, O_TRUNC),
  (LinuxSyscalls.OpenFlag.append, O_APPEND), (LinuxSyscalls.OpenFlag.nonBlocking, O_NONBLOCK),
  (LinuxSyscalls.OpenFlag.directory, O_DIRECTORY), (LinuxSyscalls.OpenFlag.noFollow, O_NOFOLLOW),
]

func hostOpenAt(_ dir: Int32, _ path: String, _ flags: Int32, mode: UInt32) -> Int32 {
  openat(dir, path, flags | O_CLOEXEC, mode_t(mode))
}

func hostClose(_ fd: Int32) { _ = close(fd) }

func hostSeek(_ fd: Int32, _ offset: Int64, whence: Int32) -> Int64 {
  Int64(lseek(fd, off_t(offset), whence))
}

/// `fstat` of a host descriptor in the guest's layout, nil on failure (errno set).
func hostStat(_ fd: Int32) -> GuestStat? {
  var s = stat()
  guard fstat(fd, &s) == 0 else { return nil }
  #if os(Linux)
    let (atime, mtime, ctime) = (s.st_atim, s.st_mtim, s.st_ctim)
  #else
    let (atime, mtime, ctime) = (s.st_atimespec, s.st_mtimespec, s.st_ctimespec)
  #endif
  return GuestStat(
    device: UInt64(s.st_dev), inode: UInt64(s.st_ino), mode: UInt32(s.st_mode),
    links: UInt32(truncatingIfNeeded: s.st_nlink), uid: s.st_uid, gid: s.st_gid,
    rdev: UInt64(s.st_rdev), size: Int64(s.st_size),
    blockSize: Int32(truncatingIfNeeded: s.st_blksize),
    blocks: Int64(s.st_blocks),
    accessed: (Int64(atime.tv_sec), UInt32(truncatingIfNeeded: atime.tv_nsec)),
    modified: (Int64(mtime.tv_sec), UInt32(truncatingIfNeeded: mtime.tv_nsec)),
    changed: (Int64(ctime.tv_sec), UInt32(truncatingIfNeeded: ctime.tv_nsec)))
}

/// `clock_gettime` for a Linux clock id: (seconds, nanoseconds), nil on failure.
func hostClock(_ id: Int32) -> (Int64, Int64)? {
  var ts = timespec()
  #if os(Linux)
    guard clock_gettime(clockid_t(id), &ts) == 0 else { return nil }
  #else
    let map: [Int32: clockid_t] = [
      0: CLOCK_REALTIME, 1: CLOCK_MONOTONIC, 2: CLOCK_PROCESS_CPUTIME_ID,
      3: CLOCK_THREAD_CPUTIME_ID, 4: CLOCK_MONOTONIC_RAW,
    ]
    guard let c = map[id], clock_gettime(c, &ts) == 0 else {
      errno = EINVAL
      return nil
    }
  #endif
  return (Int64(ts.tv_sec), Int64(ts.tv_nsec))
}

/// The host's uname fields other than machine: (nodename, release, version, domainname).
func hostUname() -> (node: String, release: String, version: String, domain: String) {
  var u = utsname()
  guard uname(&u) == 0 else { return ("localhost", "6.0.0", "#1", "(none)") }
  func field<T>(_ value: T) -> String {
    withUnsafeBytes(of: value) { raw in
      String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
  }
  #if os(Linux)
    let domain = field(u.__domainname)
  #else
    let domain = "(none)"
  #endif
  return (field(u.nodename), field(u.release), field(u.version), domain)
}
