/// FSx file systems in the network of ../shared/spec/network.md: their subnets and security groups.
enum FSxNetwork {
    static let multiAZ: Set<String> = ["MULTI_AZ_1", "MULTI_AZ_2", "MULTI_AZ_3"]

    /// How many subnets a deployment type takes: two (in different AZs) for MULTI_AZ, else one.
    static func subnetCount(_ deployment: String) -> Int { multiAZ.contains(deployment) ? 2 : 1 }

    /// The subnets a file system is created in: each must exist, all in one VPC, a MULTI_AZ one's
    /// two in different Availability Zones with the preferred one among them; its security groups
    /// must exist in that VPC.
    /// (PreferredSubnetId among SubnetIds is a rule of the request: FSxRules.createFileSystem.)
    static func subnets(_ input: JSONObject, _ network: Network) throws(APIError) -> [Subnet] {
        var subnets: [Subnet] = []
        for id in (input["SubnetIds"]?.array ?? []).compactMap(\.string) {
            guard let subnet = network.subnet(id) else { throw FSxError.invalidSubnet(id) }
            subnets.append(subnet)
        }
        guard let vpc = subnets.first?.vpcID else { return subnets }
        if subnets.contains(where: { $0.vpcID != vpc }) { throw FSxError.subnetsInSeveralVPCs }
        if subnets.count == 2 {
            if subnets[0].availabilityZone == subnets[1].availabilityZone { throw FSxError.subnetsInOneZone }
        }
        for id in (input["SecurityGroupIds"]?.array ?? []).compactMap(\.string) {
            guard let group = network.securityGroup(id) else { throw FSxError.invalidSecurityGroup(id) }
            if group.vpcID != vpc { throw FSxError.securityGroupInOtherVPC(id, vpc: vpc) }
        }
        return subnets
    }
}
