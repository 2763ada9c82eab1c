@testable import ApsimCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct LifecycleControlTests {
    @Test func manualLifecycleHoldsUntilTheClockPasses() throws {
        let w = try makeWorld(#"{"seed": 1, "start_time": 1700000000, "lifecycle": "manual", "creation_delay_ms": 5000}"#)
        let fs = makeFileSystem(w)
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array?.first?["LifeCycleState"] == "creating")
        let early = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)])
        #expect(early.status == 409)
        #expect(error(early.body) == ("IncorrectFileSystemLifeCycleState",
            "File system '\(fs)' is in the 'creating' state; access points can only be created on an 'available' file system."))
        #expect(call(w, "apsim:AdvanceClock", ["Milliseconds": 4999]).body["Now"] == .number("1700000004.999"))
        #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).status == 409)
        call(w, "apsim:AdvanceClock", ["Milliseconds": 1])
        let ap = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)])
        #expect(ap.status == 200)
        #expect(ap.body["LifeCycleState"] == "creating")
    }

    @Test func setLifecycleStateForcesStates() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        #expect(call(w, "apsim:SetLifecycleState", ["ResourceId": .string(fs), "State": "updating"]).status == 200)
        #expect(error(call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body).code == "IncorrectFileSystemLifeCycleState")
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array?.first?["LifeCycleState"] == "updating")
        #expect(error(call(w, "apsim:SetLifecycleState", ["ResourceId": .string(fs), "State": "AVAILABLE"]).body)
            == ("ValidationException", "'AVAILABLE' is not a lifecycle state of an EFS file system; use one of: creating, available, updating, deleting, deleted, error."))
        let missing = call(w, "apsim:SetLifecycleState", ["ResourceId": "fs-0123456789abcdef0", "State": "error"])
        #expect(missing.status == 404)
        #expect(error(missing.body) == ("ResourceNotFound", "No resource 'fs-0123456789abcdef0' exists in account 123456789012, region us-east-1."))

        let (_, root) = makeOpenZFS(w)
        call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root))
        #expect(call(w, "apsim:SetLifecycleState", ["Name": "apx", "State": "MISCONFIGURED"]).status == 200)
        #expect(call(w, "fsx:DescribeS3AccessPointAttachments", ["Names": ["apx"]]).body["S3AccessPointAttachments"]?.array?.first?["Lifecycle"] == "MISCONFIGURED")
        call(w, "apsim:SetLifecycleState", ["ResourceId": .string(root), "State": "FAILED"])
        #expect(error(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apy", root)).body)
            == ("BadRequest", "Volume '\(root)' is FAILED; an S3 access point can be attached only to a volume that is AVAILABLE."))
    }
}

@Suite struct FaultTests {
    @Test func countedFaultsFailTheNextCalls() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let id = call(w, "apsim:InjectFault", ["Operation": "efs:CreateAccessPoint", "ErrorCode": "ThrottlingException", "Count": 2]).body["FaultId"]
        #expect(id == "fault-1")
        for _ in 0..<2 {
            let r = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)])
            #expect(r.status == 429)
            #expect(error(r.body) == ("ThrottlingException", "Injected fault fault-1 (apsim:InjectFault)."))
        }
        #expect(call(w, "efs:DescribeAccessPoints").status == 200)  // other operations are untouched
        #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).status == 200)
    }

    @Test func statusComesFromTheModelOrTheRequest() throws {
        let w = try makeWorld()
        call(w, "apsim:InjectFault", ["Operation": "fsx:DescribeVolumes", "ErrorCode": "InternalServerError"])
        #expect(call(w, "fsx:DescribeVolumes").status == 500)
        call(w, "apsim:InjectFault", ["Operation": "*", "ErrorCode": "ServiceUnavailable", "StatusCode": 503, "Message": "try later"])
        let r = call(w, "efs:DescribeFileSystems")
        #expect(r.status == 503)
        #expect(error(r.body) == ("ServiceUnavailable", "try later"))
        #expect(call(w, "apsim:ListOperations").status == 200)  // control operations never fault
    }

    @Test func probabilisticFaultsFollowTheSeed() throws {
        func outcomes() throws -> [Int] {
            let w = try makeWorld(#"{"seed": 7}"#)
            call(w, "apsim:InjectFault", ["Operation": "efs:DescribeFileSystems", "ErrorCode": "ThrottlingException", "Probability": .number("0.5")])
            return (0..<40).map { _ in call(w, "efs:DescribeFileSystems").status }
        }
        let a = try outcomes(), b = try outcomes()
        #expect(a == b)
        #expect(a.contains(429) && a.contains(200))
    }

    @Test func faultRequestsAreChecked() throws {
        let w = try makeWorld()
        #expect(error(call(w, "apsim:InjectFault", ["Operation": "efs:Nope", "ErrorCode": "X"]).body)
            == ("ValidationException", "Operation must be '*' or an AWS operation apsim emulates, e.g. 'efs:CreateAccessPoint'; got 'efs:Nope'."))
        #expect(error(call(w, "apsim:InjectFault", ["Operation": "*", "ErrorCode": "X", "Count": 1, "Probability": 1]).body)
            == ("ValidationException", "Give Count or Probability, not both."))
        #expect(error(call(w, "apsim:InjectFault", ["Operation": "*", "ErrorCode": "X", "StatusCode": 200]).body).code == "ValidationException")
        call(w, "apsim:InjectFault", ["Operation": "*", "ErrorCode": "X", "Count": 5])
        #expect(call(w, "apsim:ClearFaults").body["Cleared"] == 1)
        #expect(call(w, "efs:DescribeFileSystems").status == 200)
    }
}

@Suite struct ThrottlingTests {
    @Test func nearQuotaCreatesInQuickSuccessionAreThrottled() throws {
        let w = try makeWorld(#"{"access_points_per_file_system": 10, "throttling": {"near_quota_fraction": 0.5, "interval_ms": 1000}}"#)
        let fs = makeFileSystem(w)
        for i in 0..<5 { #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": .string("t\(i)"), "FileSystemId": .string(fs)]).status == 200) }
        let r = call(w, "efs:CreateAccessPoint", ["ClientToken": "t5", "FileSystemId": .string(fs)])
        #expect(r.status == 429)
        #expect(error(r.body) == ("ThrottlingException",
            "Rate exceeded: access points are being created in quick succession on file system \(fs), which is near its limit of 10 access points. Retry later."))
        call(w, "apsim:AdvanceClock", ["Milliseconds": 1000])
        #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": "t5", "FileSystemId": .string(fs)]).status == 200)
        #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": "t6", "FileSystemId": .string(fs)]).status == 429)
    }

    @Test func offByDefault() throws {
        let w = try makeWorld(#"{"access_points_per_file_system": 3}"#)
        let fs = makeFileSystem(w)
        for i in 0..<3 { #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": .string("t\(i)"), "FileSystemId": .string(fs)]).status == 200) }
        #expect(error(call(w, "efs:CreateAccessPoint", ["ClientToken": "t9", "FileSystemId": .string(fs)]).body).code == "AccessPointLimitExceeded")
    }
}

@Suite struct AccountsAndRegionsTests {
    @Test(arguments: [("us-east-1", true), ("us-gov-west-1", true), ("ap-southeast-2", true), ("cn-north-12", true),
                      ("us-east", false), ("us1-east-1", false), ("us--east-1", false), ("-us-east-1", false),
                      ("us-east-1a", false), ("US-east-1", false), ("us-east-", false), ("", false), ("1-2-3", false),
                      ("us-east-1-", false), (String(repeating: "a-", count: 16) + "1", false)])
    func regionNames(_ name: String, _ valid: Bool) {
        #expect(WorldConfig.isRegionName(name) == valid, "\(name)")
    }

    @Test func isolatedWorldsInOneHandle() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        // The same token and name work in another account and in another region.
        let other = w.call(account: "111122223333", region: nil, operation: "efs:CreateFileSystem", request: #"{"CreationToken":"fs-token"}"#)
        #expect(other.status == 201)
        #expect(other.body["OwnerId"] == "111122223333")
        #expect(other.body["FileSystemArn"]?.string?.hasPrefix("arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/") == true)
        let eu = w.call(account: nil, region: "eu-west-1", operation: "efs:DescribeFileSystems", request: #"{"FileSystemId":"\#(fs)"}"#)
        #expect(eu.status == 404)
        let arn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + fs
        #expect(w.call(account: "111122223333", region: nil, operation: "efs:DescribeFileSystems", request: #"{"FileSystemId":"\#(arn)"}"#).status == 404)
        #expect(error(w.call(account: "12", region: nil, operation: "efs:DescribeFileSystems", request: nil).body)
            == ("ValidationException", "The account ID '12' is not valid: it must be 12 digits."))
        #expect(error(w.call(account: nil, region: "Mars", operation: "efs:DescribeFileSystems", request: nil).body)
            == ("ValidationException", "The region 'Mars' is not valid: use a region name such as 'us-east-1'."))
    }
}

@Suite struct SnapshotTests {
    /// A world with something of everything in it.
    func populated(_ config: String = #"{"seed": 3, "start_time": 1700000000}"#) throws -> World {
        let w = try makeWorld(config)
        let fs = makeFileSystem(w)
        call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs), "Tags": [["Key": "Name", "Value": "x"]],
                                          "PosixUser": ["Uid": 1, "Gid": 2], "RootDirectory": ["Path": "/p", "CreationInfo": ["OwnerUid": 1, "OwnerGid": 1, "Permissions": "755"]]])
        call(w, "efs:CreateAccessPoint", ["ClientToken": "b", "FileSystemId": .string(fs)])
        let (_, root) = makeOpenZFS(w, token: "fsx-token")
        call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root, token: "t1"))
        _ = makeOntapVolume(w)
        _ = w.call(account: "999999999999", region: "ap-northeast-1", operation: "efs:CreateFileSystem", request: #"{"CreationToken":"t"}"#)
        call(w, "apsim:InjectFault", ["Operation": "efs:DeleteAccessPoint", "ErrorCode": "InternalServerError", "Count": 3])
        call(w, "apsim:AdvanceClock", ["Milliseconds": 1234])
        return w
    }

    @Test func exportImportRoundTripsExactly() throws {
        let a = try populated()
        let exported = call(a, "apsim:ExportState").body
        var state = exported.object ?? JSONObject()
        state["ResponseMetadata"] = nil
        let b = try makeWorld(#"{"seed": 99}"#)
        #expect(call(b, "apsim:ImportState", ["State": .object(state)]).status == 200)
        var again = call(b, "apsim:ExportState").body.object ?? JSONObject()
        again["ResponseMetadata"] = nil
        #expect(JSON.object(again).text == JSON.object(state).text)
        // Both worlds now answer every call with the same bytes: IDs, RequestIds, clock, faults.
        for (op, req) in [("efs:CreateFileSystem", #"{"CreationToken":"new"}"#), ("efs:DescribeAccessPoints", "{}"),
                          ("fsx:DescribeS3AccessPointAttachments", "{}"), ("efs:DeleteAccessPoint", #"{"AccessPointId":"fsap-0123456789abcdef0"}"#),
                          ("fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", "fsvol-0000000000000000a", token: "t1").text)] {
            #expect(a.call(op, req).body.text == b.call(op, req).body.text, "\(op)")
        }
    }

    @Test func stateConfigKeyStartsFromASnapshot() throws {
        let a = try populated()
        var state = call(a, "apsim:ExportState").body.object ?? JSONObject()
        state["ResponseMetadata"] = nil
        let b = try World(configJSON: #"{"state": \#(JSON.object(state).text)}"#)
        #expect(call(b, "efs:DescribeAccessPoints").body["AccessPoints"]?.array?.count == 2)
        #expect(call(b, "fsx:DescribeS3AccessPointAttachments", ["Names": ["apx"]]).status == 200)
    }

    @Test func corruptStatesAreRefusedAndTheWorldKept() throws {
        let w = try populated()
        let before = call(w, "apsim:ExportState").body["Regions"]
        let r = call(w, "apsim:ImportState", ["State": ["Format": "apsim-state/1", "Clock": "soon"]])
        #expect(r.status == 400)
        #expect(error(r.body) == ("InvalidState", "Invalid apsim state at 'State.Clock': expected an integer."))
        #expect(error(call(w, "apsim:ImportState", ["State": ["Format": "other"]]).body)
            == ("InvalidState", "Invalid apsim state at 'State.Format': expected \"apsim-state/1\"."))
        #expect(call(w, "apsim:ExportState").body["Regions"] == before)
        #expect(throws: APIError(code: "InvalidConfiguration", message: "state is not a valid apsim state (Invalid apsim state at 'State.Format': expected a string).", status: 400)) {
            _ = try World(configJSON: #"{"state": {"Format": 1}}"#).config
        }
        #expect(throws: APIError(code: "InvalidConfiguration", message: "state must be an apsim:ExportState document (a JSON object).", status: 400)) {
            try WorldConfig.parse(#"{"state": []}"#)
        }
    }

    @Test func resetStartsOver() throws {
        let w = try populated()
        #expect(call(w, "apsim:Reset").status == 200)
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"] == [])
        let fresh = try makeWorld(#"{"seed": 3, "start_time": 1700000000}"#)
        #expect(makeFileSystem(w) == makeFileSystem(fresh))
    }

    @Test func stateFileKeepsEveryAcknowledgedChange() throws {
        let dir = "/tmp/apsim-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o755)
        let path = dir + "/world.json"
        defer { for f in [path, path + ".journal", path + ".lock"] { unlink(f) }; rmdir(dir) }
        let config = #"{"seed": 5, "state_file": "\#(path)"}"#
        let a = try World(configJSON: config)
        let fs = makeFileSystem(a)
        let ap = call(a, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body["AccessPointId"]
        // A second world opened on the file (as after a crash) sees everything acknowledged.
        a.crash()
        let b = try World(configJSON: config)
        #expect(call(b, "efs:DescribeAccessPoints").body["AccessPoints"]?.array?.first?["AccessPointId"] == ap)
        #expect(makeFileSystem(b, token: "second") == makeFileSystem(a, token: "second"))
        // A corrupt file is refused, and left as it was.
        b.crash()
        let corrupt = "{\"Format\": \"apsim-state/1\", \"Clock\": "
        let fd = open(path, O_WRONLY | O_TRUNC)
        _ = corrupt.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        #expect(throws: APIError(code: "InvalidConfiguration",
                                 message: "state_file '\(path)' is not a valid apsim state (Malformed JSON at byte \(corrupt.utf8.count): unexpected end of input); it was left untouched.",
                                 status: 400)) { try World(configJSON: config) }
        var buf = [CChar](repeating: 0, count: 100)
        let rfd = open(path, O_RDONLY)
        let n = read(rfd, &buf, 99)
        close(rfd)
        #expect(n == corrupt.utf8.count)
    }
}

@Suite struct ListFaultsTests {
    @Test func listsArmedFaultsUntilConsumed() throws {
        let w = try makeWorld()
        #expect(call(w, "apsim:ListFaults").body["Faults"] == [])
        call(w, "apsim:InjectFault", ["Operation": "efs:DescribeFileSystems", "ErrorCode": "ThrottlingException"])
        #expect(call(w, "apsim:ListFaults").body["Faults"] == [["FaultId": "fault-1", "Operation": "efs:DescribeFileSystems",
                                                               "ErrorCode": "ThrottlingException", "StatusCode": 429, "Count": 1]])
        call(w, "efs:DescribeFileSystems")
        #expect(call(w, "apsim:ListFaults").body["Faults"] == [])
    }
}

@Suite struct JournalTests {
    func tempPath() -> (dir: String, path: String) {
        let dir = "/tmp/apsim-journal-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o755)
        return (dir, dir + "/world.json")
    }

    func cleanup(_ dir: String) {
        for name in ["world.json", "world.json.journal", "world.json.lock", "world.json.journal.unreplayed"] { unlink(dir + "/" + name) }
        rmdir(dir)
    }

    /// Runs `body` with a fresh state file's path and a seeded configuration naming it; removes both files after.
    func withStateFile(_ body: (_ path: String, _ config: String) throws -> Void) throws {
        let (dir, path) = tempPath()
        defer { cleanup(dir) }
        try body(path, #"{"seed": 5, "state_file": "\#(path)"}"#)
    }

    func fileText(_ path: String) -> String {
        guard let f = fopen(path, "rb") else { return "" }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true { let n = fread(&chunk, 1, chunk.count, f); if n <= 0 { break }; bytes += chunk[0..<n] }
        return String(decoding: bytes, as: UTF8.self)
    }

    func append(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    @Test func changesAreJournaledAndReplayedAfterACrash() throws {
        try withStateFile { path, config in
            let a = try World(configJSON: config)
            let snapshot = fileText(path)
            let fs = makeFileSystem(a)
            let ap = call(a, "efs:CreateAccessPoint", ["ClientToken": "c", "FileSystemId": .string(fs)]).body["AccessPointId"]
            call(a, "efs:DescribeAccountPreferences")  // a read that changes nothing is not journaled (OperationKindTests)
            #expect(fileText(path) == snapshot)  // the snapshot is not rewritten per change
            let lines = fileText(path + ".journal").split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix(#"{"Journal":"apsim-journal/1","Base":"#) == true)
            #expect(lines.first?.hasSuffix(#","After":0}"#) == true)
            #expect(lines.dropFirst().first?.hasPrefix(#"{"Seq":1,"Account":"123456789012","Region":"us-east-1","Operation":"efs:CreateFileSystem","Request":{"CreationToken":"fs-token"},"Clock":"#) == true)
            // `a` is killed: a new world replays the journal, then compacts.
            a.crash()
            let b = try World(configJSON: config)
            #expect(fileText(path + ".journal").isEmpty)  // compacted at open
            #expect(call(b, "efs:DescribeAccessPoints").body["AccessPoints"]?.array?.first?["AccessPointId"] == ap)
            #expect(makeFileSystem(b, token: "next") == makeFileSystem(a, token: "next"))  // same IDs afterwards
        }
    }

    @Test func tornLastLineIsDroppedAndBadLinesRefused() throws {
        try withStateFile { path, config in
            let a = try World(configJSON: config)
            _ = makeFileSystem(a)
            _ = call(a, "efs:DescribeFileSystems")  // settles it here (journaled), so that b's reads change nothing
            append(path + ".journal", #"{"Seq":3,"Account":"123456789012","Region":"us-east-1","Operation":"efs:Create"#)
            a.crash()
            let b = try World(configJSON: config)
            #expect(call(b, "efs:DescribeFileSystems").body["FileSystems"]?.array?.count == 1)
            b.crash()
            append(path + ".journal", "not json\n")
            #expect(throws: APIError(code: "InvalidConfiguration",
                message: "state_file '\(path)' is not a valid apsim state (its journal \(path).journal has a bad line 1: Malformed JSON at byte 0: invalid literal); it was left untouched.", status: 400)) {
                try World(configJSON: config)
            }
            _ = a
        }
    }

    @Test func anInterruptedCompactionAppliesNothingTwice() throws {
        try withStateFile { path, config in
            let a = try World(configJSON: config)
            _ = makeFileSystem(a)
            let journal = fileText(path + ".journal")
            a.crash()
            do { _ = try World(configJSON: config) }  // compacts: the snapshot now holds the file system
            append(path + ".journal", journal)  // as if the crash came before the journal was emptied
            let c = try World(configJSON: config)
            #expect(call(c, "efs:DescribeFileSystems").body["FileSystems"]?.array?.count == 1)
            _ = a
        }
    }
}
