/// How a world behaves: the `config_json` of `apsim_open`, every key validated.
public struct WorldConfig: Sendable, Equatable {
    /// When a new resource settles (creating -> available).
    public enum Lifecycle: String, Sendable {
        /// Transitional in the create response, settled on any later observation.
        case onRead = "on_read"
        /// Settled already in the create response.
        case instant
        /// Transitional until the virtual clock passes `creation_delay_ms` after the create.
        case manual
    }

    /// The account of calls that name none (`account_id`).
    public var accountID = "123456789012"
    /// The region of calls that name none (`region`).
    public var region = "us-east-1"
    /// The seed of the ID, RequestId and fault streams (nil: random).
    public var seed: UInt64? = nil
    /// The clock's start in epoch milliseconds (nil: the wall clock at open).
    public var startTimeMilliseconds: Int64? = nil
    /// When new resources settle (`lifecycle`).
    public var lifecycle = Lifecycle.onRead
    /// Whether the clock moves only when told (virtual) or also with real time (real).
    public enum Clock: String, Sendable {
        case virtual
        case real
    }
    /// Whether the clock is virtual or real (`clock`).
    public var clock = Clock.virtual
    /// With `manual`: how long (virtual milliseconds) a new resource stays transitional.
    public var creationDelayMilliseconds: Int64 = 0
    /// A snapshot (apsim:ExportState) to start from.
    public var state: JSON? = nil
    /// A file that holds the world: loaded at open, rewritten atomically after every change.
    public var stateFile: String? = nil
    /// The values of the keys services and components declare (`ConfigKey`), as their checks
    /// kept them; each owner reads its own (`EFSService`'s quota, the network's declarations).
    public internal(set) var values: [String: JSON] = [:]
    /// The keys the document gave, with their values as given (`state`'s only as `true`: a
    /// whole world), for apsim:DescribeConfiguration.
    public internal(set) var given: [String: JSON] = [:]

    /// The defaults (an empty config document).
    public init() {}

    /// The largest config document (it may embed a whole state).
    public static let maxBytes = 1 << 30

    /// Every key's name, in declaration order.
    public static var keys: [String] { declaredKeys.map(\.name) }

    static func invalid(_ message: String) -> APIError {
        RuntimeError.invalidConfiguration(message)
    }

    /// The keys the world itself owns (services and components declare theirs in their folders).
    static let worldKeys: [ConfigKey] = [
        ConfigKey("account_id", type: "string", default: "\"123456789012\"", summary: "The account of calls that name none.") { v, c throws(APIError) in
            guard let s = v.string, isAccountID(s) else { throw invalid("account_id must be a string of 12 digits, e.g. \"123456789012\".") }
            c.accountID = s
        },
        ConfigKey("region", type: "string", default: "\"us-east-1\"", summary: "The region of calls that name none.") { v, c throws(APIError) in
            guard let s = v.string, isRegionName(s) else { throw invalid("region must be an AWS region name such as \"us-east-1\".") }
            c.region = s
        },
        ConfigKey("seed", type: "integer", default: "random",
                  summary: "Seed of the ID generator, 0 to 2^63-1: the same seed and calls give the same IDs.") { v, c throws(APIError) in
            guard let i = v.int, i >= 0 else { throw invalid("seed must be an integer from 0 to 9223372036854775807.") }
            c.seed = UInt64(i)
        },
        ConfigKey("start_time", type: "number", default: "now", summary: "Epoch seconds of the world's clock at open.") { v, c throws(APIError) in
            let seconds: Double?
            switch v {
            case .int(let i): seconds = Double(i)
            case .number(let t): seconds = Double(t)
            default: seconds = nil
            }
            guard let s = seconds, s.isFinite, s >= 0, s < 1e11 else {
                throw invalid("start_time must be epoch seconds (a number from 0 to 99999999999).")
            }
            c.startTimeMilliseconds = Int64((s * 1000).rounded())
        },
        ConfigKey("clock", type: "string", default: "\"virtual\"",
                  summary: "virtual (moves only with AdvanceClock) or real (also advances in real time).") { v, c throws(APIError) in
            guard let s = v.string, let clock = Clock(rawValue: s) else { throw invalid("clock must be \"virtual\" or \"real\".") }
            c.clock = clock
        },
        ConfigKey("lifecycle", type: "string", default: "\"on_read\"", summary: "on_read, instant or manual: when a new resource settles.") { v, c throws(APIError) in
            guard let s = v.string, let l = Lifecycle(rawValue: s) else {
                throw invalid("lifecycle must be \"on_read\", \"instant\" or \"manual\".")
            }
            c.lifecycle = l
        },
        ConfigKey("creation_delay_ms", type: "integer", default: "0",
                  summary: "With lifecycle manual: virtual ms a new resource stays transitional.") { v, c throws(APIError) in
            guard let i = v.int, i >= 0, i <= 31_536_000_000 else {
                throw invalid("creation_delay_ms must be an integer from 0 to 31536000000 (a year).")
            }
            c.creationDelayMilliseconds = i
        },
        ConfigKey("state", type: "object", default: "none", cli: .none, summary: "An apsim:ExportState document to start from.") { v, c throws(APIError) in
            guard case .object = v else { throw invalid("state must be an apsim:ExportState document (a JSON object).") }
            c.state = v
        },
        ConfigKey("state_file", type: "string", default: "none", summary: "A file that holds the world, for one process at a time.") { v, c throws(APIError) in
            guard let path = v.string, !path.isEmpty, !path.contains("\u{0}") else { throw invalid("state_file must be a file path.") }
            c.stateFile = path
        },
    ]

    /// Parses a config document; nil, "" and "{}" give the defaults.
    public static func parse(_ text: String?) throws(APIError) -> WorldConfig {
        guard let text, !text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) else {
            return WorldConfig()
        }
        let doc: JSON
        var bytes = text
        let parsed = bytes.withUTF8 { b in Result { () throws(JSONParseError) -> JSON in try JSON.parse(bytes: b, maxBytes: maxBytes) } }
        switch parsed {
        case .success(let d): doc = d
        case .failure(let error): throw invalid("The configuration is not valid JSON: \(error.message)")
        }
        guard case .object(let obj) = doc else { throw invalid("The configuration must be a JSON object, not \(doc.typeName).") }
        var c = WorldConfig()
        for m in obj.members {
            guard let key = keysByName[m.key] else {
                throw invalid("Unknown configuration key '\(m.key)'. Known keys: \(keys.joined(separator: ", ")).")
            }
            try key.apply(m.value, &c)
            c.given[m.key] = m.key == "state" ? true : m.value
        }
        return c
    }

    static func isAccountID(_ s: String) -> Bool {
        s.utf8.count == 12 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`: lowercase words and a number.
    static func isRegionName(_ s: String) -> Bool {
        // One pass: words of a-z separated by single '-', at least two of them, then a number.
        guard s.utf8.count <= 32 else { return false }
        var words = 0, letters = 0, digits = 0
        for b in s.utf8 {
            if b == UInt8(ascii: "-") {
                guard letters > 0, digits == 0 else { return false }
                words += 1
                letters = 0
            } else if b >= 0x30 && b <= 0x39 {
                digits += 1
            } else if b >= 0x61 && b <= 0x7A {
                letters += 1
            } else {
                return false
            }
        }
        return words >= 2 && digits > 0 && letters == 0
    }
}
