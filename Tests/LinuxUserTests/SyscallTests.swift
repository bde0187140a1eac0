import Foundation
import LinuxUser
import Runtime
import Testing

/// Linux rv32 syscalls on a fake guest: arguments in a0–a5, -errno results.
@Suite("Linux syscalls")
struct SyscallTests {
  static let brkStart: UInt32 = 0x20000
  static let buffer: UInt32 = 0x5000

  func make(_ options: LinuxSyscalls.Options = .init(), memory: UInt64 = 64 << 20) -> (
    LinuxSyscalls, FakeGuest
  ) {
    (LinuxSyscalls(brkStart: Self.brkStart, memoryLimit: memory, options: options), FakeGuest())
  }

  // MARK: process

  @Test(arguments: [93, 94] as [UInt32], [0, 1, 42, -1] as [Int32])
  func exitThrowsExited(number: UInt32, status: Int32) {
    let (s, g) = make()
    #expect(throws: RuntimeError.exited(status: status)) {
      try g.call(s, number, UInt32(bitPattern: status))
    }
    #expect(s.exitStatus == status)
  }

  @Test func unknownIsENOSYSAndLogged() throws {
    let lines = LineSink()
    let (s, g) = make(.init(log: { lines.append($0) }))
    #expect(try g.call(s, 999) == -38)
    #expect(try g.call(s, 435 /* clone3 */) == -38)
    #expect(lines.lines == ["unsupported syscall 999", "unsupported syscall 435"])
  }

  @Test func traceShowsEveryCall() throws {
    let lines = LineSink()
    let (s, g) = make(.init(trace: { lines.append($0) }))
    try g.call(s, 29, 1, 0x5401, 0)
    #expect(lines.lines == ["ioctl(0x1, 0x5401, 0x0) = -ENOTTY"])
  }

  @Test func ioctlIsENOTTY() throws {
    let (s, g) = make()
    #expect(try g.call(s, 29, 1, 0x5401, Self.buffer) == -25)
    #expect(try g.call(s, 29, 77, 0x5401, Self.buffer) == -9)
  }

  @Test func identity() throws {
    let (s, g) = make()
    #expect(try g.call(s, 96, 0) == getpid())  // set_tid_address
    #expect(try g.call(s, 172) == getpid())
    #expect(try g.call(s, 174) == Int32(bitPattern: getuid()))
  }

  @Test func uname() throws {
    let (s, g) = make()
    #expect(try g.call(s, 160, Self.buffer) == 0)
    #expect(g.string(Self.buffer) == "Linux")
    #expect(g.string(Self.buffer + 4 * 65) == "riscv32")
    #expect(!g.string(Self.buffer + 2 * 65).isEmpty)  // release
    g.faultAbove = UInt64(Self.buffer) + 100
    #expect(try g.call(s, 160, Self.buffer) == -14)
  }

  @Test func clockGettime64() throws {
    let (s, g) = make()
    #expect(try g.call(s, 403, 0, Self.buffer) == 0)
    let seconds = UInt64(g.word(Self.buffer)) | UInt64(g.word(Self.buffer + 4)) << 32
    let nanos = UInt64(g.word(Self.buffer + 8)) | UInt64(g.word(Self.buffer + 12)) << 32
    let now = UInt64(Date().timeIntervalSince1970)
    #expect(seconds + 5 >= now && seconds <= now + 5)
    #expect(nanos < 1_000_000_000)
    #expect(try g.call(s, 403, 1, Self.buffer) == 0)  // CLOCK_MONOTONIC
    #expect(try g.call(s, 403, 99, Self.buffer) == -22)
    #expect(try g.call(s, 403, UInt32(bitPattern: -5), Self.buffer) == -22)
  }

  @Test func getrandom() throws {
    let (s, g) = make()
    #expect(try g.call(s, 278, Self.buffer, 64, 0) == 64)
    #expect(g.readGuestBytes(at: Self.buffer, count: 64) != [UInt8](repeating: 0, count: 64))
    #expect(try g.call(s, 278, Self.buffer, 0, 0) == 0)
    #expect(try g.call(s, 278, Self.buffer, 16, 1) == 16)  // GRND_NONBLOCK
    #expect(try g.call(s, 278, Self.buffer, 16, 0x100) == -22)
    #expect(try g.call(s, 278, Self.buffer, 16, 6) == -22)  // GRND_RANDOM | GRND_INSECURE
  }

  // MARK: brk

  @Test func brkGrowsShrinksAndZeroes() throws {
    let (s, g) = make()
    let start = Self.brkStart
    #expect(try g.call(s, 214, 0) == Int32(start))
    #expect(try g.call(s, 214, start + 0x10000) == Int32(start + 0x10000))
    #expect(try g.call(s, 214, start - 4) == Int32(start + 0x10000))  // below start: refused
    _ = g.writeGuestBytes(at: start + 0x8000, [1, 2, 3])
    #expect(try g.call(s, 214, start + 0x100) == Int32(start + 0x100))
    #expect(try g.call(s, 214, start + 0x10000) == Int32(start + 0x10000))
    #expect(g.readGuestBytes(at: start + 0x8000, count: 3) == [0, 0, 0])
    #expect(try g.call(s, 214, 0xF000_0000) == Int32(start + 0x10000))  // above the mmap area
  }

  @Test func brkIsLimitedByGuestMemory() throws {
    let (s, g) = make(memory: 1 << 20)
    #expect(try g.call(s, 214, Self.brkStart + (2 << 20)) == Int32(Self.brkStart))
    #expect(try g.call(s, 214, Self.brkStart + (1 << 19)) == Int32(Self.brkStart + (1 << 19)))
  }

  // MARK: mmap2

  static let anonymous: UInt32 = 0x22  // MAP_PRIVATE | MAP_ANONYMOUS

  @Test func mmapAnonymousIsPageAlignedAndZeroedOnReuse() throws {
    let (s, g) = make()
    let a = UInt32(bitPattern: try g.call(s, 222, 0, 10000, 3, Self.anonymous, UInt32.max, 0))
    #expect(a % 4096 == 0)
    #expect(UInt64(a) + 12288 <= UInt64(AddressSpace.mmapTop))
    #expect(a > Self.brkStart)
    let b = UInt32(bitPattern: try g.call(s, 222, 0, 4096, 3, Self.anonymous, UInt32.max, 0))
    #expect(b + 4096 <= a)  // no overlap
    let dirty = a + 12288 - 100
    _ = g.writeGuestBytes(at: dirty, [9, 9, 9])
    #expect(try g.call(s, 215, a, 10000) == 0)
    let c = UInt32(bitPattern: try g.call(s, 222, 0, 8192, 3, Self.anonymous, UInt32.max, 0))
    #expect(c == a + 4096)  // the highest free range: the top of the freed one
    #expect(g.readGuestBytes(at: dirty, count: 3) == [0, 0, 0])
  }

  @Test func mmapErrors() throws {
    let (s, g) = make(memory: 1 << 20)
    #expect(try g.call(s, 222, 0, 0, 3, Self.anonymous, UInt32.max, 0) == -22)  // length 0
    #expect(try g.call(s, 222, 0, 4096, 3, 0x20, UInt32.max, 0) == -22)  // neither shared nor private
    #expect(try g.call(s, 222, 0, 4096, 1, 0x02, 3, 0) == -19)  // file mapping
    #expect(try g.call(s, 222, 0, 2 << 20, 3, Self.anonymous, UInt32.max, 0) == -12)  // > memory
    #expect(try g.call(s, 222, 0x1001, 4096, 3, Self.anonymous | 0x10, UInt32.max, 0) == -22)  // fixed, unaligned
    #expect(try g.call(s, 215, 0x1001, 4096) == -22)
    #expect(try g.call(s, 215, 0x1000, 0) == -22)
    #expect(try g.call(s, 226, 0x1000, 4096, 7) == 0)  // mprotect
  }

  /// mmap2 and mprotect pass `prot` on as page permissions (Linux's
  /// PROT_WRITE = 2, PROT_EXEC = 4); munmap gives pages back the default.
  @Test func protectionsReachThePages() throws {
    let (s, g) = make()
    func last() -> String {
      g.permissionCalls.last.map { "\($0.pages) w=\($0.writable) x=\($0.executable)" } ?? "none"
    }
    let a = UInt32(bitPattern: try g.call(s, 222, 0, 8192, 5, Self.anonymous, UInt32.max, 0))
    let pages = a >> 12..<(a >> 12) + 2
    // Reset to read-write first, then PROT_READ | PROT_EXEC.
    #expect(g.permissionCalls.map(\.pages) == [pages, pages])
    #expect(last() == "\(pages) w=false x=true")
    #expect(try g.call(s, 226, a + 4096, 1, 3) == 0)  // one page PROT_READ | PROT_WRITE
    #expect(last() == "\(pages.upperBound - 1..<pages.upperBound) w=true x=false")
    #expect(try g.call(s, 226, a, 4096, 8) == -22)  // PROT_SEM is not a permission
    #expect(try g.call(s, 226, a + 1, 4096, 1) == -22)  // unaligned
    #expect(try g.call(s, 222, 0, 4096, 0x10, Self.anonymous, UInt32.max, 0) == -22)
    let before = g.permissionCalls.count
    #expect(try g.call(s, 215, a, 8192) == 0)  // munmap: the default again
    #expect(g.permissionCalls.count == before + 1)
    #expect(last() == "\(pages) w=true x=false")
  }

  @Test func mmapFixedReplaces() throws {
    let (s, g) = make()
    let fixed: UInt32 = 0x4000_0000
    _ = g.writeGuestBytes(at: fixed + 10, [5])
    let r = try g.call(s, 222, fixed, 8192, 7, Self.anonymous | 0x10, UInt32.max, 0)
    #expect(UInt32(bitPattern: r) == fixed)
    #expect(g.readGuestBytes(at: fixed + 10, count: 1) == [0])
    // brk cannot grow into it
    #expect(try g.call(s, 214, fixed + 4096) == Int32(Self.brkStart))
  }

  @Test func mmapIsRefusedWhenOutOfAddressSpace() throws {
    let (s, g) = make(memory: 4 << 30)
    // Fill the whole area between brk and the top of the mmap area.
    var total: UInt64 = 0
    while true {
      let r = try g.call(s, 222, 0, 256 << 20, 3, Self.anonymous, UInt32.max, 0)
      if r == -12 { break }
      total += 256 << 20
      #expect(total < 4 << 30)
    }
    #expect(total > 1 << 30)
  }

  // MARK: files

  @Test func writeErrors() throws {
    let (s, g) = make()
    g.putString("hello", at: Self.buffer)
    #expect(try g.call(s, 64, 99, Self.buffer, 5) == -9)  // EBADF
    #expect(try g.call(s, 66, 99, Self.buffer, 1) == -9)
    #expect(try g.call(s, 64, 1, 0xFFFF_FFF0, 100) == -14)  // wraps the address space
    g.faultAbove = UInt64(Self.buffer)
    #expect(try g.call(s, 64, 1, Self.buffer, 5) == -14)  // EFAULT
    #expect(try g.call(s, 66, 1, Self.buffer, 1) == -14)
    #expect(try g.call(s, 64, 1, Self.buffer, 0) == 0)
  }

  @Test func openatReadOnlyAndEACCESForWrites() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-sys-\(getpid())-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("data.txt")
    try Data("0123456789abcdef".utf8).write(to: file)

    let (s, g) = make()
    let path: UInt32 = 0x6000
    g.putString(file.path, at: path)
    let fdcwd = UInt32(bitPattern: -100)
    for flags: UInt32 in [1, 2, 0o100, 0o1000, 0o2000, 0o101] {
      #expect(
        try g.call(s, 56, fdcwd, path, flags, 0o644) == -13, "flags \(String(flags, radix: 8))")
    }
    let fd = try g.call(s, 56, fdcwd, path, 0, 0)
    #expect(fd == 3)
    let fd2 = try g.call(s, 56, fdcwd, path, 0o2000000, 0)  // O_CLOEXEC
    #expect(fd2 == 4)

    // read
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 4) == 4)
    #expect(g.string(Self.buffer, max: 4) == "0123")
    // _llseek(fd, high, low, result*, whence)
    #expect(try g.call(s, 62, UInt32(fd), 0, 10, 0x7000, 0) == 0)
    #expect(g.word(0x7000) == 10 && g.word(0x7004) == 0)
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 100) == 6)
    #expect(g.string(Self.buffer, max: 6) == "abcdef")
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 100) == 0)  // EOF
    #expect(try g.call(s, 62, UInt32(fd), 0, UInt32(bitPattern: -3), 0x7000, 2) == 0)  // SEEK_END - 3
    #expect(g.word(0x7000) == 13)
    #expect(try g.call(s, 62, UInt32(fd), 0xFFFF_FFFF, UInt32(bitPattern: -100), 0x7000, 0) == -22)
    #expect(try g.call(s, 62, UInt32(fd), 0, 0, 0x7000, 7) == -22)

    // fstat: struct stat64 of rv32, 104 bytes
    let st: UInt32 = 0x8000
    #expect(try g.call(s, 80, UInt32(fd), st) == 0)
    let mode = g.word(st + 16)
    #expect(mode & 0o170000 == 0o100000)  // S_IFREG
    #expect(g.word(st + 20) == 1)  // nlink
    #expect(g.word(st + 48) == 16 && g.word(st + 52) == 0)  // size
    #expect(g.word(st + 56) > 0)  // blksize
    let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
    let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    #expect(UInt64(g.word(st + 8)) | UInt64(g.word(st + 12)) << 32 == inode)
    let mtime = UInt32((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
    #expect(g.word(st + 80) == mtime)
    #expect(g.word(st + 96) == 0 && g.word(st + 100) == 0)

    // close
    #expect(try g.call(s, 57, UInt32(fd)) == 0)
    #expect(try g.call(s, 57, UInt32(fd)) == -9)
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 1) == -9)
    // lowest free descriptor is reused
    #expect(try g.call(s, 56, fdcwd, path, 0, 0) == 3)

    // errors
    g.putString(dir.appendingPathComponent("missing").path, at: path)
    #expect(try g.call(s, 56, fdcwd, path, 0, 0) == -2)
    g.putString("", at: path)
    #expect(try g.call(s, 56, fdcwd, path, 0, 0) == -2)
    #expect(try g.call(s, 56, 77, path, 0, 0) == -9)  // bad dirfd
    g.faultAbove = UInt64(path)
    #expect(try g.call(s, 56, fdcwd, path, 0, 0) == -14)
  }

  @Test func openatRelativeToDirectoryDescriptor() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-dir-\(getpid())-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data("xyz".utf8).write(to: dir.appendingPathComponent("f"))
    let (s, g) = make()
    g.putString(dir.path, at: 0x6000)
    let dfd = try g.call(s, 56, UInt32(bitPattern: -100), 0x6000, 0o200000, 0)  // O_DIRECTORY
    #expect(dfd >= 3)
    g.putString("f", at: 0x6100)
    let fd = try g.call(s, 56, UInt32(dfd), 0x6100, 0, 0)
    #expect(fd > dfd)
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 10) == 3)
    #expect(try g.call(s, 63, UInt32(dfd), Self.buffer, 10) == -21)  // EISDIR
  }

  @Test func openatWritesWhenAllowed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-w-\(getpid())-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let (s, g) = make(.init(allowFileWrites: true))
    let file = dir.appendingPathComponent("out.txt")
    g.putString(file.path, at: 0x6000)
    let fd = try g.call(s, 56, UInt32(bitPattern: -100), 0x6000, 0o1101, 0o600)  // O_WRONLY|O_CREAT|O_TRUNC
    #expect(fd == 3)
    g.putString("written by the guest", at: Self.buffer)
    // writev with two iovecs
    let iov: UInt32 = 0x9000
    for (i, w) in [Self.buffer, 8, Self.buffer + 8, 12].enumerated() {
      _ = g.writeGuestBytes(
        at: iov + UInt32(4 * i), (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) })
    }
    #expect(try g.call(s, 66, UInt32(fd), iov, 2) == 20)
    #expect(try g.call(s, 64, UInt32(fd), Self.buffer, 3) == 3)
    #expect(try g.call(s, 66, UInt32(fd), iov, 0) == 0)
    #expect(try g.call(s, 66, UInt32(fd), iov, 5000) == -22)
    #expect(try g.call(s, 57, UInt32(fd)) == 0)
    #expect(try String(contentsOf: file, encoding: .utf8) == "written by the guestwri")
  }

  @Test func readFromStdinPipe() throws {
    // fd 0 of the test process is not ours to replace; read through a pipe
    // opened by path instead (/dev/fd/N reopens the pipe read end).
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    defer { close(fds[0]) }
    let message = Array("line one\nline two\n".utf8)
    _ = message.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
    close(fds[1])
    let (s, g) = make()
    g.putString("/dev/fd/\(fds[0])", at: 0x6000)
    let fd = try g.call(s, 56, UInt32(bitPattern: -100), 0x6000, 0, 0)
    #expect(fd >= 3)
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 5) == 5)
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer + 5, 100) == 13)
    #expect(g.readGuestBytes(at: Self.buffer, count: 18) == message)
    #expect(try g.call(s, 63, UInt32(fd), Self.buffer, 100) == 0)
    #expect(try g.call(s, 62, UInt32(fd), 0, 0, 0x7000, 1) == -29)  // ESPIPE
    let st: UInt32 = 0x8000
    #expect(try g.call(s, 80, UInt32(fd), st) == 0)
    #expect(g.word(st + 16) & 0o170000 == 0o010000)  // S_IFIFO
    g.faultAbove = UInt64(Self.buffer)
    #expect(try g.call(s, 80, UInt32(fd), st) == -14)
  }
}

/// Collects log lines from a syscall layer.
final class LineSink: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String] = []
  func append(_ s: String) {
    lock.lock()
    stored.append(s)
    lock.unlock()
  }
  var lines: [String] {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }
}
