/// Process and system syscalls: clock_gettime64, getrandom, uname.
extension LinuxSyscalls {
  func clockGettime<G: LinuxGuest>(_ guest: G, clock: UInt32, timespec: UInt32) -> Int {
    let id = Int32(bitPattern: clock)
    // Linux clock ids 0...11 except 10 (CLOCK_SGI_CYCLE, removed).
    guard (0...11).contains(id), id != 10 else { return fail(.EINVAL) }
    guard let (seconds, nanoseconds) = hostClock(id) else { return hostFailure() }
    // struct __kernel_timespec { int64 tv_sec; int64 tv_nsec; }
    var bytes: [UInt8] = []
    bytes.appendLE(UInt64(bitPattern: seconds))
    bytes.appendLE(UInt64(bitPattern: nanoseconds))
    return guest.writeGuestBytes(at: timespec, bytes) ? 0 : fail(.EFAULT)
  }

  func getrandom<G: LinuxGuest>(_ guest: G, buffer: UInt32, count: UInt32, flags: UInt32) -> Int {
    // GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
    guard flags & ~0x7 == 0, flags & 0x6 != 0x6 else { return fail(.EINVAL) }
    let n = min(Int(count), 1 << 20)
    guard n > 0 else { return 0 }
    let bytes = randomBytes(n)
    return guest.writeGuestBytes(at: buffer, bytes) ? n : fail(.EFAULT)
  }

  /// `struct new_utsname`: six NUL-padded 65-byte fields.
  func uname<G: LinuxGuest>(_ guest: G, buffer: UInt32) -> Int {
    let host = hostUname()
    var bytes: [UInt8] = []
    for field in ["Linux", host.node, host.release, host.version, "riscv32", host.domain] {
      let utf8 = Array(field.utf8.prefix(64))
      bytes += utf8 + [UInt8](repeating: 0, count: 65 - utf8.count)
    }
    return guest.writeGuestBytes(at: buffer, bytes) ? 0 : fail(.EFAULT)
  }
}

/// `count` bytes from the system's secure random source.
func randomBytes(_ count: Int) -> [UInt8] {
  var generator = SystemRandomNumberGenerator()
  var bytes: [UInt8] = []
  bytes.reserveCapacity(count + 8)
  while bytes.count < count { bytes.appendLE(generator.next() as UInt64) }
  return Array(bytes.prefix(count))
}
