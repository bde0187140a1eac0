/// A memory operand `[base + index * scale + displacement]`.
///
/// A base register is always present: the JIT addresses guest state and
/// guest memory through registers, so the RIP-relative and absolute forms
/// (ModRM.mod = 00 with rm = 101, SIB.base = 101) are never produced.
public struct Memory: Sendable, Equatable, CustomStringConvertible {
  public var base: GPR
  public var index: GPR?
  public var scale: Scale
  public var displacement: Int32

  /// `index` must not be `rsp`: SIB.index = 100 without REX.X means "no index".
  public init(base: GPR, index: GPR? = nil, scale: Scale = .x1, displacement: Int32 = 0) {
    precondition(index != .rsp, "rsp cannot be an index register")
    self.base = base
    self.index = index
    self.scale = scale
    self.displacement = displacement
  }

  /// Intel syntax, for dumps: `[rbx + 4*r12 - 8]`.
  public var description: String {
    var text = "[\(base)"
    if let index { text += " + \(scale.factor)*\(index)" }
    if displacement > 0 { text += " + \(displacement)" }
    if displacement < 0 { text += " - \(-Int64(displacement))" }
    return text + "]"
  }
}
