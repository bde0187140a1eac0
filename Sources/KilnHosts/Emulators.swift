import KilnPort

/// Makes an executor that runs a port's code in an emulator; nil while this
/// build has none.
let makeEmulator: (@Sendable (PortFacts) throws(ExecutorError) -> any Executor)? = nil
