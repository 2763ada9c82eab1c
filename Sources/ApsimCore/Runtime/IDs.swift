#if canImport(Glibc)
import Glibc
#endif

/// Resource IDs and request IDs, drawn from two independent seeded streams so that adding a
/// read-only call (which consumes a RequestId) never changes the IDs of later resources.
struct IDGenerator: Sendable {
    private var resources: SeededGenerator
    private var requests: SeededGenerator
    /// Every resource ID number issued in this world: EFS and FSx IDs never collide.
    private var issued: Set<UInt64> = []

    init(seed: UInt64) {
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

    /// Marks resource ID numbers as issued (those of a restored state).
    mutating func take(_ numbers: Set<UInt64>) { issued.formUnion(numbers) }

    var resourceState: UInt64 { resources.state }
    var requestState: UInt64 { requests.state }
    var issuedNumbers: Set<UInt64> { issued }

    /// `prefix` + 17 lowercase hex digits, as AWS's long IDs (`fs-0123456789abcdef0`).
    mutating func resourceID(prefix: String) -> String {
        var n = resources.next()
        while !issued.insert(n).inserted { n = resources.next() }
        return prefix + "0" + Hex.fixed(n, digits: 16)
    }

    /// `prefix` + 8 lowercase hex digits: the short IDs of accounts that use them (EFS SHORT_ID).
    mutating func shortResourceID(prefix: String) -> String {
        var n = resources.next() & 0xFFFF_FFFF
        while !issued.insert(n).inserted { n = resources.next() & 0xFFFF_FFFF }
        return prefix + Hex.fixed(n, digits: 8)
    }

    /// A UUID from the resource stream (for keys and other resources named by UUIDs).
    mutating func resourceUUID() -> String { IDGenerator.requestID(RequestBits(high: resources.next(), low: resources.next())) }

    /// A fresh random value from the resource stream (for aliases and secrets).
    mutating func nextResourceRandom() -> UInt64 { resources.next() }

    /// A RequestId in the UUID form AWS uses.
    mutating func requestID() -> String { IDGenerator.requestID(nextRequestBits()) }

    /// The next RequestId's 128 bits: drawn under the world's lock (the stream's order is the
    /// calls' order), spelled out by `requestID(_:)` after it.
    mutating func nextRequestBits() -> RequestBits { RequestBits(high: requests.next(), low: requests.next()) }

    struct RequestBits: Sendable {
        let high: UInt64
        let low: UInt64
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from 128 bits.
    static func requestID(_ bits: RequestBits) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        Hex.append(bits.high, digits: 16, to: &hex)
        Hex.append(bits.low, digits: 16, to: &hex)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, h) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(h)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A seed for a world opened without one.
    static func randomSeed() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next() >> 1
    }
}

/// ARNs and the partition a region belongs to.
enum ARN {
    static func partition(region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    static func make(service: String, region: String, account: String, resource: String) -> String {
        concatenate(["arn:", partition(region: region), ":", service, ":", region, ":", account, ":", resource])
    }

    /// The parts' UTF-8 copied once into a string of exactly their size.
    static func concatenate(_ parts: [String]) -> String {
        var count = 0
        for p in parts { count += p.utf8.count }
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var at = 0
            guard let base = buffer.baseAddress else { return 0 }
            for var part in parts {
                part.withUTF8 { bytes in
                    let n = Swift.min(bytes.count, buffer.count - at)
                    if n > 0, let source = bytes.baseAddress { (base + at).update(from: source, count: n) }
                    at += Swift.max(n, 0)
                }
            }
            return at
        }
    }

    /// The resource part of `arn` when it is an ARN of `service` in this region and account and
    /// its resource starts with `resourcePrefix`; nil otherwise (which callers report as not found).
    static func resource(of arn: String, service: String, region: String, account: String,
                                resourcePrefix: String) -> Substring? {
        let expected = "arn:\(partition(region: region)):\(service):\(region):\(account):\(resourcePrefix)"
        guard arn.hasPrefix(expected) else { return nil }
        return arn.dropFirst(expected.count)
    }
}
