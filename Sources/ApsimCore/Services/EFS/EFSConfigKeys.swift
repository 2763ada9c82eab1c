/// The configuration keys EFS owns: its quota and its opt-in switches (see `ConfigKey`).
extension EFSService {
    static let accessPointsPerFileSystem = ConfigKey.integer(
        "access_points_per_file_system", 1...1_000_000_000, default: 10_000,
        summary: "The EFS access point quota per file system (AccessPointLimitExceeded).")
    static let idempotentClientTokens = ConfigKey.boolean(
        "idempotent_client_tokens",
        summary: "Not AWS: a repeated identical CreateAccessPoint returns the existing access point.")
    static let strictFileSystemDelete = ConfigKey.boolean(
        "strict_file_system_delete", summary: "DeleteFileSystem fails with FileSystemInUse while access points exist.")
    static let throttlingKey = ConfigKey(
        "throttling", type: "true, false or object", default: "false", cli: .flag,
        usage: "throttling must be true, false or {\"near_quota_fraction\": 0 < x <= 1, \"interval_ms\": integer >= 0}.",
        summary: "The near-quota ThrottlingException rule of CreateAccessPoint.") { v in
            switch v {
            case .bool(false): return .null
            case .bool(true): return .object(Throttling().json)
            case .object(let o):
                var t = Throttling()
                for m in o.members {
                    switch m.key {
                    case "near_quota_fraction":
                        guard let f = m.value.double, f > 0, f <= 1 else { return nil }
                        t.nearQuotaFraction = f
                    case "interval_ms":
                        guard let i = m.value.int, i >= 0 else { return nil }
                        t.intervalMilliseconds = i
                    default:
                        return nil
                    }
                }
                return .object(t.json)
            default:
                return nil
            }
        }

    static let configKeys = [accessPointsPerFileSystem, idempotentClientTokens, strictFileSystemDelete, throttlingKey, meteringKey]

    /// CreateAccessPoint answers ThrottlingException (429) when the file system already holds at
    /// least `nearQuotaFraction` of its access point quota and the previous access point on it was
    /// created less than `intervalMilliseconds` ago on the world's clock.
    struct Throttling: Sendable, Equatable {
        var nearQuotaFraction = 0.9
        var intervalMilliseconds: Int64 = 1000

        var json: JSONObject {
            JSONObject(["near_quota_fraction": .number(String(nearQuotaFraction)), "interval_ms": .int(intervalMilliseconds)])
        }
    }
}

extension WorldConfig {
    var accessPointsPerFileSystem: Int { Int(EFSService.accessPointsPerFileSystem.int(in: self)) }
    var idempotentClientTokens: Bool { EFSService.idempotentClientTokens.bool(in: self) }
    var strictFileSystemDelete: Bool { EFSService.strictFileSystemDelete.bool(in: self) }
    /// The throttling rule, when it is on.
    var throttling: EFSService.Throttling? {
        guard case .object(let o)? = values[EFSService.throttlingKey.name] else { return nil }
        return EFSService.Throttling(nearQuotaFraction: o["near_quota_fraction"]?.double ?? 0.9,
                                     intervalMilliseconds: o["interval_ms"]?.int ?? 1000)
    }
}
