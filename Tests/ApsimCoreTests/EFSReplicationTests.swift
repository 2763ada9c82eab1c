@testable import ApsimCore
import Testing

@Suite struct EFSReplicationTests {
    func region(_ w: World, _ region: String, _ op: String, _ request: JSON = [:]) -> (status: Int, body: JSON) {
        let r = w.call(account: nil, region: region, operation: op, request: request.text)
        return (r.status, r.body)
    }

    @Test func aDestinationIsCreatedInAnotherRegionAndProtected() throws {
        let w = try makeWorld()
        let source = makeFileSystem(w)
        _ = call(w, "efs:DescribeFileSystems")  // settles: available
        let created = call(w, "efs:CreateReplicationConfiguration", ["SourceFileSystemId": .string(source),
                                                                     "Destinations": [["Region": "eu-west-1"]]])
        #expect(created.status == 200)
        let destination = created.body["Destinations"]?.array?.first
        #expect(destination?["Status"] == "ENABLING" && destination?["Region"] == "eu-west-1")
        #expect(created.body["SourceFileSystemRegion"] == "us-east-1" && created.body["SourceFileSystemId"]?.string == source)
        let destID = destination?["FileSystemId"]?.string ?? ""
        let there = region(w, "eu-west-1", "efs:DescribeFileSystems", ["FileSystemId": .string(destID)]).body["FileSystems"]?.array?.first
        #expect(there?["LifeCycleState"] == "available" && there?["Encrypted"] == true)
        #expect(there?["FileSystemProtection"] == ["ReplicationOverwriteProtection": "REPLICATING"])
        let listed = call(w, "efs:DescribeReplicationConfigurations", ["FileSystemId": .string(source)]).body["Replications"]
        #expect(listed?.array?.first?["Destinations"]?.array?.first?["Status"] == "ENABLED")
        // The destination end names the same replication.
        #expect(region(w, "eu-west-1", "efs:DescribeReplicationConfigurations", ["FileSystemId": .string(destID)]).body["Replications"]?
            .array?.first?["SourceFileSystemId"]?.string == source)
        let protect = region(w, "eu-west-1", "efs:UpdateFileSystemProtection", ["FileSystemId": .string(destID),
                                                                                "ReplicationOverwriteProtection": "DISABLED"])
        #expect(protect.status == 409)
        #expect(error(protect.body) == ("ReplicationAlreadyExists",
                                        "ReplicationOverwriteProtection cannot be changed while the file system is a replication destination."))
        for (r, id) in [("us-east-1", source), ("eu-west-1", destID)] {
            let inUse = region(w, r, "efs:DeleteFileSystem", ["FileSystemId": .string(id)])
            #expect(error(inUse.body) == ("FileSystemInUse", "File system '\(id)' is in a replication configuration and cannot be deleted."))
        }
        let again = call(w, "efs:CreateReplicationConfiguration", ["SourceFileSystemId": .string(source), "Destinations": [["Region": "eu-west-1"]]])
        #expect(again.status == 409)
        #expect(error(again.body) == ("ConflictException", "File system '\(source)' already has a replication configuration."))
        #expect(call(w, "efs:DeleteReplicationConfiguration", ["SourceFileSystemId": .string(source)]).status == 204)
        #expect(region(w, "eu-west-1", "efs:DescribeFileSystems", ["FileSystemId": .string(destID)]).body["FileSystems"]?.array?.first?["FileSystemProtection"]
            == ["ReplicationOverwriteProtection": "ENABLED"])
        let none = call(w, "efs:DescribeReplicationConfigurations", ["FileSystemId": .string(source)])
        #expect(none.status == 404)
        #expect(error(none.body) == ("ReplicationNotFound", "File system '\(source)' does not have a replication configuration."))
        #expect(error(call(w, "efs:DeleteReplicationConfiguration", ["SourceFileSystemId": .string(source)]).body).code == "ReplicationNotFound")
        #expect(call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(source)]).status == 204)
    }

    @Test func anExistingDestinationMustBeUnprotected() throws {
        let w = try instantWorld()
        let source = makeFileSystem(w, token: "s"), target = makeFileSystem(w, token: "d")
        let request: JSON = ["SourceFileSystemId": .string(source), "Destinations": [["Region": "us-east-1", "FileSystemId": .string(target)]]]
        let protected = call(w, "efs:CreateReplicationConfiguration", request)
        #expect(error(protected.body) == ("ConflictException",
            "File system '\(target)' has ReplicationOverwriteProtection ENABLED; disable it to use the file system as a replication destination."))
        _ = call(w, "efs:UpdateFileSystemProtection", ["FileSystemId": .string(target), "ReplicationOverwriteProtection": "DISABLED"])
        #expect(call(w, "efs:CreateReplicationConfiguration", request).body["Destinations"]?.array?.first?["Status"] == "ENABLED")
        let chained = call(w, "efs:CreateReplicationConfiguration", ["SourceFileSystemId": .string(target), "Destinations": [["Region": "us-west-2"]]])
        #expect(error(chained.body) == ("ConflictException", "File system '\(target)' is a replication destination; it cannot be a replication source."))
        let two = call(w, "efs:CreateReplicationConfiguration", ["SourceFileSystemId": .string(source), "Destinations": [[:], [:]]])
        #expect(error(two.body) == ("BadRequest", "A replication configuration has exactly one destination."))
        // Snapshots keep both ends.
        let exported = call(w, "apsim:ExportState").body
        let copy = try instantWorld()
        _ = call(copy, "apsim:ImportState", ["State": exported])
        #expect(call(copy, "efs:DescribeReplicationConfigurations").body["Replications"]?.array?.count == 1)
        #expect(call(copy, "apsim:ExportState").body["Regions"] == exported["Regions"])
    }
}
