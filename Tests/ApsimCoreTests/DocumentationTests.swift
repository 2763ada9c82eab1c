@testable import ApsimCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The header and the README are checked against the code: every config key the world, its
/// services and components declare, and every control operation, is documented in both, and
/// nothing is documented that the code does not have.
@Suite struct DocumentationTests {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }()

    static func text(_ relative: String) -> String {
        guard let f = fopen(root + "/" + relative, "r") else { return "" }
        defer { fclose(f) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 65536)
        while true { let n = fread(&chunk, 1, chunk.count, f); if n <= 0 { break }; bytes += chunk[0..<n] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The quoted names at the start of comment lines between two markers of the header.
    static func headerNames(from start: String, to end: String, prefix: String) -> Set<String> {
        let header = text("include/apsim.h")
        guard let a = header.utf8.firstRange(of: start.utf8),
              let b = header.utf8[a.upperBound...].firstRange(of: end.utf8) else { return [] }
        // (name, indentation): a row starts at the table's indentation; deeper lines continue one.
        var rows: [(String, Int)] = []
        for line in Substring(header.utf8[a.lowerBound..<b.lowerBound]).split(separator: "\n") {
            let text = line.drop { $0 == " " || $0 == "*" }
            guard text.hasPrefix("\"" + prefix), let close = text.dropFirst().firstIndex(of: "\"") else { continue }
            rows.append((String(text[text.index(after: text.startIndex)..<close]), line.count - text.count))
        }
        let indentation = rows.map(\.1).min() ?? 0
        return Set(rows.filter { $0.1 == indentation }.map(\.0))
    }

    /// The first cells (`name`) of the rows of the README's table that follows `heading`.
    static func readmeRows(after heading: String) -> Set<String> {
        let readme = text("README.md")
        guard let at = readme.utf8.firstRange(of: heading.utf8) else { return [] }
        var names = Set<String>(), inTable = false
        for line in Substring(readme.utf8[at.upperBound...]).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                inTable = true
                let cell = line.dropFirst().prefix { $0 != "|" }.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
                    .map(String.init).joined()
                if cell.hasPrefix("`"), cell.hasSuffix("`"), cell.count > 2 { names.insert(String(cell.dropFirst().dropLast())) }
            } else if inTable {
                break
            }
        }
        return names
    }

    @Test func everyConfigKeyIsInTheHeaderAndTheReadme() {
        let declared = Set(WorldConfig.keys)
        #expect(declared.count == WorldConfig.keys.count)  // no key declared twice
        #expect(Self.headerNames(from: "config_json    NULL", to: "Unknown keys and values", prefix: "") == declared)
        #expect(Self.readmeRows(after: "### Configuration (`apsim_open`)") == declared)
    }

    @Test func everyControlOperationIsInTheHeaderAndTheReadme() {
        let controls = Set(Operations.table.values.filter(\.isControl).map(\.fullName))
        #expect(controls.contains("apsim:DescribeConfiguration") && controls.contains("apsim:SetNetwork"))
        #expect(Self.headerNames(from: "Request -> response members", to: "Threads.", prefix: "apsim:") == controls)
        #expect(Self.readmeRows(after: "| operation | request | response |") == controls)
    }

    @Test func describeConfigurationNamesEveryKeyItsOwnerAndTheGivenValue() throws {
        let w = try makeWorld(#"{"seed": 1, "access_points_per_file_system": 7, "network": []}"#)
        let keys = try #require(call(w, "apsim:DescribeConfiguration").body["Configuration"]?.array)
        #expect(keys.compactMap { $0["Key"]?.string } == WorldConfig.keys)
        let quota = try #require(keys.first { $0["Key"] == "access_points_per_file_system" })
        #expect(quota == .object(JSONObject([
            "Key": "access_points_per_file_system", "Owner": "efs", "Type": "integer", "Default": "10000",
            "Summary": "The EFS access point quota per file system (AccessPointLimitExceeded).", "Value": 7,
        ])))
        #expect(keys.first { $0["Key"] == "s3_access_points_per_region" }?["Owner"] == "fsx")
        #expect(keys.first { $0["Key"] == "network" }?["Owner"] == "network")
        #expect(keys.first { $0["Key"] == "network" }?["Value"] == .array([]))
        #expect(keys.first { $0["Key"] == "seed" }?["Owner"] == "world")
        #expect(keys.first { $0["Key"] == "region" }?["Value"] == nil)  // not given
    }

    @Test func theHeadersStatusListNamesEveryStatusAnErrorCanHave() {
        let header = Self.text("include/apsim.h")
        guard let a = header.utf8.firstRange(of: "its HTTP status (".utf8),
              let b = header.utf8[a.upperBound...].firstIndex(of: UInt8(ascii: ")")) else { Issue.record("no status list"); return }
        let listed = Set(Substring(header.utf8[a.upperBound..<b]).split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "*" })
            .compactMap { Int($0) })
        // Every status a model's errors declare, and those of apsim's own errors (a control
        // operation called with GET: 405; an operation apsim does not emulate: 501).
        let modeled = Set(Services.all.flatMap { $0.model.errors.values.map(\.status) })
        #expect(listed == modeled.union([RuntimeError.controlMethodNotAllowed.status, RuntimeError.notImplemented("efs:X", service: "EFS").status]))
    }

    @Test func errorCodesComeFromCatalogues() {
        // No source file outside the catalogues spells an error code: codes are the models'
        // (<S>ErrorCode) or the runtime's (RuntimeErrorCode).
        #expect(RuntimeErrorCode.allCases.count == 12)
        for file in ["Runtime/RuntimeErrors.swift", "Runtime/Controls.swift", "Runtime/Config.swift", "Wire/Wire.swift",
                     "Wire/WireProtocol.swift", "Runtime/StateFile.swift", "Runtime/Snapshot.swift"] {
            let text = Self.text("Sources/ApsimCore/" + file)
            #expect(!text.isEmpty && text.utf8.firstRange(of: "APIError(code: \"".utf8) == nil, "\(file)")
        }
    }

    /// Every .swift file under `folder` (relative to the repository), recursively.
    static func swiftFiles(_ folder: String) -> [String] {
        guard let dir = opendir(root + "/" + folder) else { return [] }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            if name.hasSuffix(".swift") { files.append(folder + "/" + name) } else if !name.contains(".") {
                files += swiftFiles(folder + "/" + name)
            }
        }
        return files
    }

    @Test func publicDeclarationsCarryDocComments() {
        var undocumented: [String] = []
        let files = Self.swiftFiles("Sources")
        #expect(files.count > 50)
        for file in files {
            var previous: [Substring] = []
            for (i, line) in Self.text(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = line.drop { $0 == " " }
                let isPublic = text.hasPrefix("public ") || (text.hasPrefix("@") && text.contains(" public "))
                if isPublic && !text.hasPrefix("public import") {
                    let above = previous.last { !$0.drop(while: { $0 == " " }).hasPrefix("@") }
                    if above?.drop(while: { $0 == " " }).hasPrefix("///") != true { undocumented.append("\(file):\(i + 1)") }
                }
                previous.append(line)
            }
        }
        #expect(undocumented == [])
    }
}

/// Members by name from the model: generated constants per input structure, shared helpers
/// given their member names by the model, and no handler reading a member its service's model
/// does not have (the mistake camelCase members, as S3 Files' `clientToken`, would make silent).
@Suite struct MemberNameTests {
    /// Every member name of every structure reachable from `service`'s operation inputs.
    static func inputMembers(_ model: ServiceModel) -> Set<String> {
        var names = Set<String>(), seen = Set<String>()
        func walk(_ shape: Shape) {
            guard seen.insert(shape.name).inserted else { return }
            switch shape.kind {
            case .structure(let members, _): for m in members { names.insert(m.name); walk(m.shape) }
            case .list(let item, _, _): walk(item)
            case .map(let key, let value, _, _): walk(key); walk(value)
            default: break
            }
        }
        for op in model.operations.values { walk(op.input) }
        return names
    }

    @Test func constantsAndHelpersComeFromTheModel() {
        #expect(EFSMembers.CreateAccessPointRequest.clientToken == "ClientToken")
        #expect(FSxMembers.CreateVolumeRequest.clientRequestToken == "ClientRequestToken")
        #expect(ServiceModel.efs.tagMembers == TagMembers(key: "Key", value: "Value"))
        // A service whose tags are camelCase reads and writes them as its model says.
        let lower = TagMembers(key: "key", value: "value")
        #expect(Tag.list([["key": "a", "value": "b"]], lower) == [Tag(key: "a", value: "b")])
        #expect(Tag.list([["Key": "a", "Value": "b"]], lower) == [])
        #expect(Tag.json([Tag(key: "a", value: "b")], lower) == [["key": "a", "value": "b"]])
    }

    @Test func handlersReadOnlyMembersTheirModelHas() {
        for (folder, model) in [("EFS", ServiceModel.efs), ("FSx", ServiceModel.fsx)] {
            let known = Self.inputMembers(model)
            var unknown: [String] = [], checked = 0
            for file in DocumentationTests.swiftFiles("Sources/ApsimCore/Services/" + folder) where !file.hasSuffix("Model.swift") {
                let text = DocumentationTests.text(file)
                var rest = Substring(text)
                while let r = rest.utf8.firstRange(of: "input[\"".utf8) {
                    let after = Substring(rest.utf8[r.upperBound...])
                    let name = after.prefix { $0 != "\"" }
                    if !known.contains(String(name)) { unknown.append("\(file): \(name)") }
                    checked += 1
                    rest = after
                }
            }
            #expect(unknown == [], "\(folder)")
            #expect(checked > 30, "\(folder): \(checked) reads")
        }
    }
}
