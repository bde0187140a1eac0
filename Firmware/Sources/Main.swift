/// The firmware's entry, called by the reset handler (Runtime/startup.c)
/// after memory set-up; its result is QEMU's exit status (semihosting
/// SYS_EXIT_EXTENDED): 0 when every check passed.
@_cdecl("kiln_main")
func kilnMain() -> Int32 {
  print("kiln-firmware: mps2-an386 (Cortex-M4), engine \(Engine.selected.name)")
  var tally = Tally()
  runConformance(&tally)
  runFletcher16(&tally)
  runDHT22(&tally)
  print("memory: heap peak \(kiln_heap_peak()) B, stack peak \(kiln_stack_peak()) B")
  print(
    "RESULT: \(tally.failed == 0 ? "PASS" : "FAIL") "
      + "(\(tally.passed) passed, \(tally.failed) failed)")
  kiln_flush()
  return tally.failed == 0 ? 0 : 1
}
