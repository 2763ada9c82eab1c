@testable import ApsimCore
import Testing

/// Many threads on one world: run by `make reliability` under ThreadSanitizer too.
@Suite struct ConcurrencyTests {
    @Test func mixedCallsFromEightTasksKeepEveryInvariant() async throws {
        let w = try makeWorld(#"{"seed": 8, "access_points_per_file_system": 40}"#)
        let fileSystems = (0..<3).map { makeFileSystem(w, token: "fs\($0)") }
        let (_, root) = makeOpenZFS(w, throughput: 10240)
        let perTask = 400
        let results = await withTaskGroup(of: (created: [String], deleted: Int, pagesOK: Bool).self) { group in
            for t in 0..<8 {
                group.addTask {
                    var rng = SeededGenerator(seed: UInt64(t + 1))
                    var created: [String] = [], deleted = 0, pagesOK = true
                    for i in 0..<perTask {
                        let fs = fileSystems[Int(rng.next() % 3)]
                        switch rng.next() % 6 {
                        case 0, 1:  // creates racing on a shared token pool
                            let r = call(w, "efs:CreateAccessPoint", ["ClientToken": .string("tok-\(rng.next() % 150)"), "FileSystemId": .string(fs)])
                            if r.status == 200, let id = r.body["AccessPointId"]?.string { created.append(id) }
                            #expect([200, 409, 403].contains(r.status))
                        case 2:  // a page walk: no ID twice, only the file system's access points
                            var seen = Set<String>(), token: JSON? = nil
                            repeat {
                                var req = JSONObject(["FileSystemId": .string(fs), "MaxResults": 7])
                                req["NextToken"] = token
                                let body = call(w, "efs:DescribeAccessPoints", .object(req)).body
                                for ap in body["AccessPoints"]?.array ?? [] {
                                    if !seen.insert(ap["AccessPointId"]?.string ?? "").inserted || ap["FileSystemId"]?.string != fs { pagesOK = false }
                                }
                                token = body["NextToken"]
                            } while token != nil
                        case 3:  // delete something this task created
                            if let id = created.popLast() {
                                if call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string(id)]).status == 204 { deleted += 1 }
                            }
                        case 4:
                            if let id = created.last {
                                call(w, "efs:TagResource", ["ResourceId": .string(id), "Tags": [["Key": "t", "Value": .string("\(i)")]]])
                                call(w, "efs:UntagResource", ["ResourceId": .string(id), "TagKeys": ["t"]])
                            }
                        default:  // FSx attachments racing on names
                            let name = "ap-\(rng.next() % 30)"
                            if rng.next() % 2 == 0 {
                                call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS(name, root))
                            } else {
                                call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": .string(name)])
                            }
                        }
                    }
                    return (created, deleted, pagesOK)
                }
            }
            var all: [(created: [String], deleted: Int, pagesOK: Bool)] = []
            for await r in group { all.append(r) }
            return all
        }
        let live = call(w, "efs:DescribeAccessPoints", ["MaxResults": 10000]).body["AccessPoints"]?.array ?? []
        let ids = live.compactMap { $0["AccessPointId"]?.string }
        let tokens = live.compactMap { $0["ClientToken"]?.string }
        #expect(Set(ids).count == ids.count)  // no ID twice
        #expect(Set(tokens).count == tokens.count)  // one access point per token
        let pagesOK = results.allSatisfy { $0.pagesOK }
        #expect(pagesOK)
        // What the tasks still hold is exactly what lives.
        #expect(Set(ids) == Set(results.flatMap(\.created)))
        for fs in fileSystems {  // the quota was never exceeded
            #expect((call(w, "efs:DescribeAccessPoints", ["FileSystemId": .string(fs), "MaxResults": 1000]).body["AccessPoints"]?.array?.count ?? 0) <= 40)
        }
        let names = call(w, "fsx:DescribeS3AccessPointAttachments").body["S3AccessPointAttachments"]?.array?.compactMap { $0["Name"]?.string } ?? []
        #expect(Set(names).count == names.count)
    }

    @Test func threadsWriteAndListThroughMountsOfOneFileSystem() async throws {
        let w = try makeWorld(#"{"seed": 9, "start_time": 1700000000, "lifecycle": "instant"}"#)
        let fs = makeFileSystem(w)
        _ = call(w, "efs:CreateMountTarget", ["FileSystemId": .string(fs), "SubnetId": "subnet-0123456789abcdef0"])
        let perTask = 150
        let listedOK = await withTaskGroup(of: Bool.self) { group in
            for t in 0..<6 {
                group.addTask {
                    // Each task mounts on its own and works in its own directory; all list the root.
                    let m = JSON.string(call(w, "nfs:Mount", ["FileSystemId": .string(fs)]).body["MountId"]?.string ?? "")
                    var ok = call(w, "nfs:Mkdir", ["MountId": m, "Path": .string("/t\(t)")]).status == 200
                    for i in 0..<perTask {
                        ok = ok && call(w, "nfs:Write", ["MountId": m, "Path": .string("/t\(t)/f\(i)"), "Text": .string("\(t)-\(i)")]).status == 200
                        if i % 10 == 0 {
                            let names = call(w, "nfs:List", ["MountId": m, "Path": .string("/t\(t)")]).body["Entries"]?.array ?? []
                            ok = ok && names.count == i + 1
                            _ = call(w, "nfs:List", ["MountId": m, "Path": "/"])
                        }
                    }
                    return ok
                }
            }
            var all = true
            for await ok in group { all = all && ok }
            return all
        }
        #expect(listedOK)
        let m = JSON.string(call(w, "nfs:Mount", ["FileSystemId": .string(fs)]).body["MountId"]?.string ?? "")
        #expect(call(w, "nfs:List", ["MountId": m, "Path": "/"]).body["Entries"]?.array?.count == 6)
        for t in 0..<6 {
            #expect(call(w, "nfs:Read", ["MountId": m, "Path": .string("/t\(t)/f\(perTask - 1)"), "Encoding": "utf-8"]).body["Text"]
                    == .string("\(t)-\(perTask - 1)"))
        }
        #expect(w.withState { FileTrees.existing(fs, in: $0)?.nodes.count } == 1 + 6 + 6 * perTask)
    }
}
