/// The configuration keys FSx owns (see `ConfigKey`).
extension FSxService {
    static let s3AccessPointsPerRegion = ConfigKey.integer(
        "s3_access_points_per_region", 1...1_000_000_000, default: 10_000,
        summary: "The FSx quota of S3 access points per account and region (TooManyAccessPoints).")

    static let configKeys = [s3AccessPointsPerRegion]
}

extension WorldConfig {
    var s3AccessPointsPerRegion: Int { Int(FSxService.s3AccessPointsPerRegion.int(in: self)) }
}
