/// `dst = step(dst, operand)`.
typealias ALUStep = (UInt64, UInt64) -> UInt64
/// Whether a conditional jump on `(dst, operand)` is taken.
typealias BranchTest = (UInt64, UInt64) -> Bool

/// One function per arithmetic operation and width, and per jump condition
/// and width, each `Semantics` with constant arguments: what
/// `DecodedSlot.Code.dispatch` hands the interpreter's loop with every code.
///
/// Why functions and not the `(operation, width)` pair alone: the loop
/// specializes each case by inlining, and `Semantics.alu`'s always-inlined
/// chain (``ALUOperation/withMeaning(_:)``, KilnIR's generic `evaluate`) is
/// large before the optimizer folds it. Expanded at each of the loop's 296
/// arithmetic sites (superinstructions included) it took the compiler past
/// 7.9 GB (16.5 GB in CI; issue 11, round 4); expanded once per function
/// here it costs less than the loop cost before, and the optimizer folds
/// each function to a few instructions that it then inlines where the loop
/// calls it (README, "Interpreter, round 5").
/// `InterpreterCodeTests` checks every function against `Semantics`.
enum Steps {
  @inline(__always) static func add64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.add, .w64, a, b)
  }
  @inline(__always) static func sub64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.sub, .w64, a, b)
  }
  @inline(__always) static func mul64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.mul, .w64, a, b)
  }
  @inline(__always) static func div64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.div, .w64, a, b)
  }
  @inline(__always) static func sdiv64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.sdiv, .w64, a, b)
  }
  @inline(__always) static func or64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.or, .w64, a, b)
  }
  @inline(__always) static func and64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.and, .w64, a, b)
  }
  @inline(__always) static func lsh64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.lsh, .w64, a, b)
  }
  @inline(__always) static func rsh64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.rsh, .w64, a, b)
  }
  @inline(__always) static func neg64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.neg, .w64, a, b)
  }
  @inline(__always) static func mod64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.mod, .w64, a, b)
  }
  @inline(__always) static func smod64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.smod, .w64, a, b)
  }
  @inline(__always) static func xor64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.xor, .w64, a, b)
  }
  @inline(__always) static func mov64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.mov, .w64, a, b)
  }
  @inline(__always) static func movsx8to64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.movsx8, .w64, a, b)
  }
  @inline(__always) static func movsx16to64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.movsx16, .w64, a, b)
  }
  @inline(__always) static func movsx32to64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.movsx32, .w64, a, b)
  }
  @inline(__always) static func arsh64(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.arsh, .w64, a, b)
  }
  @inline(__always) static func add32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.add, .w32, a, b)
  }
  @inline(__always) static func sub32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.sub, .w32, a, b)
  }
  @inline(__always) static func mul32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.mul, .w32, a, b)
  }
  @inline(__always) static func div32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.div, .w32, a, b)
  }
  @inline(__always) static func sdiv32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.sdiv, .w32, a, b)
  }
  @inline(__always) static func or32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.or, .w32, a, b)
  }
  @inline(__always) static func and32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.and, .w32, a, b)
  }
  @inline(__always) static func lsh32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.lsh, .w32, a, b)
  }
  @inline(__always) static func rsh32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.rsh, .w32, a, b)
  }
  @inline(__always) static func neg32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.neg, .w32, a, b)
  }
  @inline(__always) static func mod32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.mod, .w32, a, b)
  }
  @inline(__always) static func smod32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.smod, .w32, a, b)
  }
  @inline(__always) static func xor32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.xor, .w32, a, b)
  }
  @inline(__always) static func mov32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.mov, .w32, a, b)
  }
  @inline(__always) static func movsx8to32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.movsx8, .w32, a, b)
  }
  @inline(__always) static func movsx16to32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.movsx16, .w32, a, b)
  }
  @inline(__always) static func movsx32to32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.movsx32, .w32, a, b)
  }
  @inline(__always) static func arsh32(_ a: UInt64, _ b: UInt64) -> UInt64 {
    Semantics.alu(.arsh, .w32, a, b)
  }
  @inline(__always) static func jeq64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.eq, .w64, a, b)
  }
  @inline(__always) static func jgt64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.gt, .w64, a, b)
  }
  @inline(__always) static func jge64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.ge, .w64, a, b)
  }
  @inline(__always) static func jset64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.set, .w64, a, b)
  }
  @inline(__always) static func jne64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.ne, .w64, a, b)
  }
  @inline(__always) static func jsgt64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.sgt, .w64, a, b)
  }
  @inline(__always) static func jsge64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.sge, .w64, a, b)
  }
  @inline(__always) static func jlt64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.lt, .w64, a, b)
  }
  @inline(__always) static func jle64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.le, .w64, a, b)
  }
  @inline(__always) static func jslt64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.slt, .w64, a, b)
  }
  @inline(__always) static func jsle64(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.sle, .w64, a, b)
  }
  @inline(__always) static func jeq32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.eq, .w32, a, b)
  }
  @inline(__always) static func jgt32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.gt, .w32, a, b)
  }
  @inline(__always) static func jge32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.ge, .w32, a, b)
  }
  @inline(__always) static func jset32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.set, .w32, a, b)
  }
  @inline(__always) static func jne32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.ne, .w32, a, b)
  }
  @inline(__always) static func jsgt32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.sgt, .w32, a, b)
  }
  @inline(__always) static func jsge32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.sge, .w32, a, b)
  }
  @inline(__always) static func jlt32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.lt, .w32, a, b)
  }
  @inline(__always) static func jle32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.le, .w32, a, b)
  }
  @inline(__always) static func jslt32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.slt, .w32, a, b)
  }
  @inline(__always) static func jsle32(_ a: UInt64, _ b: UInt64) -> Bool {
    Semantics.condition(.sle, .w32, a, b)
  }
}
