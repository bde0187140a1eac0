/// Calling convention and register map of RV32 block code on AArch64.
/// (Placeholder of the port skeleton: the block half replaces this file.)
enum BlockABI {
  /// What block code keeps in host register x`n`.
  static func role(_ n: Int) -> String { "unassigned" }
}
