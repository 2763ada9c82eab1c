@testable import ApsimCore
import Testing

/// Protocols are components chosen by the model; REST routes match method, labels (greedy
/// included) and query; a request reaches the service its signature or Host names; output shapes
/// tell a renderer where each member goes.
@Suite struct WireProtocolTests {
    @Test func theModelChoosesTheProtocol() {
        #expect(WireProtocols.for(.efs) is RestJSONProtocol)
        #expect(WireProtocols.for(.fsx) is JSON11Protocol)
        let xml = ServiceModel(name: "s3", serviceID: "S3", apiProtocol: "rest-xml", apiVersion: "2006-03-01", targetPrefix: nil,
                               signingName: "s3", operations: [], errors: [], lifecycleStates: [:])
        #expect(WireProtocols.for(xml) == nil)  // until REST-XML is a component
        #expect(WireProtocols.endpoints.map(\.model.name) == ["efs", "fsx"])
    }

    func request(_ method: String, _ path: String) -> HTTPRequest { HTTPRequest(method: method, path: path) }

    @Test func routesMatchGreedyLabelsAndQueryMostSpecificFirst() throws {
        let object = RouteTemplate(name: "GetObject", operation: nil, method: "GET", requestURI: "/{Bucket}/{Key+}")
        #expect(object.segments == [.label("Bucket"), .greedy("Key")])
        #expect(object.match(["b", "a", "b%20c", "d.txt"], request("GET", "/b/a/b%20c/d.txt")) == ["Bucket": "b", "Key": "a/b c/d.txt"])
        #expect(object.match(["b"], request("GET", "/b")) == nil)
        let tagging = RouteTemplate(name: "GetBucketTagging", operation: nil, method: "GET", requestURI: "/{Bucket}?tagging")
        let list = RouteTemplate(name: "ListObjectsV2", operation: nil, method: "GET", requestURI: "/{Bucket}?list-type=2")
        let bucket = RouteTemplate(name: "ListObjects", operation: nil, method: "GET", requestURI: "/{Bucket}")
        #expect(tagging.match(["b"], request("GET", "/b?tagging")) == ["Bucket": "b"])
        #expect(tagging.match(["b"], request("GET", "/b")) == nil)
        #expect(list.match(["b"], request("GET", "/b?list-type=2&prefix=x")) == ["Bucket": "b"])
        #expect(list.match(["b"], request("GET", "/b?list-type=1")) == nil)
        let ordered = [bucket, object, list, tagging].sorted { $0.specificity > $1.specificity }.map(\.name)
        #expect(ordered.prefix(2).sorted() == ["GetBucketTagging", "ListObjectsV2"] && ordered.last == "GetObject")
        // The EFS table: a literal segment beats a label (`/file-systems/replication-configurations`).
        let efs = try #require(WireProtocols.endpoints.first?.routes)
        #expect(efs.match(request("GET", "/2015-02-01/file-systems/replication-configurations"))?.route.name
                == "DescribeReplicationConfigurations")
        #expect(efs.match(request("GET", "/2015-02-01/file-systems/fs-01234567/policy"))?.route.name == "DescribeFileSystemPolicy")
    }

    @Test func theSignatureOrTheHostNamesTheService() throws {
        let w = try makeWorld()
        func signed(_ service: String) -> (String, String) {
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/\(service)/aws4_request, Signature=0")
        }
        // An EFS path signed for FSx is no EFS call (AWS would refuse its signature at EFS).
        let efsPath = w.http(HTTPRequest(method: "GET", path: "/2015-02-01/file-systems", headers: [signed("fsx")]))
        #expect(efsPath.status == 404 && efsPath.errorCode == "UnknownOperationException")
        #expect(w.http(HTTPRequest(method: "GET", path: "/2015-02-01/file-systems", headers: [signed("elasticfilesystem")])).status == 200)
        // By Host: FSx's endpoint routes by X-Amz-Target, EFS's by path.
        let fsx = w.http(HTTPRequest(method: "POST", path: "/", headers: [
            ("Host", "fsx.eu-west-1.amazonaws.com"), ("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeFileSystems"),
        ], body: "{}"))
        #expect((fsx.status, fsx.operation, fsx.region) == (200, "fsx:DescribeFileSystems", "eu-west-1"))
        let efs = w.http(HTTPRequest(method: "GET", path: "/2015-02-01/file-systems",
                                     headers: [("Host", "elasticfilesystem.eu-west-1.amazonaws.com")]))
        #expect((efs.status, efs.operation) == (200, "efs:DescribeFileSystems"))
    }

    @Test func outputShapesPlaceMembersAndTimeIsRenderedByTheProtocol() throws {
        let describe = try #require(ServiceModel.efs.operations["DescribeFileSystems"]?.output)
        let list = try #require(describe.members.first { $0.name == "FileSystems" })
        guard case .list(let item, _, _) = list.shape.kind else { Issue.record("not a list"); return }
        #expect(item.members.first { $0.name == "CreationTime" }.map { if case .timestamp = $0.shape.kind { true } else { false } } == true)
        #expect(ServiceModel.efs.operations["DeleteMountTarget"]?.output == nil)
        // A header member and the status code travel outside the body; a header timestamp is an HTTP date.
        let output = Shape("Out", .structure(members: [
            Member("Expires", Shape("Expires", .timestamp), location: .header, locationName: "x-amz-expires"),
            Member("Code", Shape("Code", .integer(bits: 32, min: nil, max: nil)), location: .statusCode),
            Member("Created", Shape("Created", .timestamp)),
        ], required: []))
        let result = CallResult(status: 200, output: JSONObject([
            "Expires": .timestamp(milliseconds: 1_700_000_000_120), "Code": 206, "Created": .timestamp(milliseconds: 1_700_000_000_500),
        ]), requestID: "r")
        let response = RestJSONProtocol().render(result, output: output)
        #expect(response.status == 206)
        #expect(response.headers.first { $0.name == "x-amz-expires" }?.value == "Tue, 14 Nov 2023 22:13:20 GMT")
        #expect(response.body == #"{"Created":1700000000.5}"#)
    }
}
