/// The network as a world component: the `network` config key, apsim:SetNetwork, GetNetwork and
/// SetNetworkInterface, and each region's declared network in snapshots (`Network`).
enum NetworkComponent: WorldComponent {
    static let name = "network"

    static let configKeys = [
        ConfigKey("network", type: "list", default: "none", cli: .none,
                  summary: "apsim:SetNetwork documents, each with AccountId and Region: the networks those accounts and regions start with.") {
            v, c throws(APIError) in
            _ = try networks(v)
            c.values["network"] = v
        },
    ]

    static func open(_ s: inout WorldState, config: WorldConfig) {
        // The value was checked when the config was parsed.
        guard let value = config.values["network"], let declarations = try? networks(value) else { return }
        for declaration in declarations {
            s.region(RegionKey(account: declaration.account, region: declaration.region)).network.declared = declaration.network
        }
    }

    static func export(_ region: RegionState, into document: inout JSONObject) {
        document.append("Network", ifPresent: region.network.declared.map { .object($0.document) })
    }

    static func restore(_ document: DocumentReader, into region: RegionState, region name: String) throws(APIError) {
        guard let declared = document.raw("Network") else { return }
        do { region.network.declared = try DeclaredNetwork(declared, region: name, path: document.path + ".Network") } catch {
            throw RuntimeError.invalidState(at: document.path + ".Network", error.message)
        }
    }

    static let controls: [OperationEntry] = [
        OperationEntry(
            control: "SetNetwork",
            input: ControlOperations.shape("SetNetworkRequest", [
                Member("Mode", Shape("NetworkMode", .string(min: nil, max: nil, pattern: nil, enumValues: ["open", "declared"]))),
                Member("Vpcs", Shape("Vpcs", .document)), Member("Subnets", Shape("Subnets", .document)),
                Member("SecurityGroups", Shape("SecurityGroups", .document)),
            ]), mutates: true, handler: setNetwork),
        OperationEntry(
            control: "SetNetworkInterface",
            input: ControlOperations.shape("SetNetworkInterfaceRequest", [Member("ResourceId", ControlOperations.string), Member("NetworkInterfaceId", ControlOperations.string)],
                         required: ["ResourceId", "NetworkInterfaceId"]), mutates: true
        ) { s, ctx, input throws(APIError) in
            let id = input["ResourceId"]?.string ?? "", interface = input["NetworkInterfaceId"]?.string ?? ""
            let region = s.region(ctx)
            guard Services.all.contains(where: { $0.setNetworkInterface(id, to: interface, in: region) }) else {
                throw RuntimeError.noSuchResource(id, account: ctx.account, region: ctx.region)
            }
            return JSONObject(["ResourceId": .string(id), "NetworkInterfaceId": .string(interface)])
        },
        OperationEntry(control: "GetNetwork", input: ControlOperations.empty, mutates: false) { s, ctx, _ throws(APIError) in
            networkDocument(s.region(ctx).network)
        },
    ]

    /// Declares the network of the call's account and region, replacing what was declared; with
    /// `"Mode": "open"` (and nothing else) it goes back to the open network.
    static func setNetwork(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let network = s.region(ctx).network
        if input["Mode"]?.string == "open" {
            if let declared = DeclaredNetwork.members.first(where: { input[$0] != nil }) {
                throw RuntimeError.invalidNetwork(at: "Network." + declared, "the open network declares nothing; leave out Mode to declare")
            }
            network.declared = nil
        } else {
            network.declared = try DeclaredNetwork(.object(input), region: ctx.region, path: "Network")
        }
        return networkDocument(network)
    }

    /// What apsim:GetNetwork answers: `{"Mode": "open"}`, or `"declared"` with the declaration.
    static func networkDocument(_ network: NetworkState) -> JSONObject {
        guard let declared = network.declared else { return JSONObject(["Mode": "open"]) }
        var o = JSONObject(["Mode": "declared"])
        for m in declared.document.members { o.append(m.key, m.value) }
        return o
    }


    /// A list of apsim:SetNetwork documents, each with `AccountId` and `Region`.
    static func networks(_ v: JSON) throws(APIError) -> [NetworkDeclaration] {
        guard let list = v.array else { throw RuntimeError.invalidConfiguration("network must be a list of apsim:SetNetwork documents, each with AccountId and Region.") }
        var out: [NetworkDeclaration] = []
        for (i, item) in list.enumerated() {
            let account = item["AccountId"]?.string ?? "", region = item["Region"]?.string ?? ""
            guard WorldConfig.isAccountID(account), WorldConfig.isRegionName(region) else {
                throw RuntimeError.invalidConfiguration("network[\(i)] needs AccountId (12 digits) and Region (a region name).")
            }
            do {
                out.append(NetworkDeclaration(account: account, region: region,
                                              network: try DeclaredNetwork(item, region: region, path: "network[\(i)]")))
            } catch {
                throw RuntimeError.invalidConfiguration(error.message)
            }
        }
        return out
    }
}

/// A network the `network` config key declares for one account and region.
struct NetworkDeclaration: Sendable, Equatable {
    let account: String
    let region: String
    let network: DeclaredNetwork
}
