import LinuxUser

/// A guest for syscall tests without a VM: 32 registers and sparse 4 KiB
/// pages. Addresses at or above `faultAbove` cannot be read or written.
final class FakeGuest: LinuxGuest {
  var registers = [UInt32](repeating: 0, count: 32)
  var pages: [UInt32: [UInt8]] = [:]
  var faultAbove: UInt64 = 1 << 32
  /// Every `setPagePermissions` call, in order.
  var permissionCalls: [(pages: Range<UInt32>, writable: Bool, executable: Bool)] = []

  func readRegister(_ index: Int) -> UInt32 { index == 0 ? 0 : registers[index] }
  func writeRegister(_ index: Int, _ value: UInt32) { if index != 0 { registers[index] = value } }

  func readGuestBytes(at address: UInt32, count: Int) -> [UInt8]? {
    guard UInt64(address) + UInt64(count) <= faultAbove else { return nil }
    return (0..<count).map { i in
      let a = address &+ UInt32(i)
      return pages[a >> 12]?[Int(a & 0xfff)] ?? 0
    }
  }

  func writeGuestBytes(at address: UInt32, _ bytes: [UInt8]) -> Bool {
    guard UInt64(address) + UInt64(bytes.count) <= faultAbove else { return false }
    for (i, b) in bytes.enumerated() {
      let a = address &+ UInt32(i)
      pages[a >> 12, default: [UInt8](repeating: 0, count: 4096)][Int(a & 0xfff)] = b
    }
    return true
  }

  func canWriteGuest(at address: UInt32, count: Int) -> Bool {
    UInt64(address) + UInt64(count) <= faultAbove
  }

  func setPagePermissions(_ pages: Range<UInt32>, writable: Bool, executable: Bool) -> Bool {
    permissionCalls.append((pages, writable, executable))
    return true
  }

  /// Sets a0–a5 and runs syscall `number`; returns a0 as a signed value.
  @discardableResult
  func call(_ s: LinuxSyscalls, _ number: UInt32, _ args: UInt32...) throws -> Int32 {
    for (i, a) in args.enumerated() { registers[10 + i] = a }
    for i in args.count..<6 { registers[10 + i] = 0 }
    registers[17] = number
    try s.handle(self, number: number)
    return Int32(bitPattern: registers[10])
  }

  func word(_ address: UInt32) -> UInt32 {
    let b = readGuestBytes(at: address, count: 4) ?? []
    return (0..<4).reduce(0) { $0 | UInt32(b[$1]) << (8 * $1) }
  }

  func string(_ address: UInt32, max: Int = 65) -> String {
    let b = readGuestBytes(at: address, count: max) ?? []
    return String(decoding: b.prefix { $0 != 0 }, as: UTF8.self)
  }

  func putString(_ s: String, at address: UInt32) {
    _ = writeGuestBytes(at: address, Array(s.utf8) + [0])
  }
}
