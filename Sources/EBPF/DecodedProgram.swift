/// A checked program as the ``Interpreter`` runs it: one ``DecodedSlot`` per
/// slot, made once when the interpreter is created (a program never
/// changes), with every operand in the form the interpreter uses it.
struct DecodedProgram: Sendable {
  let slots: [DecodedSlot]
  /// `slots` with superinstructions (`InterpreterFusion.swift`), for runs
  /// without an instruction budget.
  let fused: [DecodedSlot]

  /// Registers of the interpreter's file: `r0`…`r10`, then a register that
  /// is always 0 (see ``DecodedSlot``).
  static let registerCount = 12
  static let zeroRegister: UInt8 = 11

  init(_ program: Program) {
    var slots: [DecodedSlot] = []
    slots.reserveCapacity(program.instructions.count)
    for (index, instruction) in program.instructions.enumerated() {
      slots.append(DecodedSlot(instruction, at: index))
    }
    self.slots = slots
    self.fused = Self.fuse(slots)
  }
}

/// One slot, decoded for the interpreter's loop (16 bytes): a one-byte
/// ``Code`` to dispatch on, the rest of the ``Operation`` as typed fields,
/// and the operands resolved:
///
///     bytes 0…7   immediate   8…9 offset   10 code   11 dst   12 src
///           13    size        14  atomic   15 region
///
/// * The second operand of arithmetic and conditional jumps is
///   `registers[src] | immediate`: a register form has `immediate` 0, an
///   immediate form has `src` = the zero register (11) and `immediate` =
///   ``Semantics/immediate(_:_:)`` of its width. One load and an `or`,
///   whichever the source.
/// * `immediate` is also the value of `lddw` and `st`, the id of `call`,
///   the packet offset of `ldabs`/`ldind`, the bit count of byte swaps, and
///   for `ja`/`ja32` and local calls the index of the target slot.
/// * `offset`: the memory offset of loads, stores and atomics, and the
///   jump offset (in slots, from the next slot) of conditional jumps.
/// * Loads and stores get one code per ``AccessSize`` (`size` stays set);
///   `region` says which region their fast bounds check tries
///   (`InterpreterMemory.swift`): 0, the stack, when the base register is
///   `r10`, else 1, the context. Only a hint: the slow path tries all.
///
/// The semantics stay those of ``Semantics`` and the interpreter's memory
/// model; this is only where the interpreter finds its operands.
struct DecodedSlot: Sendable {
  var immediate: UInt64
  var offset: Int16
  var code: Code
  var dst: UInt8
  var src: UInt8
  var size: AccessSize = .byte
  var atomic: AtomicOperation = .add
  var region: UInt8 = 0

  init(code: Code, dst: Register = .r0, src: UInt8 = 0, offset: Int16 = 0, immediate: UInt64 = 0) {
    self.code = code
    self.dst = dst.rawValue
    self.src = src
    self.offset = offset
    self.immediate = immediate
  }

  /// The slot of `instruction` at `index` (jump targets become absolute).
  init(_ i: Instruction, at index: Int) {
    let next = Int64(index) + 1
    /// The second operand of arithmetic and jumps (see above).
    func operand(_ source: Source, _ width: Width) -> (src: UInt8, immediate: UInt64) {
      source == .reg
        ? (i.src.rawValue, 0) : (DecodedProgram.zeroRegister, Semantics.immediate(i.imm, width))
    }
    switch i.operation {
    case .alu(let op, let width, let source):
      let (src, immediate) = operand(source, width)
      self.init(code: .arithmetic(op, width), dst: i.dst, src: src, immediate: immediate)
    case .byteSwap(let kind, let bits):
      let code: Code =
        switch kind {
        case .toLittle: .toLittleEndian
        case .toBig: .toBigEndian
        case .always: .swapBytes
        }
      self.init(code: code, dst: i.dst, immediate: UInt64(bits))
    case .jumpAlways(let width):
      let delta = width == .w64 ? Int64(i.offset) : Int64(i.imm)
      self.init(code: .jump, immediate: UInt64(bitPattern: next + delta))
    case .branch(let c, let width, let source):
      let (src, immediate) = operand(source, width)
      self.init(
        code: .branch(c, width), dst: i.dst, src: src, offset: i.offset, immediate: immediate)
    case .callHelper:
      self.init(code: .callHelper, immediate: UInt64(UInt32(bitPattern: i.imm)))
    case .callRegister:
      self.init(code: .callRegister, dst: i.dst)
    case .callLocal:
      self.init(code: .callLocal, immediate: UInt64(bitPattern: next + Int64(i.imm)))
    case .exit:
      self.init(code: .exit)
    case .loadImm64:
      self.init(code: .loadImmediate64, dst: i.dst, immediate: i.imm64)
    case .load(let s):
      self.init(code: .load(s), dst: i.dst, src: i.src.rawValue, offset: i.offset)
      size = s
      region = Self.region(base: i.src)
    case .loadSigned(let s):
      self.init(code: .loadSigned(s), dst: i.dst, src: i.src.rawValue, offset: i.offset)
      size = s
      region = Self.region(base: i.src)
    case .storeImm(let s):
      self.init(code: .storeImmediate(s), dst: i.dst, offset: i.offset, immediate: i.imm64)
      size = s
      region = Self.region(base: i.dst)
    case .storeReg(let s):
      self.init(code: .storeRegister(s), dst: i.dst, src: i.src.rawValue, offset: i.offset)
      size = s
      region = Self.region(base: i.dst)
    case .atomic(let op, let s):
      self.init(code: .atomic, dst: i.dst, src: i.src.rawValue, offset: i.offset)
      atomic = op
      size = s
    case .packetLoad(let mode, let s):
      self.init(
        code: mode == .absolute ? .packetAbsolute : .packetIndirect, src: i.src.rawValue,
        immediate: UInt64(bitPattern: Int64(i.imm)))
      size = s
    case .callBTF, .loadImm64Tail:
      self.init(code: .notExecuted)
    }
  }

  /// The region that an access through `base` tries first (see above).
  static func region(base: Register) -> UInt8 { base == .r10 ? 0 : 1 }
}
