import CUnicorn
import CUnicornShim

extension Emulator {
  /// Maps `size` bytes of host memory at `pointer` into the emulator at the
  /// same address (`uc_mem_map_ptr`), so emulated code and Swift share it.
  ///
  /// The memory must stay allocated until it is unmapped or the emulator is
  /// gone; ``allocatePages(_:below4GiB:)`` provides suitable memory.
  ///
  /// Unicorn does not notice host writes to mapped memory: after writing or
  /// patching code there, call ``invalidateCode(from:to:)``.
  ///
  /// - Throws: ``EmulatorError/unaligned(address:size:)`` unless `pointer`
  ///   and `size` are multiples of 4 KiB;
  ///   ``EmulatorError/outsideAddressSpace(address:size:)`` when the range
  ///   reaches past 4 GiB on a 32-bit architecture; a Unicorn error when it
  ///   overlaps an existing mapping.
  public func mapIdentity(
    _ pointer: UnsafeMutableRawPointer, size: Int, permissions: Permissions
  ) throws(EmulatorError) {
    let address = UInt64(UInt(bitPattern: pointer))
    try checkPages(address, size)
    try checkAddressSpace(address, size)
    try check(
      uc_mem_map_ptr(engine, address, size, permissions.rawValue, pointer), "uc_mem_map_ptr")
  }

  /// Removes the pages [address, address + size) from the emulator's map
  /// (`uc_mem_unmap`). Host memory is left alone.
  public func unmap(address: UInt64, size: Int) throws(EmulatorError) {
    try checkPages(address, size)
    try check(uc_mem_unmap(engine, address, size), "uc_mem_unmap")
  }

  /// Changes what emulated code may do with [address, address + size)
  /// (`uc_mem_protect`); the range must be mapped.
  public func protect(address: UInt64, size: Int, permissions: Permissions)
    throws(EmulatorError)
  {
    try checkPages(address, size)
    try check(uc_mem_protect(engine, address, size, permissions.rawValue), "uc_mem_protect")
  }

  /// Drops Unicorn's translations of the code in [begin, end), so code
  /// written or patched there since it last ran is translated afresh.
  ///
  /// Needed because Unicorn caches translated blocks and, on Unicorn 2.0.1,
  /// does not see host writes through an identity mapping: without this a
  /// patched block may keep running its old code.
  ///
  /// The range is invalidated one 4 KiB page at a time: Unicorn 2.0.1's
  /// `uc_ctl_remove_cache` translates only `begin` to its internal RAM offset
  /// and assumes the rest of the range follows it there, which silently
  /// misses the part of a range that lies in another mapping. Unmapped pages
  /// are harmless.
  ///
  /// Invalidated blocks keep their space in Unicorn's translation buffer.
  /// When it fills during `uc_emu_start`, Unicorn 2.0.1 flushes it there and
  /// may then patch a jump into a freed block: a null-pointer crash of the
  /// host process (unicorn-engine/unicorn#1923, #2048; seen after about
  /// 50,000 fuzzed programs on one engine). So after
  /// ``flushThreshold`` bytes (1 MiB) were invalidated, ``run(from:until:instructionLimit:)``
  /// flushes the whole buffer first, while no emulation runs.
  public func invalidateCode(from begin: UInt64, to end: UInt64) throws(EmulatorError) {
    if end > begin { invalidatedBytes &+= Int(clamping: end - begin) }
    var low = begin
    while low < end {
      let pageEnd = (low | UInt64(emulatorPageSize - 1)) &+ 1
      let high = pageEnd == 0 ? end : min(end, pageEnd)  // pageEnd wraps at the top page
      try check(kiln_uc_remove_cache(engine, low, high), "uc_ctl_remove_cache")
      low = high
    }
  }

  /// Reads `buffer.count` bytes of emulated memory at `address`
  /// (`uc_mem_read`), as emulated code would see them.
  ///
  /// - Throws: a Unicorn error when part of the range is not mapped.
  public func readMemory(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer)
    throws(EmulatorError)
  {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    try check(uc_mem_read(engine, address, base, buffer.count), "uc_mem_read")
  }

  /// The little-endian 64-bit word at `address` of emulated memory.
  public func readUInt64(at address: UInt64) throws(EmulatorError) -> UInt64 {
    var value: UInt64 = 0
    try withUnsafeMutableBytes(of: &value) { (b) throws(EmulatorError) in
      try readMemory(at: address, into: b)
    }
    return UInt64(littleEndian: value)
  }

  /// The little-endian 32-bit word at `address` of emulated memory.
  public func readUInt32(at address: UInt64) throws(EmulatorError) -> UInt32 {
    var value: UInt32 = 0
    try withUnsafeMutableBytes(of: &value) { (b) throws(EmulatorError) in
      try readMemory(at: address, into: b)
    }
    return UInt32(littleEndian: value)
  }

  /// Throws when [address, address + size) does not fit the architecture's address space.
  private func checkAddressSpace(_ address: UInt64, _ size: Int) throws(EmulatorError) {
    guard architecture.addressBits == 32 else { return }
    let (end, overflow) = address.addingReportingOverflow(UInt64(size))
    guard !overflow, end <= 1 << 32 else {
      throw .outsideAddressSpace(address: address, size: size)
    }
  }
}
