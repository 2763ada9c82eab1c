import ApsimCore
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The world's configuration: the same keys as `apsim_open`, from a JSON file and/or flags
/// (flags win).
struct WorldOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A JSON file with apsim_open's config keys.")
    var configFile: String?

    @Option(help: "The default account (12 digits).") var accountId: String?
    @Option(help: "The default region, e.g. us-east-1.") var region: String?
    // (.unconditional: `--seed -1` is read as a value, and refused as one, not as a missing value.)
    @Option(parsing: .unconditional, help: "Seed of the ID generator, 0 to 2^63-1: the same seed and calls give the same IDs.")
    var seed: Int64?
    @Option(help: "Epoch seconds of the virtual clock at start.") var startTime: Double?
    @Option(help: "virtual (moves only with AdvanceClock) or real (also advances in real time).") var clock: String?
    @Option(help: "on_read (default), instant or manual.") var lifecycle: String?
    @Option(help: "With --lifecycle manual: virtual ms a new resource stays transitional.") var creationDelayMs: Int64?
    // The services' and components' keys are options too, from their declarations (DeclaredOptions).
    @Option(help: ArgumentHelp(
        "A file that holds the world, for one process at a time.",
        discussion: "Loaded at start (missing or empty: a new world). Every change is appended to FILE.journal and synced before it is answered; FILE is rewritten atomically from the two when the world opens and closes. FILE.lock names the process that holds them. Copy a held world with `apsim state export --state-file FILE`.",
        valueName: "FILE"))
    var stateFile: String?

    /// The config document for WorldConfig.parse (which validates every key); `clock` is the
    /// command's default when neither --clock nor the config file names one.
    func configJSON(defaultClock: String? = nil) throws -> String {
        var config = JSONObject()
        if let configFile {
            let text = try readInput(configFile)
            let parsed: JSON
            do { parsed = try JSON.parse(text) } catch {
                throw ValidationError("\(configFile) is not valid JSON: \(position(of: error.message, in: text))")
            }
            guard case .object(let o) = parsed else {
                throw ValidationError("\(configFile) is not a JSON object of config keys")
            }
            config = o
        }
        func set(_ key: String, _ value: JSON?) { if let value { config[key] = value } }
        set("account_id", accountId.map { .string($0) })
        set("region", region.map { .string($0) })
        set("seed", seed.map { .int($0) })
        set("start_time", startTime.map { .number(String($0)) })
        set("clock", (clock ?? (config["clock"] == nil ? defaultClock : nil)).map { .string($0) })
        set("lifecycle", lifecycle.map { .string($0) })
        set("creation_delay_ms", creationDelayMs.map { .int($0) })
        for (key, value) in declaredOptions.config { config[key] = value }
        set("state_file", stateFile.map { .string($0) })
        if config["creation_delay_ms"] != nil && config["lifecycle"]?.string != "manual" {
            throw ValidationError("--creation-delay-ms (creation_delay_ms) applies only with --lifecycle manual; add it, or leave the delay out")
        }
        return JSON.object(config).text
    }

    /// A parse error's "at byte N" as a line and column of `text` (1-based), for people.
    func position(of message: String, in text: String) -> String {
        guard let r = message.utf8.firstRange(of: "at byte ".utf8) else { return message }
        let digits = message[r.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits) else { return message }
        var line = 1, column = 1
        for (i, b) in text.utf8.enumerated() {
            if i >= offset { break }
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return "line \(line), column \(column): " + message
    }

    /// The world; with `waitingForLock`, a state file another process holds is waited for up to
    /// that many seconds (checked every 20 ms) before the open is refused. What the open had to
    /// tell (a journal it did not replay) goes to standard error.
    func world(defaultClock: String? = nil, waitingForLock: Double = 0) throws -> World {
        let config = try configJSON(defaultClock: defaultClock)
        let deadline = monotonicMilliseconds() + Int64(waitingForLock * 1000)
        var outcome = WorldOptions.open(config)
        while case .failure(let error) = outcome, error.code == "StateFileInUse", monotonicMilliseconds() < deadline {
            usleep(20_000)
            outcome = WorldOptions.open(config)
        }
        switch outcome {
        case .success(let world):
            for notice in world.notices { printError("apsim: " + notice) }
            return world
        case .failure(let error):
            // A state file in use or unusable is no usage error: it says so, exit 1.
            if error.code == "StateFileInUse" || error.status >= 500 {
                printError("Error: " + error.message)
                throw Failure(code: 1)
            }
            throw ValidationError(error.message)
        }
    }

    static func open(_ config: String) -> Result<World, APIError> {
        do throws(APIError) { return .success(try World(configJSON: config)) } catch { return .failure(error) }
    }
}

func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec / 1_000_000)
}
