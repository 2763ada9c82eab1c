/// How a REST request names its operation: a method, a path template from the model (literal
/// segments, `{Label}` segments and a greedy `{Key+}` that takes the rest of the path) and the
/// query parameters the template requires (`/{Bucket}?tagging`, `?list-type=2`).
struct RouteTemplate: Sendable {
    /// The operation's name, and its model when apsim emulates it (nil: answered NotImplemented).
    let name: String
    let operation: OperationModel?
    let method: String
    let segments: [Segment]
    /// Query parameters the template requires: a name, with the value it must have (nil: any).
    let query: [(name: String, value: String?)]

    enum Segment: Sendable, Equatable {
        /// Matched as it is.
        case literal(String)
        /// `{Name}`: one segment, captured as the URI member `Name`.
        case label(String)
        /// `{Name+}`: this segment and every one after it, with their slashes.
        case greedy(String)
    }

    init(name: String, operation: OperationModel?, method: String, requestURI: String) {
        (self.name, self.operation, self.method) = (name, operation, method)
        let parts = requestURI.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        segments = parts[0].split(separator: "/").map { s in
            guard s.hasPrefix("{"), s.hasSuffix("}") else { return .literal(String(s)) }
            let inner = s.dropFirst().dropLast()
            return inner.hasSuffix("+") ? .greedy(String(inner.dropLast())) : .label(String(inner))
        }
        query = parts.count < 2 ? [] : parts[1].split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : nil)
        }
    }

    /// How specific the template is: more literal segments first, then fewer greedy labels, then
    /// more required query parameters (so `/{Bucket}?tagging` is tried before `/{Bucket}`).
    var specificity: (Int, Int, Int) {
        let literals = segments.filter { if case .literal = $0 { return true }; return false }.count
        let greedy = segments.filter { if case .greedy = $0 { return true }; return false }.count
        return (literals, -greedy, query.count)
    }

    /// The URI members `path` (still percent-encoded, split on '/') captures, if it matches.
    func match(_ parts: [Substring], _ req: HTTPRequest) -> [String: String]? {
        var captures: [String: String] = [:]
        var i = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard i < parts.count, parts[i].elementsEqual(text) else { return nil }
                i += 1
            case .label(let name):
                guard i < parts.count else { return nil }
                captures[name] = HTTPRequest.percentDecode(String(parts[i]))
                i += 1
            case .greedy(let name):
                guard i < parts.count else { return nil }
                captures[name] = HTTPRequest.percentDecode(parts[i...].joined(separator: "/"))
                i = parts.count
            }
        }
        guard i == parts.count else { return nil }
        for (name, value) in query {
            guard let given = req.query.first(where: { $0.name == name }) else { return nil }
            if let value, given.value != value { return nil }
        }
        return captures
    }
}

/// The routes of one REST service, most specific first: the operations apsim emulates and the
/// model's others (which are recognised, then answered NotImplemented).
struct RouteTable: Sendable {
    let routes: [RouteTemplate]

    init(_ model: ServiceModel) {
        let emulated = model.operations.values.map {
            RouteTemplate(name: $0.name, operation: $0, method: $0.method, requestURI: $0.requestURI)
        }
        let others = model.unemulated.values.map {
            RouteTemplate(name: $0.name, operation: nil, method: $0.method, requestURI: $0.requestURI)
        }
        routes = (emulated + others).sorted { a, b in
            a.specificity != b.specificity ? a.specificity > b.specificity : a.name < b.name
        }
    }

    /// The first route, most specific first, that the request's method, path and query match.
    func match(_ req: HTTPRequest) -> (route: RouteTemplate, captures: [String: String])? {
        let parts = req.path.split(separator: "/")  // empty segments dropped
        for route in routes where route.method == req.method {
            if let captures = route.match(parts, req) { return (route, captures) }
        }
        return nil
    }
}
