import EBPF

/// Runs every generated bpf_conformance case on the selected engine and
/// compares r0 with the file's `-- result`, or checks that a case with an
/// `-- error` is rejected (at decoding, checking or run time).
func runConformance(_ tally: inout Tally) {
  for index in 0..<kiln_conformance_count {
    guard let c = kiln_conformance_at(index)?.pointee, let code = c.code else { continue }
    let name = text(c.name)
    let bytes = Array(UnsafeBufferPointer(start: code, count: Int(c.code_size)))
    // The memory is copied to RAM: programs may write to it.
    var memory: [UInt8]? = nil
    if c.has_memory != 0 {
      memory =
        c.memory.map { Array(UnsafeBufferPointer(start: $0, count: Int(c.memory_size))) } ?? []
    }
    let outcome = runCase(bytes, memory: &memory)
    if let expected = c.error {
      switch outcome {
      case .success(let r0):
        tally.record(false, "\(name): expected error '\(text(expected))', got r0 = \(hex(r0))")
      case .failure(let error):
        tally.record(true, "\(name): rejected (\(error.description))")
      }
    } else {
      switch outcome {
      case .success(let r0):
        tally.record(r0 == c.result, "\(name): r0 = \(hex(r0)), expected \(hex(c.result))")
      case .failure(let error):
        tally.record(false, "\(name): \(error.description), expected r0 = \(hex(c.result))")
      }
    }
  }
  let skipped = kiln_conformance_skipped
  print(
    "conformance: \(kiln_conformance_count) cases on the device"
      + (skipped > 0 ? ", \(skipped) rejected by the assembler on the host" : ""))
}

/// Decodes, loads and runs one case with the conformance helpers (helper 5
/// returns its first argument).
private func runCase(_ bytes: [UInt8], memory: inout [UInt8]?) -> Result<UInt64, EBPFError> {
  do throws(EBPFError) {
    let program = try Program(bytes: bytes)
    let loaded = try load(program, helpers: .conformance)
    guard var m = memory else { return .success(try run(loaded, context: nil)) }
    let result: Result<UInt64, EBPFError> = m.withUnsafeMutableBytes { buffer in
      do throws(EBPFError) { return .success(try run(loaded, context: buffer)) } catch {
        return .failure(error)
      }
    }
    memory = m
    return result
  } catch {
    return .failure(error)
  }
}
