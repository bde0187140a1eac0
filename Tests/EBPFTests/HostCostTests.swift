import EBPF
import EBPFJIT
import KilnHosts
import KilnPort
import Testing

/// The cost of each emulated port's code on a few loops, counted exactly
/// in Unicorn (not timed): executed host instructions per executed eBPF
/// instruction (the eBPF count is worked out from each loop's shape) and
/// host code bytes per eBPF instruction, printed as a table. The results
/// must match the interpreter's.
@Suite struct HostCostTests {
  struct Loop: Sendable {
    var name: String
    var source: String
    var memory: [UInt8]?
    /// eBPF instructions executed.
    var executed: Int
  }

  static let loops: [Loop] = [
    Loop(
      name: "alu64 sum",
      source: """
        mov %r0, 0
        mov %r1, 1000
        loop:
        add %r0, %r1
        sub %r1, 1
        jne %r1, 0, loop
        exit
        """, memory: nil, executed: 2 + 3 * 1000 + 1),
    Loop(
      name: "byte checksum",
      source: """
        mov %r0, 0
        mov %r3, 0
        loop:
        mov %r4, %r1
        add %r4, %r3
        ldxb %r5, [%r4]
        add %r0, %r5
        add %r3, 1
        jlt %r3, %r2, loop
        exit
        """, memory: (0..<256).map { UInt8($0 & 0xFF) }, executed: 2 + 6 * 256 + 1),
    Loop(
      name: "xorshift mul64",
      source: """
        mov %r0, 1
        mov %r1, 500
        loop:
        mov %r2, %r0
        lsh %r2, 13
        xor %r0, %r2
        mov %r2, %r0
        rsh %r2, 7
        xor %r0, %r2
        mul %r0, 3
        sub %r1, 1
        jne %r1, 0, loop
        exit
        """, memory: nil, executed: 2 + 9 * 500 + 1),
    Loop(
      name: "stack store/load",
      source: """
        mov %r0, 0
        mov %r1, 400
        loop:
        stxdw [%r10-8], %r1
        ldxdw %r2, [%r10-8]
        add %r0, %r2
        sub %r1, 1
        jne %r1, 0, loop
        exit
        """, memory: nil, executed: 2 + 5 * 400 + 1),
  ]

  /// Also with an instruction budget (10^15, never reached) and with an
  /// interrupter (never raised): the cost of their checks and polls.
  @Test func hostInstructionsPerEBPFInstruction() throws {
    var table = [
      "| port | loop | host insns / eBPF insn | with a budget | interruptible | code bytes / eBPF insn |",
      "|---|---|---|---|---|---|",
    ]
    let variants = [
      ExecutionOptions(), ExecutionOptions(instructionBudget: 1_000_000_000_000_000),
      ExecutionOptions(interrupter: Interrupter()),
    ]
    for port in Hosts.functionPorts + Hosts.functionVariants {
      let host = try Hosts.emulated(port, countInstructions: true)
      for loop in Self.loops {
        let program = try Program(assembly: loop.source)
        let expected = try Engine.interpreter.run(
          program, memory: loop.memory, helpers: .conformance)
        var costs: [String] = []
        var bytes = 0.0
        for options in variants {
          let jit = try makeJITProgram(
            host: host, program: program, helpers: .conformance, options: options)
          let before = jit.executedInstructions ?? 0
          var memory = loop.memory ?? []
          let r0 = loop.memory == nil ? try jit.run() : try jit.run(memory: &memory)
          #expect(r0 == expected, "\(port.facts.name) \(loop.name)")
          let executed = (jit.executedInstructions ?? 0) - before
          #expect(executed > 0, "\(port.facts.name): the emulator counted no instructions")
          costs.append(Self.format(Double(executed) / Double(loop.executed)))
          if costs.count == 1 { bytes = Double(jit.hostCode.count) / Double(program.count) }
        }
        table.append(
          "| \(port.facts.name) | \(loop.name) | \(costs.joined(separator: " | ")) | \(Self.format(bytes)) |"
        )
      }
    }
    print(table.joined(separator: "\n"))
  }

  static func format(_ x: Double) -> String {
    let hundredths = Int((x * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
