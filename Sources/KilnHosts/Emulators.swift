import Emulation
import KilnPort

/// Makes an executor that runs a port's code in Unicorn, optionally counting
/// every executed host instruction (exact, several times slower).
let makeEmulator: (@Sendable (PortFacts, Bool) throws(ExecutorError) -> any Executor)? = {
  facts, count throws(ExecutorError) in
  try UnicornExecutor(port: facts, countInstructions: count)
}
