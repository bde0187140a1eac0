import KilnIR
import KilnPort
import RV32

/// Compile speed without running anything (`Benchmarks/CompileBench`, for
/// `Scripts/bench-hosts.sh`): the RV32 code `words` (guest address
/// `start`) is cut into consecutive blocks, each translated and compiled by
/// `port` for a VM's state layout in `memoryMode`, as `JITEngine` compiles
/// it, but into no code memory: nothing is installed, patched or run, so
/// the time is translation and the port's code generation alone, in plain
/// Swift, for any port on any machine. Jumps see no compiled blocks (every
/// direct jump gets its patchable exit, as on first compilation).
public struct CompileProbe {
  public let instructions: Int
  public let bytes: Int
  public let blocks: Int

  public init(
    port: any BlockPort.Type, memoryMode: MemoryMode, words: [UInt32], start: UInt32
  ) throws(RuntimeError) {
    (instructions, bytes, blocks) = try Self.compile(port, memoryMode, words, start)
  }

  private static func compile<Port: BlockPort>(
    _: Port.Type, _ memoryMode: MemoryMode, _ words: [UInt32], _ start: UInt32
  ) throws(RuntimeError) -> (Int, Int, Int) {
    var layout =
      memoryMode == .flat ? GuestState.Flat.layout : GuestState.Paged.layout(walk: .direct)
    layout.preferredRegisters = Translator.preferredRegisters
    let backend = Port.Blocks(layout: layout)
    // A made-up code address: the code is never installed.
    let base: UInt = 0x10_0000_0000
    let stubs: HostStubs
    do { stubs = try backend.makeStubs(baseAddress: base) } catch {
      throw .internalError(error.description)
    }
    var cursor = (stubs.bytes.count + 15) & ~15
    let translator = Translator(maxBlockInstructions: Config().maxBlockInstructions)
    let end = start &+ UInt32(truncatingIfNeeded: words.count * 4)
    var pc = start
    var instructions = 0
    var blocks = 0
    while pc < end {
      let block = translator.translate(at: pc) { address in
        guard address >= start, address < end else { return nil }
        return words[Int((address - start) / 4)]
      }
      let code: CompiledCode
      do {
        code = try backend.compile(block, baseAddress: base + UInt(cursor), stubs: stubs) { _ in
          nil
        }
      } catch { throw .internalError(error.description) }
      cursor = (cursor + code.bytes.count + 15) & ~15
      instructions += block.guestInstructionCount
      blocks += 1
      pc = block.endPC > pc ? block.endPC : pc &+ 4
    }
    return (instructions, cursor, blocks)
  }
}
