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
/// This file holds what belongs to the world; each component writes and reads its own part
/// (`WorldComponent.export` / `restore`), and each service its own resources of a region
/// (`Service.export` / `Service.restore`).
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
        for component in WorldComponents.all { component.export(s, into: &o) }
        o.append("FaultsInjected", .int(Int64(s.faultsInjected)))
        o.append("JournalSeq", .int(Int64(s.journalSeq)))
        o.append("Faults", .array(s.faults.map { .object($0.json(withMessage: true)) }))
        o.append("Regions", .array(s.regionKeys.sorted().compactMap { key in
            guard let region = s.regionState(key) else { return nil }
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            var r = JSONObject()
            r.append("Account", .string(parts.first ?? ""))
            r.append("Region", .string(parts.last ?? ""))
            for component in WorldComponents.all { component.export(region, into: &r) }
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
        // The world's bookkeeping is optional (a hand-written fixture names only its resources):
        // what is missing starts as a new world of this config would, the creation sequence
        // continues after the largest Seq, and every resource ID and alias is taken.
        // (Only a document that leaves some of it out is scanned: an export names all of it.)
        var found = Found()
        if root.raw("IssuedIds") == nil || root.raw("Sequence") == nil || root.raw("Aliases") == nil {
            found.scan(root.raw("Regions"))
        }
        var s = WorldState(config: config, opening: false)
        if let clock = try root.optionalInt("Clock") { s.nowMilliseconds = clock }
        if root.raw("Sequence") != nil { s.setNextSequence(try root.hex("Sequence")) } else { s.setNextSequence(found.maxSeq + 1) }
        var issued = root.raw("IssuedIds") == nil ? found.ids : []
        for (i, id) in (try root.optional("IssuedIds", "an array", \.array) ?? []).enumerated() {
            guard let v = id.string.flatMap({ UInt64($0, radix: 16) }) else {
                throw RuntimeError.invalidState(at: "State.IssuedIds[\(i)]", "expected 16 hex digits")
            }
            issued.insert(v)
        }
        if root.raw("Random") != nil {
            let random = try DocumentReader(root.raw("Random"), "State.Random")
            s.ids = IDGenerator(resources: try random.hex("Resources"), requests: try random.hex("Requests"), issued: issued)
            s.faultRandom = SeededGenerator(seed: try random.hex("Faults"))
        } else {
            s.ids.take(issued)
        }
        if root.raw("PageTokenSecret") != nil { s.pageTokens = PageTokens(secret: try root.hex("PageTokenSecret")) }
        for component in WorldComponents.all { try component.restore(root, found: found, into: &s) }
        s.faultsInjected = Int(max(0, try root.optionalInt("FaultsInjected") ?? 0))
        s.journalSeq = UInt64(max(0, try root.optionalInt("JournalSeq") ?? 0))
        for f in try root.optionalItems("Faults") { s.faults.append(try Fault(f)) }
        s.faultsInjected = max(s.faultsInjected, s.faults.count)
        for r in try root.items("Regions") {
            let account = try r.string("Account"), name = try r.string("Region")
            guard WorldConfig.isAccountID(account) else { throw r.invalid("Account", "'\(Validator.echo(.string(account)))' is not an account ID (12 digits)") }
            guard WorldConfig.isRegionName(name) else { throw r.invalid("Region", "'\(Validator.echo(.string(name)))' is not a region name such as us-east-1") }
            let region = s.region(RegionKey(account: account, region: name))
            for component in WorldComponents.all { try component.restore(r, into: region, region: name) }
            for service in Services.all { try service.restore(r, into: region, account: account, region: name) }
        }
        return s
    }

    /// What a state's regions hold besides their resources' fields: the largest creation Seq, the
    /// numbers of resource IDs (`fs-0123456789abcdef0`, short `fs-01234567`) and S3 aliases.
    struct Found {
        var maxSeq: UInt64 = 0
        var ids = Set<UInt64>()
        var aliases = Set<String>()

        mutating func scan(_ value: JSON?) {
            switch value {
            case .object(let o)?:
                for m in o.members {
                    switch (m.key, m.value) {
                    case ("Seq", .int(let n)): if n > 0 { maxSeq = max(maxSeq, UInt64(n)) }
                    case ("Alias", .string(let a)): aliases.insert(a)
                    default: scan(m.value)
                    }
                }
            case .array(let items)?: for item in items { scan(item) }
            case .string(let text)?: if let n = Found.idNumber(text) { ids.insert(n) }
            default: break
            }
        }

        /// The number of a resource ID: a lowercase prefix, '-', then "0" and 16 hex digits or 8.
        static func idNumber(_ text: String) -> UInt64? {
            guard let dash = text.firstIndex(of: "-"), dash > text.startIndex,
                  text[..<dash].allSatisfy({ $0 >= "a" && $0 <= "z" }) else { return nil }
            let hex = text[text.index(after: dash)...]
            guard hex.allSatisfy(\.isHexDigit) else { return nil }
            if hex.count == 17, hex.first == "0" { return UInt64(hex.dropFirst(), radix: 16) }
            if hex.count == 8 { return UInt64(hex, radix: 16) }
            return nil
        }
    }
}
