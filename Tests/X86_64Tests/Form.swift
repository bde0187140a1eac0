import KilnCore
import Testing

@testable import X86_64Port

/// One instruction form with its operands: what the golden tables and the
/// LLVM cross-check describe. `emit` calls the assembler method under test;
/// `intel` is the Intel-syntax text given to LLVM.
enum Form: Sendable, Equatable {
  case movRR(OperandSize, GPR, GPR)
  case movRM(OperandSize, GPR, Memory)
  case movMR(OperandSize, Memory, GPR)
  case movImm32(GPR, UInt32)
  case movImm64(GPR, UInt64)
  case movMI(OperandSize, Memory, Int32)
  case movzx8M(GPR, Memory)
  case movzx16M(GPR, Memory)
  case movsx8M(GPR, Memory)
  case movsx16M(GPR, Memory)
  case movzx8R(GPR, GPR)
  case movsxd(GPR, GPR)
  case store8(Memory, GPR)
  case store16(Memory, GPR)
  case lea(OperandSize, GPR, Memory)
  case aluRR(ALUOp, OperandSize, GPR, GPR)
  case aluRM(ALUOp, OperandSize, GPR, Memory)
  case aluMR(ALUOp, OperandSize, Memory, GPR)
  case aluRI(ALUOp, OperandSize, GPR, Int32)
  case aluMI(ALUOp, OperandSize, Memory, Int32)
  case testRR(OperandSize, GPR, GPR)
  case testRI(OperandSize, GPR, UInt32)
  case shiftRI(ShiftOp, OperandSize, GPR, UInt8)
  case shiftCL(ShiftOp, OperandSize, GPR)
  case imulRR(OperandSize, GPR, GPR)
  case imulRM(OperandSize, GPR, Memory)
  case imulRRI(OperandSize, GPR, GPR, Int32)
  case mul(OperandSize, GPR)
  case imulWide(OperandSize, GPR)
  case div(OperandSize, GPR)
  case idiv(OperandSize, GPR)
  case neg(OperandSize, GPR)
  case not(OperandSize, GPR)
  case cdq, cqo
  case setcc(ConditionCode, GPR)
  case cmov(ConditionCode, OperandSize, GPR, GPR)
  case jmpR(GPR)
  case jmpM(Memory)
  case callR(GPR)
  case callM(Memory)
  case ret
  case push(GPR)
  case pop(GPR)
  case ud2, int3, nop
  case movzx16R(GPR, GPR)
  case movsx8R(OperandSize, GPR, GPR)
  case movsx16R(OperandSize, GPR, GPR)
  case movsx8To64(GPR, Memory)
  case movsx16To64(GPR, Memory)
  case movsxdM(GPR, Memory)
  case movSimm32(GPR, Int32)
  case bswap(OperandSize, GPR)
  case lockALU(ALUOp, OperandSize, Memory, GPR)
  case lockXadd(OperandSize, Memory, GPR)
  case lockCmpxchg(OperandSize, Memory, GPR)
  case xchg(OperandSize, Memory, GPR)

  func emit(into a: inout X86Assembler) {
    switch self {
    case .movRR(let s, let d, let r): a.mov(s, d, r)
    case .movRM(let s, let d, let m): a.mov(s, d, m)
    case .movMR(let s, let m, let r): a.mov(s, m, r)
    case .movImm32(let d, let v): a.mov(d, imm32: v)
    case .movImm64(let d, let v): a.mov(d, imm64: v)
    case .movMI(let s, let m, let v): a.mov(s, m, imm32: v)
    case .movzx8M(let d, let m): a.movzx8(d, m)
    case .movzx16M(let d, let m): a.movzx16(d, m)
    case .movsx8M(let d, let m): a.movsx8(d, m)
    case .movsx16M(let d, let m): a.movsx16(d, m)
    case .movzx8R(let d, let r): a.movzx8(d, r)
    case .movsxd(let d, let r): a.movsxd(d, r)
    case .store8(let m, let r): a.store8(m, r)
    case .store16(let m, let r): a.store16(m, r)
    case .lea(let s, let d, let m): a.lea(s, d, m)
    case .aluRR(let op, let s, let d, let r): a.alu(op, s, d, r)
    case .aluRM(let op, let s, let d, let m): a.alu(op, s, d, m)
    case .aluMR(let op, let s, let m, let r): a.alu(op, s, m, r)
    case .aluRI(let op, let s, let d, let v): a.alu(op, s, d, imm: v)
    case .aluMI(let op, let s, let m, let v): a.alu(op, s, m, imm: v)
    case .testRR(let s, let x, let y): a.test(s, x, y)
    case .testRI(let s, let x, let v): a.test(s, x, imm: v)
    case .shiftRI(let op, let s, let d, let c): a.shift(op, s, d, imm: c)
    case .shiftCL(let op, let s, let d): a.shiftByCL(op, s, d)
    case .imulRR(let s, let d, let r): a.imul(s, d, r)
    case .imulRM(let s, let d, let m): a.imul(s, d, m)
    case .imulRRI(let s, let d, let r, let i): a.imul(s, d, r, imm: i)
    case .mul(let s, let r): a.mul(s, r)
    case .imulWide(let s, let r): a.imulWide(s, r)
    case .div(let s, let r): a.div(s, r)
    case .idiv(let s, let r): a.idiv(s, r)
    case .neg(let s, let r): a.neg(s, r)
    case .not(let s, let r): a.not(s, r)
    case .cdq: a.cdq()
    case .cqo: a.cqo()
    case .setcc(let cc, let r): a.setcc(cc, r)
    case .cmov(let cc, let s, let d, let r): a.cmov(cc, s, d, r)
    case .jmpR(let r): a.jmp(r)
    case .jmpM(let m): a.jmp(m)
    case .callR(let r): a.call(r)
    case .callM(let m): a.call(m)
    case .ret: a.ret()
    case .push(let r): a.push(r)
    case .pop(let r): a.pop(r)
    case .ud2: a.ud2()
    case .int3: a.int3()
    case .nop: a.nop()
    case .movzx16R(let d, let r): a.movzx16(d, r)
    case .movsx8R(let s, let d, let r): a.movsx8(s, d, r)
    case .movsx16R(let s, let d, let r): a.movsx16(s, d, r)
    case .movsx8To64(let d, let m): a.movsx8To64(d, m)
    case .movsx16To64(let d, let m): a.movsx16To64(d, m)
    case .movsxdM(let d, let m): a.movsxd(d, m)
    case .movSimm32(let d, let v): a.mov(d, simm32: v)
    case .bswap(let s, let r): a.bswap(s, r)
    case .lockALU(let op, let s, let m, let r): a.lockALU(op, s, m, r)
    case .lockXadd(let s, let m, let r): a.lockXadd(s, m, r)
    case .lockCmpxchg(let s, let m, let r): a.lockCmpxchg(s, m, r)
    case .xchg(let s, let m, let r): a.xchg(s, m, r)
    }
  }

  /// The bytes Kiln's encoder produces for this form alone.
  var encoded: [UInt8] {
    var a = X86Assembler()
    emit(into: &a)
    return a.buffer.bytes
  }

  /// Intel syntax (`.intel_syntax noprefix`) as LLVM's assembler reads it.
  var intel: String {
    func n(_ s: OperandSize, _ r: GPR) -> String { r.name(s) }
    func p(_ s: OperandSize, _ m: Memory) -> String { "\(s) ptr \(m)" }
    switch self {
    case .movRR(let s, let d, let r): return "mov \(n(s, d)), \(n(s, r))"
    case .movRM(let s, let d, let m): return "mov \(n(s, d)), \(p(s, m))"
    case .movMR(let s, let m, let r): return "mov \(p(s, m)), \(n(s, r))"
    case .movImm32(let d, let v): return "mov \(d.name(.dword)), \(v)"
    case .movImm64(let d, let v): return "movabs \(d), \(v)"
    case .movMI(let s, let m, let v): return "mov \(p(s, m)), \(v)"
    case .movzx8M(let d, let m): return "movzx \(d.name(.dword)), byte ptr \(m)"
    case .movzx16M(let d, let m): return "movzx \(d.name(.dword)), word ptr \(m)"
    case .movsx8M(let d, let m): return "movsx \(d.name(.dword)), byte ptr \(m)"
    case .movsx16M(let d, let m): return "movsx \(d.name(.dword)), word ptr \(m)"
    case .movzx8R(let d, let r): return "movzx \(d.name(.dword)), \(r.byteName)"
    case .movsxd(let d, let r): return "movsxd \(d), \(r.name(.dword))"
    case .store8(let m, let r): return "mov byte ptr \(m), \(r.byteName)"
    case .store16(let m, let r): return "mov word ptr \(m), \(r.wordName)"
    case .lea(let s, let d, let m): return "lea \(n(s, d)), \(m)"
    case .aluRR(let op, let s, let d, let r): return "\(op) \(n(s, d)), \(n(s, r))"
    case .aluRM(let op, let s, let d, let m): return "\(op) \(n(s, d)), \(p(s, m))"
    case .aluMR(let op, let s, let m, let r): return "\(op) \(p(s, m)), \(n(s, r))"
    case .aluRI(let op, let s, let d, let v): return "\(op) \(n(s, d)), \(v)"
    case .aluMI(let op, let s, let m, let v): return "\(op) \(p(s, m)), \(v)"
    case .testRR(let s, let x, let y): return "test \(n(s, x)), \(n(s, y))"
    case .testRI(let s, let x, let v):
      // The qword immediate is sign-extended; LLVM wants it as the signed value.
      let text = s == .qword ? "\(Int32(bitPattern: v))" : "\(v)"
      return "test \(n(s, x)), \(text)"
    case .shiftRI(let op, let s, let d, let c): return "\(op) \(n(s, d)), \(c)"
    case .shiftCL(let op, let s, let d): return "\(op) \(n(s, d)), cl"
    case .imulRR(let s, let d, let r): return "imul \(n(s, d)), \(n(s, r))"
    case .imulRM(let s, let d, let m): return "imul \(n(s, d)), \(p(s, m))"
    case .imulRRI(let s, let d, let r, let i): return "imul \(n(s, d)), \(n(s, r)), \(i)"
    case .mul(let s, let r): return "mul \(n(s, r))"
    case .imulWide(let s, let r): return "imul \(n(s, r))"
    case .div(let s, let r): return "div \(n(s, r))"
    case .idiv(let s, let r): return "idiv \(n(s, r))"
    case .neg(let s, let r): return "neg \(n(s, r))"
    case .not(let s, let r): return "not \(n(s, r))"
    case .cdq: return "cdq"
    case .cqo: return "cqo"
    case .setcc(let cc, let r): return "set\(cc) \(r.byteName)"
    case .cmov(let cc, let s, let d, let r): return "cmov\(cc) \(n(s, d)), \(n(s, r))"
    case .jmpR(let r): return "jmp \(r)"
    case .jmpM(let m): return "jmp qword ptr \(m)"
    case .callR(let r): return "call \(r)"
    case .callM(let m): return "call qword ptr \(m)"
    case .ret: return "ret"
    case .push(let r): return "push \(r)"
    case .pop(let r): return "pop \(r)"
    case .ud2: return "ud2"
    case .int3: return "int3"
    case .nop: return "nop"
    case .movzx16R(let d, let r): return "movzx \(d.name(.dword)), \(r.wordName)"
    case .movsx8R(let s, let d, let r): return "movsx \(n(s, d)), \(r.byteName)"
    case .movsx16R(let s, let d, let r): return "movsx \(n(s, d)), \(r.wordName)"
    case .movsx8To64(let d, let m): return "movsx \(d), byte ptr \(m)"
    case .movsx16To64(let d, let m): return "movsx \(d), word ptr \(m)"
    case .movsxdM(let d, let m): return "movsxd \(d), dword ptr \(m)"
    case .movSimm32(let d, let v): return "mov \(d), \(v)"
    case .bswap(let s, let r): return "bswap \(n(s, r))"
    case .lockALU(let op, let s, let m, let r): return "lock \(op) \(p(s, m)), \(n(s, r))"
    case .lockXadd(let s, let m, let r): return "lock xadd \(p(s, m)), \(n(s, r))"
    case .lockCmpxchg(let s, let m, let r): return "lock cmpxchg \(p(s, m)), \(n(s, r))"
    case .xchg(let s, let m, let r): return "xchg \(p(s, m)), \(n(s, r))"
    }
  }
}

/// Short memory-operand constructors for the tables: `mem(.rsp, 8)`, `mem(.rbx, .r12, .x4, -8)`.
func mem(_ base: GPR, _ displacement: Int32 = 0) -> Memory {
  Memory(base: base, displacement: displacement)
}

func mem(_ base: GPR, _ index: GPR, _ scale: Scale, _ displacement: Int32 = 0) -> Memory {
  Memory(base: base, index: index, scale: scale, displacement: displacement)
}

/// A golden row: a form, the exact text LLVM assembled, and LLVM's bytes.
struct Golden: Sendable, CustomTestStringConvertible {
  let form: Form
  let asm: String
  let bytes: [UInt8]

  init(_ form: Form, _ asm: String, _ bytes: [UInt8]) {
    self.form = form
    self.asm = asm
    self.bytes = bytes
  }

  var testDescription: String { asm }
}

/// Hex for failure messages: `48 89 c8`.
func hex(_ bytes: [UInt8]) -> String {
  bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}
