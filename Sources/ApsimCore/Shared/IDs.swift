#if canImport(Glibc)
import Glibc
#endif

/// A seeded pseudo-random generator (SplitMix64): the same seed gives the same sequence on every
/// platform, which is what makes "same seed + same calls = same IDs" hold.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Resource IDs and request IDs, drawn from two independent seeded streams so that adding a
/// read-only call (which consumes a RequestId) never changes the IDs of later resources.
public struct IDGenerator: Sendable {
    private var resources: SeededGenerator
    private var requests: SeededGenerator
    /// Every resource ID number issued in this world: EFS and FSx IDs never collide.
    private var issued: Set<UInt64> = []

    public init(seed: UInt64) {
        var root = SeededGenerator(seed: seed)
        resources = SeededGenerator(seed: root.next())
        requests = SeededGenerator(seed: root.next())
    }

    /// Restores the streams' positions and the issued IDs of a snapshot.
    init(resources: UInt64, requests: UInt64, issued: Set<UInt64>) {
        self.resources = SeededGenerator(seed: resources)
        self.requests = SeededGenerator(seed: requests)
        self.issued = issued
    }

    var resourceState: UInt64 { resources.state }
    var requestState: UInt64 { requests.state }
    var issuedNumbers: Set<UInt64> { issued }

    /// `prefix` + 17 lowercase hex digits, as AWS's long IDs (`fs-0123456789abcdef0`).
    public mutating func resourceID(prefix: String) -> String {
        var n = resources.next()
        while !issued.insert(n).inserted { n = resources.next() }
        return prefix + "0" + Hex.fixed(n, digits: 16)
    }

    /// A fresh random value from the resource stream (for aliases and secrets).
    public mutating func nextResourceRandom() -> UInt64 { resources.next() }

    /// A RequestId in the UUID form AWS uses.
    public mutating func requestID() -> String {
        let a = requests.next(), b = requests.next()
        let h = Hex.fixed(a, digits: 16) + Hex.fixed(b, digits: 16)
        let c = Array(h.utf8)
        func part(_ r: Range<Int>) -> String { String(decoding: c[r], as: UTF8.self) }
        return part(0..<8) + "-" + part(8..<12) + "-" + part(12..<16) + "-" + part(16..<20) + "-" + part(20..<32)
    }

    /// A seed for a world opened without one.
    public static func randomSeed() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next() >> 1
    }
}

enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    /// `value` as exactly `digits` lowercase hex digits (the low bits when it has more).
    static func fixed(_ value: UInt64, digits count: Int) -> String {
        var out = [UInt8](repeating: 0x30, count: count)
        var v = value
        var i = count - 1
        while i >= 0 {
            out[i] = digits[Int(v & 0xF)]
            v >>= 4
            i -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// ARNs and the partition a region belongs to.
public enum ARN {
    public static func partition(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    public static func make(service: String, region: String, account: String, resource: String) -> String {
        "arn:\(partition(region: region)):\(service):\(region):\(account):\(resource)"
    }

    /// The resource part of `arn` when it is an ARN of `service` in this region and account and
    /// its resource starts with `resourcePrefix`; nil otherwise (which callers report as not found).
    public static func resource(of arn: String, service: String, region: String, account: String,
                                resourcePrefix: String) -> Substring? {
        let expected = "arn:\(partition(region: region)):\(service):\(region):\(account):\(resourcePrefix)"
        guard arn.hasPrefix(expected) else { return nil }
        return arn.dropFirst(expected.count)
    }
}

/// The wall clock, read once when a world opens (the world's clock is virtual afterwards).
public enum WallClock {
    public static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec / 1_000_000)
    }
}
