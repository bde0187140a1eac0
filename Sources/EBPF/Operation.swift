/// What an instruction does: the semantic half of the instruction table.
/// The interpreter and the translators switch over this; the decoder,
/// assembler and disassembler get it from ``InstructionTable``.
public enum Operation: Hashable, Sendable {
  /// `dst = dst op src` (or `op imm`); 32-bit forms zero-extend the result.
  case alu(ALUOperation, Width, Source)
  /// `le`/`be`/`bswap` 16, 32 or 64.
  case byteSwap(ByteSwap, bits: UInt8)
  /// `ja` (JMP: target in `offset`) and `ja32`/`gotol` (JMP32: target in `imm`).
  case jumpAlways(Width)
  /// Conditional jump by `offset`.
  case branch(Condition, Width, Source)
  /// `call imm`: a helper function by static id.
  case callHelper
  /// `call local imm`: a program-local (bpf-to-bpf) function, pc-relative.
  case callLocal
  /// `call imm` with `src = 2`: a helper by BTF id (decoded; not supported by the engines).
  case callBTF
  /// `callx dst`: a helper whose id is in a register (the suite's `call %rN`).
  case callRegister
  case exit
  /// `lddw`: 64-bit immediate, or one of the map/variable pseudo forms.
  case loadImm64(LoadImm64Kind)
  /// `ldx{b,h,w,dw} dst, [src+off]`, zero-extending.
  case load(AccessSize)
  /// `ldxs{b,h,w} dst, [src+off]`, sign-extending.
  case loadSigned(AccessSize)
  /// `st{b,h,w,dw} [dst+off], imm`.
  case storeImm(AccessSize)
  /// `stx{b,h,w,dw} [dst+off], src`.
  case storeReg(AccessSize)
  /// `lock … [dst+off], src` on 32 (`.word`) or 64 (`.double`) bits.
  case atomic(AtomicOperation, AccessSize)
  /// Legacy packet loads: `r0 = ntoh(packet[imm])` / `ntoh(packet[src + imm])`.
  case packetLoad(PacketMode, AccessSize)
  /// The second slot of `lddw` (not an instruction; never executed).
  case loadImm64Tail
}

public enum ALUOperation: Hashable, Sendable, CaseIterable {
  case add, sub, mul, div, sdiv, or, and, lsh, rsh, neg, mod, smod, xor, mov
  case movsx8, movsx16, movsx32
  case arsh

  /// The `code` nibble (bits 4–7 of the opcode).
  public var code: UInt8 {
    switch self {
    case .add: 0x00
    case .sub: 0x10
    case .mul: 0x20
    case .div, .sdiv: 0x30
    case .or: 0x40
    case .and: 0x50
    case .lsh: 0x60
    case .rsh: 0x70
    case .neg: 0x80
    case .mod, .smod: 0x90
    case .xor: 0xA0
    case .mov, .movsx8, .movsx16, .movsx32: 0xB0
    case .arsh: 0xC0
    }
  }

  /// The value of `offset` that selects this variant of the `code` (RFC 9669 §4.1).
  public var offset: Int16 {
    switch self {
    case .sdiv, .smod: 1
    case .movsx8: 8
    case .movsx16: 16
    case .movsx32: 32
    default: 0
    }
  }

  public var mnemonic: String {
    switch self {
    case .add: "add"
    case .sub: "sub"
    case .mul: "mul"
    case .div: "div"
    case .sdiv: "sdiv"
    case .or: "or"
    case .and: "and"
    case .lsh: "lsh"
    case .rsh: "rsh"
    case .neg: "neg"
    case .mod: "mod"
    case .smod: "smod"
    case .xor: "xor"
    case .mov: "mov"
    case .movsx8: "movsx8"
    case .movsx16: "movsx16"
    case .movsx32: "movsx32"
    case .arsh: "arsh"
    }
  }
}

public enum ByteSwap: Hashable, Sendable {
  /// `le`: to little endian (ALU class, source bit 0): a truncation on eBPF's little-endian machine.
  case toLittle
  /// `be`: to big endian (ALU class, source bit 1): a byte swap.
  case toBig
  /// `bswap`: unconditional swap (ALU64 class, source bit 0).
  case always
}

public enum Condition: Hashable, Sendable, CaseIterable {
  case eq, gt, ge, set, ne, sgt, sge, lt, le, slt, sle

  /// The `code` nibble of the jump opcode.
  public var code: UInt8 {
    switch self {
    case .eq: 0x10
    case .gt: 0x20
    case .ge: 0x30
    case .set: 0x40
    case .ne: 0x50
    case .sgt: 0x60
    case .sge: 0x70
    case .lt: 0xA0
    case .le: 0xB0
    case .slt: 0xC0
    case .sle: 0xD0
    }
  }

  public var mnemonic: String {
    switch self {
    case .eq: "jeq"
    case .gt: "jgt"
    case .ge: "jge"
    case .set: "jset"
    case .ne: "jne"
    case .sgt: "jsgt"
    case .sge: "jsge"
    case .lt: "jlt"
    case .le: "jle"
    case .slt: "jslt"
    case .sle: "jsle"
    }
  }
}

/// Atomic operations (RFC 9669 §5.3), encoded in `imm`.
public enum AtomicOperation: Hashable, Sendable, CaseIterable {
  case add, or, and, xor
  case fetchAdd, fetchOr, fetchAnd, fetchXor
  /// Always fetches: `src` receives the old value.
  case xchg
  /// Compares with `r0`; stores `src` if equal; `r0` receives the old value.
  case cmpxchg

  public var imm: Int32 {
    switch self {
    case .add: 0x00
    case .or: 0x40
    case .and: 0x50
    case .xor: 0xA0
    case .fetchAdd: 0x01
    case .fetchOr: 0x41
    case .fetchAnd: 0x51
    case .fetchXor: 0xA1
    case .xchg: 0xE1
    case .cmpxchg: 0xF1
    }
  }

  /// Whether `src` receives the old value (`cmpxchg` writes `r0` instead).
  public var writesSource: Bool {
    switch self {
    case .fetchAdd, .fetchOr, .fetchAnd, .fetchXor, .xchg: true
    default: false
    }
  }

  /// The words after `lock` in the assembler syntax (without the `32` suffix).
  public var mnemonic: String {
    switch self {
    case .add: "add"
    case .or: "or"
    case .and: "and"
    case .xor: "xor"
    case .fetchAdd: "fetch add"
    case .fetchOr: "fetch or"
    case .fetchAnd: "fetch and"
    case .fetchXor: "fetch xor"
    case .xchg: "xchg"
    case .cmpxchg: "cmpxchg"
    }
  }
}

/// The `src` field of `lddw` (RFC 9669 §5.4).
public enum LoadImm64Kind: UInt8, Hashable, Sendable, CaseIterable {
  /// `dst = imm64`.
  case immediate = 0
  /// `dst = map_by_fd(imm)`.
  case mapByFD = 1
  /// `dst = map_val(map_by_fd(imm)) + next_imm`.
  case mapValueByFD = 2
  /// `dst = var_addr(imm)`.
  case variableAddress = 3
  /// `dst = code_addr(imm)`.
  case codeAddress = 4
  /// `dst = map_by_idx(imm)`.
  case mapByIndex = 5
  /// `dst = map_val(map_by_idx(imm)) + next_imm`.
  case mapValueByIndex = 6

  /// The pseudo-function name used by the assembler (`lddw %r1, map_by_fd(3)`).
  public var pseudoName: String {
    switch self {
    case .immediate: ""
    case .mapByFD: "map_by_fd"
    case .mapValueByFD: "map_val_by_fd"
    case .variableAddress: "var_addr"
    case .codeAddress: "code_addr"
    case .mapByIndex: "map_by_idx"
    case .mapValueByIndex: "map_val_by_idx"
    }
  }

  /// Whether the second `imm` is an offset into a map value.
  public var hasValueOffset: Bool { self == .mapValueByFD || self == .mapValueByIndex }
}

public enum PacketMode: Hashable, Sendable {
  /// `ldabs`: packet offset `imm`.
  case absolute
  /// `ldind`: packet offset `src + imm`.
  case indirect
}
