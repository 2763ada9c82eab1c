@testable import ApsimCore
import Testing

private let pathPattern = #"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$"#
private let fsIdPattern = #"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$"#
private let tagKeyPattern = #"^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$"#
private let tagValuePattern = #"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"#

/// A valid CreateAccessPoint request with `extra` members merged in.
private func request(_ fs: String = "fs-0123456789abcdef0", extra: JSON = [:]) -> JSON {
    var o = JSONObject(["ClientToken": "token-1", "FileSystemId": .string(fs)])
    for m in extra.object?.members ?? [] { o[m.key] = m.value }
    return .object(o)
}

private func tags(_ n: Int, prefix: String = "k") -> JSON {
    .array((0..<n).map { ["Key": .string("\(prefix)\($0)"), "Value": "v"] })
}

@Suite struct CreateAccessPointValidationTests {
    let op = "efs:CreateAccessPoint"

    @Test func validRequestPasses() {
        #expect(validationError(op, request()) == (nil, nil))
    }

    @Test func clientTokenIsRequiredAndOneTo64() {
        #expect(validationError(op, ["FileSystemId": "fs-0123456789abcdef0"])
            == ("ValidationException", coral(nil, "clientToken", "Member must not be null")))
        #expect(validationError(op, request(extra: ["ClientToken": .string(String(repeating: "x", count: 64))])) == (nil, nil))
        let long = String(repeating: "x", count: 65)
        #expect(validationError(op, request(extra: ["ClientToken": .string(long)]))
            == ("ValidationException", coral(long, "clientToken", "Member must have length less than or equal to 64")))
        #expect(validationError(op, request(extra: ["ClientToken": ""])) == ("ValidationException",
            "2 validation errors detected: Value '' at 'clientToken' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: .+"))
    }

    @Test func fileSystemIdPatternAndARNForm() {
        #expect(validationError(op, request("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0")) == (nil, nil))
        #expect(validationError(op, request("fs-1234567")) == ("ValidationException",
            coral("fs-1234567", "fileSystemId", "Member must satisfy regular expression pattern: " + fsIdPattern)))
        #expect(validationError(op, ["ClientToken": "t"]) == ("ValidationException", coral(nil, "fileSystemId", "Member must not be null")))
    }

    @Test func tagKeysAndValues() {
        let ok: JSON = [["Key": "Name", "Value": "a b:c/d=e+f-g@h_i.j"], ["Key": "日本", "Value": ""]]
        #expect(validationError(op, request(extra: ["Tags": ok])) == (nil, nil))
        #expect(validationError(op, request(extra: ["Tags": [["Key": "aws:x", "Value": "v"]]]))
            == ("ValidationException", coral("aws:x", "tags.1.member.key", "Member must satisfy regular expression pattern: " + tagKeyPattern)))
        #expect(validationError(op, request(extra: ["Tags": [["Key": "k", "Value": "v"], ["Key": "k2", "Value": "a!"]]]))
            == ("ValidationException", coral("a!", "tags.2.member.value", "Member must satisfy regular expression pattern: " + tagValuePattern)))
        let longKey = String(repeating: "k", count: 129)
        #expect(validationError(op, request(extra: ["Tags": [["Key": .string(longKey), "Value": "v"]]]))
            == ("ValidationException", coral(longKey, "tags.1.member.key", "Member must have length less than or equal to 128")))
        #expect(validationError(op, request(extra: ["Tags": [["Key": "k"]]]))
            == ("ValidationException", coral(nil, "tags.1.member.value", "Member must not be null")))
    }

    @Test func fiftyTagsAndUniqueKeys() {
        #expect(validationError(op, request(extra: ["Tags": tags(50)])) == (nil, nil))
        #expect(validationError(op, request(extra: ["Tags": tags(51)]))
            == ("BadRequest", "A resource can have at most 50 tags; the request has 51."))
        #expect(validationError(op, request(extra: ["Tags": [["Key": "a", "Value": "1"], ["Key": "a", "Value": "2"]]]))
            == ("BadRequest", "Tag keys must be unique; the key 'a' appears more than once in the request."))
    }

    @Test func posixUserRanges() {
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": 0, "Gid": 4294967295, "SecondaryGids": .array((0..<16).map { .int($0) })]])) == (nil, nil))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": 4294967296, "Gid": 1]]))
            == ("ValidationException", coral("4294967296", "posixUser.uid", "Member must have value less than or equal to 4294967295")))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": 1, "Gid": -1]]))
            == ("ValidationException", coral("-1", "posixUser.gid", "Member must have value greater than or equal to 0")))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": 1]]))
            == ("ValidationException", coral(nil, "posixUser.gid", "Member must not be null")))
        let gids = JSON.array((0..<17).map { .int($0) })
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": 1, "Gid": 1, "SecondaryGids": gids]]))
            == ("ValidationException", coral("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]", "posixUser.secondaryGids", "Member must have length less than or equal to 16")))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": 1, "Gid": 1, "SecondaryGids": [1, 4294967296]]]))
            == ("ValidationException", coral("[1, 4294967296]", "posixUser.secondaryGids", "Member must satisfy constraint: [Member must have value less than or equal to 4294967295, Member must have value greater than or equal to 0]")))
    }

    @Test func integersOfTheWrongKind() {
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": .number("1.5"), "Gid": 1]]))
            == ("SerializationException", "Invalid value for member 'posixUser.uid': 1.5 is not an integer."))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": .number("1e400"), "Gid": 1]]))
            == ("SerializationException", "Invalid value for member 'posixUser.uid': 1e400 is not an integer."))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": .number("18446744073709551616"), "Gid": 1]]))
            == ("SerializationException", "Invalid value for member 'posixUser.uid': 18446744073709551616 does not fit a 64-bit integer."))
        #expect(validationError(op, request(extra: ["PosixUser": ["Uid": "1", "Gid": 1]]))
            == ("SerializationException", "Invalid type for member 'posixUser.uid': expected an integer, got string."))
    }

    @Test(arguments: ["/", "/a", "/a/b/c/d", "/home/test user", "/x%y:z"])
    func pathAccepted(_ path: String) {
        #expect(validationError(op, request(extra: ["RootDirectory": ["Path": .string(path)]])) == (nil, nil))
    }

    @Test(arguments: ["/a/b/c/d/e", "/a/", "//a", "/.x", "a", "/a\n"])
    func pathRejected(_ path: String) {
        #expect(validationError(op, request(extra: ["RootDirectory": ["Path": .string(path)]]))
            == ("ValidationException", coral(path, "rootDirectory.path", "Member must satisfy regular expression pattern: " + pathPattern)))
    }

    @Test func pathLength() {
        let long = "/" + String(repeating: "a", count: 100)
        #expect(validationError(op, request(extra: ["RootDirectory": ["Path": .string(long)]]))
            == ("ValidationException", coral(long, "rootDirectory.path", "Member must have length less than or equal to 100")))
    }

    @Test func creationInfoNeedsAllThreeAndOctalPermissions() {
        for p in ["755", "0755", "2750", "7777"] {
            #expect(validationError(op, request(extra: ["RootDirectory": ["Path": "/a", "CreationInfo": ["OwnerUid": 1, "OwnerGid": 1, "Permissions": .string(p)]]])) == (nil, nil))
        }
        #expect(validationError(op, request(extra: ["RootDirectory": ["CreationInfo": ["OwnerUid": 1, "Permissions": "755"]]]))
            == ("ValidationException", coral(nil, "rootDirectory.creationInfo.ownerGid", "Member must not be null")))
        #expect(validationError(op, request(extra: ["RootDirectory": ["CreationInfo": ["OwnerUid": 1, "OwnerGid": 1, "Permissions": "789"]]]))
            == ("ValidationException", coral("789", "rootDirectory.creationInfo.permissions", "Member must satisfy regular expression pattern: ^[0-7]{3,4}$")))
        #expect(validationError(op, request(extra: ["RootDirectory": ["CreationInfo": ["OwnerUid": 1, "OwnerGid": 1, "Permissions": "07555"]]]))
            == ("ValidationException", "2 validation errors detected: Value '07555' at 'rootDirectory.creationInfo.permissions' failed to satisfy constraint: Member must have length less than or equal to 4; Value '07555' at 'rootDirectory.creationInfo.permissions' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-7]{3,4}$"))
    }

    @Test func unknownMembersAndWrongTypes() {
        #expect(validationError(op, request(extra: ["Foo": 1]))
            == ("ValidationException", #"Unknown parameter in input: "Foo", must be one of: ClientToken, Tags, FileSystemId, PosixUser, RootDirectory"#))
        #expect(validationError(op, request(extra: ["RootDirectory": ["path": "/"]]))
            == ("ValidationException", #"Unknown parameter in RootDirectory: "path", must be one of: Path, CreationInfo"#))
        #expect(validationError(op, request(extra: ["Tags": ["Key": "a"]]))
            == ("SerializationException", "Invalid type for member 'tags': expected an array, got object."))
        #expect(validationError(op, [1, 2]) == ("SerializationException", "The request body must be a JSON object, not array."))
        #expect(validationError(op, request(extra: ["PosixUser": .null])) == (nil, nil))
    }

    @Test func severalViolationsAreReportedTogether() {
        let r: JSON = ["ClientToken": .string(String(repeating: "x", count: 65)), "FileSystemId": "nope",
                       "RootDirectory": ["Path": "/a/"]]
        #expect(validationError(op, r).message?.hasPrefix("3 validation errors detected: Value '") == true)
    }
}

@Suite struct CreateAccessPointStateTests {
    @Test func createsWithAWSShapesAndDefaults() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let (status, ap) = call(w, "efs:CreateAccessPoint", request(fs, extra: ["Tags": [["Key": "Name", "Value": "web"], ["Key": "team", "Value": "x"]]]))
        #expect(status == 200)
        let id = ap["AccessPointId"]?.string ?? ""
        #expect(id.count == 22 && id.hasPrefix("fsap-") && id.dropFirst(5).allSatisfy { "0123456789abcdef".contains($0) })
        #expect(ap["AccessPointArn"]?.string == "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/" + id)
        #expect(ap.object?.keys == ["ClientToken", "Name", "Tags", "AccessPointId", "AccessPointArn", "FileSystemId",
                                    "RootDirectory", "OwnerId", "LifeCycleState", "ResponseMetadata"])
        #expect(ap["Name"] == "web")
        #expect(ap["Tags"] == [["Key": "Name", "Value": "web"], ["Key": "team", "Value": "x"]])
        #expect(ap["RootDirectory"] == ["Path": "/"])
        #expect(ap["OwnerId"] == "123456789012")
        #expect(ap["LifeCycleState"] == "creating")
        #expect(ap["ResponseMetadata"]?["HTTPStatusCode"] == 200)
        let described = call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(id)]).body
        #expect(described["AccessPoints"]?.array?.first?["LifeCycleState"] == "available")
    }

    @Test func echoesPosixUserAndRootDirectoryInModelOrder() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let ap = call(w, "efs:CreateAccessPoint", request(fs, extra: [
            "PosixUser": ["SecondaryGids": [5], "Gid": 2, "Uid": 1],
            "RootDirectory": ["CreationInfo": ["Permissions": "0750", "OwnerGid": 4, "OwnerUid": 3]],
        ])).body
        #expect(ap["PosixUser"]?.text == #"{"Uid":1,"Gid":2,"SecondaryGids":[5]}"#)
        #expect(ap["RootDirectory"]?.text == #"{"Path":"/","CreationInfo":{"OwnerUid":3,"OwnerGid":4,"Permissions":"0750"}}"#)
    }

    @Test func arnFormIsResolvedToTheID() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let arn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + fs
        #expect(call(w, "efs:CreateAccessPoint", request(arn)).body["FileSystemId"]?.string == fs)
        let foreign = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/" + fs
        let (status, body) = call(w, "efs:CreateAccessPoint", ["ClientToken": "t2", "FileSystemId": .string(foreign)])
        #expect(status == 404)
        #expect(error(body) == ("FileSystemNotFound", "File system '\(foreign)' does not exist."))
    }

    @Test func clientTokenReuseAlwaysConflictsUntilDeleted() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let fs2 = makeFileSystem(w, token: "other")
        let id = call(w, "efs:CreateAccessPoint", request(fs)).body["AccessPointId"]?.string ?? ""
        for r in [request(fs), request(fs2)] {  // same parameters, and another file system
            let (status, body) = call(w, "efs:CreateAccessPoint", r)
            #expect(status == 409)
            #expect(error(body) == ("AccessPointAlreadyExists", "Access point '\(id)' already exists with client token 'token-1'"))
            #expect(body["AccessPointId"]?.string == id)
        }
        #expect(call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string(id)]).status == 204)
        #expect(call(w, "efs:CreateAccessPoint", request(fs2)).status == 200)
    }

    @Test func idempotentTokensOptIn() throws {
        let w = try makeWorld(#"{"idempotent_client_tokens": true}"#)
        let fs = makeFileSystem(w)
        let first = call(w, "efs:CreateAccessPoint", request(fs)).body
        let again = call(w, "efs:CreateAccessPoint", request(fs)).body
        #expect(again["AccessPointId"] == first["AccessPointId"])
        #expect(again["LifeCycleState"] == "available")
        let different = call(w, "efs:CreateAccessPoint", request(fs, extra: ["RootDirectory": ["Path": "/x"]]))
        #expect(different.status == 409)
        // Tags are a set: a retry listing them in another order is the same request.
        let tagged = { (tags: [JSON]) in request(fs, extra: ["ClientToken": "tagged", "Tags": .array(tags)]) }
        let a: JSON = ["Key": "a", "Value": "1"], b: JSON = ["Key": "b", "Value": "2"], c: JSON = ["Key": "c", "Value": "2"]
        let made = call(w, "efs:CreateAccessPoint", tagged([a, b])).body
        #expect(call(w, "efs:CreateAccessPoint", tagged([b, a])).body["AccessPointId"] == made["AccessPointId"])
        #expect(call(w, "efs:CreateAccessPoint", tagged([a, c])).status == 409)
        #expect(call(w, "efs:CreateAccessPoint", tagged([a])).status == 409)
    }

    @Test func unknownFileSystem() throws {
        let w = try makeWorld()
        let (status, body) = call(w, "efs:CreateAccessPoint", request("fs-0123456789abcdef0"))
        #expect(status == 404)
        #expect(error(body) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist."))
    }

    @Test func tokenIsCheckedBeforeTheFileSystem() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        _ = call(w, "efs:CreateAccessPoint", request(fs))
        #expect(error(call(w, "efs:CreateAccessPoint", request("fs-0000000000000000f")).body).code == "AccessPointAlreadyExists")
    }

    @Test func quotaPerFileSystem() throws {
        let w = try makeWorld(#"{"access_points_per_file_system": 2}"#)
        let fs = makeFileSystem(w)
        let other = makeFileSystem(w, token: "b")
        for i in 0..<2 { #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": .string("t\(i)"), "FileSystemId": .string(fs)]).status == 200) }
        let (status, body) = call(w, "efs:CreateAccessPoint", ["ClientToken": "t9", "FileSystemId": .string(fs)])
        #expect(status == 403)
        #expect(error(body) == ("AccessPointLimitExceeded",
            "You have reached the maximum number of access points (2) for your file system \(fs). Delete an access point and add a new one."))
        #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": "t9", "FileSystemId": .string(other)]).status == 200)
    }

    @Test func instantLifecycle() throws {
        let w = try makeWorld(#"{"lifecycle": "instant"}"#)
        #expect(call(w, "efs:CreateFileSystem", ["CreationToken": "a"]).body["LifeCycleState"] == "available")
    }

    @Test func accountsAndRegionsAreIsolated() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let r = w.call(account: "111111111111", region: "us-east-1", operation: "efs:CreateAccessPoint", request: request(fs).text)
        #expect(r.status == 404)
        let r2 = w.call(account: "123456789012", region: "eu-west-1", operation: "efs:DescribeFileSystems", request: nil)
        #expect(r2.body["FileSystems"] == [])
    }
}
