import ArgumentParser

extension Kiln {
  /// `kiln bpf`: run, assemble and disassemble eBPF programs.
  struct BPF: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bpf",
      abstract: "Run, assemble and disassemble eBPF programs.",
      discussion: """
        Program files: an ELF object from `clang --target=bpf -O2 -c` (a file \
        ending in .o or starting with \\x7fELF), assembly in the bpf_conformance \
        syntax (.s, .asm), or raw little-endian instruction bytes (anything else).

        Exit status: 0 on success; 1 when the program cannot be loaded \
        (unreadable file, malformed or unsupported ELF object, assembler or \
        decoding error, rejected by the checker, engine not available); 64 for \
        command-line usage errors; 74 when the output cannot be written (full \
        or closed stdout); 139 when the program accesses memory out of \
        bounds and 134 for other runtime errors (call depth, --max-instructions, \
        unknown helper in callx), \
        as a shell reports SIGSEGV and SIGABRT. Every failure is one line on \
        stderr, `kiln: <message>`, naming the instruction index where there is one.
        """,
      subcommands: [BPFRun.self, BPFAsm.self, BPFDisasm.self, BPFConformancePlugin.self])
  }
}

/// `--function` / `--section`: which program of an ELF object.
struct BPFProgramChoice: ParsableArguments {
  @Option(help: "ELF input: the function to run (default: main, else the only global function).")
  var function: String?

  @Option(help: "ELF input: the section whose program to run (e.g. xdp).")
  var section: String?
}
