/// The host objects that the `lddw` pseudo forms of RFC 9669 §5.4 name:
/// maps by file descriptor or by index, and platform variables.
///
/// Like the Linux verifier, Kiln resolves them at load time:
/// ``Program/resolvingPseudoLoads(_:)`` rewrites each pseudo `lddw` into a
/// plain 64-bit constant, so every engine runs the result unchanged. Maps
/// are the host's: `handle` is whatever value the host's map helpers take,
/// `value` the host address of the map's value area (register that area in
/// the ``MemoryMap`` so that bounds-checked programs may use it).
public struct PseudoLoadTable: Hashable, Sendable {
  public struct Map: Hashable, Sendable {
    /// `map_by_fd` / `map_by_idx`.
    public var handle: UInt64
    /// `map_val(…)`: the address of the value area (`next_imm` is added).
    public var value: UInt64

    public init(handle: UInt64, value: UInt64) {
      self.handle = handle
      self.value = value
    }
  }

  public var mapsByFD: [Int32: Map] = [:]
  public var mapsByIndex: [Int32: Map] = [:]
  /// `var_addr(imm)`: addresses of platform variables.
  public var variables: [Int32: UInt64] = [:]

  public init() {}
}

extension Program {
  /// This program with every pseudo `lddw` (src 1, 2, 3, 5, 6) replaced by the
  /// plain constant it stands for. `code_addr` (src 4) is refused: in Kiln's
  /// memory model code addresses are not values a program can use (`callx`
  /// calls helpers by id). Unknown maps or variables are errors naming the
  /// instruction.
  public func resolvingPseudoLoads(_ table: PseudoLoadTable) throws(EBPFError) -> Program {
    var slots = self.slots
    for (i, inst) in instructions.enumerated() {
      guard case .loadImm64(let kind) = inst.operation, kind != .immediate else { continue }
      let id = inst.imm
      let offset = UInt64(UInt32(truncatingIfNeeded: inst.imm64 >> 32))
      let value: UInt64
      switch kind {
      case .immediate: continue
      case .mapByFD, .mapValueByFD, .mapByIndex, .mapValueByIndex:
        let maps = kind == .mapByFD || kind == .mapValueByFD ? table.mapsByFD : table.mapsByIndex
        guard let map = maps[id] else {
          throw .unresolvedLoadImm64(index: i, form: kind.pseudoName, id: id)
        }
        value = kind.hasValueOffset ? map.value &+ offset : map.handle
      case .variableAddress:
        guard let address = table.variables[id] else {
          throw .unresolvedLoadImm64(index: i, form: kind.pseudoName, id: id)
        }
        value = address
      case .codeAddress:
        throw .unsupportedInstruction(index: i, mnemonic: "lddw code_addr")
      }
      slots[i] = RawInstruction(
        opcode: slots[i].opcode, dst: slots[i].dst, imm: Int32(truncatingIfNeeded: value))
      slots[i + 1] = RawInstruction(opcode: 0, imm: Int32(truncatingIfNeeded: value >> 32))
    }
    return try Program(slots: slots)
  }
}
