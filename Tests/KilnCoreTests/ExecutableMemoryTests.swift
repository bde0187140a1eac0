import Testing

@testable import KilnCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// W^X of `ExecutableMemory`, for every scheme this host has. On Linux the
/// permissions are read from the kernel (`/proc/self/maps`), not from the
/// object's own idea of them.
@Suite struct ExecutableMemoryTests {
  static var schemes: [ExecutableMemory.Scheme] {
    #if os(macOS)
      [.jitWriteProtect, .mprotect]
    #elseif os(Linux)
      [.dualMapping, .mprotect]
    #else
      [.mprotect]
    #endif
  }

  /// x86-64 `mov eax, 42; ret`: `b8 2a 00 00 00 c3` (echo 'mov eax, 42; ret' |
  /// clang --target=x86_64-linux-gnu -x assembler -masm=intel -c - -o t.o;
  /// llvm-objdump -d t.o).
  static let return42: [UInt8] = [0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3]

  @Test func linuxPrefersTheDualMapping() throws {
    #if os(Linux)
      let memory = try ExecutableMemory(capacity: 4096)
      #expect(memory.scheme == .dualMapping)
      #expect(memory.writableBase != memory.base)
    #endif
  }

  @Test(arguments: schemes)
  func neverWritableAndExecutable(scheme: ExecutableMemory.Scheme) throws {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let memory = try ExecutableMemory(capacity: 3 * page, scheme: scheme)
    #expect(memory.scheme == scheme)
    #expect(memory.capacity == 3 * page)
    #expect(!memory.isWritable)
    try expectPermissions(memory, executableView: "r-x", writableView: "rw-")

    // Written, not committed yet: under mprotect only the written page is
    // writable, and then not executable; the executable view of a dual
    // mapping never changes.
    memory.write(Self.return42, at: page + 8)
    switch scheme {
    case .dualMapping:
      #expect(!memory.isWritable)
      try expectPermissions(memory, executableView: "r-x", writableView: "rw-")
    case .mprotect:
      #expect(memory.isWritable)
      #if os(Linux)
        #expect(try Self.permissions(at: memory.base) == "r-x")
        #expect(try Self.permissions(at: memory.base + page) == "rw-")
        #expect(try Self.permissions(at: memory.base + 2 * page) == "r-x")
      #endif
    case .jitWriteProtect: #expect(memory.isWritable)
    }

    memory.commit(page + 8..<page + 8 + Self.return42.count)
    #expect(!memory.isWritable)
    try expectPermissions(memory, executableView: "r-x", writableView: "rw-")
    // The executable view shows what was written through the other one.
    for (i, byte) in Self.return42.enumerated() {
      #expect((memory.base + page + 8 + i).load(as: UInt8.self) == byte)
    }
    #if arch(x86_64)
      // SAFETY: the bytes are a complete x86-64 function of this signature,
      // committed to executable memory.
      let function = unsafeBitCast(
        memory.base + page + 8, to: (@convention(c) () -> UInt32).self)
      #expect(function() == 42)
    #endif
  }

  @Test(arguments: schemes)
  func rewrittenCodeRunsTheNewBytes(scheme: ExecutableMemory.Scheme) throws {
    let memory = try ExecutableMemory(capacity: 4096, scheme: scheme)
    memory.install(Self.return42, at: 0)
    memory.install([0x07], at: 1)  // mov eax, 7
    #expect(memory.base.load(fromByteOffset: 1, as: UInt8.self) == 0x07)
    #if arch(x86_64)
      // SAFETY: as above; the patched immediate keeps the function whole.
      let function = unsafeBitCast(memory.base, to: (@convention(c) () -> UInt32).self)
      #expect(function() == 7)
    #endif
  }

  /// Checks both views' permissions as the kernel reports them (Linux).
  func expectPermissions(
    _ memory: ExecutableMemory, executableView: String, writableView: String
  ) throws {
    #if os(Linux)
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      for offset in stride(from: 0, to: memory.capacity, by: page) {
        #expect(try Self.permissions(at: memory.base + offset) == executableView)
        if memory.scheme == .dualMapping {
          #expect(try Self.permissions(at: memory.writableBase + offset) == writableView)
        }
      }
    #endif
  }

  struct MapsError: Error, CustomStringConvertible {
    var description: String
  }

  /// The `rwx` field of the mapping that holds `address` in
  /// `/proc/self/maps` (the fourth, shared/private, column dropped).
  static func permissions(at address: UnsafeMutableRawPointer) throws -> String {
    guard let file = fopen("/proc/self/maps", "r") else {
      throw MapsError(description: "cannot open /proc/self/maps")
    }
    defer { fclose(file) }
    let target = UInt(bitPattern: address)
    var line = [CChar](repeating: 0, count: 4096)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = String(
        decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let fields = text.split(separator: " ")
      guard fields.count >= 2 else { continue }
      let bounds = fields[0].split(separator: "-")
      guard bounds.count == 2, let start = UInt(bounds[0], radix: 16),
        let end = UInt(bounds[1], radix: 16)
      else { continue }
      if start <= target && target < end { return String(fields[1].prefix(3)) }
    }
    throw MapsError(description: "no mapping holds \(address)")
  }
}
