import ApsimCore

/// The options of the config keys services and components declare (`WorldConfig.declaredKeys`,
/// owner other than the world): `--access-points-per-file-system N`, `--idempotent-client-tokens`.
/// They are not spelled here: they are taken out of the command line before ArgumentParser reads
/// it, from the declarations, and their help is the declarations' summaries. A new service's keys
/// are options with no change to the CLI.
struct DeclaredOptions: Sendable {
    /// The command line without the declared options.
    let remaining: [String]
    /// The config members they gave (key -> value).
    let config: [(key: String, value: JSON)]
    /// A declared option without its value.
    let missingValue: String?

    /// The declared keys the CLI takes (services' and components' keys with a CLI form).
    static let keys: [ConfigKey] = WorldConfig.declaredKeys.filter { key in
        key.cli != .none && WorldConfig.owner(of: key.name) != "world"
    }

    static func option(_ key: ConfigKey) -> String { "--" + key.name.replacingUnderscores }

    /// The subcommands that open a world (and so take the declared options).
    static let openingWorlds: Set<String> = ["serve", "call", "state"]

    /// Takes the declared options out of `arguments` (stopping at `--`), when the subcommand opens
    /// a world; another subcommand gets them as they are (and ArgumentParser refuses them).
    init(_ arguments: [String]) {
        var remaining: [String] = [], config: [(key: String, value: JSON)] = [], missing: String? = nil
        var i = 0, passThrough = !DeclaredOptions.openingWorlds.contains(arguments.first { !$0.hasPrefix("-") } ?? "")
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if passThrough || argument == "--" {
                passThrough = true
                remaining.append(argument)
                continue
            }
            let (name, inline) = argument.splitOnEquals
            guard let key = DeclaredOptions.keys.first(where: { DeclaredOptions.option($0) == name }) else {
                remaining.append(argument)
                continue
            }
            switch key.cli {
            case .flag:
                config.append((key.name, inline.map(DeclaredOptions.value) ?? .bool(true)))
            default:
                if let inline {
                    config.append((key.name, DeclaredOptions.value(inline)))
                } else if i < arguments.count {
                    config.append((key.name, DeclaredOptions.value(arguments[i])))
                    i += 1
                } else {
                    missing = name
                }
            }
        }
        (self.remaining, self.config, missingValue) = (remaining, config, missing)
    }

    /// A command-line value as JSON: an integer, a number, true/false, else text (the key's own
    /// check refuses what it cannot take, with its usage sentence).
    static func value(_ text: String) -> JSON {
        if let i = Int64(text) { return .int(i) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        if Double(text) != nil { return .number(text) }
        return .string(text)
    }

    /// The options' help, for the discussion of the commands that open a world.
    static var help: String {
        var paragraphs = ["Service options (the configuration keys each service declares; a --config file may give them too):"]
        for key in keys {
            let form = key.cli == .flag ? option(key) : option(key) + " <" + key.type + ">"
            paragraphs.append("\(form): \(key.summary) Default: \(key.defaultText) (config key \(key.name)).")
        }
        return paragraphs.joined(separator: "\n\n")
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }

    /// `--name=value` as ("--name", "value"); other arguments as (self, nil).
    var splitOnEquals: (String, String?) {
        guard hasPrefix("--"), let eq = firstIndex(of: "=") else { return (self, nil) }
        return (String(self[..<eq]), String(self[index(after: eq)...]))
    }
}

/// The command line as read at start (`main.swift`).
let declaredOptions = DeclaredOptions(Array(CommandLine.arguments.dropFirst()))
