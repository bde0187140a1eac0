import CUnicorn

/// The guest instruction sets an ``Emulator`` runs, with the Unicorn
/// architecture and mode each one opens.
public enum Architecture: Sendable, Hashable, CaseIterable {
  // swift-format-ignore: AlwaysUseLowerCamelCase
  // (x86_64 is the ISA's own spelling, as in `#if arch(x86_64)`.)
  /// x86-64 in 64-bit mode (`UC_ARCH_X86`, `UC_MODE_64`).
  case x86_64
  /// AArch64, little endian (`UC_ARCH_ARM64`, `UC_MODE_ARM`).
  case aarch64
  /// Thumb-2 on an M-profile core: Cortex-M4 (ARMv7E-M) unless another CPU
  /// model is given (`UC_ARCH_ARM`, `UC_MODE_THUMB`, CPU model
  /// `UC_CPU_ARM_CORTEX_M4`).
  ///
  /// Not `UC_MODE_MCLASS`: on Unicorn 2.0.1 that mode always runs a
  /// Cortex-M33 and silently ignores the CPU model; the M-profile comes
  /// from the model instead.
  ///
  /// A 32-bit address space: everything mapped must lie below 4 GiB, and
  /// code in the executable regions of the M-profile default memory map
  /// (see ``Emulator/allocatePages(_:below4GiB:)``).
  case thumb

  /// Bits of an emulated address: 64, or 32 for ``thumb``.
  public var addressBits: Int { self == .thumb ? 32 : 64 }

  /// The CPU model ``Emulator/init(architecture:cpuModel:)`` selects when
  /// given none: Cortex-M4 (`UC_CPU_ARM_CORTEX_M4`) for ``thumb``; Unicorn's
  /// own default otherwise.
  public var defaultCPUModel: Int32? {
    self == .thumb ? Int32(UC_CPU_ARM_CORTEX_M4.rawValue) : nil
  }

  /// Unicorn's id of the program counter.
  public var programCounter: Int32 {
    switch self {
    case .x86_64: X86_64Register.rip.id
    case .aarch64: AArch64Register.pc.id
    case .thumb: ARMRegister.pc.id
    }
  }

  /// Unicorn's id of the stack pointer.
  public var stackPointer: Int32 {
    switch self {
    case .x86_64: X86_64Register.rsp.id
    case .aarch64: AArch64Register.sp.id
    case .thumb: ARMRegister.sp.id
    }
  }

  var unicornArch: uc_arch {
    switch self {
    case .x86_64: UC_ARCH_X86
    case .aarch64: UC_ARCH_ARM64
    case .thumb: UC_ARCH_ARM
    }
  }

  var unicornMode: uc_mode {
    switch self {
    case .x86_64: UC_MODE_64
    case .aarch64: UC_MODE_ARM
    case .thumb: UC_MODE_THUMB
    }
  }
}
