/// File descriptor syscalls: read, write, writev, openat, close, _llseek,
/// fstat. Guest descriptors map to host descriptors; 0, 1 and 2 are the
/// process's own.
extension LinuxSyscalls {
  /// Largest transfer per read call (Linux may return short reads too).
  static let maxReadChunk = 1 << 20
  /// Guest memory is copied out for writes in pieces of this size.
  static let writeChunk = 64 << 10

  func read<G: LinuxGuest>(_ guest: G, fd: UInt32, buffer: UInt32, count: UInt32) -> Int {
    guard let f = file(fd) else { return fail(.EBADF) }
    let n = min(Int(count), Self.maxReadChunk)
    guard guest.canWriteGuest(at: buffer, count: n) else { return fail(.EFAULT) }
    switch hostRead(f.hostFD, count: n) {
    case .failure(let e): return e.guestResult
    case .success(let bytes):
      if !bytes.isEmpty, !guest.writeGuestBytes(at: buffer, bytes) { return fail(.EFAULT) }
      return bytes.count
    }
  }

  func write<G: LinuxGuest>(_ guest: G, fd: UInt32, buffer: UInt32, count: UInt32) -> Int {
    guard let f = file(fd) else { return fail(.EBADF) }
    let (done, error) = copyOut(guest, to: f.hostFD, from: buffer, count: count)
    return done > 0 || error == nil ? done : -Int(error ?? Errno.EIO.rawValue)
  }

  func writev<G: LinuxGuest>(_ guest: G, fd: UInt32, iov: UInt32, count: UInt32) -> Int {
    guard let f = file(fd) else { return fail(.EBADF) }
    guard count <= 1024 else { return fail(.EINVAL) }  // UIO_MAXIOV
    guard count > 0 else { return 0 }
    guard let table = guest.readGuestBytes(at: iov, count: Int(count) * 8) else {
      return fail(.EFAULT)
    }
    let vectors = (0..<Int(count)).map { i in
      (
        base: UInt32(littleEndianBytes: table[(i * 8)..<(i * 8 + 4)]),
        length: UInt32(littleEndianBytes: table[(i * 8 + 4)..<(i * 8 + 8)])
      )
    }
    let total = vectors.reduce(UInt64(0)) { $0 + UInt64($1.length) }
    guard total <= UInt64(Int32.max) else { return fail(.EINVAL) }
    var done = 0
    for v in vectors where v.length > 0 {
      let (n, error) = copyOut(guest, to: f.hostFD, from: v.base, count: v.length)
      done += n
      if let error { return done > 0 ? done : -Int(error) }
      if n < Int(v.length) { break }  // short write
    }
    return done
  }

  /// Copies guest memory to a host descriptor in bounded chunks. Returns the
  /// bytes written and, if it stopped early on an error, the guest errno.
  func copyOut<G: LinuxGuest>(_ guest: G, to hostFD: Int32, from buffer: UInt32, count: UInt32)
    -> (Int, Int32?)
  {
    guard UInt64(buffer) + UInt64(count) <= 1 << 32 else { return (0, Errno.EFAULT.rawValue) }
    var done = 0
    while done < Int(count) {
      let n = min(Self.writeChunk, Int(count) - done)
      guard let bytes = guest.readGuestBytes(at: buffer + UInt32(done), count: n) else {
        return (done, Errno.EFAULT.rawValue)
      }
      switch hostWrite(hostFD, bytes[...]) {
      case .failure(let e): return (done, Int32(-e.guestResult))
      case .success(let w):
        done += w
        if w < n { return (done, nil) }
      }
    }
    return (done, nil)
  }

  /// Reads a NUL-terminated path from guest memory.
  func guestString<G: LinuxGuest>(_ guest: G, at address: UInt32, limit: Int = 4096) -> Result<
    String, Errno
  > {
    var bytes: [UInt8] = []
    var cursor = address
    while bytes.count < limit {
      // Read up to the end of the page so we never touch the next one needlessly.
      let toPageEnd = Int(AddressSpace.pageSize - (cursor % AddressSpace.pageSize))
      guard let chunk = guest.readGuestBytes(at: cursor, count: toPageEnd) else {
        return .failure(.EFAULT)
      }
      if let nul = chunk.firstIndex(of: 0) {
        bytes += chunk[..<nul]
        return bytes.count < limit
          ? .success(String(decoding: bytes, as: UTF8.self)) : .failure(.ENAMETOOLONG)
      }
      bytes += chunk
      let (next, overflow) = cursor.addingReportingOverflow(UInt32(toPageEnd))
      if overflow { return .failure(.EFAULT) }
      cursor = next
    }
    return .failure(.ENAMETOOLONG)
  }

  /// Guest `open` flags (asm-generic fcntl.h, octal).
  enum OpenFlag {
    static let accessMode: UInt32 = 0o3
    static let create: UInt32 = 0o100
    static let exclusive: UInt32 = 0o200
    static let noControllingTTY: UInt32 = 0o400
    static let truncate: UInt32 = 0o1000
    static let append: UInt32 = 0o2000
    static let nonBlocking: UInt32 = 0o4000
    static let directory: UInt32 = 0o200000
    static let noFollow: UInt32 = 0o400000
    static let closeOnExec: UInt32 = 0o2000000
  }

  func openat<G: LinuxGuest>(_ guest: G, dirfd: UInt32, path: UInt32, flags: UInt32, mode: UInt32)
    -> Int
  {
    let writing =
      flags & OpenFlag.accessMode != 0
      || flags & (OpenFlag.create | OpenFlag.truncate | OpenFlag.append) != 0
    if writing && !options.allowFileWrites { return fail(.EACCES) }
    guard flags & OpenFlag.accessMode != 3 else { return fail(.EINVAL) }

    let hostDir: Int32
    if Int32(bitPattern: dirfd) == -100 {  // AT_FDCWD
      hostDir = hostCurrentDirectoryFD
    } else if let f = file(dirfd) {
      hostDir = f.hostFD
    } else {
      return fail(.EBADF)
    }
    let name: String
    switch guestString(guest, at: path) {
    case .failure(let e): return fail(e)
    case .success(let s): name = s
    }
    guard !name.isEmpty else { return fail(.ENOENT) }

    var hostFlags: Int32 = Int32(flags & OpenFlag.accessMode)
    for (guestBit, hostBit) in hostOpenFlags where flags & guestBit != 0 { hostFlags |= hostBit }

    guard let guestFD = lowestFreeDescriptor() else { return fail(.EMFILE) }
    let hostFD = hostOpenAt(hostDir, name, hostFlags, mode: mode & 0o7777)
    if hostFD < 0 { return hostFailure() }
    files[guestFD] = OpenFile(hostFD: hostFD, ownsHostFD: true)
    return Int(guestFD)
  }

  func lowestFreeDescriptor() -> Int32? {
    for fd in Int32(0)..<Int32(Self.maxOpenFiles) where files[fd] == nil { return fd }
    return nil
  }

  func close(fd: UInt32) -> Int {
    let key = Int32(bitPattern: fd)
    guard let f = files.removeValue(forKey: key) else { return fail(.EBADF) }
    if f.ownsHostFD { hostClose(f.hostFD) }
    return 0
  }

  func llseek<G: LinuxGuest>(
    _ guest: G, fd: UInt32, high: UInt32, low: UInt32, resultAddress: UInt32, whence: UInt32
  ) -> Int {
    guard let f = file(fd) else { return fail(.EBADF) }
    guard whence <= 4 else { return fail(.EINVAL) }  // SET, CUR, END, DATA, HOLE
    let offset = Int64(bitPattern: UInt64(high) << 32 | UInt64(low))
    let position = hostSeek(f.hostFD, offset, whence: Int32(whence))
    if position < 0 { return hostFailure() }
    var bytes: [UInt8] = []
    bytes.appendLE(UInt64(bitPattern: Int64(position)))
    return guest.writeGuestBytes(at: resultAddress, bytes) ? 0 : fail(.EFAULT)
  }

  func fstat<G: LinuxGuest>(_ guest: G, fd: UInt32, buffer: UInt32) -> Int {
    guard let f = file(fd) else { return fail(.EBADF) }
    guard let s = hostStat(f.hostFD) else { return hostFailure() }
    return guest.writeGuestBytes(at: buffer, s.bytes) ? 0 : fail(.EFAULT)
  }
}
