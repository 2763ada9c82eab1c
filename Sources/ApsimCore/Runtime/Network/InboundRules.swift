/// A declared security group's inbound rules, in EC2's shape (network.md, "Security group
/// rules"): `{"IpProtocol": "tcp" | "-1" | ..., "FromPort", "ToPort", "IpRanges": [{"CidrIp"}],
/// "UserIdGroupPairs": [{"GroupId"}]}`. A group declared without them allows no inbound traffic.
struct InboundRule: Sendable, Equatable {
    /// "tcp", "udp", "icmp" or "-1" (every protocol; ports are then ignored).
    let ipProtocol: String
    let fromPort: Int
    let toPort: Int
    let ranges: [IPv4Block]
    let groups: [String]

    static let protocols = ["tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp", "-1": "-1", "all": "-1"]

    /// Whether the rule lets `ipProtocol` traffic to `port` in from `address` or a member of `from`.
    func allows(_ ipProtocol: String, port: Int, from address: UInt32, groups from: [String]) -> Bool {
        guard self.ipProtocol == "-1" || (self.ipProtocol == ipProtocol && (fromPort...toPort).contains(port)) else { return false }
        return ranges.contains { $0.contains(address) } || groups.contains { from.contains($0) }
    }

    /// The rules of `IpPermissions`, each member checked (a group a rule names is checked by the
    /// caller, once every group is declared).
    static func parse(_ g: DocumentReader) throws(APIError) -> [InboundRule] {
        var rules: [InboundRule] = []
        for p in try g.optionalItems("IpPermissions") {
            try p.only(["IpProtocol", "FromPort", "ToPort", "IpRanges", "UserIdGroupPairs"],
                       naming: ["IpProtocol", "FromPort", "ToPort", "IpRanges", "UserIdGroupPairs"])
            let given = try p.string("IpProtocol").lowercased()
            guard let proto = protocols[given] else {
                throw p.invalid("IpProtocol", "'\(APIError.echo(given))' is not tcp, udp, icmp or -1")
            }
            var from = -1, to = -1
            if proto != "-1" {
                from = Int(try p.int("FromPort"))
                to = Int(try p.int("ToPort"))
                guard (-1...65535).contains(from), (-1...65535).contains(to), from <= to else {
                    throw p.invalid("FromPort", "ports must be from -1 to 65535, FromPort at most ToPort")
                }
            }
            var ranges: [IPv4Block] = []
            for r in try p.optionalItems("IpRanges") {
                try r.only(["CidrIp", "Description"], naming: ["CidrIp"])
                ranges.append(try r.cidr("CidrIp"))
            }
            var groups: [String] = []
            for u in try p.optionalItems("UserIdGroupPairs") {
                try u.only(["GroupId", "UserId", "Description"], naming: ["GroupId"])
                groups.append(try u.id("GroupId", prefix: "sg-"))
            }
            rules.append(InboundRule(ipProtocol: proto, fromPort: from, toPort: to, ranges: ranges, groups: groups))
        }
        return rules
    }
}
