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
/// | `apsim:SetNetwork` | `{"Vpcs", "Subnets", "SecurityGroups"}` or `{"Mode": "open"}` | as GetNetwork |
/// | `apsim:GetNetwork` | `{}` | `{"Mode": "open"}` or `{"Mode": "declared", ...}` |
/// | `apsim:SetNetworkInterface` | `{"ResourceId", "NetworkInterfaceId"}` | the same |
/// | `apsim:DescribeConfiguration` | `{}` | `{"Configuration": [{"Key", "Owner", "Type", "Default", "Summary", "Value"?}]}` |
/// | `apsim:DescribeStateFile` | `{}` | `{"StateFile", "Journal", "Lock", "Notices"}` or `{"Notices": []}` without one |
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
                Member("ResourceId", string), Member("Name", string), Member("State", string), Member("Message", string),
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
            JSONObject(["Faults": .array(s.faults.map { .object($0.json(withMessage: false)) })])
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
        OperationEntry(control: "DescribeConfiguration", input: empty, mutates: false) { _, ctx, _ throws(APIError) in
            describeConfiguration(ctx.config)
        },
        OperationEntry(control: "DescribeStateFile", input: empty, mutates: false) { s, ctx, _ throws(APIError) in
            var o = JSONObject()
            if let path = ctx.config.stateFile {
                o.append("StateFile", .string(path))
                o.append("Journal", .string(path + ".journal"))
                o.append("Lock", .string(path + ".lock"))
            }
            o.append("Notices", .array(s.stateFileNotices.map { .string($0) }))
            return o
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

    /// Forces a resource's state through the service it belongs to (see `Service.forceLifecycle`).
    static func setLifecycleState(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let state = input["State"]?.string ?? ""
        let message = input["Message"]?.string
        let target: LifecycleTarget
        if let name = input["Name"]?.string {
            target = .name(name)
        } else if let id = input["ResourceId"]?.string {
            target = .id(id)
        } else {
            throw RuntimeError.lifecycleTargetMissing
        }
        for service in Services.all where try service.forceLifecycle(target, to: state, in: region, message: message) {
            switch target {
            case .name(let name): return JSONObject(["Name": .string(name), "State": .string(state)])
            case .id(let id): return JSONObject(["ResourceId": .string(id), "State": .string(state)])
            }
        }
        switch target {
        case .name(let name): throw RuntimeError.noSuchResource(name, account: ctx.account, region: ctx.region)
        case .id(let id): throw RuntimeError.noSuchResource(id, account: ctx.account, region: ctx.region)
        }
    }

    /// Every config key the world, its services and components declare: its owner, type,
    /// default and summary, and the value this world was given (when it was).
    static func describeConfiguration(_ config: WorldConfig) -> JSONObject {
        JSONObject(["Configuration": .array(WorldConfig.declaredKeys.map { key in
            var o = JSONObject()
            o.append("Key", .string(key.name))
            o.append("Owner", .string(WorldConfig.owner(of: key.name)))
            o.append("Type", .string(key.type))
            o.append("Default", .string(key.defaultText))
            o.append("Summary", .string(key.summary))
            o.append("Value", ifPresent: config.given[key.name])
            return .object(o)
        })])
    }

    static func injectFault(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let operation = input["Operation"]?.string ?? ""
        if operation != "*" && (Operations.table[operation] == nil || operation.hasPrefix("apsim:")) {
            throw RuntimeError.faultOperation(operation)
        }
        if input["Count"] != nil && input["Probability"] != nil {
            throw RuntimeError.faultCountAndProbability
        }
        let code = input["ErrorCode"]?.string ?? ""
        // "*" takes the status the first service's model gives the code.
        let model = Services.model(named: operation.prefix { $0 != ":" }) ?? Services.all.first?.model
        let status = input["StatusCode"]?.int.map { Int($0) } ?? model?.errors[code]?.status ?? 400
        let id = "fault-\(s.faults.count + s.faultsInjected + 1)"
        s.faultsInjected += 1
        let probability = Fault.probability(input["Probability"])
        s.faults.append(Fault(
            id: id, operation: operation, code: code, status: status,
            message: input["Message"]?.string ?? RuntimeError.injectedFaultMessage(id),
            remaining: probability == nil ? Int(input["Count"]?.int ?? 1) : nil, probability: probability))
        return JSONObject(["FaultId": .string(id)])
    }
}
