// Generated from README.md and the DocC articles (Sources/*/*.docc) by
// ReadmeTests (do not edit): each ```swift block as the body of a
// function, imports hoisted.
// swift-format-ignore-file
import EBPF
import EBPFJIT
import EBPFObject
import Foundation
import KilnHosts
import Runtime

func readmeSample1() throws {

  let code: [UInt8] = [0x33, 0x05, 0xB5, 0x00, 0x67, 0x80, 0x00, 0x00]  // add a0, a0, a1; ret
  let vm = try VirtualMachine(config: Config()) { (vm, number) throws(RuntimeError) in  // number = a7
    if number == 93 { throw .exited(status: Int32(bitPattern: vm.readRegister(10))) }
  }
  try vm.loadProgram(code, at: 0x1000)
  let r = try vm.callFunction(at: 0x1000, arguments: [1, 2])  // a0–a7 in, a0 out: 3
  vm.writeRegister(10, r + 5)
  let bytes = try vm.readMemory(at: 0x2000, count: 16)
  try vm.writeMemory(at: 0x2000, bytes)
  vm.clearMemory()
}

func readmeSample2() throws {

  let object = try EBPFObjectFile(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: "prog.o"))))
  let loaded = try object.load()  // `main`, or the object's one global function
  var helpers = HelperTable()
  helpers.register(6) { value, _, _, _, _ in  // helper 6: r1 in, r0 out
    print("trace: \(value)")
    return 0
  }
  var packet: [UInt8] = [1, 2, 3, 4]  // the context: r1 = its address, r2 = its length
  // The engines keep `loaded.memoryMap`, and with it the program's globals, alive.
  let interpreter = try Interpreter(
    program: loaded.program, helpers: helpers, memoryMap: loaded.memoryMap)
  print(try interpreter.run(memory: &packet))
  if let host = Hosts.native {
    let jit = try makeJITProgram(
      host: host, program: loaded.program, helpers: helpers, memoryMap: loaded.memoryMap)
    print(try jit.run(memory: &packet))
  }
}

func doccSample_EmbeddingTheEBPFJIT_1() throws {

  // Sums the first two bytes of the context (r1 = its address, r2 = its length)
  // and passes the sum through helper 1.
  let program = try Program(
    assembly: """
      ldxb %r3, [%r1]
      ldxb %r4, [%r1+1]
      add %r3, %r4
      mov %r1, %r3
      call 1
      exit
      """)
  var helpers = HelperTable()
  helpers.register(1) { value, _, _, _, _ in value * 10 }  // r1 in, r0 out

  var packet: [UInt8] = [3, 4]
  let interpreter = try Interpreter(program: program, helpers: helpers)
  print(try interpreter.run(memory: &packet))  // (3 + 4) * 10 = 70
  if let host = Hosts.native {  // nil on hosts without a JIT port
    let jit = try makeJITProgram(host: host, program: program, helpers: helpers)
    print(try jit.run(memory: &packet))  // 70 again, as native code
  }
}

func doccSample_EmbeddingTheEBPFJIT_2() throws {

  func runTrusted(_ program: Program) throws -> UInt64? {
    let options = ExecutionOptions(boundsChecks: false, maxCallDepth: 16)
    guard let host = Hosts.native else { return nil }
    let jit = try makeJITProgram(host: host, program: program, options: options)
    return try jit.run()
  }
}

func doccSample_EmbeddingTheRV32VM_1() throws {

  var config = Config()
  config.engine = .jit  // or .interpreter: the same results on every host
  config.memoryMode = .paged  // `.flat` where MemoryMode.flatAvailable
  config.maxMemoryPages = 256  // 1 MiB of guest memory, mapped on first touch

  let vm = try VirtualMachine(config: config) { (vm, number) throws(RuntimeError) in
    switch number {  // a7
    case 1: vm.writeRegister(10, vm.readRegister(10) * 2)  // a0 = a0 * 2, on the host
    case 93: throw .exited(status: Int32(bitPattern: vm.readRegister(10)))
    default: throw .syscall("unknown syscall \(number)")
    }
  }

  // addi a0, a0, 1; li a7, 1; ecall; ret   (llvm-mc --triple=riscv32 --show-encoding)
  let code: [UInt8] = [
    0x13, 0x05, 0x15, 0x00, 0x93, 0x08, 0x10, 0x00, 0x73, 0x00, 0x00, 0x00, 0x67, 0x80, 0x00, 0x00,
  ]
  try vm.loadProgram(code, at: 0x1_0000)
  let answer = try vm.callFunction(at: 0x1_0000, arguments: [20])  // (20 + 1) * 2 = 42
  print(answer)
}

func doccSample_EmbeddingTheRV32VM_2() throws {

  func exchange(_ vm: VirtualMachine) throws {
    try vm.writeMemory(at: 0x2_0000, Array("hello".utf8))
    let bytes = try vm.readMemory(at: 0x2_0000, count: 5)
    print(String(decoding: bytes, as: UTF8.self))
    vm.clearMemory()  // unmaps and zeroes every page
  }
}
