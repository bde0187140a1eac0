import CUnicorn

/// A register of one architecture, named by Unicorn's register id (the
/// `UC_*_REG_*` constants of `<unicorn/x86.h>`, `arm64.h` and `arm.h`; the
/// values below are those constants, not copies of them).
///
/// `readRegister(_:)` checks that the register belongs to the
/// emulator's architecture; the `Int32` overloads take any id unchecked.
public protocol EmulatorRegister: Hashable, Sendable {
  /// Unicorn's register id.
  var id: Int32 { get }
  /// The architecture whose emulators have this register.
  static var architecture: Architecture { get }
}

/// x86-64 general-purpose registers, `rip` and `rflags`.
public struct X86_64Register: EmulatorRegister, CustomStringConvertible {
  public let id: Int32
  public let description: String
  public static var architecture: Architecture { .x86_64 }

  init(_ register: uc_x86_reg, _ name: String) {
    id = Int32(register.rawValue)
    description = name
  }

  public static let rax = Self(UC_X86_REG_RAX, "rax")
  public static let rcx = Self(UC_X86_REG_RCX, "rcx")
  public static let rdx = Self(UC_X86_REG_RDX, "rdx")
  public static let rbx = Self(UC_X86_REG_RBX, "rbx")
  public static let rsp = Self(UC_X86_REG_RSP, "rsp")
  public static let rbp = Self(UC_X86_REG_RBP, "rbp")
  public static let rsi = Self(UC_X86_REG_RSI, "rsi")
  public static let rdi = Self(UC_X86_REG_RDI, "rdi")
  public static let r8 = Self(UC_X86_REG_R8, "r8")
  public static let r9 = Self(UC_X86_REG_R9, "r9")
  public static let r10 = Self(UC_X86_REG_R10, "r10")
  public static let r11 = Self(UC_X86_REG_R11, "r11")
  public static let r12 = Self(UC_X86_REG_R12, "r12")
  public static let r13 = Self(UC_X86_REG_R13, "r13")
  public static let r14 = Self(UC_X86_REG_R14, "r14")
  public static let r15 = Self(UC_X86_REG_R15, "r15")
  public static let rip = Self(UC_X86_REG_RIP, "rip")
  public static let rflags = Self(UC_X86_REG_RFLAGS, "rflags")

  /// The sixteen general-purpose registers in encoding order (rax = 0 … r15 = 15).
  public static let generalPurpose: [Self] = [
    rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15,
  ]
}

/// AArch64 `x0`…`x30`, `sp`, `pc` and `nzcv`.
public struct AArch64Register: EmulatorRegister, CustomStringConvertible {
  public let id: Int32
  public let description: String
  public static var architecture: Architecture { .aarch64 }

  init(_ register: uc_arm64_reg, _ name: String) {
    id = Int32(register.rawValue)
    description = name
  }

  /// `x0`…`x30` (`x29` is the frame pointer, `x30` the link register).
  /// Unicorn numbers x0–x28 consecutively but x29 and x30 elsewhere.
  public static let x: [Self] = {
    let low = (0...28).map { n in
      Self(uc_arm64_reg(UC_ARM64_REG_X0.rawValue + UInt32(n)), "x\(n)")
    }
    return low + [Self(UC_ARM64_REG_X29, "x29"), Self(UC_ARM64_REG_X30, "x30")]
  }()

  public static let x0 = x[0]
  public static let x1 = x[1]
  public static let x2 = x[2]
  public static let x3 = x[3]
  public static let x4 = x[4]
  public static let x5 = x[5]
  public static let x6 = x[6]
  public static let x7 = x[7]
  public static let x8 = x[8]
  public static let x9 = x[9]
  public static let x10 = x[10]
  public static let x11 = x[11]
  public static let x12 = x[12]
  public static let x13 = x[13]
  public static let x14 = x[14]
  public static let x15 = x[15]
  public static let x16 = x[16]
  public static let x17 = x[17]
  public static let x18 = x[18]
  public static let x19 = x[19]
  public static let x20 = x[20]
  public static let x21 = x[21]
  public static let x22 = x[22]
  public static let x23 = x[23]
  public static let x24 = x[24]
  public static let x25 = x[25]
  public static let x26 = x[26]
  public static let x27 = x[27]
  public static let x28 = x[28]
  public static let x29 = x[29]
  public static let x30 = x[30]
  /// The frame pointer, `x29`.
  public static let fp = x29
  /// The link register, `x30`.
  public static let lr = x30
  public static let sp = Self(UC_ARM64_REG_SP, "sp")
  public static let pc = Self(UC_ARM64_REG_PC, "pc")
  /// The condition flags N, Z, C, V in bits 31…28.
  public static let nzcv = Self(UC_ARM64_REG_NZCV, "nzcv")
}

/// 32-bit ARM (here: M-profile Thumb) `r0`…`r15` and the status registers.
public struct ARMRegister: EmulatorRegister, CustomStringConvertible {
  public let id: Int32
  public let description: String
  public static var architecture: Architecture { .thumb }

  init(_ register: uc_arm_reg, _ name: String) {
    id = Int32(register.rawValue)
    description = name
  }

  /// `r0`…`r15`. Unicorn numbers r0–r12 consecutively; r13, r14 and r15 are
  /// its aliases of sp, lr and pc.
  public static let r: [Self] = {
    let low = (0...12).map { n in
      Self(uc_arm_reg(UC_ARM_REG_R0.rawValue + UInt32(n)), "r\(n)")
    }
    return low + [Self(UC_ARM_REG_SP, "sp"), Self(UC_ARM_REG_LR, "lr"), Self(UC_ARM_REG_PC, "pc")]
  }()

  public static let r0 = r[0]
  public static let r1 = r[1]
  public static let r2 = r[2]
  public static let r3 = r[3]
  public static let r4 = r[4]
  public static let r5 = r[5]
  public static let r6 = r[6]
  public static let r7 = r[7]
  public static let r8 = r[8]
  public static let r9 = r[9]
  public static let r10 = r[10]
  public static let r11 = r[11]
  public static let r12 = r[12]
  public static let sp = r[13]
  public static let lr = r[14]
  /// The program counter. Reads give the address without the Thumb bit.
  public static let pc = r[15]
  /// CPSR, the A/R-profile status register. On the M-profile cores of
  /// ``Architecture/thumb`` it is not the xPSR; use ``xpsr``.
  public static let cpsr = Self(UC_ARM_REG_CPSR, "cpsr")
  /// The M-profile program status register (APSR, IPSR and EPSR combined).
  public static let xpsr = Self(UC_ARM_REG_XPSR, "xpsr")
  /// The condition flags N, Z, C, V (bits 31…28).
  public static let apsr = Self(UC_ARM_REG_APSR, "apsr")
}
