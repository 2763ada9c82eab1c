/// What apsim:SetNetwork (or the `network` config key) declared for one account and region:
/// its VPCs, subnets and security groups, checked as a whole (`InvalidNetwork` names the first bad
/// member, and nothing is declared then).
struct DeclaredNetwork: Sendable, Equatable {
    private(set) var vpcs: [String: IPv4Block] = [:]
    private(set) var subnets: [String: Subnet] = [:]
    private(set) var securityGroups: [String: SecurityGroup] = [:]
    /// VPC ID -> its security group named `default`.
    private(set) var defaultGroups: [String: String] = [:]
    /// The declaration in the order given, AvailabilityZoneIds filled in: what apsim:GetNetwork
    /// answers and snapshots keep.
    private(set) var document = JSONObject()

    static let members = ["Vpcs", "Subnets", "SecurityGroups"]
    static let subnetMembers = ["SubnetId", "VpcId", "AvailabilityZone", "AvailabilityZoneId", "CidrBlock"]
    static let groupMembers = ["GroupId", "VpcId", "GroupName", "IpPermissions"]
    /// Group ID -> its inbound rules (none declared: no inbound traffic).
    private(set) var inbound: [String: [InboundRule]] = [:]

    static func == (a: DeclaredNetwork, b: DeclaredNetwork) -> Bool { a.document == b.document }

    init(_ value: JSON?, region: String, path: String) throws(APIError) {
        let root = try DocumentReader(value, path, refusal: RuntimeError.invalidNetwork)
        try root.only(DeclaredNetwork.members + ["Mode", "AccountId", "Region"], naming: DeclaredNetwork.members)
        var vpcList: [JSON] = [], subnetList: [JSON] = [], groupList: [JSON] = []
        for v in try root.optionalItems("Vpcs") {
            try v.only(["VpcId", "CidrBlock"], naming: ["VpcId", "CidrBlock"])
            let id = try v.id("VpcId", prefix: "vpc-")
            guard vpcs[id] == nil else { throw v.invalid("VpcId", "'\(id)' is declared twice") }
            vpcs[id] = try v.cidr("CidrBlock")
            vpcList.append(.object(v.object))
        }
        for s in try root.optionalItems("Subnets") {
            try s.only(Self.subnetMembers, naming: Self.subnetMembers)
            let id = try s.id("SubnetId", prefix: "subnet-")
            guard subnets[id] == nil else { throw s.invalid("SubnetId", "'\(id)' is declared twice") }
            let vpc = try s.string("VpcId")
            guard let vpcBlock = vpcs[vpc] else { throw s.invalid("VpcId", "no VPC '\(vpc)' is declared") }
            let zone = try s.string("AvailabilityZone")
            guard zone.hasPrefix(region), zone.count == region.count + 1, let letter = zone.last, letter.isLowercase,
                  let index = letter.asciiValue.map({ Int($0) - 97 }) else {
                throw s.invalid("AvailabilityZone", "'\(zone)' is not an Availability Zone of \(region) (e.g. \(region)a)")
            }
            let block = try s.cidr("CidrBlock")
            guard vpcBlock.contains(block) else {
                throw s.invalid("CidrBlock", "\(block.text) is not inside the VPC's \(vpcBlock.text)")
            }
            let zoneID = try s.optionalString("AvailabilityZoneId") ?? Network.zoneID(region: region, letter: index)
            subnets[id] = Subnet(id: id, vpcID: vpc, availabilityZone: zone, availabilityZoneID: zoneID, cidr: block)
            var normalized = s.object
            normalized["AvailabilityZoneId"] = .string(zoneID)
            subnetList.append(.object(normalized))
        }
        for g in try root.optionalItems("SecurityGroups") {
            try g.only(Self.groupMembers, naming: Self.groupMembers)
            let id = try g.id("GroupId", prefix: "sg-")
            guard securityGroups[id] == nil else { throw g.invalid("GroupId", "'\(id)' is declared twice") }
            let vpc = try g.string("VpcId")
            guard vpcs[vpc] != nil else { throw g.invalid("VpcId", "no VPC '\(vpc)' is declared") }
            let name = try g.optionalString("GroupName")
            securityGroups[id] = SecurityGroup(id: id, vpcID: vpc, name: name)
            inbound[id] = try InboundRule.parse(g)
            if name == "default" && defaultGroups[vpc] == nil { defaultGroups[vpc] = id }
            groupList.append(.object(g.object))
        }
        // A rule may name any group declared here, before or after it.
        for (i, g) in try root.optionalItems("SecurityGroups").enumerated() {
            let id = try g.string("GroupId")
            for (j, rule) in (inbound[id] ?? []).enumerated() {
                if let unknown = rule.groups.first(where: { securityGroups[$0] == nil }) {
                    throw RuntimeError.invalidNetwork(at: "\(path).SecurityGroups[\(i)].IpPermissions[\(j)].UserIdGroupPairs",
                                                      "no security group '\(unknown)' is declared")
                }
            }
        }
        document.append("Vpcs", .array(vpcList))
        document.append("Subnets", .array(subnetList))
        document.append("SecurityGroups", .array(groupList))
    }
}

extension DeclaredNetwork {
    /// The VPC's security group named `default`, if one is declared.
    func defaultGroup(of vpc: String) -> String? { defaultGroups[vpc] }

    /// Whether any of `groups` lets TCP `port` in from `address` (or a member of `from`).
    func allowsTCP(_ port: Int, into groups: [String], from address: UInt32, groups from: [String]) -> Bool {
        groups.contains { group in (inbound[group] ?? []).contains { $0.allows("tcp", port: port, from: address, groups: from) } }
    }
}

extension DocumentReader {
    /// A member holding an ID: `prefix` and 8 to 40 lowercase hex digits.
    func id(_ key: String, prefix: String) throws(APIError) -> String {
        let id = try string(key)
        guard Network.isWellFormed(id, prefix: prefix) else { throw invalid(key, DocumentReader.notAnID(.string(id), prefix: prefix)) }
        return id
    }

    /// "'x' is not a vpc- ID (vpc- and 8 to 40 lowercase hex digits)".
    static func notAnID(_ value: JSON, prefix: String) -> String {
        "'\(Validator.echo(value))' is not a \(prefix) ID (\(prefix) and 8 to 40 lowercase hex digits)"
    }

    func cidr(_ key: String) throws(APIError) -> IPv4Block {
        let text = try string(key)
        guard let block = IPv4Block(text) else { throw invalid(key, "'\(APIError.echo(text))' is not an IPv4 CIDR block") }
        return block
    }
}
