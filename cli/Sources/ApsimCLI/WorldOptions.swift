import ApsimCore
import ArgumentParser

/// The world's configuration: the same keys as `apsim_open`, from a JSON file and/or flags
/// (flags win).
struct WorldOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A JSON file with apsim_open's config keys.")
    var configFile: String?

    @Option(help: "The default account (12 digits).") var accountId: String?
    @Option(help: "The default region, e.g. us-east-1.") var region: String?
    @Option(help: "Seed of the ID generator: the same seed and calls give the same IDs.") var seed: Int64?
    @Option(help: "Epoch seconds of the virtual clock at start.") var startTime: Double?
    @Option(help: "virtual (moves only with AdvanceClock) or real (also advances in real time).") var clock: String?
    @Option(help: "on_read (default), instant or manual.") var lifecycle: String?
    @Option(help: "With --lifecycle manual: virtual ms a new resource stays transitional.") var creationDelayMs: Int64?
    @Option(help: "The EFS access point quota per file system.") var accessPointsPerFileSystem: Int64?
    @Option(help: "The FSx S3 access point quota per account and region.") var s3AccessPointsPerRegion: Int64?
    @Flag(help: "Return the existing access point for a repeated identical CreateAccessPoint.") var idempotentClientTokens = false
    @Flag(help: "DeleteFileSystem fails while access points exist.") var strictFileSystemDelete = false
    @Flag(help: "The near-quota ThrottlingException rule of CreateAccessPoint.") var throttling = false
    @Option(help: "A file that holds the world: loaded at start, rewritten atomically after every change.") var stateFile: String?

    /// The config document for WorldConfig.parse (which validates every key); `clock` is the
    /// command's default when neither --clock nor the config file names one.
    func configJSON(defaultClock: String? = nil) throws -> String {
        var config = JSONObject()
        if let configFile {
            let text = try readInput(configFile)
            guard case .object(let o)? = try? JSON.parse(text) else {
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
        set("access_points_per_file_system", accessPointsPerFileSystem.map { .int($0) })
        set("s3_access_points_per_region", s3AccessPointsPerRegion.map { .int($0) })
        if idempotentClientTokens { config["idempotent_client_tokens"] = true }
        if strictFileSystemDelete { config["strict_file_system_delete"] = true }
        if throttling { config["throttling"] = true }
        set("state_file", stateFile.map { .string($0) })
        return JSON.object(config).text
    }

    func world(defaultClock: String? = nil) throws -> World {
        do {
            return try World(configJSON: try configJSON(defaultClock: defaultClock))
        } catch let error as APIError {
            throw ValidationError(error.message)
        }
    }
}
