@testable import ApsimCore
import Testing

/// Every modeled error of every operation apsim serves is either produced here, by a request
/// sequence on a fresh world, or listed as unreachable with the reason. A model update that adds
/// an error to an operation fails this test until the error is placed in one of the two.
@Suite struct ErrorCoverageTests {
    /// How a test world answers with one error: the last call's result must carry it.
    enum Outcome: Sendable {
        case produced(@Sendable (World) -> CallResult)
        case unreachable(String)
    }

    static let injected = "only through apsim:InjectFault (AWS's own failures; apsim has none of its own)"
    static let noLimit = "apsim models no such limit: capacity and throughput are unlimited"

    /// A call whose request is JSON text (the requests below are literals).
    static func call(_ w: World, _ op: String, _ json: String) -> CallResult { w.call(op, json) }

    /// A fault armed for `op`, then `op` called: the one way to InternalServerError.
    static func fault(_ op: String, _ request: String = "{}") -> Outcome {
        .produced { w in
            _ = call(w, "apsim:InjectFault", #"{"Operation": "\#(op)", "ErrorCode": "InternalServerError"}"#)
            return call(w, op, request)
        }
    }

    /// A file system (settled by a describe, so it is available under on_read).
    static func fileSystem(_ w: World, _ token: String = "t") -> String {
        let id = call(w, "efs:CreateFileSystem", #"{"CreationToken": "\#(token)"}"#).output["FileSystemId"]?.string ?? ""
        _ = call(w, "efs:DescribeFileSystems", #"{"FileSystemId": "\#(id)"}"#)
        return id
    }

    static let efs: [String: [String: Outcome]] = [
        "CreateFileSystem": [
            "BadRequest": .produced { w in call(w, "efs:CreateFileSystem", #"{"CreationToken": "t", "ThroughputMode": "provisioned"}"#) },
            "InternalServerError": fault("efs:CreateFileSystem", #"{"CreationToken": "t"}"#),
            "FileSystemAlreadyExists": .produced { w in _ = fileSystem(w); return call(w, "efs:CreateFileSystem", #"{"CreationToken": "t"}"#) },
            "FileSystemLimitExceeded": .unreachable(noLimit + " (file systems per account)"),
            "InsufficientThroughputCapacity": .unreachable(noLimit),
            "ThroughputLimitExceeded": .unreachable(noLimit),
            "UnsupportedAvailabilityZone": .unreachable("every Availability Zone name of the region is supported"),
            "ThrottlingException": .unreachable("throttling is modeled for CreateAccessPoint only; " + injected),
        ],
        "DescribeFileSystems": [
            "BadRequest": .produced { w in call(w, "efs:DescribeFileSystems", #"{"Marker": "bogus"}"#) },
            "InternalServerError": fault("efs:DescribeFileSystems"),
            "FileSystemNotFound": .produced { w in call(w, "efs:DescribeFileSystems", #"{"FileSystemId": "fs-0123456789abcdef0"}"#) },
        ],
        "DeleteFileSystem": [
            "BadRequest": .unreachable("a valid FileSystemId is the whole request; the model's checks answer ValidationException"),
            "InternalServerError": fault("efs:DeleteFileSystem", #"{"FileSystemId": "fs-0123456789abcdef0"}"#),
            "FileSystemNotFound": .produced { w in call(w, "efs:DeleteFileSystem", #"{"FileSystemId": "fs-0123456789abcdef0"}"#) },
            "FileSystemInUse": .produced { _ in
                guard let strict = try? World(configJSON: #"{"seed": 1, "strict_file_system_delete": true}"#) else {
                    return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
                }
                let fs = fileSystem(strict)
                _ = call(strict, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "\#(fs)"}"#)
                return call(strict, "efs:DeleteFileSystem", #"{"FileSystemId": "\#(fs)"}"#)
            },
        ],
        "CreateAccessPoint": [
            "BadRequest": .produced { w in
                call(w, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "fs-0123456789abcdef0", "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}"#)
            },
            "AccessPointAlreadyExists": .produced { w in
                let fs = fileSystem(w)
                _ = call(w, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "\#(fs)"}"#)
                return call(w, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "\#(fs)"}"#)
            },
            "IncorrectFileSystemLifeCycleState": .produced { w in
                let fs = fileSystem(w)
                _ = call(w, "apsim:SetLifecycleState", #"{"ResourceId": "\#(fs)", "State": "creating"}"#)
                return call(w, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "\#(fs)"}"#)
            },
            "InternalServerError": fault("efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "fs-0123456789abcdef0"}"#),
            "FileSystemNotFound": .produced { w in
                call(w, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "fs-0123456789abcdef0"}"#)
            },
            "AccessPointLimitExceeded": .produced { _ in
                guard let small = try? World(configJSON: #"{"seed": 1, "access_points_per_file_system": 1}"#) else {
                    return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
                }
                let fs = fileSystem(small)
                _ = call(small, "efs:CreateAccessPoint", #"{"ClientToken": "a", "FileSystemId": "\#(fs)"}"#)
                return call(small, "efs:CreateAccessPoint", #"{"ClientToken": "b", "FileSystemId": "\#(fs)"}"#)
            },
            "ThrottlingException": .produced { _ in
                // Nine of ten made in quick succession: the tenth is throttled (near the quota).
                guard let w = try? World(configJSON: #"{"seed": 1, "access_points_per_file_system": 10, "throttling": true}"#) else {
                    return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
                }
                let fs = fileSystem(w)
                for i in 0..<9 { _ = call(w, "efs:CreateAccessPoint", #"{"ClientToken": "a\#(i)", "FileSystemId": "\#(fs)"}"#) }
                return call(w, "efs:CreateAccessPoint", #"{"ClientToken": "b", "FileSystemId": "\#(fs)"}"#)
            },
        ],
        "DescribeAccessPoints": [
            "BadRequest": .produced { w in
                call(w, "efs:DescribeAccessPoints", #"{"AccessPointId": "fsap-0123456789abcdef0", "FileSystemId": "fs-0123456789abcdef0"}"#)
            },
            "InternalServerError": fault("efs:DescribeAccessPoints"),
            "FileSystemNotFound": .produced { w in call(w, "efs:DescribeAccessPoints", #"{"FileSystemId": "fs-0123456789abcdef0"}"#) },
            "AccessPointNotFound": .produced { w in call(w, "efs:DescribeAccessPoints", #"{"AccessPointId": "fsap-0123456789abcdef0"}"#) },
        ],
        "DeleteAccessPoint": [
            "BadRequest": .unreachable("a valid AccessPointId is the whole request; the model's checks answer ValidationException"),
            "InternalServerError": fault("efs:DeleteAccessPoint", #"{"AccessPointId": "fsap-0123456789abcdef0"}"#),
            "AccessPointNotFound": .produced { w in call(w, "efs:DeleteAccessPoint", #"{"AccessPointId": "fsap-0123456789abcdef0"}"#) },
        ],
        "TagResource": tagging("efs:TagResource", #""Tags": [{"Key": "k", "Value": "v"}]"#, badRequest: .produced { w in
            let fs = fileSystem(w)
            let tags = (0..<51).map { #"{"Key": "k\#($0)", "Value": "v"}"# }.joined(separator: ", ")
            return call(w, "efs:TagResource", #"{"ResourceId": "\#(fs)", "Tags": [\#(tags)]}"#)
        }),
        "UntagResource": tagging("efs:UntagResource", #""TagKeys": ["k"]"#, badRequest: .unreachable(
            "absent keys are ignored; the model's checks answer ValidationException")),
        "ListTagsForResource": tagging("efs:ListTagsForResource", nil, badRequest: .produced { w in
            let fs = fileSystem(w)
            return call(w, "efs:ListTagsForResource", #"{"ResourceId": "\#(fs)", "NextToken": "bogus"}"#)
        }),
    ]

    /// The tag operations answer alike for unknown file systems and access points.
    static func tagging(_ op: String, _ members: String?, badRequest: Outcome) -> [String: Outcome] {
        let extra = members.map { ", " + $0 } ?? ""
        return [
            "BadRequest": badRequest,
            "InternalServerError": fault(op, #"{"ResourceId": "fs-0123456789abcdef0"\#(extra)}"#),
            "FileSystemNotFound": .produced { w in call(w, op, #"{"ResourceId": "fs-0123456789abcdef0"\#(extra)}"#) },
            "AccessPointNotFound": .produced { w in call(w, op, #"{"ResourceId": "fsap-0123456789abcdef0"\#(extra)}"#) },
        ]
    }

    @Test func everyModeledEFSErrorIsProducedOrExplained() throws {
        try check(EFSService.self, Self.efs.merging(EFSErrorCoverage.cases) { a, _ in a })
    }

    @Test func everyModeledFSxErrorIsProducedOrExplained() throws {
        try check(FSxService.self, FSxErrorCoverage.cases)
    }

    func check(_ service: any Service.Type, _ cases: [String: [String: Outcome]]) throws {
        let model = service.model
        #expect(Set(cases.keys) == Set(service.operations.map { String($0.fullName.dropFirst(model.name.count + 1)) }))
        for entry in service.operations {
            let name = String(entry.fullName.dropFirst(model.name.count + 1))
            let modeled = model.operations[name]?.errors ?? []
            let listed = cases[name] ?? [:]
            #expect(Set(listed.keys) == Set(modeled), "\(entry.fullName): listed \(listed.keys.sorted()), modeled \(modeled.sorted())")
            for code in modeled {
                guard case .produced(let produce)? = listed[code] else { continue }
                let result = produce(try makeWorld())
                #expect(result.error?.code == code, "\(entry.fullName) \(code): got \(result.error?.code ?? "success")")
            }
        }
    }
}
