/// One key of the config document (`apsim_open`'s `config_json`), declared once by what owns it:
/// the world (`WorldConfig.worldKeys`), a service (`Service.configKeys`, in its folder) or a
/// world component (`WorldComponent.configKeys`). The declaration is the parser, the CLI's
/// options and `--help`, `apsim:DescribeConfiguration`, and what the header's and the README's
/// tables are checked against.
public struct ConfigKey: Sendable {
    /// The key (`access_points_per_file_system`).
    public let name: String
    /// What its value is: "integer", "number", "boolean", "string", "object", "list", or a
    /// description of the forms it takes ("true, false or object").
    public let type: String
    /// The default as people read it ("10000", "false", "none", "random").
    public let defaultText: String
    /// The default as a value (null when there is none, or it is computed at open).
    public var defaultValue: JSON = .null
    /// One sentence: what the key does.
    public let summary: String
    /// How the CLI takes it: `--name VALUE`, `--name` (a flag that sets `true`), or not at all
    /// (keys only a config file can give, such as `state`).
    public let cli: CLIForm
    /// Reads a value into the config (refusing it with `InvalidConfiguration` and the key's
    /// usage sentence).
    let apply: @Sendable (JSON, inout WorldConfig) throws(APIError) -> Void

    /// How the CLI takes a key.
    public enum CLIForm: Sendable, Equatable {
        case option
        case flag
        case none
    }

    /// A key whose value the owner reads back from `WorldConfig.values` (services and components;
    /// the world's own keys write typed fields instead). `check` gives the value to keep, or nil
    /// to refuse it with `usage`.
    init(_ name: String, type: String, default defaultText: String, cli: CLIForm = .option, usage: String,
         summary: String, check: @escaping @Sendable (JSON) -> JSON?) {
        (self.name, self.type, self.defaultText, self.summary, self.cli) = (name, type, defaultText, summary, cli)
        apply = { value, config throws(APIError) in
            guard let kept = check(value) else { throw RuntimeError.invalidConfiguration(usage) }
            config.values[name] = kept
        }
    }

    /// A key that writes the world's own fields.
    init(_ name: String, type: String, default defaultText: String, cli: CLIForm = .option, summary: String,
         apply: @escaping @Sendable (JSON, inout WorldConfig) throws(APIError) -> Void) {
        (self.name, self.type, self.defaultText, self.summary, self.cli, self.apply) = (name, type, defaultText, summary, cli, apply)
    }

    /// An integer from `range`.
    static func integer(_ name: String, _ range: ClosedRange<Int64>, default value: Int64, summary: String) -> ConfigKey {
        var key = ConfigKey(name, type: "integer", default: String(value),
                            usage: "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound).", summary: summary) { v in
            guard let i = v.int, range.contains(i) else { return nil }
            return .int(i)
        }
        key.defaultValue = .int(value)
        return key
    }

    /// true or false, default false; on the CLI, a flag.
    static func boolean(_ name: String, summary: String) -> ConfigKey {
        var key = ConfigKey(name, type: "boolean", default: "false", cli: .flag, usage: "\(name) must be true or false.",
                            summary: summary) { v in
            v.bool.map { .bool($0) }
        }
        key.defaultValue = false
        return key
    }

    /// The integer `config` has for this key, else its default.
    func int(in config: WorldConfig) -> Int64 { config.values[name]?.int ?? defaultValue.int ?? 0 }
    /// The boolean `config` has for this key, else its default.
    func bool(in config: WorldConfig) -> Bool { config.values[name]?.bool ?? defaultValue.bool ?? false }

    /// The value `config` has for this key (its kept value; nil when not given).
    func value(in config: WorldConfig) -> JSON? { config.values[name] }
}

extension WorldConfig {
    /// Every key a config document may have, in the order messages and tables list them: the
    /// world's own, then each service's, then each component's.
    public static let declaredKeys: [ConfigKey] =
        worldKeys + Services.all.flatMap { $0.configKeys } + WorldComponents.all.flatMap { $0.configKeys }

    /// The keys by name, for the parser.
    static let keysByName: [String: ConfigKey] = {
        var byName: [String: ConfigKey] = [:]
        for key in declaredKeys { byName[key.name] = key }
        return byName
    }()

    /// Who declares `key`: "world", a service's name, or a component's.
    public static func owner(of key: String) -> String {
        if worldKeys.contains(where: { $0.name == key }) { return "world" }
        if let service = Services.all.first(where: { $0.configKeys.contains { $0.name == key } }) { return service.model.name }
        return WorldComponents.all.first(where: { $0.configKeys.contains { $0.name == key } })?.name ?? "world"
    }
}
