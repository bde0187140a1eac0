// Generated from README.md by ReadmeTests (do not edit): each ```swift
// block of the README as the body of a function, imports hoisted.
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
