import Runtime

/// What the Linux syscall layer needs from a running guest: its registers
/// and its memory. `VirtualMachine` conforms; tests can use a fake.
public protocol LinuxGuest: AnyObject {
  func readRegister(_ index: Int) -> UInt32
  func writeRegister(_ index: Int, _ value: UInt32)
  /// The guest bytes, or nil when they cannot be read (EFAULT).
  func readGuestBytes(at address: UInt32, count: Int) -> [UInt8]?
  /// Stores into guest memory as the kernel does for a syscall; false when
  /// it cannot (EFAULT), such as into a read-only page.
  func writeGuestBytes(at address: UInt32, _ bytes: [UInt8]) -> Bool
  /// True if a syscall may write all of `address ..< address + count`
  /// (checked before a read(2) consumes input it could not store).
  func canWriteGuest(at address: UInt32, count: Int) -> Bool
  /// Gives guest pages permissions (mmap2's and mprotect's `prot`); false
  /// when the pages cannot be mapped (ENOMEM). Read-write, not executable, is
  /// the default, and does not map the pages.
  func setPagePermissions(_ pages: Range<UInt32>, writable: Bool, executable: Bool) -> Bool
}

extension VirtualMachine: LinuxGuest {
  public func readGuestBytes(at address: UInt32, count: Int) -> [UInt8]? {
    try? readMemory(at: address, count: count)
  }

  public func writeGuestBytes(at address: UInt32, _ bytes: [UInt8]) -> Bool {
    isWritable(address: address, count: bytes.count)
      && (try? writeMemory(at: address, bytes)) != nil
  }

  public func canWriteGuest(at address: UInt32, count: Int) -> Bool {
    isWritable(address: address, count: count)
  }

  public func setPagePermissions(_ pages: Range<UInt32>, writable: Bool, executable: Bool) -> Bool {
    if writable && executable == unprotectedPagesExecutable {
      unprotect(pages: pages)
      return true
    }
    return (try? protect(pages: pages, writable: writable, executable: executable)) != nil
  }
}
