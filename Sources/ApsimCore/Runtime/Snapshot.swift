/// The whole world as one JSON document (apsim:ExportState), and back (apsim:ImportState, the
/// `state` and `state_file` config keys).
///
/// A restored world continues exactly where the exported one stood: resources with their
/// creation order and lifecycle, client tokens, the clock, the positions of the seeded ID,
/// RequestId and fault streams, armed faults, issued IDs and aliases. Everything is written in a
/// deterministic order, so the same world always exports the same bytes. Derived data (ARNs,
/// indexes, counters) is recomputed on import. A document that is not a valid state is refused
/// with `InvalidState`, naming the first bad member; the world is then left unchanged.
///
/// This file holds what belongs to the world; each service writes and reads its own resources
/// of a region (`Service.export` / `Service.restore`).
enum Snapshot {
    static let format = "apsim-state/1"

    // MARK: Export

    static func export(_ s: borrowing WorldState) -> JSONObject {
        var o = JSONObject()
        o.append("Format", .string(format))
        o.append("Clock", .int(s.nowMilliseconds))
        o.append("Sequence", .string(Hex.fixed(s.nextSequenceValue, digits: 16)))
        o.append("Random", [
            "Resources": .string(Hex.fixed(s.ids.resourceState, digits: 16)),
            "Requests": .string(Hex.fixed(s.ids.requestState, digits: 16)),
            "Faults": .string(Hex.fixed(s.faultRandom.state, digits: 16)),
        ])
        o.append("PageTokenSecret", .string(Hex.fixed(s.pageTokens.secret, digits: 16)))
        o.append("IssuedIds", .array(s.ids.issuedNumbers.sorted().map { .string(Hex.fixed($0, digits: 16)) }))
        o.append("Aliases", .array(s.aliases.sorted().map { .string($0) }))
        o.append("FaultsInjected", .int(Int64(s.faultsInjected)))
        o.append("JournalSeq", .int(Int64(s.journalSeq)))
        o.append("Faults", .array(s.faults.map { .object($0.json(withMessage: true)) }))
        o.append("Regions", .array(s.regionKeys.sorted().compactMap { key in
            guard let region = s.regionState(key) else { return nil }
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            var r = JSONObject()
            r.append("Account", .string(parts.first ?? ""))
            r.append("Region", .string(parts.last ?? ""))
            r.append("Network", ifPresent: region.network.declared.map { .object($0.document) })
            for service in Services.all { service.export(region, into: &r) }
            return .object(r)
        }))
        return o
    }

    // MARK: Restore

    /// A world state from an exported document; nothing is changed when it is refused.
    static func restore(_ doc: JSON, config: WorldConfig) throws(APIError) -> WorldState {
        let root = try DocumentReader(doc, "State")
        guard try root.string("Format") == format else { throw root.invalid("Format", "expected \"\(format)\"") }
        let clock = try root.int("Clock"), sequence = try root.hex("Sequence")
        let random = try DocumentReader(root.raw("Random"), "State.Random")
        var issued = Set<UInt64>()
        for (i, id) in try root.array("IssuedIds").enumerated() {
            guard let v = id.string.flatMap({ UInt64($0, radix: 16) }) else {
                throw RuntimeError.invalidState(at: "State.IssuedIds[\(i)]", "expected 16 hex digits")
            }
            issued.insert(v)
        }
        var s = WorldState(
            config: config, clock: clock, sequence: sequence,
            ids: IDGenerator(resources: try random.hex("Resources"), requests: try random.hex("Requests"), issued: issued),
            faultRandom: SeededGenerator(seed: try random.hex("Faults")), pageTokenSecret: try root.hex("PageTokenSecret"))
        for (i, a) in try root.array("Aliases").enumerated() {
            guard let alias = a.string else { throw RuntimeError.invalidState(at: "State.Aliases[\(i)]", "expected a string") }
            s.aliases.insert(alias)
        }
        s.faultsInjected = Int(try root.int("FaultsInjected"))
        s.journalSeq = UInt64(max(0, try root.optionalInt("JournalSeq") ?? 0))
        for f in try root.items("Faults") { s.faults.append(try Fault(f)) }
        for r in try root.items("Regions") {
            let account = try r.string("Account"), name = try r.string("Region")
            let region = s.region(RegionKey(account: account, region: name))
            if let declared = r.raw("Network") {
                do { region.network.declared = try DeclaredNetwork(declared, region: name, path: r.path + ".Network") } catch {
                    throw RuntimeError.invalidState(at: r.path + ".Network", error.message)
                }
            }
            for service in Services.all { try service.restore(r, into: region, account: account, region: name) }
        }
        return s
    }
}
