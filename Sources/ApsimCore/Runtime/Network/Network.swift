/// The network apsim's resources live in (../shared/spec/network.md): per account and region,
/// either open (every well-formed subnet and security group ID exists, placed by derivation from
/// the ID) or declared (apsim:SetNetwork, the `network` config key; only what is declared exists).
/// One model serves both services.
final class NetworkState: ServiceState {
    /// nil: the open network.
    var declared: DeclaredNetwork?

    init() {}
}

extension RegionState {
    var network: NetworkState { state(NetworkState.self) }
}

/// A subnet as the services see it.
struct Subnet: Sendable, Equatable {
    let id: String
    let vpcID: String
    let availabilityZone: String
    let availabilityZoneID: String
    let cidr: IPv4Block
}

/// A security group as the services see it.
struct SecurityGroup: Sendable, Equatable {
    let id: String
    let vpcID: String
    let name: String?
}

/// One account and region's network, as the services ask it.
struct Network {
    let state: NetworkState
    let account: String
    let region: String

    init(_ region: RegionState, _ ctx: CallContext) {
        state = region.network
        account = ctx.account
        self.region = ctx.region
    }

    func subnet(_ id: String) -> Subnet? {
        if let declared = state.declared { return declared.subnets[id] }
        guard Network.isWellFormed(id, prefix: "subnet-") else { return nil }
        let letter = Int(Network.hash(id) % 3)
        let block = Int(Network.hash("cidr:" + id) % 16)
        return Subnet(id: id, vpcID: openVPC, availabilityZone: region + String(Network.letters[letter]),
                      availabilityZoneID: Network.zoneID(region: region, letter: letter),
                      cidr: IPv4Block(base: Network.openCIDR.base | UInt32(block) << 12, prefix: 20))
    }

    func securityGroup(_ id: String) -> SecurityGroup? {
        if let declared = state.declared { return declared.securityGroups[id] }
        guard Network.isWellFormed(id, prefix: "sg-") else { return nil }
        return SecurityGroup(id: id, vpcID: openVPC, name: id == openDefaultGroup ? "default" : nil)
    }

    /// The security group a VPC's resources get when none is named: the one called `default`.
    func defaultSecurityGroup(of vpcID: String) -> String? {
        guard let declared = state.declared else { return vpcID == openVPC ? openDefaultGroup : nil }
        return declared.defaultGroups[vpcID]
    }

    /// The open network's one VPC and its default group: derived from the account and region,
    /// not from the seed, so the same account and region always have the same ones.
    var openVPC: String { "vpc-0" + Hex.fixed(Network.hash("vpc:" + account + "/" + region), digits: 16) }
    var openDefaultGroup: String { "sg-0" + Hex.fixed(Network.hash("sg:" + account + "/" + region), digits: 16) }

    static let openCIDR = IPv4Block(base: 172 << 24 | 31 << 16, prefix: 16)
    static let letters = Array("abc")

    /// `subnet-` / `sg-` + 8 to 40 lowercase hex digits.
    static func isWellFormed(_ id: String, prefix: String) -> Bool {
        guard id.hasPrefix(prefix) else { return false }
        let hex = id.utf8.dropFirst(prefix.utf8.count)
        return (8...40).contains(hex.count) && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The AZ ID of the zone `letter` (0: a) of a region: `use1-az1`.
    static func zoneID(region: String, letter: Int) -> String { AWSRegion.code(region) + "-az" + String(letter + 1) }

    /// FNV-1a: what the open network derives placements from (stable across runs and seeds).
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}

/// AWS region names and the short codes AWS derives from them.
enum AWSRegion {
    /// `us-east-1` -> `use1`, `eu-west-2` -> `euw2`: the first part, the initials of the middle
    /// parts, the number (as real AZ IDs and S3 access point aliases spell them).
    static func code(_ region: String) -> String {
        let parts = region.split(separator: "-")
        var code = String(parts.first ?? "")
        for p in parts.dropFirst() { code += p.first.map { $0.isNumber ? String(p) : String($0) } ?? "" }
        return code
    }
}

/// An IPv4 CIDR block.
struct IPv4Block: Sendable, Equatable {
    let base: UInt32
    let prefix: Int

    var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }
    var text: String { IPv4.format(base) + "/" + String(prefix) }

    func contains(_ address: UInt32) -> Bool { UInt64(address) >= UInt64(base) && UInt64(address) < UInt64(base) + size }
    func contains(_ block: IPv4Block) -> Bool { block.prefix >= prefix && contains(block.base) }

    /// The addresses a resource may hold: AWS reserves the first four and the last of a subnet.
    func isAssignable(_ address: UInt32) -> Bool {
        contains(address) && UInt64(address) >= UInt64(base) + 4 && UInt64(address) < UInt64(base) + size - 1
    }

    /// `10.0.0.0/16`; nil unless the address is the block's first (no host bits) and 0 ≤ prefix ≤ 32.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4.parse(String(parts[0])), let prefix = Int(parts[1]),
              (0...32).contains(prefix) else { return nil }
        let mask: UInt32 = prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix)
        guard address & ~mask == 0 else { return nil }
        self.init(base: address, prefix: prefix)
    }

    init(base: UInt32, prefix: Int) {
        self.base = base
        self.prefix = prefix
    }
}

enum IPv4 {
    /// `a.b.c.d`, each 0–255 without a sign; nil otherwise.
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = UInt32(p), n <= 255 else {
                return nil
            }
            value = value << 8 | n
        }
        return value
    }

    static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }
}
