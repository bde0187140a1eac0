/// Register map and frame of ``FunctionIR`` code on AArch64.
/// (Placeholder of the port skeleton: the function half replaces this file.)
enum FunctionABI {
  /// What function code keeps in host register x`n`.
  static func role(_ n: Int) -> String { "unassigned" }
}
