/// Where things live in the guest's 32-bit address space.
///
/// ```
///  0xFFFF_FFFF ┌──────────────────────────┐
///              │ (unused)                 │
///  0xC000_0000 ├──────────────────────────┤ stackTop: strings, AT_RANDOM bytes,
///              │ stack (8 MiB, grows ↓)   │   auxv, envp, argv, argc ← sp
///  0xBF80_0000 ├──────────────────────────┤
///              │ guard gap (64 KiB)       │ never mapped: SIGSEGV (139)
///  0xBF7F_0000 ├──────────────────────────┤ mmapTop = segmentLimit
///              │ mmap2 area (grows ↓)     │
///              │          ...             │
///              │ brk heap (grows ↑)       │
///              ├──────────────────────────┤ initial brk: page after the highest segment
///              │ ELF PT_LOAD segments     │
///  0x0000_0000 └──────────────────────────┘
/// ```
///
/// Guest pages are mapped lazily by the VM, so only pages that are touched
/// use the page pool (`Config.maxMemoryPages`).
public enum AddressSpace {
  public static let pageSize: UInt32 = 4096
  public static let stackTop: UInt32 = 0xC000_0000
  public static let stackSize: UInt32 = 8 << 20
  public static let stackBottom: UInt32 = stackTop - stackSize
  /// The mmap2 area grows down from here towards the brk heap.
  public static let mmapTop: UInt32 = stackBottom - 0x1_0000
  /// Guest pages between the mmap2 area and the stack that are never mapped
  /// (`VirtualMachine.guardPages`), so that a stack overflow faults.
  public static let guardGap: Range<UInt32> = (mmapTop >> 12)..<(stackBottom >> 12)
  /// ELF segments must end at or below this address.
  public static let segmentLimit: UInt32 = mmapTop

  static func pageAlignUp(_ v: UInt64) -> UInt64 {
    (v + UInt64(pageSize) - 1) & ~UInt64(pageSize - 1)
  }
}
