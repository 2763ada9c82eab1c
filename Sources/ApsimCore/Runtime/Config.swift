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

    public var accountID = "123456789012"
    public var region = "us-east-1"
    public var seed: UInt64? = nil
    /// The clock's start in epoch milliseconds (nil: the wall clock at open).
    public var startTimeMilliseconds: Int64? = nil
    public var lifecycle = Lifecycle.onRead
    /// Whether the clock moves only when told (virtual) or also with real time (real).
    public enum Clock: String, Sendable {
        case virtual
        case real
    }
    public var clock = Clock.virtual
    /// With `manual`: how long (virtual milliseconds) a new resource stays transitional.
    public var creationDelayMilliseconds: Int64 = 0
    public var accessPointsPerFileSystem = 10_000
    /// FSx: S3 access points per account and region.
    public var s3AccessPointsPerRegion = 10_000
    public var idempotentClientTokens = false
    /// The spec's opt-in ThrottlingException rule for CreateAccessPoint near the quota.
    public var throttling: Throttling? = nil
    /// A snapshot (apsim:ExportState) to start from.
    public var state: JSON? = nil
    /// A file that holds the world: loaded at open, rewritten atomically after every change.
    public var stateFile: String? = nil
    /// Networks declared at open (the `network` key): account, region and what is declared.
    var networks: [NetworkDeclaration] = []

    /// CreateAccessPoint answers ThrottlingException (429) when the file system already holds at
    /// least `nearQuotaFraction` of its access point quota and the previous access point on it was
    /// created less than `intervalMilliseconds` ago on the virtual clock.
    public struct Throttling: Sendable, Equatable {
        public var nearQuotaFraction = 0.9
        public var intervalMilliseconds: Int64 = 1000
    }
    public var strictFileSystemDelete = false

    public init() {}

    /// The largest config document (it may embed a whole state).
    public static let maxBytes = 1 << 30

    public static let keys = [
        "account_id", "region", "seed", "start_time", "clock", "lifecycle", "creation_delay_ms", "access_points_per_file_system",
        "s3_access_points_per_region", "idempotent_client_tokens", "strict_file_system_delete", "throttling", "state", "state_file", "network",
    ]

    static func invalid(_ message: String) -> APIError {
        RuntimeError.invalidConfiguration(message)
    }

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
            let v = m.value
            switch m.key {
            case "account_id":
                guard let s = v.string, isAccountID(s) else {
                    throw invalid("account_id must be a string of 12 digits, e.g. \"123456789012\".")
                }
                c.accountID = s
            case "region":
                guard let s = v.string, isRegionName(s) else {
                    throw invalid("region must be an AWS region name such as \"us-east-1\".")
                }
                c.region = s
            case "seed":
                guard let i = v.int, i >= 0 else { throw invalid("seed must be an integer from 0 to 9223372036854775807.") }
                c.seed = UInt64(i)
            case "start_time":
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
            case "clock":
                guard let s = v.string, let clock = Clock(rawValue: s) else {
                    throw invalid("clock must be \"virtual\" or \"real\".")
                }
                c.clock = clock
            case "lifecycle":
                guard let s = v.string, let l = Lifecycle(rawValue: s) else {
                    throw invalid("lifecycle must be \"on_read\", \"instant\" or \"manual\".")
                }
                c.lifecycle = l
            case "creation_delay_ms":
                guard let i = v.int, i >= 0, i <= 31_536_000_000 else {
                    throw invalid("creation_delay_ms must be an integer from 0 to 31536000000 (a year).")
                }
                c.creationDelayMilliseconds = i
            case "access_points_per_file_system":
                guard let i = v.int, i >= 1, i <= 1_000_000_000 else {
                    throw invalid("access_points_per_file_system must be an integer from 1 to 1000000000.")
                }
                c.accessPointsPerFileSystem = Int(i)
            case "s3_access_points_per_region":
                guard let i = v.int, i >= 1, i <= 1_000_000_000 else {
                    throw invalid("s3_access_points_per_region must be an integer from 1 to 1000000000.")
                }
                c.s3AccessPointsPerRegion = Int(i)
            case "idempotent_client_tokens":
                guard let b = v.bool else { throw invalid("idempotent_client_tokens must be true or false.") }
                c.idempotentClientTokens = b
            case "strict_file_system_delete":
                guard let b = v.bool else { throw invalid("strict_file_system_delete must be true or false.") }
                c.strictFileSystemDelete = b
            case "throttling":
                c.throttling = try throttling(v)
            case "state":
                guard case .object = v else { throw invalid("state must be an apsim:ExportState document (a JSON object).") }
                c.state = v
            case "network":
                c.networks = try networks(v)
            case "state_file":
                guard let path = v.string, !path.isEmpty, !path.contains("\u{0}") else {
                    throw invalid("state_file must be a file path.")
                }
                c.stateFile = path
            default:
                throw invalid("Unknown configuration key '\(m.key)'. Known keys: \(keys.joined(separator: ", ")).")
            }
        }
        return c
    }

    /// A list of apsim:SetNetwork documents, each with `AccountId` and `Region`.
    static func networks(_ v: JSON) throws(APIError) -> [NetworkDeclaration] {
        guard let list = v.array else { throw invalid("network must be a list of apsim:SetNetwork documents, each with AccountId and Region.") }
        var out: [NetworkDeclaration] = []
        for (i, item) in list.enumerated() {
            let account = item["AccountId"]?.string ?? "", region = item["Region"]?.string ?? ""
            guard isAccountID(account), isRegionName(region) else {
                throw invalid("network[\(i)] needs AccountId (12 digits) and Region (a region name).")
            }
            do {
                out.append(NetworkDeclaration(account: account, region: region,
                                              network: try DeclaredNetwork(item, region: region, path: "network[\(i)]")))
            } catch {
                throw invalid(error.message)
            }
        }
        return out
    }

    /// `true`, `false`, or `{"near_quota_fraction": 0.9, "interval_ms": 1000}` (both optional).
    static func throttling(_ v: JSON) throws(APIError) -> Throttling? {
        let usage = "throttling must be true, false or {\"near_quota_fraction\": 0 < x <= 1, \"interval_ms\": integer >= 0}."
        switch v {
        case .bool(let on): return on ? Throttling() : nil
        case .object(let o):
            var t = Throttling()
            for m in o.members {
                switch m.key {
                case "near_quota_fraction":
                    let x: Double?
                    switch m.value {
                    case .int(let i): x = Double(i)
                    case .number(let n): x = Double(n)
                    default: x = nil
                    }
                    guard let f = x, f > 0, f <= 1 else { throw invalid(usage) }
                    t.nearQuotaFraction = f
                case "interval_ms":
                    guard let i = m.value.int, i >= 0 else { throw invalid(usage) }
                    t.intervalMilliseconds = i
                default:
                    throw invalid(usage)
                }
            }
            return t
        default:
            throw invalid(usage)
        }
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

/// A network the `network` config key declares for one account and region.
struct NetworkDeclaration: Sendable, Equatable {
    let account: String
    let region: String
    let network: DeclaredNetwork
}
