import Foundation
import KilnTestSupport
import Testing

@testable import X86_64Port

/// Belt and braces: at test time, a pseudo-random sample of forms is rendered
/// to Intel syntax, assembled by LLVM and compared byte for byte:
///
///     clang --target=x86_64-linux-gnu -c sample.s -o sample.o && llvm-objdump -d sample.o
///
/// Skipped (with the reason shown) when clang or llvm-objdump is not on PATH;
/// under CI (`CI` set) it fails instead.
/// The seed is fixed so a failure reproduces; set KILN_X86_SEED to try others.
@Suite struct LLVMCrossCheckTests {
  static let tools = LLVMTools.find()

  @Test(
    .requires(tools != nil, "clang and llvm-objdump were not both found on PATH"),
    arguments: [0x4B49_4C4E as UInt64, 2, 3])
  func randomFormsMatchLLVM(seed: UInt64) throws {
    let tools = try #require(Self.tools, "clang and llvm-objdump were not both found on PATH")
    let envSeed = ProcessInfo.processInfo.environment["KILN_X86_SEED"].flatMap { UInt64($0) }
    var rng = SplitMix64(seed: envSeed ?? seed)
    let forms = (0..<400).map { _ in Form.random(using: &rng) }
    let llvm = try tools.assemble(forms.map(\.intel))
    try #require(llvm.count == forms.count, "LLVM produced \(llvm.count) instructions")
    for (form, bytes) in zip(forms, llvm) {
      #expect(form.encoded == bytes, "\(form.intel): got \(hex(form.encoded)), LLVM \(hex(bytes))")
    }
  }
}

/// Paths of the LLVM tools and a helper that assembles Intel-syntax lines.
struct LLVMTools: Sendable {
  let clang: String
  let objdump: String

  static func find() -> LLVMTools? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    func lookup(_ name: String) -> String? {
      for dir in path.split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
      return nil
    }
    guard let clang = lookup("clang"), let objdump = lookup("llvm-objdump") else { return nil }
    return LLVMTools(clang: clang, objdump: objdump)
  }

  struct ToolFailed: Error, CustomStringConvertible {
    let description: String
  }

  /// The bytes of each instruction, in order.
  func assemble(_ lines: [String]) throws -> [[UInt8]] {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("kiln-x86-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = dir.appendingPathComponent("sample.s")
    let object = dir.appendingPathComponent("sample.o")
    let text = ".intel_syntax noprefix\n" + lines.joined(separator: "\n") + "\n"
    try text.write(to: source, atomically: true, encoding: .utf8)
    _ = try run(clang, ["--target=x86_64-linux-gnu", "-c", source.path, "-o", object.path])
    let listing = try run(objdump, ["-d", object.path])
    return listing.split(separator: "\n").compactMap(Self.instructionBytes)
  }

  /// `      1c: 48 89 c8   \tmovq\t%rcx, %rax` → [0x48, 0x89, 0xc8].
  static func instructionBytes(_ line: Substring) -> [UInt8]? {
    let head = line.prefix { $0 != "\t" }
    guard let colon = head.firstIndex(of: ":") else { return nil }
    let tokens = head[head.index(after: colon)...].split(separator: " ")
    let bytes = tokens.compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
    return bytes.isEmpty || bytes.count != tokens.count ? nil : bytes
  }

  private func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ToolFailed(description: "\(tool) failed: \(String(decoding: errors, as: UTF8.self))")
    }
    return String(decoding: output, as: UTF8.self)
  }
}

/// A small deterministic generator (SplitMix64), so a failing sample reproduces.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Form {
  static func random(using g: inout SplitMix64) -> Form {
    func r() -> GPR { GPR.allCases.randomElement(using: &g) ?? .rax }
    func s() -> OperandSize { Bool.random(using: &g) ? .qword : .dword }
    func m() -> Memory {
      let base = r()
      let displacement: Int32 =
        [0, 0, 1, -1, 127, -128, 128, -129, .max, .min, Int32.random(in: .min ... .max, using: &g)]
        .randomElement(using: &g) ?? 0
      guard Bool.random(using: &g) else { return Memory(base: base, displacement: displacement) }
      let index = GPR.allCases.filter { $0 != .rsp }.randomElement(using: &g) ?? .rax
      let scale = [Scale.x1, .x2, .x4, .x8].randomElement(using: &g) ?? .x1
      return Memory(base: base, index: index, scale: scale, displacement: displacement)
    }
    func imm() -> Int32 {
      [0, 1, -1, 127, -128, 128, -129, .max, .min, Int32.random(in: .min ... .max, using: &g)]
        .randomElement(using: &g) ?? 0
    }
    func alu() -> ALUOp { ALUOp.allCases.randomElement(using: &g) ?? .add }
    func cc() -> ConditionCode { ConditionCode.allCases.randomElement(using: &g) ?? .e }
    switch Int.random(in: 0..<46, using: &g) {
    case 0: return .movRR(s(), r(), r())
    case 1: return .movRM(s(), r(), m())
    case 2: return .movMR(s(), m(), r())
    case 3: return .movImm32(r(), UInt32.random(in: 0 ... .max, using: &g))
    case 4: return .movImm64(r(), UInt64.random(in: 0 ... .max, using: &g))
    case 5: return .movMI(s(), m(), imm())
    case 6: return .movzx8M(r(), m())
    case 7: return .movzx16M(r(), m())
    case 8: return .movsx8M(r(), m())
    case 9: return .movsx16M(r(), m())
    case 10: return .movzx8R(r(), r())
    case 11: return .movsxd(r(), r())
    case 12: return .store8(m(), r())
    case 13: return .store16(m(), r())
    case 14: return .lea(s(), r(), m())
    case 15: return .aluRR(alu(), s(), r(), r())
    case 16: return .aluRM(alu(), s(), r(), m())
    case 17: return .aluMR(alu(), s(), m(), r())
    case 18: return .aluRI(alu(), s(), Bool.random(using: &g) ? .rax : r(), imm())
    case 19: return .aluMI(alu(), s(), m(), imm())
    case 20: return .testRR(s(), r(), r())
    case 21:
      let size = s()
      let value = UInt32(bitPattern: imm())
      return .testRI(size, Bool.random(using: &g) ? .rax : r(), value)
    case 22:
      let op = ShiftOp.allCases.randomElement(using: &g) ?? .shl
      let size = s()
      let count = UInt8.random(in: 0...(size == .qword ? 63 : 31), using: &g)
      return .shiftRI(op, size, r(), Bool.random(using: &g) ? 1 : count)
    case 23: return .shiftCL(ShiftOp.allCases.randomElement(using: &g) ?? .shl, s(), r())
    case 24: return .imulRR(s(), r(), r())
    case 25: return .imulRM(s(), r(), m())
    case 26: return .mul(s(), r())
    case 27: return .imulWide(s(), r())
    case 28: return .div(s(), r())
    case 29: return .idiv(s(), r())
    case 30: return .neg(s(), r())
    case 31: return .not(s(), r())
    case 32: return Bool.random(using: &g) ? .cdq : .cqo
    case 33: return .setcc(cc(), r())
    case 34: return .cmov(cc(), s(), r(), r())
    case 35: return .jmpR(r())
    case 36: return .jmpM(m())
    case 37: return .callR(r())
    case 38: return .callM(m())
    case 39: return .push(r())
    case 40: return .pop(r())
    case 41: return .ret
    case 42: return .ud2
    case 43: return .int3
    case 44: return .nop
    default: return .aluRI(alu(), s(), r(), imm())
    }
  }
}
