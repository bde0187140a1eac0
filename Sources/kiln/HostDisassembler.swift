import CCapstone
import KilnPort

/// Disassembly of generated host code for `-v` dumps, by Capstone, for the
/// architecture and mode the port names (Thumb-2 for a Cortex-M:
/// `CS_ARCH_ARM`, `CS_MODE_THUMB | CS_MODE_MCLASS`; checked with Capstone
/// 4.0.2 on clang's Cortex-M4 code, `cpsid`/`mrs primask`/`smulbb`/`umull`
/// included). Bytes that do not decode (a Thumb literal pool, padding) are
/// shown as `.byte` and disassembly goes on after them (`CS_OPT_SKIPDATA`).
/// If Capstone cannot be opened for the target, code is shown as hex bytes.
final class HostDisassembler {
  private var handle: csh = 0
  private let available: Bool

  init(_ target: CapstoneTarget) {
    available =
      cs_open(cs_arch(UInt32(target.architecture)), cs_mode(Int32(target.mode)), &handle)
      == CS_ERR_OK
    if available { _ = cs_option(handle, CS_OPT_SKIPDATA, Int(CS_OPT_ON.rawValue)) }
  }

  deinit {
    if available { cs_close(&handle) }
  }

  /// One line per host instruction: `address: bytes  mnemonic operands`.
  func lines(_ code: [UInt8], address: UInt) -> [String] {
    guard available, !code.isEmpty else { return hexLines(code, address: address, note: true) }
    var insns: UnsafeMutablePointer<cs_insn>?
    let count = code.withUnsafeBufferPointer {
      cs_disasm(handle, $0.baseAddress, $0.count, UInt64(address), 0, &insns)
    }
    guard count > 0, let insns else { return hexLines(code, address: address, note: true) }
    defer { cs_free(insns, count) }
    var result: [String] = []
    var decoded = 0
    for i in 0..<count {
      var insn = insns[i]
      let mnemonic = withUnsafeBytes(of: &insn.mnemonic) { cString($0) }
      let operands = withUnsafeBytes(of: &insn.op_str) { cString($0) }
      let size = Int(insn.size)
      let bytes = withUnsafeBytes(of: &insn.bytes) { Array($0.prefix(size)) }
      let hex = bytes.map { byteHex($0) }.joined(separator: " ")
      result.append(
        "  \(hexAddress(UInt(insn.address))): \(hex.padding(to: 30))\(mnemonic) \(operands)")
      decoded += size
    }
    if decoded < code.count {
      result += hexLines(Array(code[decoded...]), address: address + UInt(decoded), note: false)
    }
    return result
  }

  private func hexLines(_ code: [UInt8], address: UInt, note: Bool) -> [String] {
    var result = note && !available ? ["  (Capstone unavailable: host code as hex bytes)"] : []
    for start in stride(from: 0, to: code.count, by: 16) {
      let row = code[start..<min(start + 16, code.count)]
      result.append(
        "  \(hexAddress(address + UInt(start))): \(row.map { byteHex($0) }.joined(separator: " "))")
    }
    return result
  }
}

private func cString(_ raw: UnsafeRawBufferPointer) -> String {
  String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
}

func byteHex(_ b: UInt8) -> String {
  let s = String(b, radix: 16)
  return s.count == 1 ? "0" + s : s
}

func hexAddress(_ v: UInt) -> String { String(v, radix: 16) }

func hex8(_ v: UInt32) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

extension String {
  func padding(to width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}
