import EBPF

/// eBPF instructions a run executes, found on the host with Kiln's
/// interpreter: the smallest instruction budget
/// (``ExecutionOptions/instructionBudget``) with which the run completes.
/// Only used to express the device counts per eBPF instruction.
func executedGuestInstructions(
  _ program: Program, helpers: HelperTable, context: [UInt8]?
) throws -> UInt64 {
  func completes(_ limit: UInt64) throws -> Bool {
    var memory = context ?? []
    let vm = try Interpreter(
      program: program, helpers: helpers, options: ExecutionOptions(instructionBudget: limit))
    let result: Result<UInt64, EBPFError>
    do throws(EBPFError) {
      result = .success(context == nil ? try vm.run() : try vm.run(memory: &memory))
    } catch {
      result = .failure(error)
    }
    switch result {
    case .success: return true
    case .failure(.instructionBudgetExhausted): return false
    case .failure(let error): throw error
    }
  }
  var high: UInt64 = 1024
  while try !completes(high) {
    guard high < 1 << 40 else { throw BenchError("eBPF program does not finish") }
    high *= 2
  }
  var low: UInt64 = 0  // does not complete with `low` (a budget of 0 runs nothing)
  while high - low > 1 {
    let mid = low + (high - low) / 2
    if try completes(mid) { high = mid } else { low = mid }
  }
  return high
}
