import CUnicorn
import Emulation
import Foundation
import KilnCore
import KilnPort
import KilnTestSupport
import Testing

/// C functions compiled for the Cortex-M4 by clang, the outside oracle for
/// the AAPCS in the Thumb executor tests:
///
///     clang --target=thumbv7em-none-eabi -mcpu=cortex-m4 -O2 -ffunction-sections -c t.c -o t.o
///     llvm-objcopy -O binary --only-section=.text.NAME t.o NAME.bin
///
/// Each function gets its own section, so each is copied out on its own;
/// a function whose section has relocations (a call to another function, a
/// global) is refused, since nothing here links it.
enum ThumbC {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static let clang = Assembler.find("clang")
  static let objcopy = Assembler.find("llvm-objcopy")
  static let objdump = Assembler.find("llvm-objdump")
  static var available: Bool { clang != nil && objcopy != nil && objdump != nil }
  static let reason = "clang, llvm-objcopy and llvm-objdump are needed to compile Thumb test code"

  /// The machine code of each of `functions`, defined in C `source`.
  static func compile(_ source: String, functions: [String]) throws -> [String: [UInt8]] {
    guard let clang, let objcopy, let objdump else { throw Failure(description: reason) }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "kiln-thumb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let c = dir.appendingPathComponent("t.c").path
    let o = dir.appendingPathComponent("t.o").path
    try source.write(toFile: c, atomically: true, encoding: .utf8)
    try run(
      clang,
      [
        "--target=thumbv7em-none-eabi", "-mcpu=cortex-m4", "-O2", "-ffunction-sections",
        "-fno-exceptions", "-fno-asynchronous-unwind-tables", "-c", c, "-o", o,
      ])
    let relocations = try run(objdump, ["-r", o])
    var result: [String: [UInt8]] = [:]
    for name in functions {
      let section = ".text.\(name)"
      if relocations.contains("[\(section)]") {
        throw Failure(description: "\(name) has relocations:\n\(relocations)")
      }
      let bin = dir.appendingPathComponent("\(name).bin").path
      try run(objcopy, ["-O", "binary", "--only-section=\(section)", o, bin])
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bin)))
      guard !bytes.isEmpty else { throw Failure(description: "no code for \(name)") }
      result[name] = bytes
    }
    return result
  }

  @discardableResult
  private static func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw Failure(description: "\(tool) \(arguments.joined(separator: " ")):\n\(output)")
    }
    return output
  }
}

/// A Thumb-2 port's facts as the Thumb executor tests need them (the real
/// port states its own in `Ports/Thumb2`): Unicorn ARM in Thumb mode on a
/// Cortex-M4, AAPCS host calls, 32-bit pointers.
enum TestThumbFacts {
  typealias R = ARMRegister
  static let facts = PortFacts(
    name: "Thumb-2 (test)", architecture: "thumbv7em", pointerBits: 32, branchReach: 16 << 20,
    instructionCache: .coherent,
    // CS_ARCH_ARM, CS_MODE_THUMB | CS_MODE_MCLASS
    capstone: CapstoneTarget(architecture: 0, mode: 16 | 32),
    unicorn: UnicornTarget(
      architecture: Int32(UC_ARCH_ARM.rawValue), mode: Int32(UC_MODE_THUMB.rawValue),
      cpuModel: Int32(UC_CPU_ARM_CORTEX_M4.rawValue), pc: R.pc.id, stackPointer: R.sp.id,
      arguments: [R.r0.id, R.r1.id, R.r2.id, R.r3.id], result: R.r0.id, resultHigh: R.r1.id,
      returnAddress: .register(R.lr.id), convention: .aapcs32),
    signalContextPC: nil, registerMap: [])
}

/// An executor of ``TestThumbFacts`` with C functions installed in its
/// code memory, each at a 4-byte-aligned offset (so literal pools keep
/// their alignment).
final class ThumbProgram {
  let executor: UnicornExecutor
  let code: any CodeMemory
  private(set) var entries: [String: UInt] = [:]

  init(_ source: String, functions: [String]) throws {
    let compiled = try ThumbC.compile(source, functions: functions)
    executor = try UnicornExecutor(port: TestThumbFacts.facts)
    var image: [UInt8] = []
    var offsets: [String: Int] = [:]
    for name in functions {
      while image.count % 4 != 0 { image.append(0) }
      offsets[name] = image.count
      image += compiled[name] ?? []
    }
    code = try executor.makeCodeMemory(capacity: image.count, port: TestThumbFacts.facts)
    code.install(image, at: 0)
    for (name, offset) in offsets { entries[name] = code.address + UInt(offset) }
  }

  /// Calls function `name` as `uint64_t name(uintptr_t, uintptr_t)`.
  func call(_ name: String, _ first: UInt = 0, _ second: UInt = 0) throws -> UInt64 {
    let entry = try #require(entries[name], "no function \(name)")
    return try executor.call(entry, first, second)
  }
}

