import CUnicorn

extension Emulator {
  /// Maps `size` bytes of host memory at `pointer` into the emulator at a
  /// *different* emulated `address` (`uc_mem_map_ptr`). Unlike
  /// ``mapIdentity(_:size:permissions:)`` the emulated address need not be
  /// free (or even mappable) in this process: this is how a bare-metal
  /// image linked at fixed addresses (flash at 0x0, SRAM at 0x2000_0000) is
  /// run. Pointers stored by emulated code are emulated addresses, not host
  /// ones.
  ///
  /// The memory must stay allocated until it is unmapped or the emulator is
  /// gone (``allocatePages(_:below4GiB:)`` provides suitable memory). Host
  /// writes to code there need ``invalidateCode(from:to:)`` (with emulated
  /// addresses), as for identity mappings.
  ///
  /// - Throws: ``EmulatorError/unaligned(address:size:)`` unless `pointer`,
  ///   `address` and `size` are multiples of 4 KiB;
  ///   ``EmulatorError/outsideAddressSpace(address:size:)`` when the range
  ///   reaches past 4 GiB on a 32-bit architecture; a Unicorn error when it
  ///   overlaps an existing mapping.
  public func map(
    _ pointer: UnsafeMutableRawPointer, at address: UInt64, size: Int, permissions: Permissions
  ) throws(EmulatorError) {
    try checkPages(UInt64(UInt(bitPattern: pointer)), size)
    try checkPages(address, size)
    if architecture.addressBits == 32 {
      let (end, overflow) = address.addingReportingOverflow(UInt64(size))
      guard !overflow, end <= 1 << 32 else {
        throw .outsideAddressSpace(address: address, size: size)
      }
    }
    try check(
      uc_mem_map_ptr(engine, address, size, permissions.rawValue, pointer), "uc_mem_map_ptr")
  }
}
