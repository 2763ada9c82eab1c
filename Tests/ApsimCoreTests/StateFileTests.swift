@testable import ApsimCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The state file's promises: one world at a time, a journal bound to its snapshot, empty means
/// new, hand-written fixtures, consistent copies, and states refused member by member.
@Suite struct StateFileTests {
    /// A fresh folder with `world.json`'s path in it; everything in it is removed after `body`.
    func withFolder(_ body: (_ path: String, _ config: String) throws -> Void) throws {
        let dir = "/tmp/apsim-statefile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o755)
        defer {
            for name in ["world.json", "world.json.journal", "world.json.lock", "world.json.journal.unreplayed", "fixture.json"] {
                unlink(dir + "/" + name)
            }
            rmdir(dir)
        }
        try body(dir + "/world.json", #"{"seed": 5, "start_time": 1700000000, "state_file": "\#(dir)/world.json"}"#)
    }

    func write(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    func fileSystems(_ w: World) -> Int { call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array?.count ?? -1 }

    @Test func aSecondOpenerIsRefusedAtOnceNamingTheHolder() throws {
        try withFolder { path, config in
            let a = try World(configJSON: config)
            #expect(throws: APIError(code: "StateFileInUse",
                                     message: "state_file '\(path)' is in use by process \(getpid()) (it holds '\(path).lock'); a state file serves one world at a time: stop that process, or give this world another file.",
                                     status: 409)) { try World(configJSON: config) }
            _ = makeFileSystem(a)
            #expect(fileSystems(a) == 1)
        }
        // The lock goes with its world.
        try withFolder { path, config in
            do { _ = makeFileSystem(try World(configJSON: config)) }
            // Closing compacted: the snapshot holds the change, the journal is empty.
            #expect(String(decoding: try readAll(path), as: UTF8.self).contains(#""CreationToken":"fs-token""#))
            #expect(try readAll(path + ".journal").isEmpty)
            #expect(fileSystems(try World(configJSON: config)) == 1)
        }
    }

    @Test func aDeletedSnapshotGivesAFreshWorldAndTheJournalIsSetAside() throws {
        try withFolder { path, config in
            let a = try World(configJSON: config)
            _ = makeFileSystem(a)
            a.crash()  // kill -9: the journal holds the change, the snapshot does not
            unlink(path)
            let b = try World(configJSON: config)
            #expect(fileSystems(b) == 0)
            #expect(b.notices == ["The journal '\(path).journal' (1 change) was not replayed: its snapshot '\(path)' does not exist (deleted?); it was moved to '\(path).journal.unreplayed'."])
            #expect(exists(path + ".journal.unreplayed"))
            // The same, through the C API and HTTP: apsim:DescribeStateFile.
            #expect(call(b, "apsim:DescribeStateFile").body["Notices"] == .array(b.notices.map { .string($0) }))
            #expect(call(b, "apsim:DescribeStateFile").body["Lock"] == .string(path + ".lock"))
            #expect(call(try makeWorld(), "apsim:DescribeStateFile").body.object?.keys == ["Notices", "ResponseMetadata"])
            _ = makeFileSystem(b, token: "other")
            b.crash()
            let c = try World(configJSON: config)
            #expect(fileSystems(c) == 1)
            #expect(c.notices == [])
        }
    }

    @Test func aJournalIsNotReplayedOnAnotherSnapshot() throws {
        try withFolder { path, config in
            // Another world's file copied over the snapshot.
            let other = try makeWorld()
            _ = makeFileSystem(other, token: "theirs")
            var exported = call(other, "apsim:ExportState").body.object ?? JSONObject()
            exported["ResponseMetadata"] = nil
            let a = try World(configJSON: config)
            _ = makeFileSystem(a)
            a.crash()
            write(path, JSON.object(exported).text)
            let b = try World(configJSON: config)
            #expect(call(b, "efs:DescribeFileSystems").body["FileSystems"]?.array?.map { $0["CreationToken"] } == ["theirs"])
            #expect(b.notices.count == 1)
            #expect(b.notices.first?.hasPrefix("The journal '\(path).journal' (1 change) was not replayed: it belongs to another snapshot than '\(path)' (journal base ") == true)
        }
        try withFolder { path, config in
            // An older copy of the same snapshot: the journal continues a later one.
            do { _ = makeFileSystem(try World(configJSON: config)) }  // closes: the snapshot holds change 1
            let older = try String(decoding: readAll(path), as: UTF8.self)
            let a = try World(configJSON: config)
            _ = makeFileSystem(a, token: "second")
            a.crash()
            do { _ = makeFileSystem(try World(configJSON: config), token: "third") } // compacts 2, journals 3 ... closes
            let b = try World(configJSON: config)
            _ = makeFileSystem(b, token: "fourth")
            b.crash()  // the journal continues from change 3
            write(path, older)
            let c = try World(configJSON: config)
            #expect(fileSystems(c) == 1)
            #expect(c.notices.first?.contains("it continues change 3 but '\(path)' holds changes up to 1 only (an older copy?)") == true)
        }
    }

    func readAll(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true { let n = fread(&chunk, 1, chunk.count, f); if n <= 0 { break }; bytes += chunk[0..<n] }
        return bytes
    }

    @Test func anEmptyFileIsANewWorld() throws {
        for text in ["", "\n  \n"] {
            try withFolder { path, config in
                write(path, text)
                let w = try World(configJSON: config)
                #expect(fileSystems(w) == 0)
                _ = makeFileSystem(w)
                w.crash()
                #expect(fileSystems(try World(configJSON: config)) == 1)
            }
        }
    }

    @Test func aHandWrittenFixtureNeedsOnlyItsResources() throws {
        try withFolder { path, config in
            let fixture = #"""
            {"State": {"Format": "apsim-state/1", "Regions": [{"Account": "123456789012", "Region": "us-east-1",
              "EFSFileSystems": [{"Id": "fs-0123456789abcdef0", "Seq": 1, "CreationToken": "fixture", "CreationTime": 1700000000000,
                "Lifecycle": {"Current": "available"}, "PerformanceMode": "generalPurpose", "ThroughputMode": "bursting",
                "Encrypted": true, "Tags": [{"Key": "Name", "Value": "from a fixture"}]}],
              "EFSAccessPoints": [], "FSxFileSystems": [], "FSxStorageVirtualMachines": [], "FSxVolumes": [], "FSxAttachments": [],
              "FSxClientTokens": []}]}}
            """#
            write(path, fixture)
            let w = try World(configJSON: config)
            let described = call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array
            #expect(described?.first?["FileSystemId"] == "fs-0123456789abcdef0")
            #expect(described?.first?["Name"] == "from a fixture")
            #expect(described?.first?["CreationTime"] == 1700000000)
            // The world's bookkeeping started as a new world's: the fixture's ID is taken, and
            // creation continues after its Seq.
            let export = call(w, "apsim:ExportState").body
            #expect(export["IssuedIds"] == ["123456789abcdef0"])
            #expect(export["Sequence"] == "0000000000000002")
            let ap = call(w, "efs:CreateAccessPoint", ["ClientToken": "x", "FileSystemId": "fs-0123456789abcdef0"])
            #expect(ap.status == 200)
        }
    }

    @Test func aConsistentCopyIsTakenWhileTheFileIsHeld() throws {
        try withFolder { path, config in
            let a = try World(configJSON: config)
            let fs = makeFileSystem(a)
            call(a, "efs:CreateAccessPoint", ["ClientToken": "c", "FileSystemId": .string(fs)])
            let copy = try World.exportState(stateFile: path, config: try WorldConfig.parse(#"{"seed": 5}"#))
            var live = call(a, "apsim:ExportState").body.object ?? JSONObject()
            live["ResponseMetadata"] = nil
            #expect(copy == .object(live))
            // The copy is a state file of its own.
            let fixture = String(path.dropLast("world.json".count)) + "fixture.json"
            write(fixture, copy.text)
            let b = try World(configJSON: #"{"state_file": "\#(fixture)"}"#)
            #expect(call(b, "efs:DescribeAccessPoints").body["AccessPoints"]?.array?.count == 1)
        }
    }

    @Test func importedStatesAreCheckedMemberByMember() throws {
        let w = try makeWorld()
        _ = makeFileSystem(w)
        var state = call(w, "apsim:ExportState").body.object ?? JSONObject()
        state["ResponseMetadata"] = nil
        let before = state
        func refused(_ edit: (inout JSONObject) -> Void) -> (String?, String?) {
            var s = before
            edit(&s)
            return error(call(w, "apsim:ImportState", ["State": .object(s)]).body)
        }
        func setFS(_ key: String, _ value: JSON) -> (inout JSONObject) -> Void {
            { s in
                guard var regions = s["Regions"]?.array, var region = regions[0].object,
                      var list = region["EFSFileSystems"]?.array, var fs = list[0].object else { return }
                fs[key] = value
                list[0] = .object(fs)
                region["EFSFileSystems"] = .array(list)
                regions[0] = .object(region)
                s["Regions"] = .array(regions)
            }
        }
        #expect(refused(setFS("Id", "not-an-id")) == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].EFSFileSystems[0].Id': 'not-an-id' is not a fs- ID (fs- and 8 to 40 lowercase hex digits)."))
        #expect(refused(setFS("ThroughputMode", "warp")) == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].EFSFileSystems[0].ThroughputMode': 'warp' fails the model's constraint: Member must satisfy enum value set: [bursting, provisioned, elastic]."))
        #expect(refused(setFS("Lifecycle", ["Current": "exploded"])) == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].EFSFileSystems[0].Lifecycle.Current': 'exploded' is not one of creating, available, updating, deleting, deleted, error."))
        #expect(refused(setFS("AvailabilityZoneName", "us-east-1z")) == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].EFSFileSystems[0].AvailabilityZoneName': 'us-east-1z' is not an Availability Zone of us-east-1."))
        #expect(refused { s in setRegion(&s, "Region", "not a region") } == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].Region': 'not a region' is not a region name such as us-east-1."))
        #expect(refused { s in setRegion(&s, "EFSManagedKeyArn", "arn:aws:kms:eu-west-1:123456789012:key/x") } == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].EFSManagedKeyArn': 'arn:aws:kms:eu-west-1:123456789012:key/x' is not in account 123456789012, region us-east-1."))
        #expect(refused { s in setRegion(&s, "EFSManagedKeyArn", "key") } == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].EFSManagedKeyArn': 'key' is not an ARN."))
        #expect(refused { s in setRegion(&s, "Account", "12") } == ("InvalidState",
            "Invalid apsim state at 'State.Regions[0].Account': '12' is not an account ID (12 digits)."))
        var after = call(w, "apsim:ExportState").body.object ?? JSONObject()
        after["ResponseMetadata"] = nil
        #expect(after == before)  // every refusal left the world as it was
    }

    func setRegion(_ s: inout JSONObject, _ key: String, _ value: JSON) {
        guard var regions = s["Regions"]?.array, var region = regions[0].object else { return }
        region[key] = value
        regions[0] = .object(region)
        s["Regions"] = .array(regions)
    }
}
