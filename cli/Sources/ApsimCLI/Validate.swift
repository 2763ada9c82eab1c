import ApsimCore
import ArgumentParser

/// `apsim validate OP [FILE|-]`: is this request valid before I send it to AWS?
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check requests against AWS's rules (shapes, lengths, patterns, enums, cross-field rules) without sending them.",
        discussion: "Exit status: 0 when every request is valid, 1 when some is not, 2 on a usage error.")

    @Argument(help: "The operation, e.g. efs:CreateAccessPoint.") var operation: String
    @Argument(help: "The request file, or - for standard input.") var file: String = "-"
    @Flag(help: "One request per line.") var jsonl = false
    @Flag(help: "Print each verdict as JSON ({\"Valid\": true} or the error envelope), one per line.") var json = false
    @Flag(help: "Judge each request as it is: absent idempotency tokens (ClientToken, CreationToken, ...) are not filled in as SDKs and the AWS CLI fill them.")
    var strict = false

    func run() throws {
        let text = try readInput(file)
        // (line number, request): --jsonl skips blank lines but keeps the file's line numbers.
        let requests: [(Int, String)] = jsonl
            ? text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .map { ($0.offset + 1, String($0.element)) }.filter { !$0.1.allSatisfy(\.isWhitespace) }
            : [(1, text)]
        guard World.isOperation(operation) else { throw ValidationError(Operations.unknown(operation).message) }
        var invalid = 0
        for (line, request) in requests {
            let result = World.validate(operation, request, strict: strict)
            if result.isError { invalid += 1 }
            if json {
                print(result.body.text)
                continue
            }
            let label = jsonl ? "line \(line): " : ""
            guard let error = result.error else {
                let filled = result.output["FilledIdempotencyTokens"]?.array?.compactMap(\.string) ?? []
                print("\(label)valid" + (filled.isEmpty ? "" : " (\(filled.joined(separator: ", ")) filled in, as SDKs do; --strict to require it)"))
                continue
            }
            print("\(label)invalid: \(error.code) (HTTP \(result.status))")
            if error.violations.isEmpty { print("  -: \(error.message)") }
            for v in error.violations { print("  \(v.path): \(v.text)") }
        }
        if invalid > 0 { throw Failure(code: 1) }
    }
}

/// `apsim call OP [FILE|-]`: one call against a transient world, or the world in a state file.
struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make one call and print the response (or error envelope) as JSON.",
        discussion: "Exit status: 0 on success, 1 for an AWS error, 2 on a usage error. With --state-file the call changes that world.\n\n"
            + DeclaredOptions.help)

    @Argument(help: "The operation, e.g. efs:CreateFileSystem or apsim:ExportState.") var operation: String
    @Argument(help: "The request file, or - for standard input (default: {}).") var file: String?
    @Option(help: "With --state-file: seconds to wait while another process holds the file (0: fail at once).")
    var lockTimeout: Double = 10
    @OptionGroup var world: WorldOptions

    func run() throws {
        guard World.isOperation(operation) else { throw ValidationError(Operations.unknown(operation).message) }
        let request = try file.map(readInput) ?? "{}"
        let result = try world.world(waitingForLock: max(0, lockTimeout)).call(operation, request)
        print(result.body.text)
        if result.isError { throw Failure(code: 1) }
    }
}
