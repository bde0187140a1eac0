import KilnIR
import Testing

@testable import RV32

@Suite struct InstructionCacheTests {
  /// Every table entry has exactly one interpreter code, whose kind is the entry's.
  @Test func everyEntryHasOneCode() {
    #expect(Handler.ofEntry.count == InstructionTable.entries.count)
    for (entry, handler) in zip(InstructionTable.entries, Handler.ofEntry) {
      #expect(handler.kind == entry.kind, "\(entry.mnemonic)")
    }
  }

  /// A store over the next instruction runs the new one (no fence.i), and
  /// a cache kept across runs sees writes that `invalidate` reports.
  @Test func selfModifyingCodeAndOutsideWrites() throws {
    // sw a1, 8(zero-based a0); addi a2, zero, 1 (overwritten by a1 = addi a2, zero, 7); ecall
    // Words encoded by hand from the RISC-V unprivileged spec (S-type, I-type).
    let program: [UInt32] = [
      0x00B5_2423,  // sw a1, 8(a0)
      0x0000_0013,  // nop
      0x0010_0613,  // addi a2, zero, 1
      0x0000_0073,  // ecall
    ]
    var memory = ArrayMemory(base: codeBase, words: program)
    let cache = InstructionCache()
    var state = RV32State(pc: codeBase)
    state[.a0] = codeBase
    state[.a1] = 0x0070_0613  // addi a2, zero, 7
    var executed = 0
    var event = try Interpreter.run(
      &state, memory: &memory, cache: cache, stopPC: 0, executed: &executed)
    #expect(event == .ecall(pc: codeBase + 12))
    #expect(state[.a2] == 7)
    #expect(executed == 4)
    // Written from outside between runs, then reported: the new word runs.
    memory.write(codeBase + 8, 0x0090_0613, size: 4)  // addi a2, zero, 9
    cache.invalidate(address: codeBase + 8, count: 4)
    state.pc = codeBase + 4
    event = try Interpreter.run(
      &state, memory: &memory, cache: cache, stopPC: 0, executed: &executed)
    #expect(event == .ecall(pc: codeBase + 12))
    #expect(state[.a2] == 9)
    #expect(executed == 7)
  }
}
