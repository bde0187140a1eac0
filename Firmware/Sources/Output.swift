// Printing without Foundation: Embedded Swift's `print` writes through
// putchar (Runtime/libc.c, line-buffered semihosting).

/// `value` as `0x` and lowercase hex digits, at least `digits` of them.
func hex(_ value: UInt64, digits: Int = 1) -> String {
  var s = String(value, radix: 16)
  while s.count < digits { s = "0" + s }
  return "0x" + s
}

/// A value ×10 as a decimal with one fraction digit (`-10.1`).
func tenths(_ value: Int) -> String {
  let sign = value < 0 ? "-" : ""
  let magnitude = value < 0 ? -value : value
  return "\(sign)\(magnitude / 10).\(magnitude % 10)"
}

/// A C string from the generated tables.
func text(_ pointer: UnsafePointer<CChar>?) -> String {
  guard let pointer else { return "" }
  return String(cString: pointer)
}

/// Pass/fail bookkeeping of one boot.
struct Tally {
  var passed = 0
  var failed = 0

  mutating func record(_ ok: Bool, _ line: String) {
    if ok { passed += 1 } else { failed += 1 }
    print((ok ? "PASS " : "FAIL ") + line)
  }
}
