import EBPF

// Entry points for Firmware/bench.sh, which loads this image into Unicorn's
// Cortex-M4 and counts the instructions executed between a call to one of
// these functions and its return. QEMU never calls them. They do not print.
//
//   kiln_bench_prepare()        decode both programs (not measured)
//   kiln_bench_load(p)          load program p (0 Fletcher-16, 1 DHT22) on the
//                               selected engine: the checker (interpreter) or
//                               the compiler (JIT); 0 on success
//   kiln_bench_fletcher16()     one run over the fixed buffer, the checksum
//   kiln_bench_dht22(frame)     one decode of a frame, the packed reading
//   kiln_bench_code_bytes(p)    bytes of code the JIT generated for p (0: interpreter)
//
// The native C baseline is kiln_native_fletcher16 / kiln_native_dht22
// (Runtime/board.c).

nonisolated(unsafe) private var benchPrograms: [Program] = []
nonisolated(unsafe) private var benchLoaded: [LoadedProgram?] = [nil, nil]

@_cdecl("kiln_bench_prepare")
func benchPrepare() -> Int32 {
  do throws(EBPFError) {
    benchPrograms = [try program(kiln_fletcher16_program()), try program(kiln_dht22_program())]
    return 0
  } catch {
    return 1
  }
}

@_cdecl("kiln_bench_load")
func benchLoad(_ which: UInt32) -> Int32 {
  guard Int(which) < benchPrograms.count else { return 2 }
  do throws(EBPFError) {
    benchLoaded[Int(which)] = try load(
      benchPrograms[Int(which)], helpers: firmwareHelpers(), facts: firmwareHelperFacts())
    return 0
  } catch {
    return 1
  }
}

@_cdecl("kiln_bench_fletcher16")
func benchFletcher16() -> UInt32 {
  guard let loaded = benchLoaded[0], let r0 = try? run(loaded, context: fletcherContext()) else {
    return UInt32.max
  }
  return UInt32(truncatingIfNeeded: r0)
}

@_cdecl("kiln_bench_dht22")
func benchDHT22(_ frame: UInt32) -> Int64 {
  kiln_dht22_select(frame)
  guard let loaded = benchLoaded[1], let r0 = try? run(loaded, context: nil) else {
    return Int64.min
  }
  return Int64(bitPattern: r0)
}

/// Bytes of code the JIT generated for program `which` (0 for the
/// interpreter, which generates none).
@_cdecl("kiln_bench_code_bytes")
func benchCodeBytes(_ which: UInt32) -> UInt32 {
  guard Int(which) < benchLoaded.count, let loaded = benchLoaded[Int(which)] else { return 0 }
  switch loaded {
  case .interpreter: return 0
  #if KILN_THUMB2_JIT
    case .thumb2(let compiled): return UInt32(compiled.size)
  #endif
  }
}
