/// One AWS wire protocol as a component: how a request names its operation among a service's,
/// how its input travels, and how a result is written back. The model's `protocol` selects it
/// (`WireProtocols.for`); rest-json and JSON 1.1 are the first two, REST-XML comes with S3.
protocol WireProtocol: Sendable {
    /// The model `protocol` values it speaks ("rest-json", "json").
    static var names: [String] { get }
    /// Whether it names operations by method and path (REST) rather than by a header.
    var routesByPath: Bool { get }
    /// The operation `req` names among `endpoint`'s, with the URI members it captured; nil when
    /// it names none of them.
    func route(_ req: HTTPRequest, _ endpoint: ServiceEndpoint) -> (operation: String, route: RouteTemplate?, captures: [String: String])?
    /// The input document of a routed request.
    func input(_ req: HTTPRequest, _ route: RouteTemplate?, _ captures: [String: String]) throws(APIError) -> JSON
    /// The HTTP answer of a result, with the operation's output shape to place its members.
    func render(_ result: CallResult, output: Shape?) -> HTTPResponse
}

/// A service as the wire sees it: its model, the protocol the model names, and its routes.
struct ServiceEndpoint: Sendable {
    let model: ServiceModel
    let wire: any WireProtocol
    /// The REST routes (empty for a protocol that routes by header).
    let routes: RouteTable?
}

/// The registry: every protocol, and every served service's endpoint.
enum WireProtocols {
    static let all: [any WireProtocol] = [RestJSONProtocol(), JSON11Protocol()]

    /// The protocol a model's `protocol` names (nil: one apsim does not speak).
    static func `for`(_ model: ServiceModel) -> (any WireProtocol)? {
        all.first { type(of: $0).names.contains(model.apiProtocol) }
    }

    /// Every served service, in `Services.all` order.
    static let endpoints: [ServiceEndpoint] = Services.all.compactMap { service in
        guard let wire = WireProtocols.for(service.model) else { return nil }
        return ServiceEndpoint(model: service.model, wire: wire, routes: wire.routesByPath ? RouteTable(service.model) : nil)
    }
}

extension Wire {
    static func requestID(_ result: CallResult) -> String { result.requestID ?? World.controlRequestID }

    /// The response members as JSON text ("" for 204).
    static func payload(_ result: CallResult) -> String {
        result.status == 204 ? "" : JSON.object(result.output).text
    }

    /// An error's body: the code under `codeKey` (`__type` or `ErrorCode`), the message, the
    /// modeled members.
    static func errorBody(_ error: APIError, codeKey: String) -> String {
        var o = JSONObject(capacity: 2 + error.members.count)
        o.append(codeKey, .string(error.code))
        o.append("Message", .string(error.message))
        for m in error.members.members { o.append(m.key, m.value) }
        return JSON.object(o).text
    }

    /// The output members that travel outside the body (`location: header` and `statusCode`),
    /// as headers and a status, and the output without them.
    static func placed(_ result: CallResult, _ output: Shape?) -> (status: Int, headers: [(name: String, value: String)], body: JSONObject) {
        guard let output, output.members.contains(where: { $0.location != .body }) else { return (result.status, [], result.output) }
        var body = result.output, headers: [(name: String, value: String)] = [], status = result.status
        for member in output.members where member.location != .body {
            guard let value = body[member.name] else { continue }
            body[member.name] = nil
            switch member.location {
            case .header: headers.append((member.locationName ?? member.name, Wire.headerText(value)))
            case .statusCode: if let code = value.int { status = Int(code) }
            default: break
            }
        }
        return (status, headers, body)
    }

    /// A header's value: text as it is, a timestamp as an HTTP date (REST protocols' default for
    /// headers), other values as their JSON text.
    static func headerText(_ value: JSON) -> String {
        switch value {
        case .string(let s): return s
        case .timestamp(let ms): return Timestamps.httpDate(milliseconds: ms)
        default: return value.text
        }
    }
}

/// rest-json (EFS): the operation is the method and path (`POST /2015-02-01/access-points`),
/// members travel in the path, the query string, headers and a JSON body as the model's
/// `location` says; success is 200/201/204 and an error carries `x-amzn-ErrorType` and
/// `{"ErrorCode", "Message"}`.
struct RestJSONProtocol: WireProtocol {
    static let names = ["rest-json"]
    var routesByPath: Bool { true }

    func route(_ req: HTTPRequest, _ endpoint: ServiceEndpoint) -> (operation: String, route: RouteTemplate?, captures: [String: String])? {
        guard let (route, captures) = endpoint.routes?.match(req) else { return nil }
        return (endpoint.model.name + ":" + route.name, route, captures)
    }

    func input(_ req: HTTPRequest, _ route: RouteTemplate?, _ captures: [String: String]) throws(APIError) -> JSON {
        var doc = JSONObject()
        if !req.body.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
            let parsed = try Operations.parse(req.body)
            guard case .object(let body) = parsed else {
                throw RuntimeError.serialization("The request body must be a JSON object, not \(parsed.typeName).")
            }
            doc = body
        }
        guard let operation = route?.operation else { return .object(doc) }
        for member in operation.input.members where member.location != .body {
            let wireName = member.locationName ?? member.name
            let raw: [String]
            switch member.location {
            case .uri: raw = captures[wireName].map { [$0] } ?? []
            case .querystring: raw = req.queryValues(wireName)
            case .header: raw = req.header(wireName).map { [$0] } ?? []
            case .body, .statusCode, .headers: raw = []
            }
            guard !raw.isEmpty else { continue }
            doc[member.name] = try Wire.typed(raw, member, path: Validator.lowerFirst(member.name))
        }
        return .object(doc)
    }

    func render(_ result: CallResult, output: Shape?) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("x-amzn-RequestId", Wire.requestID(result))]
        guard let error = result.error else {
            let (status, placed, body) = Wire.placed(result, output)
            headers += placed
            if result.status != 204 { headers.append(("Content-Type", "application/json")) }
            return HTTPResponse(status: status, headers: headers, body: result.status == 204 ? "" : JSON.object(body).text)
        }
        headers.append(("x-amzn-ErrorType", error.code))
        headers.append(("Content-Type", "application/json"))
        var response = HTTPResponse(status: result.status, headers: headers, body: Wire.errorBody(error, codeKey: "ErrorCode"))
        response.errorCode = error.code
        return response
    }
}

/// JSON 1.1 (FSx): `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>`, the body is the
/// whole input, an error is `{"__type", "Message"}`. The control endpoints answer in it too
/// (as `application/json`).
struct JSON11Protocol: WireProtocol {
    static let names = ["json"]
    var routesByPath: Bool { false }
    var contentType = "application/x-amz-json-1.1"

    func route(_ req: HTTPRequest, _ endpoint: ServiceEndpoint) -> (operation: String, route: RouteTemplate?, captures: [String: String])? {
        guard let target = req.header("x-amz-target"), let prefix = endpoint.model.targetPrefix,
              target.hasPrefix(prefix + ".") else { return nil }
        return (endpoint.model.name + ":" + target.dropFirst(prefix.count + 1), nil, [:])
    }

    func input(_ req: HTTPRequest, _ route: RouteTemplate?, _ captures: [String: String]) throws(APIError) -> JSON {
        try Operations.parse(req.body)
    }

    func render(_ result: CallResult, output: Shape?) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("x-amzn-RequestId", Wire.requestID(result)), ("Content-Type", contentType)]
        guard let error = result.error else { return HTTPResponse(status: result.status, headers: headers, body: Wire.payload(result)) }
        headers.append(("x-amzn-ErrorType", error.code))
        var response = HTTPResponse(status: result.status, headers: headers, body: Wire.errorBody(error, codeKey: "__type"))
        response.errorCode = error.code
        return response
    }
}
