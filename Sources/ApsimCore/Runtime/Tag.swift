/// A resource tag, as both services store and describe them.
struct Tag: Sendable, Equatable {
    var key: String
    var value: String

    var json: JSON { ["Key": .string(key), "Value": .string(value)] }

    /// A list of tags as AWS describes them.
    static func json(_ tags: [Tag]) -> JSON { .array(tags.map(\.json)) }

    /// Tags from a validated `Tags` member (a list of {Key, Value}).
    static func list(_ value: JSON?) -> [Tag] {
        (value?.array ?? []).compactMap { t in
            guard let k = t["Key"]?.string, let v = t["Value"]?.string else { return nil }
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
}
