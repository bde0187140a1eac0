// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
  name: "Kiln",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "KilnCore", targets: ["KilnCore"]),
    .library(name: "KilnIR", targets: ["KilnIR"]),
    .library(name: "RV32", targets: ["RV32"]),
    .library(name: "KilnPort", targets: ["KilnPort"]),
    .library(name: "X86_64Port", targets: ["X86_64Port"]),
    .library(name: "AArch64Port", targets: ["AArch64Port"]),
    .library(name: "Thumb2Port", targets: ["Thumb2Port"]),
    .library(name: "KilnHosts", targets: ["KilnHosts"]),
    .library(name: "EBPF", targets: ["EBPF"]),
    .library(name: "EBPFJIT", targets: ["EBPFJIT"]),
    .library(name: "EBPFObject", targets: ["EBPFObject"]),
    .library(name: "Runtime", targets: ["Runtime"]),
    .library(name: "LinuxUser", targets: ["LinuxUser"]),
    .library(name: "Emulation", targets: ["Emulation"]),
    .library(name: "KilnFuzz", targets: ["KilnFuzz"]),
    .executable(name: "kiln", targets: ["kiln"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // `swift package generate-documentation` (the DocC catalogs in Sources/*/*.docc).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // Shared core: code buffer, labels and typed fixups, W^X executable memory, errors.
    .target(name: "KilnCore", dependencies: ["CKilnCache", "CKilnStack"], swiftSettings: strict),
    // Instruction-cache maintenance for code memory on Arm hosts (C builtins).
    .target(name: "CKilnCache"),
    // Run-time CPU-feature detection for native AArch64 hosts (getauxval / sysctl).
    .target(name: "CKilnCPU"),
    // The calling thread's stack bounds (pthread_getattr_np / pthread_get_stackaddr_np).
    .target(name: "CKilnStack"),
    // Host-neutral IR that guest translators produce and host ports consume.
    .target(name: "KilnIR", swiftSettings: strict),
    // RISC-V RV32IM front end: one instruction table, decoder, disassembler, interpreter, translator.
    .target(name: "RV32", dependencies: ["KilnIR"], swiftSettings: strict),
    // eBPF front end (RFC 9669): instruction table, decoder, assembler, disassembler,
    // checker, interpreter. No Foundation: it also compiles as Embedded Swift.
    .target(name: "EBPF", dependencies: ["KilnIR"], swiftSettings: strict),
    // The port interface: what a host port implements (HostPort, BlockPort,
    // FunctionPort, PortFacts) and where its code runs (Executor, HostTarget).
    .target(
      name: "KilnPort", dependencies: ["KilnCore", "KilnIR"], path: "Sources/KilnPort",
      swiftSettings: strict),
    // eBPF JIT: checker → translator → FunctionIR → a host port → code memory.
    .target(
      name: "EBPFJIT", dependencies: ["EBPF", "KilnIR", "KilnCore", "KilnPort"],
      swiftSettings: strict),
    // ELF loader for eBPF objects from `clang --target=bpf -c`: links one
    // program, owns host copies of its data sections.
    .target(name: "EBPFObject", dependencies: ["EBPF"], swiftSettings: strict),
    // x86-64 host port (the six areas of the Mono porting guide).
    .target(
      name: "X86_64Port", dependencies: ["KilnCore", "KilnIR", "KilnPort"],
      path: "Sources/Ports/X86_64",
      swiftSettings: strict),
    // AArch64 host port: typed registers, validated immediates, encoder,
    // assembler with labels, fixups and branch islands; RV32 blocks; the eBPF
    // function half (FunctionPort, LSE or ldxr/stxr atomics).
    .target(
      name: "AArch64Port", dependencies: ["KilnCore", "KilnIR", "KilnPort", "CKilnCPU"],
      path: "Sources/Ports/AArch64",
      swiftSettings: strict),
    // Thumb-2 (ARMv7E-M, Cortex-M4) host port: typed registers, modified
    // immediates, encoder, assembler with labels and branch relaxation. No
    // Foundation: it also compiles as Embedded Swift.
    .target(
      name: "Thumb2Port", dependencies: ["KilnCore", "KilnIR", "KilnPort"],
      path: "Sources/Ports/Thumb2",
      swiftSettings: strict),
    // Capstone, for host-code dumps under `-v`.
    .systemLibrary(
      name: "CCapstone", pkgConfig: "capstone",
      providers: [.apt(["libcapstone-dev"])]),
    // The SIGSEGV handler of flat guest memory (C: it must be async-signal-safe).
    .target(name: "CKilnFault"),
    // The VM: config, paged and flat guest memory, code cache, dispatcher, engines.
    .target(
      name: "Runtime", dependencies: ["KilnCore", "KilnIR", "KilnPort", "RV32", "CKilnFault"],
      swiftSettings: strict),
    // The port list and the one choice of this machine's port; the engines
    // for a host (native, or in an emulator).
    .target(
      name: "KilnHosts",
      dependencies: [
        "KilnPort", "X86_64Port", "AArch64Port", "Thumb2Port", "Runtime", "EBPFJIT", "EBPFObject",
        "Emulation",
      ],
      swiftSettings: strict),
    // Static RV32 Linux user mode: ELF loader, initial stack, syscalls.
    .target(
      name: "LinuxUser", dependencies: ["Runtime", "RV32", "KilnPort"], swiftSettings: strict),
    // Unicorn 2's headers (CPU emulator, to run generated host code for
    // other ISAs); the library itself is loaded on first use by CUnicornShim.
    .systemLibrary(name: "CUnicorn", providers: [.apt(["libunicorn-dev"])]),
    // C wrappers for Unicorn's variadic calls (uc_ctl, uc_hook_add), which Swift cannot call.
    .target(name: "CUnicornShim", dependencies: ["CUnicorn"]),
    // Swift wrapper over Unicorn (identity-mapped host memory, registers, hooks,
    // runs) and the UnicornExecutor that runs any port's code in it.
    .target(
      name: "Emulation", dependencies: ["CUnicorn", "CUnicornShim", "KilnCore", "KilnPort"],
      swiftSettings: strict),
    .executableTarget(
      name: "kiln",
      dependencies: [
        "Runtime", "LinuxUser", "RV32", "EBPF", "EBPFJIT", "EBPFObject", "CCapstone", "KilnHosts",
        "KilnPort",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),
    // The eBPF benchmark runner (Scripts/bench-bpf.sh; --count for Scripts/bench-hosts.sh).
    .executableTarget(
      name: "bpf-bench", dependencies: ["EBPF", "EBPFJIT", "KilnHosts", "KilnIR", "KilnPort"],
      path: "Benchmarks/BPFBench",
      swiftSettings: strict),
    // The firmware benchmark (Firmware/bench.sh): counts the Cortex-M4
    // instructions of the firmware's programs in Unicorn.
    .executableTarget(
      name: "firmware-bench", dependencies: ["Emulation", "EBPF"], path: "Firmware/Bench",
      swiftSettings: strict),
    // RV32 compile speed per block port, natively (Scripts/bench-hosts.sh).
    .executableTarget(
      name: "compile-bench", dependencies: ["Runtime", "KilnHosts", "KilnPort"],
      path: "Benchmarks/CompileBench",
      swiftSettings: strict),
    // Differential and parser fuzzing (Fuzz/README.md): generators, oracles
    // and the targets that libFuzzer (Fuzz/LibFuzzer) and the driver share.
    .target(
      name: "KilnFuzz",
      dependencies: [
        "EBPF", "EBPFJIT", "EBPFObject", "KilnHosts", "KilnPort", "Runtime", "LinuxUser",
        "Emulation",
      ],
      path: "Fuzz/KilnFuzz", swiftSettings: strict),
    // The deterministic fuzz driver (Scripts/fuzz.sh --driver).
    .executableTarget(
      name: "kiln-fuzz", dependencies: ["KilnFuzz"], path: "Fuzz/Driver", swiftSettings: strict),
    // Test support shared by the test targets: the `.requires` trait and the
    // bpf_conformance lookup.
    .target(name: "KilnTestSupport", path: "Tests/Support", swiftSettings: strict),
    .testTarget(name: "KilnCoreTests", dependencies: ["KilnCore"], swiftSettings: strict),
    // Replays the committed fuzz regressions (Fuzz/Regressions) and runs
    // every fuzz target for a short fixed budget.
    .testTarget(name: "FuzzTests", dependencies: ["KilnFuzz"], swiftSettings: strict),
    // The IR's reference semantics (hand-worked tables), its passes, layouts
    // and access descriptors.
    .testTarget(name: "KilnIRTests", dependencies: ["KilnIR"], swiftSettings: strict),
    .testTarget(name: "RV32Tests", dependencies: ["RV32"], swiftSettings: strict),
    .testTarget(
      name: "EBPFTests",
      dependencies: [
        "KilnTestSupport", "EBPF", "EBPFJIT", "KilnHosts", "KilnPort", "Emulation", "KilnFuzz",
      ],
      swiftSettings: strict),
    .testTarget(
      name: "EBPFObjectTests",
      dependencies: ["KilnTestSupport", "EBPFObject", "EBPF", "EBPFJIT", "KilnHosts", "KilnPort"],
      swiftSettings: strict),
    .testTarget(
      name: "X86_64Tests",
      dependencies: [
        "KilnTestSupport", "X86_64Port", "KilnCore", "KilnIR", "KilnPort", "CCapstone",
        "CKilnFault",
      ],
      swiftSettings: strict),
    .testTarget(
      name: "AArch64Tests",
      dependencies: [
        "KilnTestSupport",
        "AArch64Port", "KilnCore", "KilnIR", "KilnPort", "Emulation", "CCapstone", "CUnicorn",
        "CKilnCPU",
      ],
      swiftSettings: strict),
    .testTarget(
      name: "Thumb2Tests",
      dependencies: [
        "Thumb2Port", "KilnCore", "KilnIR", "KilnPort", "Emulation", "CCapstone", "CUnicorn",
      ],
      swiftSettings: strict),
    .testTarget(
      name: "RuntimeTests",
      dependencies: ["KilnTestSupport", "Runtime", "RV32", "KilnCore", "KilnHosts", "KilnPort"],
      swiftSettings: strict),
    .testTarget(
      name: "LinuxUserTests",
      dependencies: ["KilnTestSupport", "LinuxUser", "Runtime", "EBPF", "kiln", "KilnHosts"],
      swiftSettings: strict),
    .testTarget(
      name: "EmulationTests",
      dependencies: ["KilnTestSupport", "Emulation", "KilnPort", "KilnCore"],
      swiftSettings: strict),
    // Builds the bare-metal firmware (Firmware/build.sh) and boots it in
    // qemu-system-arm (Firmware/run.sh); checks its output.
    .testTarget(name: "FirmwareTests", dependencies: ["KilnTestSupport"], swiftSettings: strict),
    // The README's Swift samples, compiled (Samples.swift is generated from README.md).
    .testTarget(
      name: "ReadmeTests",
      dependencies: ["Runtime", "KilnHosts", "EBPF", "EBPFJIT", "EBPFObject"],
      swiftSettings: strict),
  ]
)
