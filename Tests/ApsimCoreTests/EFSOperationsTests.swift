@testable import ApsimCore
import Testing

@Suite struct DescribeAccessPointsTests {
    /// A world with one file system holding `n` access points; returns the world, fs ID and AP IDs.
    func populated(_ n: Int) throws -> (World, String, [String]) {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let ids = (0..<n).map { i in
            call(w, "efs:CreateAccessPoint", ["ClientToken": .string("t\(i)"), "FileSystemId": .string(fs)]).body["AccessPointId"]?.string ?? ""
        }
        return (w, fs, ids)
    }

    func walk(_ w: World, _ filter: JSONObject, max: Int) -> [String] {
        var seen: [String] = [], token: JSON? = nil
        repeat {
            var r = filter
            r["MaxResults"] = .int(Int64(max))
            r["NextToken"] = token
            let body = call(w, "efs:DescribeAccessPoints", .object(r)).body
            let page = body["AccessPoints"]?.array ?? []
            #expect(page.count <= max)
            seen += page.compactMap { $0["AccessPointId"]?.string }
            token = body["NextToken"]
        } while token != nil
        return seen
    }

    @Test func pagesWalkEveryAccessPointOnceInCreationOrder() throws {
        let (w, fs, ids) = try populated(5)
        #expect(walk(w, JSONObject(), max: 2) == ids)
        #expect(walk(w, JSONObject(["FileSystemId": .string(fs)]), max: 3) == ids)
        #expect(walk(w, JSONObject(["FileSystemId": .string(fs)]), max: 5) == ids)
        #expect(call(w, "efs:DescribeAccessPoints", ["FileSystemId": .string(fs), "MaxResults": 5]).body["NextToken"] == nil)
    }

    @Test func defaultPageIs100() throws {
        let (w, _, _) = try populated(101)
        let body = call(w, "efs:DescribeAccessPoints").body
        #expect(body["AccessPoints"]?.array?.count == 100)
        #expect(body["NextToken"] != nil)
    }

    @Test func walkSurvivesDeletesAndCreatesMidway() throws {
        let (w, fs, ids) = try populated(6)
        let first = call(w, "efs:DescribeAccessPoints", ["MaxResults": 2]).body
        // Delete one already returned and one not yet returned; create a new one.
        call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string(ids[0])])
        call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string(ids[3])])
        let new = call(w, "efs:CreateAccessPoint", ["ClientToken": "new", "FileSystemId": .string(fs)]).body["AccessPointId"]?.string ?? ""
        var rest: [String] = [], token = first["NextToken"]
        while let t = token {
            let body = call(w, "efs:DescribeAccessPoints", ["MaxResults": 2, "NextToken": t]).body
            rest += body["AccessPoints"]?.array?.compactMap { $0["AccessPointId"]?.string } ?? []
            token = body["NextToken"]
        }
        #expect(rest == [ids[2], ids[4], ids[5], new])
    }

    @Test func filtersAndErrors() throws {
        let (w, fs, ids) = try populated(1)
        let both = call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(ids[0]), "FileSystemId": .string(fs)])
        #expect(both.status == 400)
        #expect(error(both.body) == ("BadRequest", "You can provide either an AccessPointId or a FileSystemId in the request, but not both."))
        let arn = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/" + ids[0]
        #expect(call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(arn)]).body["AccessPoints"]?.array?.count == 1)
        let missing = call(w, "efs:DescribeAccessPoints", ["AccessPointId": "fsap-0123456789abcdef0"])
        #expect(missing.status == 404)
        #expect(error(missing.body) == ("AccessPointNotFound", "Access point 'fsap-0123456789abcdef0' does not exist."))
        let noFs = call(w, "efs:DescribeAccessPoints", ["FileSystemId": "fs-0123456789abcdef0"])
        #expect(noFs.status == 404)
        #expect(error(noFs.body) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist."))
        let empty = makeFileSystem(w, token: "empty")
        #expect(call(w, "efs:DescribeAccessPoints", ["FileSystemId": .string(empty)]).body["AccessPoints"] == [])
    }

    @Test func maxResultsRangeAndTokens() throws {
        let (w, fs, _) = try populated(3)
        #expect(call(w, "efs:DescribeAccessPoints", ["MaxResults": 10000]).status == 200)
        #expect(error(call(w, "efs:DescribeAccessPoints", ["MaxResults": 10001]).body)
            == ("ValidationException", coral("10001", "maxResults", "Member must have value less than or equal to 10000")))
        #expect(error(call(w, "efs:DescribeAccessPoints", ["MaxResults": 0]).body)
            == ("ValidationException", coral("0", "maxResults", "Member must have value greater than or equal to 1")))
        let token = call(w, "efs:DescribeAccessPoints", ["MaxResults": 1]).body["NextToken"] ?? .null
        let bad = "Invalid NextToken: use a value returned by a previous call of this operation with the same filters."
        for t: JSON in ["garbage", "MTIzLjQ1Ng=="] {
            #expect(error(call(w, "efs:DescribeAccessPoints", ["NextToken": t]).body) == ("BadRequest", bad))
        }
        // A token of the unfiltered listing is foreign to a file system's listing, and to another world.
        #expect(error(call(w, "efs:DescribeAccessPoints", ["FileSystemId": .string(fs), "NextToken": token]).body) == ("BadRequest", bad))
        let other = try makeWorld(#"{"seed": 2}"#)
        #expect(error(call(other, "efs:DescribeAccessPoints", ["NextToken": token]).body) == ("BadRequest", bad))
    }
}

@Suite struct DeleteAccessPointTests {
    @Test func deletesAndReportsUnknown() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let id = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body["AccessPointId"]?.string ?? ""
        let (status, body) = call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string("arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/" + id)])
        #expect(status == 204)
        #expect(body.object?.keys == ["ResponseMetadata"])
        let again = call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string(id)])
        #expect(again.status == 404)
        #expect(error(again.body) == ("AccessPointNotFound", "Access point '\(id)' does not exist."))
        #expect(error(call(w, "efs:DeleteAccessPoint").body) == ("ValidationException", coral(nil, "accessPointId", "Member must not be null")))
    }
}

@Suite struct FileSystemTests {
    @Test func createsWithDefaults() throws {
        let w = try makeWorld()
        let (status, fs) = call(w, "efs:CreateFileSystem", ["CreationToken": "tok", "Tags": [["Key": "Name", "Value": "data"]]])
        #expect(status == 201)
        #expect(fs["ResponseMetadata"]?["HTTPStatusCode"] == 201)
        let id = fs["FileSystemId"]?.string ?? ""
        #expect(id.count == 20 && id.hasPrefix("fs-"))
        #expect(fs.object?.keys == ["OwnerId", "CreationToken", "FileSystemId", "FileSystemArn", "CreationTime", "LifeCycleState",
                                    "Name", "NumberOfMountTargets", "SizeInBytes", "PerformanceMode", "Encrypted",
                                    "ThroughputMode", "Tags", "FileSystemProtection", "ResponseMetadata"])
        #expect(fs["FileSystemArn"]?.string == "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + id)
        #expect(fs["CreationTime"] == 1700000000)
        #expect(fs["LifeCycleState"] == "creating")
        #expect(fs["Name"] == "data")
        // The answer of a file system still `creating` reports zeros without a Timestamp, as AWS's
        // does; later descriptions report the 6 KiB of metadata real EFS reports, with the clock's
        // time (spec: description completed).
        #expect(fs["SizeInBytes"] == ["Value": 0, "ValueInIA": 0, "ValueInStandard": 0, "ValueInArchive": 0])
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"]?.array?.first?["SizeInBytes"]
                == ["Value": 6144, "Timestamp": 1700000000, "ValueInIA": 0, "ValueInStandard": 6144, "ValueInArchive": 0])
        #expect(fs["FileSystemProtection"] == ["ReplicationOverwriteProtection": "ENABLED"])
        #expect(fs["NumberOfMountTargets"] == 0)
        #expect(fs["PerformanceMode"] == "generalPurpose")
        #expect(fs["ThroughputMode"] == "bursting")
        #expect(fs["Encrypted"] == false)
    }

    @Test func creationTokenReuse() throws {
        let w = try makeWorld()
        let id = makeFileSystem(w, token: "t")
        let (status, body) = call(w, "efs:CreateFileSystem", ["CreationToken": "t"])
        #expect(status == 409)
        #expect(error(body) == ("FileSystemAlreadyExists", "File system '\(id)' already exists with creation token 't'"))
        #expect(body["FileSystemId"]?.string == id)
    }

    @Test func createValidation() {
        #expect(validationError("efs:CreateFileSystem", ["CreationToken": "t", "PerformanceMode": "maxIO", "ThroughputMode": "elastic"]) == (nil, nil))
        #expect(validationError("efs:CreateFileSystem", ["CreationToken": "t", "PerformanceMode": "fast"])
            == ("ValidationException", coral("fast", "performanceMode", "Member must satisfy enum value set: [generalPurpose, maxIO]")))
        #expect(validationError("efs:CreateFileSystem", ["CreationToken": "t", "ThroughputMode": "provisioned"])
            == ("BadRequest", "ProvisionedThroughputInMibps is required when ThroughputMode is provisioned."))
        #expect(validationError("efs:CreateFileSystem", ["CreationToken": "t", "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": .number("0.5")])
            == ("ValidationException", coral("0.5", "provisionedThroughputInMibps", "Member must have value greater than or equal to 1")))
        #expect(validationError("efs:CreateFileSystem", [:]) == ("ValidationException", coral(nil, "creationToken", "Member must not be null")))
    }

    @Test func describeByIdTokenAndMarker() throws {
        let w = try makeWorld()
        let ids = (0..<3).map { makeFileSystem(w, token: "t\($0)") }
        #expect(call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(ids[1])]).body["FileSystems"]?.array?.first?["FileSystemId"]?.string == ids[1])
        #expect(call(w, "efs:DescribeFileSystems", ["CreationToken": "t2"]).body["FileSystems"]?.array?.first?["FileSystemId"]?.string == ids[2])
        #expect(call(w, "efs:DescribeFileSystems", ["CreationToken": "none"]).body["FileSystems"] == [])
        let page1 = call(w, "efs:DescribeFileSystems", ["MaxItems": 2]).body
        #expect(page1["FileSystems"]?.array?.compactMap { $0["FileSystemId"]?.string } == Array(ids[0..<2]))
        let marker = page1["NextMarker"] ?? .null
        let page2 = call(w, "efs:DescribeFileSystems", ["MaxItems": 2, "Marker": marker]).body
        #expect(page2["Marker"] == marker)
        #expect(page2["FileSystems"]?.array?.compactMap { $0["FileSystemId"]?.string } == [ids[2]])
        #expect(page2["NextMarker"] == nil)
        let missing = call(w, "efs:DescribeFileSystems", ["FileSystemId": "fs-0123456789abcdef0"])
        #expect(missing.status == 404)
        #expect(error(missing.body) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist."))
    }

    @Test func deleteCascadesOrRefusesWhenStrict() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let ap = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body["AccessPointId"]?.string ?? ""
        #expect(call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(fs)]).status == 204)
        #expect(call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(ap)]).status == 404)
        #expect(call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).status == 404)
        #expect(call(w, "efs:CreateFileSystem", ["CreationToken": "fs-token"]).status == 201)  // token free again
        #expect(error(call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(fs)]).body).code == "FileSystemNotFound")

        let strict = try makeWorld(#"{"strict_file_system_delete": true}"#)
        let fs2 = makeFileSystem(strict)
        let ap2 = call(strict, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs2)]).body["AccessPointId"] ?? .null
        let (status, body) = call(strict, "efs:DeleteFileSystem", ["FileSystemId": .string(fs2)])
        #expect(status == 409)
        #expect(error(body) == ("FileSystemInUse", "The file system '\(fs2)' cannot be deleted because it has access points. You must delete the access points, and then try again."))
        call(strict, "efs:DeleteAccessPoint", ["AccessPointId": ap2])
        #expect(call(strict, "efs:DeleteFileSystem", ["FileSystemId": .string(fs2)]).status == 204)
    }
}

@Suite struct TagTests {
    @Test func tagUntagListAndNameFollowsTags() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let ap = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body["AccessPointId"]?.string ?? ""
        #expect(call(w, "efs:TagResource", ["ResourceId": .string(ap), "Tags": [["Key": "Name", "Value": "one"], ["Key": "b", "Value": "2"]]]).status == 200)
        #expect(call(w, "efs:TagResource", ["ResourceId": .string(ap), "Tags": [["Key": "Name", "Value": "two"]]]).status == 200)
        let d = call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(ap)]).body["AccessPoints"]?.array?.first
        #expect(d?["Name"] == "two")
        #expect(d?["Tags"] == [["Key": "Name", "Value": "two"], ["Key": "b", "Value": "2"]])
        #expect(call(w, "efs:UntagResource", ["ResourceId": .string(ap), "TagKeys": ["Name", "absent"]]).status == 200)
        let after = call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(ap)]).body["AccessPoints"]?.array?.first
        #expect(after?["Name"] == nil)
        let list = call(w, "efs:ListTagsForResource", ["ResourceId": .string(ap)]).body
        #expect(list["Tags"] == [["Key": "b", "Value": "2"]])
    }

    @Test func fiftyTagLimitCountsExistingTags() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let first: JSON = .array((0..<30).map { ["Key": .string("a\($0)"), "Value": "v"] })
        let second: JSON = .array((0..<21).map { ["Key": .string("b\($0)"), "Value": "v"] })
        #expect(call(w, "efs:TagResource", ["ResourceId": .string(fs), "Tags": first]).status == 200)
        let r = call(w, "efs:TagResource", ["ResourceId": .string(fs), "Tags": second])
        #expect(r.status == 400)
        #expect(error(r.body) == ("BadRequest", "A resource can have at most 50 tags; this request would give it 51."))
        // Overwriting existing keys does not count twice.
        #expect(call(w, "efs:TagResource", ["ResourceId": .string(fs), "Tags": first]).status == 200)
    }

    @Test func listPagesAndUnknownResources() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let tags: JSON = .array((0..<5).map { ["Key": .string("k\($0)"), "Value": "v"] })
        call(w, "efs:TagResource", ["ResourceId": .string(fs), "Tags": tags])
        let p1 = call(w, "efs:ListTagsForResource", ["ResourceId": .string(fs), "MaxResults": 3]).body
        #expect(p1["Tags"]?.array?.count == 3)
        let p2 = call(w, "efs:ListTagsForResource", ["ResourceId": .string(fs), "MaxResults": 3, "NextToken": p1["NextToken"] ?? .null]).body
        #expect(p2["Tags"]?.array?.compactMap { $0["Key"]?.string } == ["k3", "k4"])
        #expect(p2["NextToken"] == nil)
        #expect(error(call(w, "efs:ListTagsForResource", ["ResourceId": "fsap-0123456789abcdef0"]).body)
            == ("AccessPointNotFound", "Access point 'fsap-0123456789abcdef0' does not exist."))
        #expect(error(call(w, "efs:TagResource", ["ResourceId": "fs-0123456789abcdef0", "Tags": []]).body)
            == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist."))
    }

    @Test func untagKeysFollowTheKeyPattern() {
        #expect(validationError("efs:UntagResource", ["ResourceId": "fs-0123456789abcdef0", "TagKeys": ["Application", "aws:elasticfilesystem:default-backup"]])
            == ("ValidationException", coral("[Application, aws:elasticfilesystem:default-backup]", "tagKeys",
                #"Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]"#)))
        #expect(validationError("efs:UntagResource", ["ResourceId": "fs-0123456789abcdef0", "TagKeys": []])
            == ("ValidationException", coral("[]", "tagKeys", "Member must have length greater than or equal to 1")))
    }
}

@Suite struct WorldTests {
    @Test func sameSeedSameCallsSameBytes() throws {
        func run() throws -> [String] {
            let w = try makeWorld(#"{"seed": 99, "start_time": 1700000000.5}"#)
            let fs = makeFileSystem(w)
            return [
                w.call("efs:DescribeFileSystems", nil).body.text,
                w.call("efs:CreateAccessPoint", #"{"ClientToken":"a","FileSystemId":"\#(fs)"}"#).body.text,
                w.call("efs:CreateAccessPoint", #"{"ClientToken":"a","FileSystemId":"\#(fs)"}"#).body.text,
                w.call("efs:DescribeAccessPoints", #"{"MaxResults":1}"#).body.text,
            ]
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a[0].contains("\"CreationTime\":1700000000.5"))
    }

    @Test func readsDoNotShiftLaterIDs() throws {
        let w1 = try makeWorld(), w2 = try makeWorld()
        _ = call(w2, "efs:DescribeFileSystems")
        _ = call(w2, "efs:CreateAccessPoint", [:])
        #expect(makeFileSystem(w1) == makeFileSystem(w2))
    }

    @Test(arguments: [
        (#"{"colour": 1}"#, "Unknown configuration key 'colour'. Known keys: account_id, region, seed, start_time, clock, lifecycle, creation_delay_ms, state, state_file, access_points_per_file_system, idempotent_client_tokens, strict_file_system_delete, throttling, metering, s3_access_points_per_region, network, data_limit_bytes."),
        (#"{"account_id": "12345"}"#, "account_id must be a string of 12 digits, e.g. \"123456789012\"."),
        (#"{"region": "Mars"}"#, "region must be an AWS region name such as \"us-east-1\"."),
        (#"{"seed": -1}"#, "seed must be an integer from 0 to 9223372036854775807."),
        (#"{"lifecycle": "later"}"#, "lifecycle must be \"on_read\", \"instant\" or \"manual\"."),
        (#"{"access_points_per_file_system": 0}"#, "access_points_per_file_system must be an integer from 1 to 1000000000."),
        (#"{"strict_file_system_delete": "yes"}"#, "strict_file_system_delete must be true or false."),
        ("[]", "The configuration must be a JSON object, not array."),
        ("{", "The configuration is not valid JSON: Malformed JSON at byte 1: expected a member name."),
    ])
    func refusesBadConfig(text: String, message: String) {
        #expect(throws: APIError(code: "InvalidConfiguration", message: message, status: 400)) { try WorldConfig.parse(text) }
    }

    @Test func configDefaultsAndValues() throws {
        #expect(try WorldConfig.parse(nil) == WorldConfig())
        #expect(try WorldConfig.parse(" {} ") == WorldConfig())
        let c = try WorldConfig.parse(#"{"account_id":"000000000001","region":"cn-north-1","seed":5}"#)
        #expect(c.accountID == "000000000001" && c.region == "cn-north-1" && c.seed == 5)
        let w = try World(config: c)
        let fs = call(w, "efs:CreateFileSystem", ["CreationToken": "x"]).body
        #expect(fs["FileSystemArn"]?.string?.hasPrefix("arn:aws-cn:elasticfilesystem:cn-north-1:000000000001:file-system/fs-") == true)
    }

    @Test func unknownOperationsAndControlNamespace() throws {
        let w = try makeWorld()
        let (status, body) = call(w, "efs:Nope")
        #expect(status == 400)
        #expect(error(body).code == "UnknownOperationException")
        let ops = call(w, "apsim:ListOperations").body["Operations"]?.array?.compactMap(\.string) ?? []
        #expect(ops.contains("efs:CreateAccessPoint") && ops.contains("apsim:ListOperations"))
        #expect(ops == ops.sorted())
    }

    @Test func everyOperationIsInTheModel() {
        for name in Operations.names where name.hasPrefix("efs:") {
            #expect(ServiceModel.efs.operations[String(name.dropFirst(4))] != nil, "\(name)")
        }
        #expect(ServiceModel.efs.errors["AccessPointAlreadyExists"]?.status == 409)
    }

    @Test func concurrentCallsKeepInvariants() async throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let results = await withTaskGroup(of: [(Int, String?)].self) { group in
            for t in 0..<4 {
                group.addTask {
                    (0..<200).map { i in
                        // Half the tokens collide across tasks on purpose.
                        let token = i % 2 == 0 ? "shared-\(i)" : "t\(t)-\(i)"
                        let r = call(w, "efs:CreateAccessPoint", ["ClientToken": .string(token), "FileSystemId": .string(fs)])
                        return (r.status, r.body["AccessPointId"]?.string)
                    }
                }
            }
            var all: [(Int, String?)] = []
            for await r in group { all += r }
            return all
        }
        let created = results.filter { $0.0 == 200 }.compactMap(\.1)
        #expect(Set(created).count == created.count)
        #expect(created.count == 100 + 4 * 100)
        #expect(results.filter { $0.0 == 409 }.count == 300)
        let listed = call(w, "efs:DescribeAccessPoints", ["MaxResults": 10000]).body["AccessPoints"]?.array?.count
        #expect(listed == created.count)
    }
}

/// What AWS refuses or decides at CreateFileSystem that the model alone does not say.
@Suite struct FileSystemFaithfulnessTests {
    @Test func fileSystemsCreatedFromSeptember4th2026AreEncrypted() throws {
        // 2026-09-03T23:59:59Z: the choice is the caller's.
        let before = try makeWorld(#"{"seed": 1, "start_time": 1788479999}"#)
        let plain = call(before, "efs:CreateFileSystem", ["CreationToken": "a", "Encrypted": false]).body
        #expect(plain["Encrypted"] == false)
        #expect(plain["KmsKeyId"] == nil)
        // From 2026-09-04T00:00:00Z on the world's clock, every new file system is encrypted with
        // the default key, even when the request says false.
        call(before, "apsim:AdvanceClock", ["Milliseconds": 1000])
        let after = call(before, "efs:CreateFileSystem", ["CreationToken": "b", "Encrypted": false]).body
        #expect(after["Encrypted"] == true)
        #expect(after["KmsKeyId"]?.string?.hasPrefix("arn:aws:kms:us-east-1:123456789012:key/") == true)
        // The one made before keeps what it was.
        let all = call(before, "efs:DescribeFileSystems").body["FileSystems"]?.array ?? []
        #expect(all.map { $0["Encrypted"] } == [false, true])
    }

    @Test func maxIOIsRefusedForOneZone() throws {
        let w = try makeWorld()
        let request: JSON = ["CreationToken": "a", "PerformanceMode": "maxIO", "AvailabilityZoneName": "us-east-1a"]
        let r = call(w, "efs:CreateFileSystem", request)
        #expect(r.status == 400)
        #expect(error(r.body) == ("BadRequest", "The maxIO performance mode is not supported on One Zone file systems; use generalPurpose."))
        // A rule of the request alone: apsim_validate refuses it too.
        #expect(World.validate("efs:CreateFileSystem", request.text).error?.code == "BadRequest")
        #expect(call(w, "efs:CreateFileSystem", ["CreationToken": "b", "PerformanceMode": "maxIO"]).status == 201)
    }

    @Test func aZoneMustBeOneOfTheCallsRegion() throws {
        let w = try makeWorld()
        for zone in ["us-east-1z", "us-west-2b", "us-east-1"] {
            let r = call(w, "efs:CreateFileSystem", ["CreationToken": .string(zone), "AvailabilityZoneName": .string(zone)])
            #expect(r.status == 400)
            #expect(error(r.body) == ("UnsupportedAvailabilityZone", "Availability Zone '\(zone)' is not an Availability Zone of us-east-1."))
        }
        #expect(call(w, "efs:DescribeFileSystems").body["FileSystems"] == [])
        let ok = call(w, "efs:CreateFileSystem", ["CreationToken": "f", "AvailabilityZoneName": "us-east-1f"]).body
        #expect(ok["AvailabilityZoneId"] == "use1-az6")
    }
}

/// apsim_validate fills idempotency tokens as SDKs do, and says so; strict judges the request as it is.
@Suite struct ValidateIdempotencyTokenTests {
    @Test func absentTokensAreFilledAndNamed() {
        #expect(World.validate("efs:CreateFileSystem", "{}").body == ["Valid": true, "FilledIdempotencyTokens": ["CreationToken"]])
        #expect(World.validate("efs:CreateAccessPoint", #"{"FileSystemId": "fs-0123456789abcdef0"}"#).body
                == ["Valid": true, "FilledIdempotencyTokens": ["ClientToken"]])
        #expect(World.validate("fsx:CreateFileSystem", #"{"FileSystemType": "OPENZFS", "SubnetIds": ["subnet-01234567"], "StorageCapacity": 64, "OpenZFSConfiguration": {"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64}}"#).body
                == ["Valid": true, "FilledIdempotencyTokens": ["ClientRequestToken"]])
        // A token given is judged as given; other missing members are still reported.
        #expect(World.validate("efs:CreateFileSystem", #"{"CreationToken": "t"}"#).body == ["Valid": true])
        #expect(World.validate("efs:CreateAccessPoint", "{}").error?.message
                == "1 validation error detected: Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null")
        // Strict: the request as it is.
        #expect(World.validate("efs:CreateFileSystem", "{}", strict: true).error?.message
                == "1 validation error detected: Value null at 'creationToken' failed to satisfy constraint: Member must not be null")
    }
}

/// Every rule that depends only on the request refuses it in apsim_validate as in apsim_call, with
/// the same code and message.
@Suite struct RequestOnlyRulesTests {
    static let groups: JSON = .array((1...6).map { .string("sg-0000000" + String($0)) })

    @Test(arguments: [
        ("efs:CreateMountTarget", #"{"FileSystemId": "fs-0123456789abcdef0", "SubnetId": "subnet-01234567", "SecurityGroups": \#(groups.text)}"#,
         "SecurityGroupLimitExceeded", "A mount target can have at most 5 security groups; the request has 6."),
        ("efs:ModifyMountTargetSecurityGroups", #"{"MountTargetId": "fsmt-01234567", "SecurityGroups": \#(groups.text)}"#,
         "SecurityGroupLimitExceeded", "A mount target can have at most 5 security groups; the request has 6."),
        ("efs:CreateFileSystem", #"{"CreationToken": "t", "PerformanceMode": "maxIO", "AvailabilityZoneName": "us-east-1a"}"#,
         "BadRequest", "The maxIO performance mode is not supported on One Zone file systems; use generalPurpose."),
        ("fsx:CreateFileSystem", #"{"FileSystemType": "OPENZFS", "StorageCapacity": 64, "SubnetIds": ["subnet-0000000000000000a", "subnet-0000000000000000b"], "OpenZFSConfiguration": {"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 160, "PreferredSubnetId": "subnet-0000000000000000c"}}"#,
         "InvalidNetworkSettings", "PreferredSubnetId 'subnet-0000000000000000c' must be one of the SubnetIds."),
    ] as [(String, String, String, String)])
    func refusedByBoth(_ operation: String, _ request: String, _ code: String, _ message: String) throws {
        let verdict = World.validate(operation, request)
        #expect(verdict.error?.code == code)
        #expect(verdict.error?.message == message)
        let w = try makeWorld()
        let answer = w.call(operation, request)
        #expect(answer.error?.code == code)
        #expect(answer.error?.message == message)
    }
}
