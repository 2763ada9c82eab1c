/// An HTTP request and response as the wire layer sees them (no sockets: `apsim_http` hands them
/// over as JSON, `apsim serve` builds them from the network).
public struct HTTPRequest: Sendable {
    /// The method, upper case (`GET`).
    public var method: String
    /// The path without the query string, still percent-encoded.
    public var path: String
    /// Query parameters, decoded, in order (a key may repeat).
    public var query: [(name: String, value: String)]
    /// The headers in order (names compared case-insensitively).
    public var headers: [(name: String, value: String)]
    /// The body as text.
    public var body: String

    /// A request; a query string left in `path` joins `query`.
    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: String = "") {
        self.method = method.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) ? method.uppercased() : method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        // A query string left in the path joins the others.
        if let q = path.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(path[..<q])
            self.query = HTTPRequest.parseQuery(String(path[path.utf8.index(after: q)...])) + query
        }
    }

    /// The first header named `name`, case-insensitively (ASCII, as HTTP header names are).
    public func header(_ name: String) -> String? {
        headers.first { HTTPRequest.sameName($0.name, name) }?.value
    }

    /// Whether two header names are equal ignoring ASCII case, without allocating.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            let lx = x >= 0x41 && x <= 0x5A ? x | 0x20 : x
            let ly = y >= 0x41 && y <= 0x5A ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }

    /// Every value of the query parameter `name`, in order.
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// `a=1&b=x%20y&b=z` as decoded pairs (`+` is a space, as in forms).
    public static func parseQuery(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            return (name, value)
        }
    }

    /// Decodes `%XX` escapes; malformed escapes are kept as they are. Invalid UTF-8 after
    /// decoding is repaired (a value that AWS would refuse is refused later by validation).
    public static func percentDecode(_ text: String, plusIsSpace: Bool = false) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? 0x20 : b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isDocumentMember(_ key: String) -> Bool {
        switch key {
        case "method", "path", "query", "headers", "body": return true
        default: return false
        }
    }

    /// A request from its JSON form: `{"method", "path", "query", "headers", "body"}`. `query` is
    /// an object of strings (numbers and booleans too) or arrays of them, or a raw query string; `headers` an object of
    /// strings; `body` a string.
    public static func from(json: JSON) throws(APIError) -> HTTPRequest {
        func bad(_ what: String) -> APIError { RuntimeError.serialization("Invalid HTTP request document: \(what).") }
        guard case .object(let o) = json else { throw bad("it must be a JSON object") }
        for m in o.members where !HTTPRequest.isDocumentMember(m.key) {
            throw bad("unknown member \"\(m.key)\"; the members are method, path, query, headers, body")
        }
        guard let method = o["method"]?.string, !method.isEmpty else { throw bad("\"method\" must be a string such as \"POST\"") }
        guard let path = o["path"]?.string, path.hasPrefix("/") else { throw bad("\"path\" must be a string starting with \"/\"") }
        var query: [(name: String, value: String)] = []
        switch o["query"] {
        case nil, .null?: break
        case .string(let raw)?: query = parseQuery(raw)
        case .object(let q)?:
            // Values are text on the wire; numbers and booleans are accepted as their JSON text.
            func text(_ v: JSON) -> String? {
                switch v {
                case .string(let s): return s
                case .int, .number, .bool: return v.text
                default: return nil
                }
            }
            for m in q.members {
                if case .array(let items) = m.value {
                    for item in items {
                        guard let v = text(item) else { throw bad("query values must be strings, numbers, booleans or arrays of them") }
                        query.append((m.key, v))
                    }
                } else {
                    guard let v = text(m.value) else { throw bad("query values must be strings, numbers, booleans or arrays of them") }
                    query.append((m.key, v))
                }
            }
        default: throw bad("\"query\" must be an object or a string")
        }
        var headers: [(name: String, value: String)] = []
        switch o["headers"] {
        case nil, .null?: break
        case .object(let h)?:
            for m in h.members {
                guard let v = m.value.string else { throw bad("header values must be strings") }
                headers.append((m.key, v))
            }
        default: throw bad("\"headers\" must be an object of strings")
        }
        let body: String
        switch o["body"] {
        case nil, .null?: body = ""
        case .string(let b)?: body = b
        default: throw bad("\"body\" must be a string")
        }
        return HTTPRequest(method: method, path: path, query: query, headers: headers, body: body)
    }
}

/// An HTTP response as the wire layer writes it.
public struct HTTPResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The headers in order (names compared case-insensitively).
    public var headers: [(name: String, value: String)]
    /// The body as text.
    public var body: String
    /// What the request was, for a request log (never sent): the operation ("efs:CreateAccessPoint",
    /// nil when none was recognised), and the account and region it spoke for.
    public var operation: String?
    /// The account the request spoke for (never sent).
    public var account: String?
    /// The region the request spoke for (never sent).
    public var region: String?
    /// The error code of an error answer (its `x-amzn-ErrorType`, or the XML error's code).
    public var errorCode: String?

    /// A response with this status, these headers and this body.
    public init(status: Int, headers: [(name: String, value: String)], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `{"status": 200, "headers": {...}, "body": "..."}`.
    public var json: JSON {
        var h = JSONObject()
        for (name, value) in headers { h.append(name, .string(value)) }
        return ["status": .int(Int64(status)), "headers": .object(h), "body": .string(body)]
    }
}
