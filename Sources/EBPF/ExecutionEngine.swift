/// What every engine (the interpreter, each JIT) offers: run the checked
/// program once with a context region. Generic code uses it as a
/// constraint (`some ExecutionEngine`), so it also works in Embedded Swift.
public protocol ExecutionEngine {
  /// Runs with `context` as the program's memory (`r1` = address, `r2` =
  /// length), or with `r1 = r2 = 0` when `nil`; returns `r0`.
  func run(context: UnsafeMutableRawBufferPointer?) throws(EBPFError) -> UInt64
}

extension ExecutionEngine {
  /// Runs without a context (`r1 = r2 = 0`).
  public func run() throws(EBPFError) -> UInt64 { try run(context: nil) }

  /// Runs with the bytes of `memory` as the context; the program may modify them.
  public func run(memory: inout [UInt8]) throws(EBPFError) -> UInt64 {
    let result: Result<UInt64, EBPFError> = memory.withUnsafeMutableBytes { buffer in
      do throws(EBPFError) {
        return .success(try run(context: buffer))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }
}
