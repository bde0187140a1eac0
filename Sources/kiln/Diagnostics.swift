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
    case .executionOutsideMemory, .outOfMemory, .guardPage: 128 + 11  // SIGSEGV
    case .interrupted: timedOut  // only --timeout interrupts a kiln run
    default: 128 + 6  // SIGABRT
    }
  }
}

/// Reads a whole file, or gives a readable reason.
/// The bytes of the program file at `path`; on failure, reports one line and
/// exits with `KilnExit.loadFailure`.
func readProgram(_ path: String) throws -> [UInt8] {
  switch readFile(path) {
  case .failure(let e):
    report(e.description)
    throw ExitCode(KilnExit.loadFailure)
  case .success(let bytes): return bytes
  }
}

func readFile(_ path: String) -> Result<[UInt8], FileError> {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return .failure(FileError(path: path, reason: errnoText())) }
  defer { close(fd) }
  var st = stat()
  if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
    return .failure(FileError(path: path, reason: "is a directory"))
  }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      return .failure(FileError(path: path, reason: errnoText()))
    }
    if n == 0 { break }
    bytes += chunk[..<n]
    if bytes.count > 1 << 30 {
      return .failure(FileError(path: path, reason: "file is larger than 1 GiB"))
    }
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
