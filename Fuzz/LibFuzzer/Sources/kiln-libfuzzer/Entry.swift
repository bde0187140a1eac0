// libFuzzer entry point for every fuzz target: KILN_FUZZ_TARGET names the
// target (bpf-native, rv32-native, elf, …; see FuzzTarget). A divergence
// is reported and ends the process with a trap, so that libFuzzer saves
// the input as a crash artifact.
import Foundation
import KilnFuzz

nonisolated(unsafe) private var runner: FuzzTarget.Runner? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  if runner == nil {
    let name = ProcessInfo.processInfo.environment["KILN_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
      fatalError("set KILN_FUZZ_TARGET to one of: \(names)")
    }
    do { runner = try target.makeRunner() } catch { fatalError("cannot start \(name): \(error)") }
  }
  let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  do {
    if let divergence = try runner?.run(input) {
      FileHandle.standardError.write(Data("kiln-libfuzzer: DIVERGENCE\n\(divergence)\n".utf8))
      fatalError("divergence")
    }
  } catch {
    fatalError("the harness failed: \(error)")
  }
  return 0
}

// SwiftPM links an executable target with `main` defined as
// `kiln_libfuzzer_main` (its entry-point renaming on Linux), so libFuzzer's
// own `main` is not used: this one starts libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("kiln_libfuzzer_main")
public func kilnLibFuzzerMain(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
  var argc = argc
  var argv = argv
  return runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
