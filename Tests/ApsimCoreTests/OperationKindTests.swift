@testable import ApsimCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Operation kinds are declared (models/<service>/apsim.json, never guessed from a name), and
/// the state file journals every call that changed state: every write, and a read that settled a
/// lifecycle, so that a restart never brings back what a client already saw gone.
@Suite struct OperationKindTests {
    @Test func everyOperationHasItsDeclaredKind() throws {
        // A name that would have been guessed wrong either way still gets the declared kind.
        #expect(EFSOperation.describeFileSystems.model?.kind == .read)
        #expect(EFSOperation.createMountSession.model?.kind == .write)
        #expect(FSxOperation.listTagsForResource.model?.kind == .read)
        #expect(FSxOperation.detachAndDeleteS3AccessPoint.model?.kind == .write)
        #expect(try Operations.entry("apsim:ExportState").kind == .control(writes: false))
        #expect(try Operations.entry("apsim:AdvanceClock").kind == .control(writes: true))
        // Every entry of the table is in the generated list, under its own name.
        for entry in Operations.table.values where !entry.isControl {
            let parts = entry.fullName.split(separator: ":")
            let model = try #require(Services.model(named: parts[0])?.operations[String(parts[1])])
            #expect(entry.kind == model.kind, "\(entry.fullName)")
        }
        #expect(EFSService.operations.count == EFSOperation.allCases.count)
        #expect(FSxService.operations.count == FSxOperation.allCases.count)
    }

    func journalLines(_ path: String) -> Int {
        let fd = open(path + ".journal", O_RDONLY)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16), lines = 0
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            lines += buffer[0..<n].filter { $0 == 0x0A }.count
        }
        return lines
    }

    @Test func aReadThatSettlesIsJournaledAndSurvivesARestart() throws {
        let dir = "/tmp/apsim-kinds-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o755)
        defer {
            for name in ["world.json", "world.json.journal", "world.json.lock"] { unlink(dir + "/" + name) }
            rmdir(dir)
        }
        let path = dir + "/world.json"
        let config = #"{"seed": 5, "start_time": 1700000000, "state_file": "\#(path)"}"#
        let a = try World(configJSON: config)
        let fs = makeFileSystem(a)
        _ = call(a, "efs:DescribeFileSystems")  // settles the file system: creating -> available
        let mt = call(a, "efs:CreateMountTarget", ["FileSystemId": .string(fs), "SubnetId": "subnet-0123456789abcdef0"])
        let mtID = try #require(mt.body["MountTargetId"]?.string)
        _ = call(a, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)])  // creating -> available
        #expect(call(a, "efs:DeleteMountTarget", ["MountTargetId": .string(mtID)]).status == 204)
        let before = journalLines(path)
        // The client sees it deleting once; the settling read removed it.
        let seen = call(a, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)]).body["MountTargets"]?.array
        #expect(seen?.first?["LifeCycleState"] == "deleting")
        #expect(journalLines(path) == before + 1)
        #expect(call(a, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)]).body["MountTargets"] == .array([]))
        // A read that settled nothing writes nothing.
        #expect(journalLines(path) == before + 1)
        a.crash()  // kill -9: only the journal holds the changes
        let b = try World(configJSON: config)
        #expect(call(b, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)]).body["MountTargets"] == .array([]))
        #expect(call(b, "efs:DescribeFileSystems").body["FileSystems"]?.array?.first?["NumberOfMountTargets"] == .int(0))
    }
}
