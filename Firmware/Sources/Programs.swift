import EBPF

/// The eBPF helper id of the DHT22 pulse reader (BPF/programs.h).
let readPulseHelper: UInt32 = 1

/// `read_pulse(index)`: the length of high pulse `index` of the selected
/// frame in microseconds (the simulated sensor of Runtime/board.c),
/// 0xFFFF_FFFF past the end: always below 2^32. A C function
/// (`kiln_helper_read_pulse(uint64_t) -> uint32_t`) that the Thumb-2 JIT
/// calls directly (``firmwareHelperFacts()``); the interpreter's helper
/// table has the same code as a Swift closure.
let readPulse: @convention(c) (UInt64) -> UInt32 = kiln_helper_read_pulse

/// The helpers of the firmware's own programs.
func firmwareHelpers() -> HelperTable {
  var helpers = HelperTable()
  // `kiln_helper_read_pulse` written out: a Swift closure calling a C
  // function pointer would go through one more call and thunk.
  helpers.register(readPulseHelper) { index, _, _, _, _ in
    guard index < 40 else { return 0xFFFF_FFFF }
    return UInt64(UInt32(truncatingIfNeeded: dht_read_pulse(UInt(index))))
  }
  return helpers
}

/// What a JIT may know of the firmware's helpers (``HelperFacts``):
/// `read_pulse` is a C function of one argument whose result is below
/// 2^32, and it takes an index (no memory through its argument).
func firmwareHelperFacts() -> HelperFacts {
  HelperFacts(
    direct: [
      readPulseHelper: UInt64(
        UInt(bitPattern: unsafeBitCast(readPulse, to: UnsafeRawPointer.self)))
    ],
    arguments: [readPulseHelper: 1], narrowResults: [readPulseHelper],
    memoryFree: [readPulseHelper])
}

/// A program of the generated data as a decoded ``Program``.
func program(_ bytes: kiln_bytes) throws(EBPFError) -> Program {
  guard let base = bytes.bytes else { throw .emptyProgram }
  return try Program(bytes: Array(UnsafeBufferPointer(start: base, count: Int(bytes.size))))
}

/// The Fletcher-16 input as a context region. The program only reads it;
/// the engines take a mutable buffer because programs may write their context.
func fletcherContext() -> UnsafeMutableRawBufferPointer {
  let data = kiln_fletcher16_data()
  return UnsafeMutableRawBufferPointer(
    start: UnsafeMutableRawPointer(mutating: data.bytes), count: Int(data.size))
}

/// Fletcher-16 over the fixed buffer: eBPF on the selected engine, the
/// native C build, and the host's result must agree.
func runFletcher16(_ tally: inout Tally) {
  let expected = UInt64(kiln_fletcher16_expected)
  let native = UInt64(kiln_native_fletcher16())
  do throws(EBPFError) {
    let loaded = try load(
      program(kiln_fletcher16_program()), helpers: firmwareHelpers(),
      facts: firmwareHelperFacts())
    let r0 = try run(loaded, context: fletcherContext())
    tally.record(
      r0 == expected && native == expected,
      "fletcher16: \(kiln_fletcher16_data().size) bytes -> \(hex(r0, digits: 4)) "
        + "(native \(hex(native, digits: 4)), host \(hex(expected, digits: 4)))")
  } catch {
    tally.record(false, "fletcher16: \(error.description)")
  }
}

/// A decoder result as text (BPF/programs.h: humidity ×10 in bits 0–15,
/// temperature ×10 as Int16 in bits 16–31; -1 checksum error, -2 bad pulse).
func reading(_ value: Int64) -> String {
  switch value {
  case -1: return "checksum error"
  case -2: return "bad pulse"
  case 0...0xFFFF_FFFF:
    let humidity = Int(value & 0xFFFF)
    let temperature = Int(Int16(truncatingIfNeeded: value >> 16))
    return "humidity \(tenths(humidity)) %RH, temperature \(tenths(temperature)) C"
  default: return "invalid result \(hex(UInt64(bitPattern: value)))"
  }
}

/// The DHT22 decoder over every generated frame: eBPF (reading the pulses
/// through the helper), the native C build, and the host's result must agree.
func runDHT22(_ tally: inout Tally) {
  let loaded: LoadedProgram
  do throws(EBPFError) {
    loaded = try load(
      program(kiln_dht22_program()), helpers: firmwareHelpers(), facts: firmwareHelperFacts())
  } catch {
    tally.record(false, "dht22: \(error.description)")
    return
  }
  for frame in 0..<kiln_dht22_frame_count {
    let expected = kiln_dht22_expected_at(frame)
    let native = kiln_native_dht22(frame)
    kiln_dht22_select(frame)
    let name = text(kiln_dht22_name(frame))
    do throws(EBPFError) {
      let r0 = Int64(bitPattern: try run(loaded, context: nil))
      let same = r0 == expected && native == expected
      tally.record(
        same,
        "dht22 [\(name)]: \(reading(r0))"
          + (same ? "" : " (native: \(reading(native)), host: \(reading(expected)))"))
    } catch {
      tally.record(false, "dht22 [\(name)]: \(error.description)")
    }
  }
}
