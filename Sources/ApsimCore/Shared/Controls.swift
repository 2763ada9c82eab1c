/// The `apsim:` control operations: steer the world from a test.
///
/// | operation | request | response |
/// |---|---|---|
/// | `apsim:ListOperations` | `{}` | `{"Operations": [...]}` |
/// | `apsim:AdvanceClock` | `{"Milliseconds": n}` | `{"Now": <epoch seconds>}` |
/// | `apsim:SetLifecycleState` | `{"ResourceId": "fs-…/fsap-…/fsvol-…/svm-…"}` or `{"Name": "<attachment>"}`, plus `"State"` | `{"State": ...}` |
/// | `apsim:InjectFault` | `{"Operation": "efs:CreateAccessPoint" or "*", "ErrorCode", "Message"?, "StatusCode"?, "Count"? or "Probability"?}` | `{"FaultId": "..."}` |
/// | `apsim:ListFaults` | `{}` | `{"Faults": [...]}` (the armed ones) |
/// | `apsim:ClearFaults` | `{}` | `{"Cleared": n}` |
/// | `apsim:Reset` | `{}` | `{}` |
/// | `apsim:ExportState` | `{}` | the whole world (see Snapshot.swift) |
/// | `apsim:ImportState` | `{"State": <an ExportState document>}` | `{}` |
enum ControlOperations {
    static func shape(_ name: String, _ members: [Member], required: [String] = []) -> Shape {
        Shape(name, .structure(members: members, required: required))
    }
    static let string = Shape("String", .string(min: 1, max: 1024, pattern: nil, enumValues: nil))
    static let empty = shape("Empty", [])

    static let entries: [OperationEntry] = [
        OperationEntry(control: "ListOperations", input: empty, mutates: false) { _, _, _ throws(APIError) in
            JSONObject(["Operations": .array(Operations.names.map { .string($0) })])
        },
        OperationEntry(
            control: "AdvanceClock",
            input: shape("AdvanceClockRequest", [
                Member("Milliseconds", Shape("Milliseconds", .integer(bits: 64, min: 0, max: 3_153_600_000_000))),
            ], required: ["Milliseconds"]), mutates: true
        ) { s, _, input throws(APIError) in
            s.nowMilliseconds &+= input["Milliseconds"]?.int ?? 0
            return JSONObject(["Now": JSON.timestamp(milliseconds: s.nowMilliseconds)])
        },
        OperationEntry(
            control: "SetLifecycleState",
            input: shape("SetLifecycleStateRequest", [
                Member("ResourceId", string), Member("Name", string), Member("State", string),
            ], required: ["State"]), mutates: true, handler: setLifecycleState),
        OperationEntry(
            control: "InjectFault",
            input: shape("InjectFaultRequest", [
                Member("Operation", string), Member("ErrorCode", Shape("ErrorCode", .string(min: 1, max: 128, pattern: nil, enumValues: nil))),
                Member("Message", string), Member("StatusCode", Shape("StatusCode", .integer(bits: 32, min: 400, max: 599))),
                Member("Count", Shape("Count", .integer(bits: 32, min: 1, max: nil))),
                Member("Probability", Shape("Probability", .double(min: 0, max: 1))),
            ], required: ["Operation", "ErrorCode"]), mutates: true, handler: injectFault),
        OperationEntry(control: "ListFaults", input: empty, mutates: false) { s, _, _ throws(APIError) in
            JSONObject(["Faults": .array(s.faults.map { f in
                var j = JSONObject()
                j.append("FaultId", .string(f.id))
                j.append("Operation", .string(f.operation))
                j.append("ErrorCode", .string(f.code))
                j.append("StatusCode", .int(Int64(f.status)))
                j.append("Count", ifPresent: f.remaining.map { .int(Int64($0)) })
                j.append("Probability", ifPresent: f.probability.map { .number(String($0)) })
                return .object(j)
            })])
        },
        OperationEntry(control: "ClearFaults", input: empty, mutates: true) { s, _, _ throws(APIError) in
            let n = s.faults.count
            s.faults.removeAll()
            return JSONObject(["Cleared": .int(Int64(n))])
        },
        OperationEntry(control: "Reset", input: empty, mutates: true) { s, ctx, _ throws(APIError) in
            s = WorldState(config: ctx.config)
            return JSONObject()
        },
        OperationEntry(control: "ExportState", input: empty, mutates: false) { s, _, _ throws(APIError) in
            Snapshot.export(s)
        },
        OperationEntry(
            control: "ImportState",
            input: shape("ImportStateRequest", [Member("State", Shape("State", .document))], required: ["State"]),
            mutates: true
        ) { s, ctx, input throws(APIError) in
            s = try Snapshot.restore(input["State"] ?? .null, config: ctx.config)
            return JSONObject()
        },
    ]

    static func invalid(_ message: String) -> APIError {
        APIError(code: "ValidationException", message: message, status: 400)
    }

    static func setLifecycleState(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let state = input["State"]?.string ?? ""
        func check(_ model: ServiceModel, _ kind: String, _ label: String) throws(APIError) {
            let states = model.lifecycleStates[kind] ?? []
            guard states.contains(state) else {
                throw invalid("'\(state)' is not a lifecycle state of \(label); use one of: \(states.joined(separator: ", ")).")
            }
        }
        if let name = input["Name"]?.string {
            guard let a = region.fsx.attachments[name] else {
                throw APIError(.fsx, "S3AccessPointAttachmentNotFound", "S3 access point attachment '\(name)' does not exist.")
            }
            try check(.fsx, "S3AccessPointAttachment", "an S3 access point attachment")
            if state == "DELETING" { region.fsx.markDeleting(a) } else { a.lifecycle.force(state) }
            return JSONObject(["Name": .string(name), "State": .string(state)])
        }
        guard let id = input["ResourceId"]?.string else { throw invalid("Give ResourceId (an fs-, fsap-, fsvol- or svm- ID) or Name (an S3 access point attachment).") }
        if let fs = region.efs.fileSystems[id] {
            try check(.efs, "FileSystem", "an EFS file system")
            fs.lifecycle.force(state)
        } else if let ap = region.efs.accessPoints[id] {
            try check(.efs, "AccessPoint", "an EFS access point")
            ap.lifecycle.force(state)
        } else if let fs = region.fsx.fileSystems[id] {
            try check(.fsx, "FileSystem", "an FSx file system")
            fs.lifecycle.force(state)
        } else if let v = region.fsx.volumes[id] {
            try check(.fsx, "Volume", "an FSx volume")
            v.lifecycle.force(state)
        } else if let svm = region.fsx.storageVirtualMachines[id] {
            try check(.fsx, "StorageVirtualMachine", "a storage virtual machine")
            svm.lifecycle.force(state)
        } else {
            throw APIError(code: "ResourceNotFound", message: "No resource '\(id)' exists in account \(ctx.account), region \(ctx.region).", status: 404)
        }
        return JSONObject(["ResourceId": .string(id), "State": .string(state)])
    }

    static func injectFault(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let operation = input["Operation"]?.string ?? ""
        if operation != "*" && (Operations.table[operation] == nil || operation.hasPrefix("apsim:")) {
            throw invalid("Operation must be '*' or an AWS operation apsim emulates, e.g. 'efs:CreateAccessPoint'; got '\(operation)'.")
        }
        if input["Count"] != nil && input["Probability"] != nil {
            throw invalid("Give Count or Probability, not both.")
        }
        let code = input["ErrorCode"]?.string ?? ""
        let service = operation.hasPrefix("fsx:") ? ServiceModel.fsx : ServiceModel.efs
        let status = input["StatusCode"]?.int.map { Int($0) } ?? service.errors[code]?.status ?? 400
        let id = "fault-\(s.faults.count + s.faultsInjected + 1)"
        s.faultsInjected += 1
        let probability: Double?
        switch input["Probability"] {
        case .int(let i)?: probability = Double(i)
        case .number(let t)?: probability = Double(t)
        default: probability = nil
        }
        s.faults.append(Fault(
            id: id, operation: operation, code: code, status: status,
            message: input["Message"]?.string ?? "Injected fault \(id) (apsim:InjectFault).",
            remaining: probability == nil ? Int(input["Count"]?.int ?? 1) : nil, probability: probability))
        return JSONObject(["FaultId": .string(id)])
    }
}

/// A fault armed by apsim:InjectFault: the next `remaining` calls of `operation`, or a fraction
/// `probability` of them (drawn from the world's seeded fault stream), fail with this error.
public struct Fault: Sendable {
    let id: String
    let operation: String
    let code: String
    let status: Int
    let message: String
    var remaining: Int?
    let probability: Double?
}

extension WorldState {
    /// The error of the first armed fault that fires for `operation`, consuming it.
    mutating func fireFault(for operation: String) -> APIError? {
        guard !faults.isEmpty, !operation.hasPrefix("apsim:") else { return nil }
        for i in faults.indices where faults[i].operation == "*" || faults[i].operation == operation {
            let f = faults[i]
            if let p = f.probability {
                let draw = Double(faultRandom.next() >> 11) / Double(UInt64(1) << 53)
                if draw >= p { continue }
            } else if let n = f.remaining {
                if n <= 1 { faults.remove(at: i) } else { faults[i].remaining = n - 1 }
            }
            return APIError(code: f.code, message: f.message, status: f.status)
        }
        return nil
    }
}
