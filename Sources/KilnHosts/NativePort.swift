import KilnPort

// The one place that knows which port is this machine's. Adding a port that
// can run natively adds one `#elseif arch(...)` here.
#if arch(x86_64)
  import X86_64Port
  /// The port of this machine's architecture, if Kiln has one.
  let nativePort: (any HostPort.Type)? = X86_64Port.self
#else
  let nativePort: (any HostPort.Type)? = nil
#endif
