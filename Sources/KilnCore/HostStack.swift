#if canImport(CKilnStack)
  import CKilnStack
#endif

/// The calling thread's host stack: how far it goes down, and roughly where
/// its top is now. Engines that recurse on the host stack (nested
/// `callFunction` through a syscall handler, eBPF local calls compiled to
/// host calls) check the room left with it and stop with a typed error
/// before the thread's guard page is reached.
///
/// Stacks grow down on every host Kiln supports (x86-64, AArch64, Arm).
public enum HostStack {
  /// The lowest usable address of the calling thread's stack, or nil where
  /// the platform cannot tell (Embedded Swift, other systems).
  ///
  /// Linux: `pthread_getattr_np` (for the main thread glibc derives it from
  /// `RLIMIT_STACK` and `/proc/self/maps`, a file read, so `CKilnStack`
  /// caches it per thread). macOS: the stack's top address and size from
  /// `pthread_get_stackaddr_np` / `pthread_get_stacksize_np`.
  public static func lowerBound() -> UInt? {
    #if canImport(CKilnStack)
      let low = kiln_stack_lower_bound()
      return low == 0 ? nil : UInt(low)
    #else
      return nil
    #endif
  }

  /// An address in the caller's current frame: the stack pointer, give or
  /// take a frame. Differences between two calls measure the stack used in
  /// between.
  @inline(never)
  public static func currentAddress() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
  }

  /// Bytes left below the caller's frame, or nil where the bound is unknown.
  public static func remaining() -> Int? {
    guard let low = lowerBound() else { return nil }
    let here = currentAddress()
    return here > low ? Int(here - low) : 0
  }
}
