import ArgumentParser

/// `kiln`: run and inspect static RV32 Linux programs and eBPF programs.
@main
struct Kiln: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kiln",
    abstract: "Run static RISC-V RV32IM Linux programs, and eBPF programs, with Kiln.",
    discussion: """
      Exit status: the guest's own exit status; 1 when the program cannot be \
      loaded (unreadable file, malformed or unsupported ELF, bad limits); 64 for \
      command-line usage errors; 74 when kiln's own output cannot be written \
      (full or closed stdout); 128 + signal number when the guest faults, as a \
      shell reports a process killed by that signal (132 illegal instruction, \
      133 breakpoint, 135 misaligned jump, 139 execution outside memory, out of \
      guest memory, the stack guard gap or a segment's permissions, 134 other \
      runtime errors). `kiln bpf` runs eBPF programs; its \
      exit statuses are in `kiln bpf --help`.
      """,
    version: "kiln \(kilnVersion)",
    subcommands: [Run.self, Disasm.self, BPF.self],
    defaultSubcommand: nil)
}
