import ArgumentParser
import LinuxUser
import Runtime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes `text` to the process's stderr (unbuffered, so it interleaves
/// correctly with the guest's own writes).
func writeStderr(_ text: String) {
  var bytes = Array(text.utf8)
  var done = 0
  while done < bytes.count {
    let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + done, $0.count - done) }
    if n <= 0 { return }
    done += n
  }
}

/// Writes `text` to stdout (fd 1, unbuffered). A write error (a full disk,
/// `>/dev/full`, a closed stdout) is reported as one line and ends kiln with
/// `KilnExit.outputFailure`, instead of losing the output silently.
func writeStdout(_ text: String) throws {
  var bytes = Array(text.utf8)
  var done = 0
  while done < bytes.count {
    let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 {
      report("cannot write to standard output: \(n < 0 ? errnoText() : "no progress")")
      throw ExitCode(KilnExit.outputFailure)
    }
    done += n
  }
}

/// One diagnostic line: `kiln: <message>`.
func report(_ message: String) { writeStderr("kiln: \(message)\n") }

/// Exit statuses of `kiln` itself (documented in `kiln --help` and the README).
enum KilnExit {
  /// The program could not be loaded: unreadable file, bad ELF, bad limits.
  static let loadFailure: Int32 = 1

  /// A command-line usage error (EX_USAGE, as ArgumentParser's own).
  static let usage: Int32 = 64

  /// kiln's own output could not be written (EX_IOERR): full or closed stdout.
  static let outputFailure: Int32 = 74

  /// `--timeout` stopped the guest (as timeout(1) reports it).
  static let timedOut: Int32 = 124

  /// A guest fault, reported like a process killed by the matching signal.
  static func status(for error: RuntimeError) -> Int32 {
    switch error {
    case .exited(let status): status
    case .illegalInstruction: 128 + 4  // SIGILL
    case .breakpoint: 128 + 5  // SIGTRAP
    case .misalignedJump: 128 + 7  // SIGBUS
    case .executionOutsideMemory, .outOfMemory, .guardPage, .protectionFault: 128 + 11  // SIGSEGV
    case .interrupted: timedOut  // only --timeout interrupts a kiln run
    default: 128 + 6  // SIGABRT
    }
  }
}

/// The most bytes kiln reads from one input, checked before reading (the
/// file's size) and while reading (pipes), so that memory stays bounded
/// (README, "Robustness").
enum InputLimit {
  /// A static RV32 ELF executable (`kiln run`, `kiln disasm`): 256 MiB, the
  /// most guest memory there is (`--max-memory`).
  static let executable = 256 << 20
  /// An eBPF program file (ELF object, assembly or raw instructions) or a
  /// `--mem` file of `kiln bpf`: 16 MiB (raw: 2 Mi slots, 32 times the
  /// checker's limit).
  static let bpf = 16 << 20
  /// The hex text on the conformance plugin's stdin: 64 MiB.
  static let pluginInput = 64 << 20

  /// "256 MiB", "16 MiB".
  static func text(_ bytes: Int) -> String { "\(bytes >> 20) MiB" }
}

/// The bytes of the program file at `path`, at most `limit` of them; on
/// failure, reports one line and exits with `KilnExit.loadFailure`.
func readProgram(_ path: String, limit: Int) throws -> [UInt8] {
  switch readFile(path, limit: limit) {
  case .failure(let e):
    report(e.description)
    throw ExitCode(KilnExit.loadFailure)
  case .success(let bytes): return bytes
  }
}

/// Reads a whole file of at most `limit` bytes, or gives a readable reason.
/// A regular file's size is checked before anything is read; other files
/// (pipes, devices) are read up to `limit` + 1 bytes.
func readFile(_ path: String, limit: Int) -> Result<[UInt8], FileError> {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return .failure(FileError(path: path, reason: errnoText())) }
  defer { close(fd) }
  var st = stat()
  let tooLarge = FileError(
    path: path, reason: "file is larger than the limit of \(InputLimit.text(limit))")
  var bytes: [UInt8] = []
  if fstat(fd, &st) == 0 {
    if (st.st_mode & S_IFMT) == S_IFDIR {
      return .failure(FileError(path: path, reason: "is a directory"))
    }
    if (st.st_mode & S_IFMT) == S_IFREG {
      guard st.st_size <= limit else {
        return .failure(
          FileError(
            path: path,
            reason: "file is \(st.st_size) bytes, more than the limit of \(InputLimit.text(limit))")
        )
      }
      bytes.reserveCapacity(Int(st.st_size))
    }
  }
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      return .failure(FileError(path: path, reason: errnoText()))
    }
    if n == 0 { break }
    guard bytes.count + n <= limit else { return .failure(tooLarge) }
    bytes += chunk[..<n]
  }
  return .success(bytes)
}

struct FileError: Error, CustomStringConvertible {
  var path: String
  var reason: String
  var verb = "read"
  var description: String { "cannot \(verb) \(path): \(reason)" }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// The host environment in its original order ("NAME=value").
func hostEnvironment() -> [String] {
  var result: [String] = []
  var p = environ
  while let entry = p.pointee {
    result.append(String(cString: entry))
    p += 1
  }
  return result
}

/// Writes `bytes` to a new or truncated file; nil on success.
func writeFile(_ path: String, _ bytes: [UInt8]) -> FileError? {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard fd >= 0 else { return FileError(path: path, reason: errnoText(), verb: "write") }
  defer { close(fd) }
  var done = 0
  while done < bytes.count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { return FileError(path: path, reason: errnoText(), verb: "write") }
    done += n
  }
  return nil
}

/// `text` made safe for one diagnostic line: control characters, DEL and
/// invalid UTF-8 as `\xNN`, and at most `limit` characters (then `…`).
func printable(_ text: String, limit: Int = 200) -> String {
  var out = ""
  var count = 0
  for scalar in text.unicodeScalars {
    if count >= limit {
      out += "…"
      break
    }
    if scalar.value < 0x20 || scalar.value == 0x7f || scalar == "\u{FFFD}" {
      let hex = String(scalar.value, radix: 16)
      out += scalar == "\u{FFFD}" ? "\\ufffd" : "\\x" + (hex.count < 2 ? "0" : "") + hex
    } else {
      out.unicodeScalars.append(scalar)
    }
    count += 1
  }
  return out
}
