/// The member names of a service's `Tag` shape (`Key`/`Value`; S3 Files: `key`/`value`), from its
/// model (`ServiceModel.tagMembers`).
struct TagMembers: Sendable, Equatable {
    let key: String
    let value: String

    /// How apsim's own documents (apsim:ExportState) write tags, whatever the service.
    static let export = TagMembers(key: "Key", value: "Value")
}

/// A resource tag, as every service stores it; each describes and reads tags with its model's
/// member names.
struct Tag: Sendable, Equatable {
    var key: String
    var value: String

    /// The tag in a service's (or the export's) member names.
    func json(_ members: TagMembers) -> JSON {
        .object(JSONObject([members.key: .string(key), members.value: .string(value)]))
    }

    /// Whether two tag lists hold the same tags, in any order (tags are a set: the EFS CSI driver,
    /// for one, builds its list from a Go map, so a retry may list them in another order).
    static func sameSet(_ a: [Tag], _ b: [Tag]) -> Bool {
        guard a.count == b.count else { return false }
        if a == b { return true }
        let order: (Tag, Tag) -> Bool = { ($0.key, $0.value) < ($1.key, $1.value) }
        return a.sorted(by: order) == b.sorted(by: order)
    }

    /// A list of tags in a service's (or the export's) member names.
    static func json(_ tags: [Tag], _ members: TagMembers) -> JSON { .array(tags.map { $0.json(members) }) }

    /// Tags from a validated list of tag objects, read with the model's member names.
    static func list(_ value: JSON?, _ members: TagMembers) -> [Tag] {
        (value?.array ?? []).compactMap { t in
            guard let k = t[members.key]?.string, let v = t[members.value]?.string else { return nil }
            return Tag(key: k, value: v)
        }
    }

    /// The `Name` tag's value: what EFS reports as a resource's Name.
    static func name(in tags: [Tag]) -> String? { tags.first { $0.key == "Name" }?.value }

    /// Adds or overwrites tags, keeping the position of keys that already exist.
    static func merge(_ new: [Tag], into tags: inout [Tag]) {
        for t in new {
            if let i = tags.firstIndex(where: { $0.key == t.key }) { tags[i].value = t.value } else { tags.append(t) }
        }
    }

    /// The tag limit per resource (AWS's general tagging limit).
    static let maxPerResource = 50

    /// `tags` with `new` added or overwritten; more than `maxPerResource` is `tooMany(count)`.
    static func merged(_ new: [Tag], into tags: [Tag], tooMany: (Int) -> APIError) throws(APIError) -> [Tag] {
        var merged = tags
        merge(new, into: &merged)
        if merged.count > maxPerResource { throw tooMany(merged.count) }
        return merged
    }

    /// A page of a resource's tags (tokens count tags, so a walk skips none while tags stay); a
    /// token not made for `scope` is `invalid`.
    static func page(_ all: [Tag], _ input: JSONObject, _ request: PageRequest, scope: String, _ tokens: PageTokens,
                     invalid: APIError) throws(APIError) -> ([Tag], String?) {
        var start = 0
        if let token = input[request.token]?.string {
            guard let seq = tokens.decode(token, scope: scope), seq <= UInt64(all.count) else { throw invalid }
            start = Int(seq)
        }
        let end = min(all.count, start + Int(min(input[request.limit]?.int ?? request.defaultLimit, request.atMost)))
        return (Array(all[start..<end]), end < all.count ? tokens.encode(scope: scope, seq: UInt64(end)) : nil)
    }
}
