@testable import ApsimCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `clock` config key: virtual (moves only when told) and real (also moves with real time).
@Suite struct ClockTests {
    /// The clock as apsim:AdvanceClock reports it after a jump of `ms`, in epoch milliseconds.
    func now(_ w: World, advancing ms: Int64 = 0) -> Int64 {
        switch call(w, "apsim:AdvanceClock", ["Milliseconds": .int(ms)]).body["Now"] {
        case .int(let seconds)?: return seconds * 1000
        case .number(let text)?: return Int64(((Double(text) ?? 0) * 1000).rounded())
        case .timestamp(let ms)?: return ms  // a response not yet rendered keeps milliseconds
        default: return -1
        }
    }

    @Test func theVirtualClockMovesOnlyWhenTold() throws {
        let w = try makeWorld(#"{"seed": 1, "start_time": 1700000000, "clock": "virtual"}"#)
        usleep(30_000)
        #expect(now(w) == 1_700_000_000_000)
        #expect(now(w, advancing: 250) == 1_700_000_000_250)
    }

    @Test func theRealClockStartsAtStartTimeAndMovesWithTime() throws {
        let w = try makeWorld(#"{"seed": 1, "start_time": 1700000000, "clock": "real"}"#)
        let first = now(w)
        #expect(first >= 1_700_000_000_000)
        usleep(30_000)
        let later = now(w)
        #expect(later >= first + 30)
        // AdvanceClock still jumps ahead, and the clock keeps running from there.
        #expect(now(w, advancing: 60_000) >= later + 60_000)
    }

    @Test func aManualLifecycleSettlesInRealTime() throws {
        let w = try makeWorld(#"{"seed": 1, "clock": "real", "lifecycle": "manual", "creation_delay_ms": 20}"#)
        _ = makeFileSystem(w)
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array?.first?["LifeCycleState"] == "creating")
        usleep(40_000)
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array?.first?["LifeCycleState"] == "available")
    }

    @Test func anUnknownClockIsRefused() {
        #expect(throws: APIError(code: "InvalidConfiguration", message: #"clock must be "virtual" or "real"."#, status: 400)) {
            try World(configJSON: #"{"clock": "sometimes"}"#)
        }
    }

    @Test func aReplayedJournalKeepsEachChangesTime() throws {
        let dir = "/tmp/apsim-clock-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o755)
        let path = dir + "/world.json"
        defer { for f in [path, path + ".journal", path + ".lock"] { unlink(f) }; rmdir(dir) }
        let config = #"{"seed": 3, "start_time": 1700000000, "clock": "real", "state_file": "\#(path)"}"#
        let a = try World(configJSON: config)
        _ = makeFileSystem(a)
        usleep(30_000)
        _ = makeFileSystem(a, token: "second")
        func creationTimes(_ w: World) -> [JSON?] {
            (call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array ?? []).map { $0["CreationTime"] }
        }
        let before = creationTimes(a)
        #expect(before.count == 2 && before[0] != before[1])
        // `a` is killed: the new world replays the journal at each change's
        // time, and its clock resumes from the last change's.
        a.crash()
        let b = try World(configJSON: config)
        #expect(creationTimes(b) == before)
        _ = a
    }
}
