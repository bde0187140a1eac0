import Runtime

/// What the Linux syscall layer needs from a running guest: its registers
/// and its memory. `VirtualMachine` conforms; tests can use a fake.
public protocol LinuxGuest: AnyObject {
  func readRegister(_ index: Int) -> UInt32
  func writeRegister(_ index: Int, _ value: UInt32)
  /// The guest bytes, or nil when they cannot be read (EFAULT).
  func readGuestBytes(at address: UInt32, count: Int) -> [UInt8]?
  /// Stores into guest memory; false when it cannot (EFAULT).
  func writeGuestBytes(at address: UInt32, _ bytes: [UInt8]) -> Bool
}

extension VirtualMachine: LinuxGuest {
  public func readGuestBytes(at address: UInt32, count: Int) -> [UInt8]? {
    try? readMemory(at: address, count: count)
  }

  public func writeGuestBytes(at address: UInt32, _ bytes: [UInt8]) -> Bool {
    (try? writeMemory(at: address, bytes)) != nil
  }
}
