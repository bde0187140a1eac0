#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Emulator {
  /// Allocates `size` bytes (rounded up to 4 KiB pages) of zeroed, read-write
  /// host memory, page aligned, for ``mapIdentity(_:size:permissions:)``.
  /// Free it with ``freePages(_:size:)``.
  ///
  /// - Parameter below4GiB: place the memory where a 32-bit Cortex-M guest
  ///   (``Architecture/thumb``) can use it, code included: below 4 GiB, and
  ///   within the executable regions of the M-profile default memory map,
  ///   0x1000_0000–0x3FFF_FFFF first, then 0x6000_0000–0x9FFF_FFFF.
  ///   (Unicorn applies that map: fetching from the peripheral region
  ///   0x4000_0000–0x5FFF_FFFF, where Linux's `MAP_32BIT` puts memory, is an
  ///   execute-never fault.) Linux only; 64-bit macOS processes reserve the
  ///   low 4 GiB (`__PAGEZERO`).
  /// - Throws: ``EmulatorError/allocationFailed(size:errno:)``, or
  ///   ``EmulatorError/noMemoryBelow4GiB(size:)`` when no low place was free.
  public static func allocatePages(_ size: Int, below4GiB: Bool = false) throws(EmulatorError)
    -> UnsafeMutableRawPointer
  {
    precondition(size > 0, "allocatePages of \(size) bytes")
    let rounded = pageRounded(size)
    if below4GiB { return try allocateLow(rounded) }
    return try mapAnonymous(rounded, hint: nil)
  }

  /// Frees memory from ``allocatePages(_:below4GiB:)``; `size` is the size
  /// that was asked for. Unmap it from every emulator first.
  public static func freePages(_ pointer: UnsafeMutableRawPointer, size: Int) {
    munmap(pointer, pageRounded(size))
  }

  /// Where ``allocatePages(_:below4GiB:)`` looks for low memory: the
  /// executable regions of the Cortex-M default memory map, above the first
  /// 256 MiB (where non-PIE executables and their heaps live).
  static let lowWindows: [Range<UInt64>] = [0x1000_0000..<0x4000_0000, 0x6000_0000..<0xA000_0000]

  /// Finds free low address space by asking `mmap` for it, a hint at a time.
  /// Linux places a mapping at its hint when that range is free, and
  /// elsewhere (high up) when not; then the next hint lies further on, with
  /// steps doubling up to 16 MiB, which bounds the search to a few hundred
  /// probes.
  private static func allocateLow(_ size: Int) throws(EmulatorError) -> UnsafeMutableRawPointer {
    #if os(Linux)
      for window in lowWindows {
        var hint = window.lowerBound
        var step = UInt64(size)
        while hint + UInt64(size) <= window.upperBound {
          let p = try mapAnonymous(size, hint: UnsafeMutableRawPointer(bitPattern: UInt(hint)))
          let start = UInt64(UInt(bitPattern: p))
          if window.contains(start), start + UInt64(size) <= window.upperBound { return p }
          munmap(p, size)
          hint += step
          step = min(step * 2, 16 << 20)
        }
      }
    #endif
    throw .noMemoryBelow4GiB(size: size)
  }

  private static func mapAnonymous(_ size: Int, hint: UnsafeMutableRawPointer?)
    throws(EmulatorError) -> UnsafeMutableRawPointer
  {
    guard
      let p = mmap(hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      p != MAP_FAILED
    else { throw .allocationFailed(size: size, errno: errno) }
    return p
  }

  private static func pageRounded(_ size: Int) -> Int {
    (size + emulatorPageSize - 1) / emulatorPageSize * emulatorPageSize
  }
}
