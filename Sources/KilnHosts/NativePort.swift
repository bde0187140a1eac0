import KilnPort

// The one place that knows which port is this machine's. Adding a port that
// can run natively adds one `#elseif arch(...)` here.
#if arch(x86_64)
  import X86_64Port
  /// The port of this machine's architecture, if Kiln has one.
  let nativePort: (any HostPort.Type)? = X86_64Port.self
#elseif arch(arm64)
  import AArch64Port
  /// The port of this machine's architecture: AArch64 (Linux on Arm,
  /// Apple silicon). Its eBPF atomics follow `CPUFeatures.host`, detected
  /// at run time. Not run natively by Kiln's own CI (x86-64 machines),
  /// which runs this port's code in Unicorn instead.
  let nativePort: (any HostPort.Type)? = AArch64Port.self
#else
  let nativePort: (any HostPort.Type)? = nil
#endif
