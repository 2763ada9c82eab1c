@testable import ApsimCore
import Testing

/// One idempotency mechanism: the runtime's token table, keyed by the member the model marks
/// `idempotencyToken`, whatever the service calls it.
@Suite struct IdempotencyTests {
    @Test func everyCreateTakesItsTokenFromTheModel() throws {
        var checked = 0
        for entry in Operations.table.values where !entry.isControl {
            let parts = entry.fullName.split(separator: ":")
            let model = try #require(Services.model(named: parts[0])?.operations[String(parts[1])])
            #expect(entry.tokenMember == model.idempotencyToken, "\(entry.fullName)")
            if entry.name.hasPrefix("Create"), entry.tokenMember != nil {
                #expect(entry.idempotency != nil, "\(entry.fullName) takes a token and has no idempotency")
                checked += 1
            }
        }
        #expect(checked == 7)  // efs: CreateFileSystem, CreateAccessPoint; fsx: 5 creates
        #expect(EFSOperation.createFileSystem.model?.idempotencyToken == "CreationToken")
        #expect(FSxOperation.createVolume.model?.idempotencyToken == "ClientRequestToken")
    }

    /// A service whose token member is camelCase (as S3 Files' `clientToken` is).
    enum Things: String, ServiceOperation {
        case createThing = "CreateThing"
        static let service = ServiceModel(
            name: "things", serviceID: "Things", apiProtocol: "rest-json", apiVersion: "2026-01-01", targetPrefix: nil, signingName: "things",
            operations: [OperationModel(
                name: "CreateThing", kind: .write, method: "POST", requestURI: "/things", successStatus: 200,
                input: Shape("CreateThingRequest", .structure(members: [
                    Member("clientToken", Shape("Token", .string(min: 1, max: 64, pattern: nil, enumValues: nil)), idempotencyToken: true),
                    Member("name", Shape("Name", .string(min: 1, max: 64, pattern: nil, enumValues: nil))),
                ], required: [])),
                output: nil, errors: [])],
            errors: [], lifecycleStates: [:])
        static func resource(of operation: Things, _ ctx: CallContext, _ input: JSONObject, _ state: borrowing WorldState) -> String { "*" }
    }

    final class ThingState: ServiceState {
        let tokens = ClientTokenTable()
        var made = 0
        init() {}
    }

    @Test func aCamelCaseTokenIsRememberedAndReplayedByTheSameTable() throws {
        let entry = OperationEntry(
            Things.createThing, validationCode: "ValidationException",
            idempotency: Idempotency(table: { s, ctx in s.region(ctx).state(ThingState.self).tokens }) { earlier, _, input, _, _ throws(APIError) in
                guard earlier.request == ClientTokenTable.withoutToken(input, "clientToken") else {
                    throw APIError(code: "ConflictException", message: "token in use", status: 409)
                }
                return .object(JSONObject(["thingId": .string(earlier.resourceID)]))
            }
        ) { s, ctx, input throws(APIError) in
            let things = s.region(ctx).state(ThingState.self)
            things.made += 1
            let id = "thing-\(things.made)"
            if let token = input["clientToken"]?.string {
                things.tokens.remember("CreateThing", token: token, request: ClientTokenTable.withoutToken(input, "clientToken"), resourceID: id)
            }
            return JSONObject(["thingId": .string(id)])
        }
        #expect(entry.tokenMember == "clientToken")
        var s = WorldState(config: WorldConfig())
        let ctx = CallContext(account: "123456789012", region: "us-east-1", config: WorldConfig(), now: 0)
        let first = try entry.run(&s, ctx, JSONObject(["clientToken": "t", "name": "a"])).object
        let again = try entry.run(&s, ctx, JSONObject(["clientToken": "t", "name": "a"])).object
        #expect(first == again && first["thingId"] == "thing-1")
        #expect(s.region(ctx).state(ThingState.self).made == 1)
        #expect(throws: APIError(code: "ConflictException", message: "token in use", status: 409)) {
            try entry.run(&s, ctx, JSONObject(["clientToken": "t", "name": "b"]))
        }
        #expect(try entry.run(&s, ctx, JSONObject(["clientToken": "u", "name": "b"])).object["thingId"] == "thing-2")
    }
}
