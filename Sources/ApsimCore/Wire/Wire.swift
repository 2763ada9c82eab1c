/// The wire: which service and operation an HTTP request names, who sent it, and the answers of
/// requests no protocol component can give (services apsim does not serve, unknown routes).
///
/// - A request signed (SigV4) for a service names that service; else its Host does
///   (`fsx.eu-west-1.amazonaws.com`); else every served service is a candidate. Each candidate's
///   protocol component (`WireProtocol`, chosen by its model's `protocol`) routes it: by
///   X-Amz-Target (JSON 1.1) or by method, path and query (REST, `RouteTable`).
/// - `/_apsim/<Operation>` (POST, JSON body) reaches the `apsim:` control operations and
///   `GET /_apsim/health` answers `{"status": "ok"}`: the reserved prefix of `apsim serve`.
///
/// The account and region of a request come from its SigV4 credential scope (the region, and
/// the account when the access key ID is 12 digits) or its Host, else the world's defaults; the
/// access key names the caller (`Caller`).
public enum Wire {
    /// The services routed by method and path, and those routed by X-Amz-Target.
    static let restServices = WireProtocols.endpoints.filter { $0.wire.routesByPath }.map(\.model)
    static let targetServices = WireProtocols.endpoints.filter { !$0.wire.routesByPath }.map(\.model)

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

    /// A JSON 1.1 answer (`contentType`: the control endpoints answer `application/json`, which
    /// generic HTTP tools read as JSON).
    static func json11(_ result: CallResult, contentType: String = "application/x-amz-json-1.1") -> HTTPResponse {
        JSON11Protocol(contentType: contentType).render(result, output: nil)
    }

    static func control(_ result: CallResult) -> HTTPResponse { json11(result, contentType: "application/json") }

    static func restJSON(_ result: CallResult) -> HTTPResponse { RestJSONProtocol().render(result, output: nil) }

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

    /// The services a request may be for: the one its signature names, else the one its Host
    /// names, else every served service.
    static func candidates(_ req: HTTPRequest) -> [ServiceEndpoint] {
        if let name = signingName(req) {
            return WireProtocols.endpoints.filter { $0.model.signingName.utf8.elementsEqual(name.utf8) }
        }
        if let host = req.header("host"), let first = host.split(separator: ".", maxSplits: 1).first, host.contains(".amazonaws.") {
            let named = WireProtocols.endpoints.filter { $0.model.signingName.utf8.elementsEqual(first.utf8) }
            if !named.isEmpty { return named }
        }
        return WireProtocols.endpoints
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
            // `/_apsim/<Operation>` is a control; `/_apsim/nfs:<Operation>` names its data-plane service.
            let name = req.path.dropFirst("/_apsim/".count)
            let operation = name.contains(":") ? String(name) : "apsim:" + name
            guard req.method == "POST" else { return (Wire.control(CallResult(failure: RuntimeError.controlMethodNotAllowed)), operation) }
            return (Wire.control(call(account: account, region: region, operation: operation, request: req.body)), operation)
        }
        if let service = Wire.signingName(req), !Wire.servedSigningNames.contains(String(service)) {
            return (Wire.unserved(req, service, requestID: earlyRequestID("")), nil)
        }
        let candidates = Wire.candidates(req)
        for endpoint in candidates {
            guard let (operation, route, captures) = endpoint.wire.route(req, endpoint) else { continue }
            let name = String(operation.dropFirst(endpoint.model.name.count + 1))
            let output = endpoint.model.operations[name]?.output
            // An operation apsim does not answer is reported before anything about its request.
            guard World.isOperation(operation) else {
                return (endpoint.wire.render(CallResult(error: Operations.unknown(operation), requestID: earlyRequestID(operation)),
                                             output: nil), operation)
            }
            do throws(APIError) {
                let input = try endpoint.wire.input(req, route, captures)
                return (endpoint.wire.render(call(account: account, region: region, accessKeyID: accessKeyID, operation: operation,
                                                  document: input), output: output), operation)
            } catch {
                return (endpoint.wire.render(CallResult(error: error, requestID: earlyRequestID(operation)), output: nil), operation)
            }
        }
        if let target = req.header("x-amz-target") {
            let served = Wire.targetServices.map { "\(($0.targetPrefix ?? "") + ".")<Operation> (\($0.serviceID))" }
            return (Wire.json11(CallResult(failure: RuntimeError.unknownTarget(target, served: served.joined(separator: " or ")))), nil)
        }
        return (Wire.restJSON(CallResult(failure: RuntimeError.noRoute(
            method: req.method, path: req.path, restServices: Wire.names(Wire.restServices),
            targetServices: Wire.names(Wire.targetServices)))), nil)
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

