import ApsimCore
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `apsim`: the emulator for runtimes without an FFI, and a pre-flight linter.

struct Apsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apsim",
        abstract: "An emulator of the Amazon EFS access point and FSx S3 access point attachment APIs.",
        version: apsimVersion,
        subcommands: [Serve.self, Validate.self, Call.self, State.self])

    /// Exit codes: 0 success, 1 an AWS error or an invalid request, 2 a usage error.
    /// `arguments`: the command line without the program's name and the declared options
    /// (`DeclaredOptions`).
    static func main(declared: DeclaredOptions) {
        var command: ParsableCommand
        do {
            if let missing = declared.missingValue { throw ValidationError("Missing value for '\(missing) <value>'") }
            command = try parseAsRoot(declared.remaining)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            printError(fullMessage(for: error))
            Glibc.exit(2)
        }
        do {
            try command.run()
        } catch let failure as Failure {
            Glibc.exit(failure.code)  // the command printed what it had to
        } catch {
            // `apsim help [<command>]` and `--help` parse to a help command whose run throws the request.
            if exitCode(for: error) == .success { exit(withError: error) }
            printError("Error: " + message(for: error))
            Glibc.exit(exitCode(for: error) == ExitCode.failure ? 1 : 2)
        }
    }
}

/// An exit with a given code after the command printed what it had to.
struct Failure: Error {
    let code: Int32
}

func printError(_ message: String) {
    var line = message
    if !line.hasSuffix("\n") { line += "\n" }
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// Reads a file, or standard input for "-".
func readInput(_ path: String) throws -> String {
    let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
    defer { if path != "-" { close(fd) } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    guard let text = String(validating: bytes, as: UTF8.self) else { throw ValidationError("\(path) is not valid UTF-8") }
    return text
}
