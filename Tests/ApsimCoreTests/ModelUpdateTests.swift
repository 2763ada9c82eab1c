@testable import ApsimCore
import Testing

/// What the botocore 1.44 models added, accepted end to end: gen-3 ONTAP deployment types.
@Suite struct ModelUpdateTests {
    @Test(arguments: ["SINGLE_AZ_3", "MULTI_AZ_3"])
    func generation3OntapFileSystemsAreAccepted(deployment: String) throws {
        let w = try makeWorld()
        let subnets: JSON = deployment == "MULTI_AZ_3" ? ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] : ["subnet-0123456789abcdef0"]
        var ontap = JSONObject(["DeploymentType": .string(deployment), "ThroughputCapacityPerHAPair": 6144, "HAPairs": 2])
        if deployment == "MULTI_AZ_3" { ontap["PreferredSubnetId"] = "subnet-0123456789abcdef1" }
        let (status, body) = call(w, "fsx:CreateFileSystem", [
            "FileSystemType": "ONTAP", "SubnetIds": subnets, "OntapConfiguration": .object(ontap),
        ])
        #expect(status == 200)
        let config = body["FileSystem"]?["OntapConfiguration"]
        #expect(config?["DeploymentType"] == .string(deployment))
        #expect(config?["ThroughputCapacityPerHAPair"] == 6144)
        #expect(config?["HAPairs"] == 2)
    }

    @Test func theModelsNameTheirServices() {
        #expect(ServiceModel.efs.serviceID == "EFS" && ServiceModel.fsx.serviceID == "FSx")
        #expect(Services.all.map { $0.model.name } == ["efs", "fsx", "nfs"])  // nfs: apsim's own data-plane model
    }
}
