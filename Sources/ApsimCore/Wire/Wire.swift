/// The AWS wire protocols of both services, in one place.
///
/// - EFS speaks rest-json: the operation is the method and path (`POST /2015-02-01/access-points`),
///   members travel in the path, the query string and a JSON body as the model's `location` says,
///   success is 200/201/204 and an error carries `x-amzn-ErrorType` and `{"ErrorCode", "Message"}`.
/// - FSx speaks JSON 1.1: `POST /` with `X-Amz-Target: AWSSimbaAPIService_v20180301.<Operation>`,
///   the body is the whole input, an error is `{"__type", "Message"}`.
/// - `/_apsim/<Operation>` (POST, JSON body) reaches the `apsim:` control operations and
///   `GET /_apsim/health` answers `{"status": "ok"}`: the reserved prefix of `apsim serve`.
///
/// The account and region of a request come from its SigV4 credential scope (the region, and
/// the account when the access key ID is 12 digits) or its Host (`fsx.eu-west-1.amazonaws.com`),
/// else the world's defaults. Routing and bindings come from the generated service models.
public enum Wire {
    /// One rest-json route: a method and a path template from the model.
    struct Route: Sendable {
        let operation: OperationModel
        /// Path segments, worked out once from the template.
        let segments: [Segment]

        enum Segment: Sendable {
            /// Matched as it is.
            case literal(String)
            /// `{Name}`: any segment, captured as the URI member `Name`.
            case capture(String)
        }

        init(operation: OperationModel) {
            self.operation = operation
            segments = operation.requestURI.split(separator: "/").map { s in
                if s.hasPrefix("{") && s.hasSuffix("}") { return .capture(String(s.dropFirst().dropLast())) }
                return .literal(String(s))
            }
        }
    }

    /// The services that speak rest-json (routed by method and path) and JSON 1.1 (routed by
    /// X-Amz-Target), from the registry.
    static let restServices = Services.all.map { $0.model }.filter { $0.targetPrefix == nil }
    static let targetServices = Services.all.map { $0.model }.filter { $0.targetPrefix != nil }

    /// Every rest-json route: (the service's name, the route).
    static let routes: [(service: String, route: Route)] = restServices.flatMap { model in
        model.operations.values.sorted { $0.name < $1.name }.map { (model.name, Route(operation: $0)) }
    }

    /// `AWSSimbaAPIService_v20180301.` -> "fsx".
    static let targets: [(prefix: String, service: String)] = targetServices.map { (($0.targetPrefix ?? "") + ".", $0.name) }

    /// Names services for messages: "EFS", "FSx" (the models' service IDs), joined with "or".
    static func names(_ models: [ServiceModel]) -> String { models.map(\.serviceID).joined(separator: " or ") }

    /// The account and region a request speaks for (nil: the world's default), and the access
    /// key that signed it (the caller's, see `Caller`).
    static func identity(_ req: HTTPRequest) -> (account: String?, region: String?, accessKeyID: String?) {
        var account: String? = nil, region: String? = nil, accessKeyID: String? = nil
        if let auth = req.header("authorization"), let scope = credentialScope(auth) {
            // Credential=AKID/20261122/us-east-1/elasticfilesystem/aws4_request
            let parts = scope.split(separator: "/", maxSplits: 3)
            if let key = parts.first, !key.isEmpty { accessKeyID = String(key) }
            if parts.count >= 3 {
                if WorldConfig.isAccountID(String(parts[0])) { account = String(parts[0]) }
                if WorldConfig.isRegionName(String(parts[2])) { region = String(parts[2]) }
            }
        }
        if region == nil, let host = req.header("host") {
            region = regionOfHost(host)
        }
        return (account, region, accessKeyID)
    }

    static let amazonaws: [UInt8] = Array("amazonaws".utf8)

    /// The region of an AWS endpoint host, `service.region.amazonaws.com[:port]` (one pass over
    /// the bytes, no allocation unless it finds one).
    static func regionOfHost(_ host: String) -> String? {
        var host = host
        return host.withUTF8 { bytes -> String? in
            var labels = 0, labelStart = 0, second: Range<Int>? = nil, amazonaws = false
            let amazon = Wire.amazonaws
            func endLabel(_ end: Int) {
                guard end > labelStart else { return }  // empty labels do not count
                if labels == 1 { second = labelStart..<end }
                if end - labelStart == amazon.count, amazon.indices.allSatisfy({ bytes[labelStart + $0] == amazon[$0] }) {
                    amazonaws = true
                }
                labels += 1
            }
            var end = bytes.count
            for (i, b) in bytes.enumerated() {
                if b == UInt8(ascii: ":") { end = i; break }
                if b == UInt8(ascii: ".") {
                    endLabel(i)
                    labelStart = i + 1
                }
            }
            endLabel(end)
            guard labels >= 4, amazonaws, let second else { return nil }
            let label = String(decoding: UnsafeBufferPointer(rebasing: bytes[second]), as: UTF8.self)
            return WorldConfig.isRegionName(label) ? label : nil
        }
    }

    /// What follows `Credential=` in an Authorization header, up to the next ',' or ' '.
    static func credentialScope(_ auth: String) -> Substring? {
        guard let r = auth.utf8.firstRange(of: "Credential=".utf8) else { return nil }
        let rest = auth.utf8[r.upperBound...]
        let end = rest.firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") }) ?? rest.endIndex
        return Substring(auth.utf8[r.upperBound..<end])
    }

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

    // MARK: JSON 1.1 (FSx, and the control endpoints)

    /// `contentType`: the control endpoints answer `application/json`, which generic HTTP tools
    /// read as JSON.
    static func json11(_ result: CallResult, contentType: String = "application/x-amz-json-1.1") -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("x-amzn-RequestId", requestID(result)), ("Content-Type", contentType),
        ]
        guard let error = result.error else { return HTTPResponse(status: result.status, headers: headers, body: payload(result)) }
        headers.append(("x-amzn-ErrorType", error.code))
        var response = HTTPResponse(status: result.status, headers: headers, body: errorBody(error, codeKey: "__type"))
        response.errorCode = error.code
        return response
    }

    static func control(_ result: CallResult) -> HTTPResponse { json11(result, contentType: "application/json") }

    // MARK: XML errors (services apsim does not serve)

    /// An error in the XML form of the query protocol (STS, IAM, EC2-style `<ErrorResponse>`) or
    /// of REST-XML (S3-style `<Error>`), so that the SDK of such a service can read it.
    static func xmlError(_ error: APIError, query: Bool, requestID: String) -> HTTPResponse {
        let code = XML.escape(error.code), message = XML.escape(error.message)
        let body = query
            ? "<ErrorResponse><Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>\(requestID)</RequestId></ErrorResponse>"
            : "<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>\(requestID)</RequestId></Error>"
        var response = HTTPResponse(status: error.status, headers: [("x-amzn-RequestId", requestID), ("Content-Type", "text/xml")],
                                    body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body)
        response.errorCode = error.code
        return response
    }

    /// The service a request is signed for (SigV4's credential scope), when it names one.
    static func signingName(_ req: HTTPRequest) -> Substring? {
        guard let auth = req.header("authorization"), let scope = credentialScope(auth) else { return nil }
        let parts = scope.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 4 ? parts[3] : nil
    }

    static let servedSigningNames = Set((restServices + targetServices).map(\.signingName))

    /// The refusal of a request signed for a service apsim does not serve, in that service's
    /// protocol as far as the request shows it: JSON 1.1 with X-Amz-Target, the query protocol's
    /// XML for a form body, REST-XML for S3, else rest-json.
    static func unserved(_ req: HTTPRequest, _ service: Substring, requestID: String) -> HTTPResponse {
        let error = RuntimeError.unservedService(String(service))
        let result = CallResult(error: error, requestID: requestID)
        if req.header("x-amz-target") != nil { return json11(result) }
        let form = req.header("content-type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
            || req.body.hasPrefix("Action=") || req.query.contains { $0.name == "Action" }
        if form { return xmlError(error, query: true, requestID: requestID) }
        if service == "s3" || service == "s3-object-lambda" { return xmlError(error, query: false, requestID: requestID) }
        return restJSON(result)
    }

    // MARK: rest-json (EFS)

    static func restJSON(_ result: CallResult) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("x-amzn-RequestId", requestID(result))]
        guard let error = result.error else {
            if result.status != 204 { headers.append(("Content-Type", "application/json")) }
            return HTTPResponse(status: result.status, headers: headers, body: payload(result))
        }
        headers.append(("x-amzn-ErrorType", error.code))
        headers.append(("Content-Type", "application/json"))
        var response = HTTPResponse(status: result.status, headers: headers, body: errorBody(error, codeKey: "ErrorCode"))
        response.errorCode = error.code
        return response
    }

    /// The rest-json operation a method and path name, with the URI members it captured.
    static func route(_ req: HTTPRequest) -> (service: String, route: Route, captures: [String: String])? {
        let parts = req.path.utf8.split(separator: UInt8(ascii: "/"))  // empty segments dropped
        routes: for (service, route) in routes where route.segments.count == parts.count && route.operation.method == req.method {
            for (segment, part) in zip(route.segments, parts) {
                if case .literal(let text) = segment, !part.elementsEqual(text.utf8) { continue routes }
            }
            var captures: [String: String] = [:]
            for (segment, part) in zip(route.segments, parts) {
                if case .capture(let name) = segment { captures[name] = HTTPRequest.percentDecode(String(Substring(part))) }
            }
            return (service, route, captures)
        }
        return nil
    }

    /// The rest-json operation a request names that the model has but apsim does not emulate.
    static func unemulatedRoute(_ req: HTTPRequest) -> (service: String, name: String)? {
        let parts = req.path.utf8.split(separator: UInt8(ascii: "/"))
        for model in restServices {
            for op in model.unemulated.values.sorted(by: { $0.name < $1.name }) where op.method == req.method {
                let segments = op.requestURI.split(separator: "?")[0].split(separator: "/")
                guard segments.count == parts.count else { continue }
                let matches = zip(segments, parts).allSatisfy { segment, part in
                    (segment.hasPrefix("{") && segment.hasSuffix("}")) || part.elementsEqual(segment.utf8)
                }
                if matches { return (model.name, op.name) }
            }
        }
        return nil
    }

    /// The input document of a rest-json request: body members, then URI, query and header members.
    static func restJSONInput(_ req: HTTPRequest, _ route: Route, _ captures: [String: String]) throws(APIError) -> JSON {
        var doc = JSONObject()
        if !req.body.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
            let parsed = try Operations.parse(req.body)
            guard case .object(let body) = parsed else {
                throw RuntimeError.serialization("The request body must be a JSON object, not \(parsed.typeName).")
            }
            doc = body
        }
        for member in route.operation.input.members where member.location != .body {
            let wireName = member.locationName ?? member.name
            let raw: [String]
            switch member.location {
            case .uri: raw = captures[wireName].map { [$0] } ?? []
            case .querystring: raw = req.queryValues(wireName)
            case .header: raw = req.header(wireName).map { [$0] } ?? []
            case .body: raw = []
            }
            guard !raw.isEmpty else { continue }
            doc[member.name] = try typed(raw, member, path: Validator.lowerFirst(member.name))
        }
        return .object(doc)
    }

    /// Query, path and header values are text; the member's shape says what they mean.
    static func typed(_ raw: [String], _ member: Member, path: String) throws(APIError) -> JSON {
        func scalar(_ text: String, _ shape: Shape) throws(APIError) -> JSON {
            switch shape.kind {
            case .integer:
                guard let v = Int64(text) else {
                    throw RuntimeError.serialization("Invalid value for member '\(path)': '\(text)' is not an integer.")
                }
                return .int(v)
            case .boolean:
                guard text == "true" || text == "false" else {
                    throw RuntimeError.serialization("Invalid value for member '\(path)': '\(text)' is not true or false.")
                }
                return .bool(text == "true")
            default:
                return .string(text)
            }
        }
        if case .list(let item, _, _) = member.shape.kind {
            var items: [JSON] = []
            for r in raw { items.append(try scalar(r, item)) }
            return .array(items)
        }
        return try scalar(raw[raw.count - 1], member.shape)
    }
}

extension Wire {
    /// An error for a request refused before it could be read (e.g. a body that is not UTF-8),
    /// in the protocol its service speaks.
    public static func refuse(_ req: HTTPRequest, _ error: APIError) -> HTTPResponse {
        let result = CallResult(failure: error)
        return req.header("x-amz-target") == nil && !req.path.hasPrefix("/_apsim/") ? restJSON(result) : json11(result)
    }
}

extension World {
    /// Answers one HTTP request in the AWS wire protocol of its service (see `Wire`); the answer
    /// carries what the request was (operation, account, region) for a request log.
    public func http(_ req: HTTPRequest) -> HTTPResponse {
        let (account, region, accessKeyID) = Wire.identity(req)
        var (response, operation) = answer(req, account: account, region: region, accessKeyID: accessKeyID)
        response.operation = operation
        response.account = account ?? config.accountID
        response.region = region ?? config.region
        if response.errorCode == nil, response.status >= 400 {
            response.errorCode = response.headers.first { HTTPRequest.sameName($0.name, "x-amzn-ErrorType") }?.value
        }
        return response
    }

    private func answer(_ req: HTTPRequest, account: String?, region: String?, accessKeyID: String?) -> (HTTPResponse, String?) {
        if req.path == "/_apsim/health" {
            return (HTTPResponse(status: 200, headers: [("Content-Type", "application/json")],
                                 body: #"{"status":"ok","version":"\#(apsimVersion)"}"#), nil)
        }
        if req.path.hasPrefix("/_apsim/") {
            let operation = "apsim:" + req.path.dropFirst("/_apsim/".count)
            guard req.method == "POST" else { return (Wire.control(CallResult(failure: RuntimeError.controlMethodNotAllowed)), operation) }
            return (Wire.control(call(account: account, region: region, operation: operation, request: req.body)), operation)
        }
        if let service = Wire.signingName(req), !Wire.servedSigningNames.contains(String(service)) {
            return (Wire.unserved(req, service, requestID: earlyRequestID("")), nil)
        }
        if let target = req.header("x-amz-target") {
            guard let (prefix, service) = Wire.targets.first(where: { target.hasPrefix($0.prefix) }) else {
                let served = Wire.targetServices.map { "\(($0.targetPrefix ?? "") + ".")<Operation> (\($0.serviceID))" }
                return (Wire.json11(CallResult(failure: RuntimeError.unknownTarget(target, served: served.joined(separator: " or ")))), nil)
            }
            let operation = service + ":" + target.dropFirst(prefix.count)
            return (Wire.json11(call(account: account, region: region, accessKeyID: accessKeyID, operation: operation,
                                     request: req.body)), operation)
        }
        guard let (service, route, captures) = Wire.route(req) else {
            if let (service, name) = Wire.unemulatedRoute(req) {
                let operation = service + ":" + name
                return (Wire.restJSON(CallResult(error: Operations.unknown(operation), requestID: earlyRequestID(operation))), operation)
            }
            return (Wire.restJSON(CallResult(failure: RuntimeError.noRoute(
                method: req.method, path: req.path, restServices: Wire.names(Wire.restServices),
                targetServices: Wire.names(Wire.targetServices)))), nil)
        }
        let operation = service + ":" + route.operation.name
        do throws(APIError) {
            let input = try Wire.restJSONInput(req, route, captures)
            return (Wire.restJSON(call(account: account, region: region, accessKeyID: accessKeyID, operation: operation,
                                       document: input)), operation)
        } catch {
            return (Wire.restJSON(CallResult(error: error, requestID: earlyRequestID(operation))), operation)
        }
    }

    /// `http` with the request and response in their JSON forms (`apsim_http`).
    public func http(requestJSON: String?) -> (isError: Bool, response: JSON) {
        do throws(APIError) {
            let req = try HTTPRequest.from(json: try Operations.parse(requestJSON))
            return (false, http(req).json)
        } catch {
            return (true, CallResult(failure: error).body)
        }
    }
}

