import EBPF
import EBPFJIT
import Foundation
import KilnCore
import Testing

/// `ExecutionOptions.maxCallDepth` is validated by every engine (issue 12,
/// section 1): 1...1024 frames, and for a native JIT run no more than the
/// calling thread's host stack holds. Before, `Int.max` trapped on
/// arithmetic overflow in both engines, 1e11 aborted the interpreter's
/// allocation and trapped in the JIT's initialiser, and 200,000 overflowed
/// the host stack of a recursive JIT program: those cases run in a child
/// process (exit tests).
@Suite struct CallDepthTests {
  static let recursion = "call local -1\nexit"

  static func options(depth: Int) -> ExecutionOptions {
    var options = ExecutionOptions()
    options.maxCallDepth = depth  // the initialiser clamps; the property does not
    return options
  }

  /// Exits 0 when every engine refuses each huge depth with
  /// `invalidCallDepth`, at construction and (interpreter, whose options
  /// are mutable) when the depth is changed afterwards; 1 otherwise.
  static func refuseHugeDepths() {
    var failed = false
    for engine in Engine.allCases {
      for depth in [Int.max, 100_000_000_000, 200_000] {
        let e = error { () throws(EBPFError) in
          try run(recursion, options: options(depth: depth), engine: engine)
        }
        if e != .invalidCallDepth(requested: depth, limit: 1024) {
          print("\(engine), maxCallDepth \(depth): \(e.map(String.init(describing:)) ?? "ran")")
          failed = true
        }
      }
    }
    let e = error { () throws(EBPFError) in
      var vm = try Interpreter(program: Program(assembly: recursion))
      vm.options.maxCallDepth = Int.max
      return try vm.run()
    }
    if e != .invalidCallDepth(requested: Int.max, limit: 1024) {
      print("interpreter, options changed to Int.max: \(String(describing: e))")
      failed = true
    }
    exit(failed ? 1 : 0)
  }

  @Test func hugeDepthsAreRefused() async {
    await #expect(processExitsWith: .success) { CallDepthTests.refuseHugeDepths() }
  }

  @Test(arguments: Engine.allCases, [0, -1, 1025])
  func outOfRangeDepthsAreRefused(_ engine: Engine, depth: Int) {
    #expect(
      error { () throws(EBPFError) in
        try run("mov %r0, 1\nexit", options: Self.options(depth: depth), engine: engine)
      } == .invalidCallDepth(requested: depth, limit: 1024))
  }

  /// The limit itself works on every engine: 1024 frames, then the usual error.
  @Test(arguments: Engine.allCases)
  func limitIsUsable(_ engine: Engine) {
    #expect(
      error { () throws(EBPFError) in
        try run(Self.recursion, options: Self.options(depth: 1024), engine: engine)
      } == .callDepthExceeded(index: 0, limit: 1024))
  }

  /// Exits 0 when, on a 64 KiB thread, the native JIT refuses 1024 frames
  /// (their host frames and the reserve do not fit) with the depth that
  /// fits, and runs 8.
  static func smallThreadBoundsJITDepth() {
    let result = Box<String?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let e = error { () throws(EBPFError) in
        try run(recursion, options: options(depth: 1024), engine: .jit)
      }
      let small = error { () throws(EBPFError) in
        try run(recursion, options: options(depth: 8), engine: .jit)
      }
      if case .invalidCallDepth(requested: 1024, limit: let limit)? = e, limit > 8, limit < 1024,
        small == .callDepthExceeded(index: 0, limit: 8)
      {
        result.value = nil
      } else {
        result.value = "1024: \(String(describing: e)), 8: \(String(describing: small))"
      }
      done.signal()
    }
    thread.stackSize = 64 << 10
    thread.start()
    done.wait()
    if let failure = result.value { print(failure) }
    exit(result.value == nil ? 0 : 1)
  }

  @Test(.enabled(if: Engine.jit.host != nil, "no native JIT port on this machine"))
  func hostStackBoundsTheJITDepth() async {
    await #expect(processExitsWith: .success) { CallDepthTests.smallThreadBoundsJITDepth() }
  }

  /// The host stack one local call costs in native JIT code, measured from
  /// a helper called at every depth of a 20-level recursion; it must not
  /// exceed what the depth check assumes (`JITHostStack.bytesPerFrame`).
  @Test(.enabled(if: Engine.jit.host != nil, "no native JIT port on this machine"))
  func hostFrameCostPerLocalCall() throws {
    let addresses = Box<[UInt]>([])
    var helpers = HelperTable()
    helpers.register(9) { _, _, _, _, _ in
      addresses.value.append(HostStack.currentAddress())
      return 0
    }
    let source = """
      mov %r6, 20
      call local +1
      exit
      call 9
      jeq %r6, 0, +2
      sub %r6, 1
      call local -4
      exit
      """
    _ = try run(source, helpers: helpers, options: Self.options(depth: 32), engine: .jit)
    let a = addresses.value
    try #require(a.count == 21)
    let perLevel = Int(a[0] - a[20]) / 20
    print("native JIT host stack per local call: \(perLevel) bytes")
    #expect(perLevel > 0 && perLevel <= JITHostStack.bytesPerFrame)
    // Every level costs the same.
    for i in 1...20 { #expect(Int(a[i - 1] - a[i]) == perLevel) }
  }
}

/// A mutable box for closures in tests.
final class Box<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}
