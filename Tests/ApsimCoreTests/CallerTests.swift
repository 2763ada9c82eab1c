@testable import ApsimCore
import Testing

/// A caller on every call, and the authorization step every AWS operation entry runs before its
/// handler: it names the action and the resource, for the IAM evaluator to decide.
@Suite struct CallerTests {
    /// Records what each call asked to be allowed; refuses `deny` actions with AccessDenied. (It
    /// runs under the world's lock, and these tests call from one thread.)
    final class Recorder: @unchecked Sendable {
        var asked: [Authorization] = []
        var deny: Set<String> = []
        var authorizer: Authorizer {
            { request, _ throws(APIError) in
                self.asked.append(request)
                if self.deny.contains(request.action) { throw APIError(code: "AccessDeniedException", message: "denied \(request.action)", status: 403) }
            }
        }
    }

    func signed(_ key: String, _ method: String, _ path: String, body: String = "") -> HTTPRequest {
        HTTPRequest(method: method, path: path, headers: [
            ("Authorization", "AWS4-HMAC-SHA256 Credential=\(key)/20261207/eu-west-1/elasticfilesystem/aws4_request, SignedHeaders=host, Signature=0"),
        ], body: body)
    }

    @Test func aCAPICallIsMadeByItsAccountsRootAndNamesActionAndResource() throws {
        let w = try makeWorld()
        let recorder = Recorder()
        w.setAuthorizer(recorder.authorizer)
        let fs = makeFileSystem(w)
        _ = call(w, "efs:CreateAccessPoint", ["ClientToken": "t", "FileSystemId": .string(fs)])
        _ = call(w, "apsim:ListFaults")  // controls are not authorized
        let root = Caller.root(of: "123456789012")
        #expect(recorder.asked == [
            Authorization(caller: root, action: "elasticfilesystem:CreateFileSystem", resource: "*"),
            Authorization(caller: root, action: "elasticfilesystem:CreateAccessPoint",
                          resource: "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/\(fs)"),
        ])
        #expect(root.arn == "arn:aws:iam::123456789012:root" && root.isRoot)
    }

    @Test func aWireCallIsMadeByTheKeyThatSignedIt() throws {
        let w = try makeWorld()
        let recorder = Recorder()
        w.setAuthorizer(recorder.authorizer)
        _ = w.http(signed("AKIDEXAMPLE", "GET", "/2015-02-01/file-systems"))
        _ = w.http(signed("111122223333", "GET", "/2015-02-01/file-systems"))
        _ = w.http(HTTPRequest(method: "POST", path: "/", headers: [
            ("X-Amz-Target", "AWSSimbaAPIService_v20180301.DescribeVolumes"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDFSX/20261207/us-east-1/fsx/aws4_request, Signature=0"),
        ], body: #"{"VolumeIds": ["fsvol-0123456789abcdef0"]}"#))
        #expect(recorder.asked.map(\.caller) == [
            Caller(arn: "arn:aws:iam::123456789012:root", account: "123456789012", accessKeyID: "AKIDEXAMPLE"),
            Caller(arn: "arn:aws:iam::111122223333:root", account: "111122223333", accessKeyID: "111122223333"),
            Caller(arn: "arn:aws:iam::123456789012:root", account: "123456789012", accessKeyID: "AKIDFSX"),
        ])
        #expect(recorder.asked.map(\.action) == ["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeFileSystems",
                                                 "fsx:DescribeVolumes"])
    }

    @Test func aRefusalStopsTheCallBeforeItsHandlerAndItsReplay() throws {
        let w = try makeWorld()
        let recorder = Recorder()
        w.setAuthorizer(recorder.authorizer)
        recorder.deny = ["elasticfilesystem:CreateFileSystem"]
        let refused = call(w, "efs:CreateFileSystem", ["CreationToken": "x"])
        #expect(refused.status == 403)
        #expect(refused.body["Error"]?["Code"] == "AccessDeniedException")
        w.setAuthorizer(nil)
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"] == .array([]))
    }

    @Test func aDeclaredKeySignsAsItsPrincipal() throws {
        let w = try makeWorld()
        let recorder = Recorder()
        w.setAuthorizer(recorder.authorizer)
        _ = call(w, "apsim:PutPrincipal", ["Arn": "arn:aws:iam::123456789012:role/ci", "AccessKeyIds": ["AKIACI"]])
        _ = w.http(signed("AKIACI", "GET", "/2015-02-01/file-systems"))
        #expect(recorder.asked.last?.caller == Caller(arn: "arn:aws:iam::123456789012:role/ci", account: "123456789012", accessKeyID: "AKIACI"))
        #expect(recorder.asked.last?.caller.isRoot == false)
    }
}
