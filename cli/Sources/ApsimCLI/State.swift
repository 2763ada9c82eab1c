import ApsimCore
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `apsim state`: the state file of a world, as a whole.
struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with a world's state file.",
        subcommands: [Export.self])

    /// `apsim state export --state-file F [--output G]`: a consistent copy of a world, also while
    /// another process holds it.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print (or write) a consistent copy of the world a state file holds, as apsim:ExportState gives it.",
            discussion: """
                The state file's snapshot with its journal replayed, read without its lock: safe while apsim serve or \
                another process holds the file, and consistent as of the last change acknowledged before the read. \
                The copy is itself a state file (or the `state` config key, or apsim:ImportState's State). Give the \
                holder's quota and switch options too (they shape how the journal replays). Exit status: 0, or 1 \
                when the file cannot be read or is not a valid state.
                """ + "\n\n" + DeclaredOptions.help)

        @Option(help: "Where to write the copy (atomically); default: standard output.") var output: String?
        @OptionGroup var world: WorldOptions

        func run() throws {
            guard let path = world.stateFile else { throw ValidationError("--state-file is required") }
            guard access(path, F_OK) == 0 else {
                printError("Error: state_file '\(path)' does not exist.")
                throw Failure(code: 1)
            }
            var options = world
            options.stateFile = nil
            let config = try WorldConfig.parse(try options.configJSON())
            let state: JSON
            do { state = try World.exportState(stateFile: path, config: config) } catch {
                printError("Error: " + error.message)
                throw Failure(code: 1)
            }
            let text = state.text + "\n"
            guard let output else {
                print(text, terminator: "")
                return
            }
            let temp = output + ".tmp-\(getpid())"
            let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ValidationError("cannot create \(temp)") }
            var written = 0
            let bytes = Array(text.utf8)
            while written < bytes.count {
                let n: Int = bytes.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> Int in
                    guard let base = b.baseAddress else { return -1 }
                    return write(fd, base + written, b.count - written)
                }
                if n < 0 { if errno == EINTR { continue }; close(fd); unlink(temp); throw ValidationError("cannot write \(temp)") }
                written += n
            }
            guard fsync(fd) == 0, close(fd) == 0, rename(temp, output) == 0 else {
                unlink(temp)
                throw ValidationError("cannot write \(output)")
            }
        }
    }
}
