@testable import ApsimCore
import Testing

/// Sends `request` (its JSON form) and returns status, headers (lowercased names) and parsed body.
@discardableResult
func http(_ w: World, _ request: JSON) -> (status: Int, headers: [String: String], body: JSON?) {
    let (isError, response) = w.http(requestJSON: request.text)
    #expect(!isError)
    var headers: [String: String] = [:]
    for m in response["headers"]?.object?.members ?? [] { headers[m.key.lowercased()] = m.value.string }
    let text = response["body"]?.string ?? ""
    return (Int(response["status"]?.int ?? 0), headers, text.isEmpty ? nil : try? JSON.parse(text))
}

func fsxRequest(_ op: String, _ body: JSON, headers: JSON = [:]) -> JSON {
    var h = headers.object ?? JSONObject()
    h["X-Amz-Target"] = .string("AWSSimbaAPIService_v20180301." + op)
    h["Content-Type"] = "application/x-amz-json-1.1"
    return ["method": "POST", "path": "/", "headers": .object(h), "body": .string(body.text)]
}

@Suite struct RestJSONTests {
    @Test(arguments: [("elasticfilesystem.ap-south-1.amazonaws.com", "ap-south-1"),
                      ("fsx.eu-west-1.amazonaws.com:443", "eu-west-1"),
                      ("elasticfilesystem..us-east-2.amazonaws.com", "us-east-2"),
                      ("fsx.cn-north-1.amazonaws.com.cn", "cn-north-1"),
                      ("localhost:27746", nil), ("fsx.amazonaws.com", nil), ("a.b.c.d", nil),
                      ("fsx.notaregion.amazonaws.com", nil), ("", nil)] as [(String, String?)])
    func regionFromTheHost(_ host: String, _ region: String?) {
        #expect(Wire.regionOfHost(host) == region, "\(host)")
    }

    @Test func efsEndToEnd() throws {
        let w = try makeWorld()
        let created = http(w, ["method": "POST", "path": "/2015-02-01/file-systems", "body": #"{"CreationToken":"t"}"#])
        #expect(created.status == 201)
        #expect(created.headers["content-type"] == "application/json")
        #expect(created.headers["x-amzn-requestid"]?.count == 36)
        #expect(created.body?["ResponseMetadata"] == nil)
        let fs = created.body?["FileSystemId"]?.string ?? ""
        let ap = http(w, ["method": "POST", "path": "/2015-02-01/access-points",
                          "body": .string(#"{"ClientToken":"a","FileSystemId":"\#(fs)","Tags":[{"Key":"Name","Value":"x"}]}"#)])
        #expect(ap.status == 200)
        let apID = ap.body?["AccessPointId"]?.string ?? ""
        // Query members, as a query object, a raw string and in the path.
        for req: JSON in [["method": "GET", "path": "/2015-02-01/access-points", "query": ["FileSystemId": .string(fs), "MaxResults": "1"]],
                          ["method": "GET", "path": "/2015-02-01/access-points", "query": .string("FileSystemId=\(fs)&MaxResults=1")],
                          ["method": "GET", "path": .string("/2015-02-01/access-points?FileSystemId=\(fs)&MaxResults=1")]] {
            let listed = http(w, req)
            #expect(listed.status == 200)
            #expect(listed.body?["AccessPoints"]?.array?.first?["AccessPointId"]?.string == apID)
        }
        // URI members are percent-decoded (an ARN in the path).
        let arn = "arn%3Aaws%3Aelasticfilesystem%3Aus-east-1%3A123456789012%3Aaccess-point%2F" + apID
        #expect(http(w, ["method": "GET", "path": .string("/2015-02-01/resource-tags/" + arn)]).body?["Tags"] == [["Key": "Name", "Value": "x"]])
        #expect(http(w, ["method": "DELETE", "path": .string("/2015-02-01/resource-tags/" + apID), "query": ["tagKeys": ["Name", "other"]]]).status == 200)
        #expect(http(w, ["method": "GET", "path": .string("/2015-02-01/resource-tags/" + apID)]).body?["Tags"] == [])
        let deleted = http(w, ["method": "DELETE", "path": .string("/2015-02-01/access-points/" + apID)])
        #expect(deleted.status == 204)
        #expect(deleted.body == nil)
        // The same world through apsim_call sees what the wire did.
        #expect(call(w, "efs:DescribeAccessPoints").body["AccessPoints"] == [])
    }

    @Test func routesOnWholeSegments() throws {
        let w = try makeWorld()
        // Empty segments do not count, a literal segment matches only whole, a method in any case.
        #expect(http(w, ["method": "GET", "path": "//2015-02-01/access-points/"]).status == 200)
        #expect(http(w, ["method": "get", "path": "/2015-02-01/access-points"]).status == 200)
        for path in ["/2015-02-01/access-point", "/2015-02-01/access-pointsx", "/2015-02-02/access-points",
                     "/2015-02-01/access-points/fsap-0123456789abcdef0/x"] {
            let r = http(w, ["method": "GET", "path": .string(path)])
            #expect(r.status == 404, "\(path)")
            #expect(r.headers["x-amzn-errortype"] == "UnknownOperationException")
        }
        // A capture takes the whole (percent-decoded) segment.
        let missing = http(w, ["method": "DELETE", "path": "/2015-02-01/access-points/fsap-0123456789abcdef%30"])
        #expect(missing.body == ["ErrorCode": "AccessPointNotFound", "Message": "Access point 'fsap-0123456789abcdef0' does not exist."])
    }

    @Test func errorsCarryTheTypeHeaderAndModeledMembers() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let req: JSON = ["method": "POST", "path": "/2015-02-01/access-points", "body": .string(#"{"ClientToken":"a","FileSystemId":"\#(fs)"}"#)]
        let first = http(w, req).body?["AccessPointId"]
        let again = http(w, req)
        #expect(again.status == 409)
        #expect(again.headers["x-amzn-errortype"] == "AccessPointAlreadyExists")
        #expect(again.body?.object?.keys == ["ErrorCode", "Message", "AccessPointId"])
        #expect(again.body?["AccessPointId"] == first)
        let missing = http(w, ["method": "GET", "path": "/2015-02-01/file-systems", "query": ["FileSystemId": "fs-0123456789abcdef0"]])
        #expect(missing.status == 404)
        #expect(missing.body == ["ErrorCode": "FileSystemNotFound", "Message": "File system 'fs-0123456789abcdef0' does not exist."])
        let badInt = http(w, ["method": "GET", "path": "/2015-02-01/access-points", "query": ["MaxResults": "ten"]])
        #expect(badInt.status == 400)
        #expect(badInt.body?["Message"] == "Invalid value for member 'maxResults': 'ten' is not an integer.")
        let unknown = http(w, ["method": "PUT", "path": "/2015-02-01/access-points"])
        #expect(unknown.status == 404)
        #expect(unknown.headers["x-amzn-errortype"] == "UnknownOperationException")
        let validation = http(w, ["method": "POST", "path": "/2015-02-01/access-points", "body": #"{"ClientToken":"a"}"#])
        #expect(validation.body == ["ErrorCode": "ValidationException", "Message": .string(coral(nil, "fileSystemId", "Member must not be null"))])
    }

    @Test func accountAndRegionFromTheRequest() throws {
        let w = try makeWorld()
        let signed: JSON = ["Authorization": "AWS4-HMAC-SHA256 Credential=111122223333/20250101/eu-west-2/elasticfilesystem/aws4_request, SignedHeaders=host, Signature=abc"]
        let fs = http(w, ["method": "POST", "path": "/2015-02-01/file-systems", "headers": signed, "body": #"{"CreationToken":"t"}"#])
        #expect(fs.body?["FileSystemArn"]?.string?.hasPrefix("arn:aws:elasticfilesystem:eu-west-2:111122223333:file-system/") == true)
        #expect(w.call(account: "111122223333", region: "eu-west-2", operation: "efs:DescribeFileSystems", request: nil).body["FileSystems"]?.array?.count == 1)
        let byHost = http(w, ["method": "POST", "path": "/2015-02-01/file-systems", "headers": ["Host": "elasticfilesystem.ap-south-1.amazonaws.com"],
                              "body": #"{"CreationToken":"t"}"#])
        #expect(byHost.body?["OwnerId"] == "123456789012")
        #expect(byHost.body?["FileSystemArn"]?.string?.contains(":ap-south-1:") == true)
        // A dummy (non-numeric) access key keeps the default account.
        let dummy: JSON = ["Authorization": "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/elasticfilesystem/aws4_request"]
        #expect(http(w, ["method": "GET", "path": "/2015-02-01/file-systems", "headers": dummy]).body?["FileSystems"]?.array?.count == 0)
    }
}

@Suite struct JSON11Tests {
    @Test func fsxEndToEndAndErrors() throws {
        let w = try makeWorld()
        let created = http(w, fsxRequest("CreateFileSystem", ["FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"],
                                                             "OpenZFSConfiguration": ["DeploymentType": "SINGLE_AZ_HA_1", "ThroughputCapacity": 64]]))
        #expect(created.status == 200)
        #expect(created.headers["content-type"] == "application/x-amz-json-1.1")
        let root = created.body?["FileSystem"]?["OpenZFSConfiguration"]?["RootVolumeId"]?.string ?? ""
        #expect(http(w, fsxRequest("CreateAndAttachS3AccessPoint", attachZFS("one", root))).status == 200)
        let quota = http(w, fsxRequest("CreateAndAttachS3AccessPoint", attachZFS("two", root)))
        #expect(quota.status == 400)
        #expect(quota.body?.object?.keys == ["__type", "Message", "ErrorCode"])
        #expect(quota.body?["__type"] == "TooManyAccessPoints")
        #expect(quota.headers["x-amzn-errortype"] == "TooManyAccessPoints")
        let listed = http(w, fsxRequest("DescribeS3AccessPointAttachments", [:]))
        #expect(listed.body?["S3AccessPointAttachments"]?.array?.first?["Lifecycle"] == "AVAILABLE")
        let badTarget = http(w, ["method": "POST", "path": "/", "headers": ["X-Amz-Target": "DynamoDB_20120810.ListTables"], "body": "{}"])
        #expect(badTarget.status == 400)
        #expect(badTarget.body?["__type"] == "UnknownOperationException")
        let badOp = http(w, fsxRequest("Nope", [:]))
        #expect(badOp.body?["__type"] == "UnknownOperationException")
        let notJSON = http(w, ["method": "POST", "path": "/", "headers": ["X-Amz-Target": "AWSSimbaAPIService_v20180301.DescribeVolumes"], "body": "{"])
        #expect(notJSON.body?["__type"] == "SerializationException")
    }

    @Test func controlEndpoints() throws {
        let w = try makeWorld()
        let health = http(w, ["method": "GET", "path": "/_apsim/health"])
        #expect(health.body == ["status": "ok", "version": "0.1.0"])
        #expect(http(w, ["method": "POST", "path": "/_apsim/AdvanceClock", "body": #"{"Milliseconds": 1000}"#]).body == ["Now": 1700000001])
        #expect(http(w, ["method": "POST", "path": "/_apsim/Reset"]).status == 200)
        #expect(http(w, ["method": "GET", "path": "/_apsim/Reset"]).status == 405)
        #expect(http(w, ["method": "POST", "path": "/_apsim/Nope"]).body?["__type"] == "UnknownOperationException")
    }

    @Test func malformedRequestDocuments() throws {
        let w = try makeWorld()
        for (doc, message) in [
            ("[]", "Invalid HTTP request document: it must be a JSON object."),
            (#"{"method": "GET", "path": "/", "query": {"a": {}}}"#, "Invalid HTTP request document: query values must be strings, numbers, booleans or arrays of them."),
            (#"{"path": "/"}"#, "Invalid HTTP request document: \"method\" must be a string such as \"POST\"."),
            (#"{"method": "GET", "path": "x"}"#, "Invalid HTTP request document: \"path\" must be a string starting with \"/\"."),
            (#"{"method": "GET", "path": "/", "headers": {"a": 1}}"#, "Invalid HTTP request document: header values must be strings."),
            (#"{"method": "GET", "path": "/", "verb": 1}"#, "Invalid HTTP request document: unknown member \"verb\"; the members are method, path, query, headers, body."),
        ] {
            let (isError, response) = w.http(requestJSON: doc)
            #expect(isError)
            #expect(error(response) == ("SerializationException", message))
        }
    }
}

@Suite struct OrderOfChecksTests {
    @Test func unknownOperationBeforeMalformedRequest() throws {
        let w = try makeWorld()
        #expect(error(w.call("efs:Nope", "[[[").body).code == "UnknownOperationException")
        #expect(error(World.validate("efs:Nope", "[[[").body).code == "UnknownOperationException")
    }
}

/// Requests apsim recognises but does not answer with an emulation: real operations it does not
/// emulate, and services it does not serve, each refused in a form its SDK parses.
@Suite struct UnansweredRequestTests {
    static let sts = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0"

    @Test func aRealFSxOperationIsNotImplemented() throws {
        let w = try makeWorld()
        let r = http(w, fsxRequest("DescribeBackups", [:]))
        #expect(r.status == 501)
        #expect(r.headers["x-amzn-errortype"] == "NotImplemented")
        #expect(r.body?["__type"] == "NotImplemented")
        #expect(r.body?["Message"] == "apsim does not emulate the FSx operation DescribeBackups ('fsx:DescribeBackups'); apsim:ListOperations lists the operations it answers.")
        // The same through apsim_call.
        #expect(error(call(w, "fsx:DescribeBackups").body) == ("NotImplemented", r.body?["Message"]?.string))
        #expect(call(w, "fsx:DescribeBackups").status == 501)
    }

    @Test func aServiceApsimDoesNotServeGetsAnErrorItsSDKReads() throws {
        let w = try makeWorld()
        let message = "apsim does not serve the 'sts' service: it answers EFS or FSx only."
        // STS speaks the query protocol: an XML ErrorResponse.
        let query = w.http(HTTPRequest(method: "POST", path: "/", headers: [("Authorization", UnansweredRequestTests.sts),
                                                                           ("Content-Type", "application/x-www-form-urlencoded")],
                                       body: "Action=GetCallerIdentity&Version=2011-06-15"))
        #expect(query.status == 501)
        #expect(query.headers.first { $0.name == "Content-Type" }?.value == "text/xml")
        #expect(query.body.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>"# + message + "</Message></Error><RequestId>"))
        #expect(query.errorCode == "NotImplemented")
        // S3 speaks REST-XML: an <Error> document.
        let s3Auth = UnansweredRequestTests.sts.replacingFirst("/sts/", with: "/s3/")
        let s3 = w.http(HTTPRequest(method: "GET", path: "/bucket/key", headers: [("Authorization", s3Auth)]))
        #expect(s3.status == 501)
        #expect(s3.body.contains("<Error><Code>NotImplemented</Code><Message>apsim does not serve the 's3' service: it answers EFS or FSx only.</Message>"))
        // A JSON service (X-Amz-Target): JSON 1.1.
        let dynamo = w.http(HTTPRequest(method: "POST", path: "/", headers: [
            ("Authorization", UnansweredRequestTests.sts.replacingFirst("/sts/", with: "/dynamodb/")),
            ("X-Amz-Target", "DynamoDB_20120810.GetItem")], body: "{}"))
        #expect(dynamo.status == 501)
        #expect(try JSON.parse(dynamo.body)["__type"] == "NotImplemented")
    }

    @Test func controlAnswersAreJSONAndAnswersSayWhatTheyWere() throws {
        let w = try makeWorld()
        let control = w.http(HTTPRequest(method: "POST", path: "/_apsim/ListFaults", body: "{}"))
        #expect(control.headers.first { $0.name == "Content-Type" }?.value == "application/json")
        #expect(control.operation == "apsim:ListFaults")
        let auth = UnansweredRequestTests.sts.replacingFirst("AKIDEXAMPLE", with: "111122223333").replacingFirst("us-east-1/sts", with: "eu-west-1/elasticfilesystem")
        let missing = w.http(HTTPRequest(method: "DELETE", path: "/2015-02-01/access-points/fsap-0123456789abcdef0",
                                         headers: [("Authorization", auth)]))
        #expect((missing.status, missing.operation, missing.account, missing.region, missing.errorCode)
                == (404, "efs:DeleteAccessPoint", "111122223333", "eu-west-1", "AccessPointNotFound"))
        let ok = w.http(HTTPRequest(method: "GET", path: "/2015-02-01/file-systems"))
        #expect((ok.operation, ok.account, ok.region, ok.errorCode) == ("efs:DescribeFileSystems", "123456789012", "us-east-1", nil))
    }

    @Test func mistypedNamesGetAHint() {
        #expect(Operations.suggestion(for: "efs:CreateFilesystem") == "efs:CreateFileSystem")
        #expect(Operations.suggestion(for: "efs:DescribeAccesPoints") == "efs:DescribeAccessPoints")
        #expect(Operations.suggestion(for: "efs:Nope") == nil)
        #expect(World.validate("efs:CreateFilesystem", "{}").error?.message
                == "Unknown operation 'efs:CreateFilesystem'. Did you mean 'efs:CreateFileSystem'? Operations are named '<service>:<Operation>', e.g. 'efs:CreateAccessPoint'; 'apsim:ListOperations' lists them.")
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = utf8.firstRange(of: target.utf8) else { return self }
        return String(self[..<r.lowerBound]) + replacement + String(self[r.upperBound...])
    }
}
