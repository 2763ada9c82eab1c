/// One simulated AWS world: accounts, regions, resources, a virtual clock and seeded IDs.
///
/// A call runs in three steps: parse and validate the request (no lock), run the operation against
/// the state (under the world's lock, so each call is atomic), serialize the response (no lock).
/// A `World` may be used from any number of threads at once.
public final class World: Sendable {
    /// The configuration the world was opened with.
    public let config: WorldConfig
    private let state: Locked
    /// Where every acknowledged change is written (the `state_file` config key).
    private let stateFile: StateFile?

    /// Opens a world; with `state` it starts from that snapshot, with `state_file` from the file
    /// (when it exists; a file that is not a valid state is refused and left untouched).
    public init(config: WorldConfig = WorldConfig()) throws(APIError) {
        self.config = config
        var initial = WorldState(config: config)
        if let snapshot = config.state {
            do { initial = try Snapshot.restore(snapshot, config: config) } catch {
                throw RuntimeError.invalidStateConfiguration(error.message)
            }
        }
        if let path = config.stateFile {
            let file = StateFile(path: path)
            try file.acquire()
            initial = try World.load(file, config: config, over: initial, setAside: true)
            for component in WorldComponents.all { component.reopened(&initial) }
            try file.compact(Snapshot.export(initial), seq: initial.journalSeq)
            stateFile = file
            notices = file.notices
            initial.stateFileNotices = file.notices
        } else {
            stateFile = nil
            notices = []
        }
        state = Locked(initial)
    }

    /// What opening the world had to tell: a state file's journal that was not replayed (see
    /// `StateFile`). Empty for most worlds.
    public let notices: [String]

    /// The state a state file holds: its snapshot (`initial` when it has none) with its journal's
    /// changes replayed.
    static func load(_ file: StateFile, config: WorldConfig, over initial: consuming WorldState,
                     setAside: Bool) throws(APIError) -> WorldState {
        // The journal is read before the snapshot: a compaction between the two reads then only
        // makes the snapshot newer than the journal, never older (see `consistentState`).
        let journal = try file.loadJournal()
        let saved = try file.load()
        var state = initial
        var hadBase = false
        if let saved {
            do { state = try Snapshot.restore(saved, config: config) } catch { throw file.refused(error.message) }
            hadBase = saved["JournalBase"] != nil
        }
        let entries = file.replayable(journal, snapshotExists: saved != nil, hadBase: hadBase, snapshotSeq: state.journalSeq,
                                      setAside: setAside)
        for entry in entries where entry.seq > state.journalSeq {
            do { try World.replay(entry, into: &state, config: config) } catch {
                throw file.refused("its journal entry \(entry.seq) (\(entry.operation)) cannot be replayed: \(error.message)")
            }
        }
        return state
    }

    /// A consistent copy of the world a state file holds, as apsim:ExportState gives it, taken
    /// without its lock (while another process may hold the file): the snapshot with its journal
    /// replayed, as of the last change acknowledged before the read. `config` should be the
    /// holder's (its quotas and switches replay the journal); the file is not changed.
    public static func exportState(stateFile path: String, config: WorldConfig = WorldConfig()) throws(APIError) -> JSON {
        let file = StateFile(path: path)
        let state = try load(file, config: config, over: WorldState(config: config), setAside: false)
        return .object(Snapshot.export(state))
    }

    /// A state file is compacted when its world closes (snapshot rewritten, journal emptied); its
    /// lock is released after.
    deinit {
        if let stateFile { state.withLock { try? stateFile.compact(Snapshot.export($0), seq: $0.journalSeq) } }
    }

    /// Runs `body` on the world's state under its lock (tests; nothing it does is journaled).
    func withState<T>(_ body: (inout WorldState) -> T) -> T { state.withLock(body) }

    /// Installs the authorization step of every AWS call (nil: every call is allowed).
    func setAuthorizer(_ authorizer: Authorizer?) { state.withLock { $0.authorizer = authorizer } }

    /// Stops writing the state file as if this process had been killed (for tests of recovery):
    /// its lock is released and nothing more is journaled or compacted.
    func crash() { stateFile?.abandon() }

    /// Re-applies one journaled change (at open; it succeeded once, so it runs without faults).
    static func replay(_ journaled: StateFile.Entry, into s: inout WorldState, config: WorldConfig) throws(APIError) {
        let entry = try Operations.entry(journaled.operation)
        let input = try Operations.validate(entry, journaled.request)
        if entry.drawsRequestID { _ = s.ids.nextRequestBits() }
        if let clock = journaled.clock { s.nowMilliseconds = clock }  // a real clock's time is not replayed by any call
        let ctx = CallContext(account: journaled.account, region: journaled.region, config: config, now: s.nowMilliseconds,
                              caller: Caller.resolve(journaled.accessKeyID, account: journaled.account, in: s))
        _ = try entry.run(&s, ctx, input)
        s.journalSeq = journaled.seq
    }

    /// Opens a world from a config document (see `WorldConfig.parse`).
    public convenience init(configJSON: String?) throws(APIError) {
        try self.init(config: try WorldConfig.parse(configJSON))
    }

    /// Calls `operation` ("efs:CreateAccessPoint") in the default account and region.
    public func call(_ operation: String, _ request: String?) -> CallResult {
        call(account: config.accountID, region: config.region, operation: operation, request: request)
    }

    /// Calls `operation` in `account` and `region` (nil: the world's defaults) with `request`, a
    /// JSON object (nil or "" mean {}).
    public func call(account: String?, region: String?, operation: String, request: String?) -> CallResult {
        do throws(APIError) {
            let entry = try Operations.entry(operation)  // an unknown operation is reported before a bad request
            return call(account: account, region: region, entry: entry, document: try Operations.parse(request))
        } catch {
            return CallResult(error: error, requestID: earlyRequestID(operation))
        }
    }

    /// Calls `operation` with an already parsed request document (the wire protocols use this).
    public func call(account: String?, region: String?, operation: String, document: JSON) -> CallResult {
        call(account: account, region: region, accessKeyID: nil, operation: operation, document: document)
    }

    /// A call signed with `accessKeyID` (the wire), whose principal is the caller (`Caller`).
    func call(account: String?, region: String?, accessKeyID: String?, operation: String, document: JSON) -> CallResult {
        do throws(APIError) {
            return call(account: account, region: region, accessKeyID: accessKeyID, entry: try Operations.entry(operation),
                        document: document)
        } catch {
            return CallResult(error: error, requestID: earlyRequestID(operation))
        }
    }

    /// A call with its request as text, signed with `accessKeyID` (the wire's JSON 1.1 bodies).
    func call(account: String?, region: String?, accessKeyID: String?, operation: String, request: String?) -> CallResult {
        do throws(APIError) {
            let entry = try Operations.entry(operation)
            return call(account: account, region: region, accessKeyID: accessKeyID, entry: entry, document: try Operations.parse(request))
        } catch {
            return CallResult(error: error, requestID: earlyRequestID(operation))
        }
    }

    /// Calls `operation` with `payload`'s bytes beside its request (the binary entry points).
    public func call(_ operation: String, _ request: String?, payload: CallPayload) -> CallResult {
        do throws(APIError) {
            let entry = try Operations.entry(operation)
            return call(account: nil, region: nil, entry: entry, document: try Operations.parse(request), payload: payload)
        } catch {
            return CallResult(error: error, requestID: earlyRequestID(operation))
        }
    }

    func call(account: String?, region: String?, accessKeyID: String? = nil, entry: OperationEntry, document: JSON,
              payload: CallPayload? = nil) -> CallResult {
        let operation = entry.fullName
        do throws(APIError) {
            let account = account ?? config.accountID, region = region ?? config.region
            guard WorldConfig.isAccountID(account) else {
                throw RuntimeError.invalidAccount(account)
            }
            guard WorldConfig.isRegionName(region) else {
                throw RuntimeError.invalidRegion(region)
            }
            let input = try Operations.validate(entry, document)
            let regionKey = RegionKey(account: account, region: region)
            let (requestBits, outcome) = state.withLock { s -> (IDGenerator.RequestBits?, Result<HandlerOutput, APIError>) in
                let requestBits = entry.drawsRequestID ? s.ids.nextRequestBits() : nil
                if let fault = s.fireFault(for: entry.fullName) { return (requestBits, .failure(fault)) }
                var ctx = CallContext(account: account, region: region, config: config, now: s.nowMilliseconds,
                                      regionKey: regionKey, caller: Caller.resolve(accessKeyID, account: account, in: s))
                ctx.payload = payload
                do throws(APIError) {
                    let seq = s.journalSeq + 1
                    let output: HandlerOutput, changed: Bool
                    if entry.kind.writes || stateFile == nil {
                        (output, changed) = (try entry.run(&s, ctx, input), true)
                    } else {
                        // A read is journaled too when it changed state (StateChanges).
                        let (result, settled) = StateChanges.tracking { () -> Result<HandlerOutput, APIError> in
                            do throws(APIError) { return .success(try entry.run(&s, ctx, input)) } catch { return .failure(error) }
                        }
                        (output, changed) = (try result.get(), settled)
                    }
                    if changed, let stateFile {
                        // Durable before the caller hears of it (O(1): one journal line).
                        s.journalSeq = seq
                        // Bytes beside the request are journaled in it (base64), so a replay needs none.
                        var journaled = input
                        if let payload, let bytes = payload.input { journaled[payload.member] = .string(Base64.encode(bytes)) }
                        try stateFile.append(StateFile.Entry(seq: seq, account: account, region: region,
                                                             operation: entry.fullName, request: .object(journaled),
                                                             clock: ctx.now, accessKeyID: accessKeyID))
                    }
                    return (requestBits, .success(output))
                } catch {
                    return (requestBits, .failure(error))
                }
            }
            let requestID = requestBits.map(IDGenerator.requestID) ?? World.controlRequestID
            switch outcome {
            case .success(let output):
                return CallResult(status: entry.successStatus, output: output.object, requestID: requestID)
            case .failure(let error):
                return CallResult(error: error, requestID: requestID)
            }
        } catch {
            return CallResult(error: error, requestID: earlyRequestID(operation))
        }
    }

    /// A call refused before its request could be read (at the C boundary: too large, invalid
    /// UTF-8): an unknown operation is still reported first, and the answer gets a RequestId.
    public func refuse(operation: String, _ error: APIError) -> CallResult {
        let reported = Operations.table[operation] == nil ? Operations.unknown(operation) : error
        return CallResult(error: reported, requestID: earlyRequestID(operation))
    }

    /// The RequestId of a call refused before the state was touched (it still gets one, as from
    /// AWS; control operations never draw one).
    func earlyRequestID(_ operation: String) -> String {
        let draws = Operations.table[operation]?.drawsRequestID ?? !(operation.hasPrefix("apsim:") || operation.hasPrefix("nfs:"))
        return draws ? state.withLock { $0.ids.requestID() } : World.controlRequestID
    }

    /// The RequestId of control operations: steering a world never advances its RequestId stream,
    /// so a test's apsim: calls do not change the RequestIds of its AWS calls.
    static let controlRequestID = "00000000-0000-0000-0000-000000000000"

    /// Whether `name` is an operation apsim answers.
    public static func isOperation(_ name: String) -> Bool { Operations.table[name] != nil }

    /// The stateless checks of `operation` on `request`: `{"Valid": true}` or the error envelope.
    ///
    /// An absent idempotency token (a member the model marks `idempotencyToken`, such as
    /// `ClientToken` or `CreationToken`) is filled in first, as every SDK and the AWS CLI do before
    /// sending; the verdict names what was filled (`{"Valid": true, "FilledIdempotencyTokens":
    /// ["ClientToken"]}`). With `strict`, nothing is filled: the request is judged as it is.
    public static func validate(_ operation: String, _ request: String?, strict: Bool = false) -> CallResult {
        do throws(APIError) {
            let entry = try Operations.entry(operation)
            var document = try Operations.parse(request)
            var filled: [String] = []
            if !strict, case .structure(let members, _) = entry.input.kind, case .object(var o) = document {
                for m in members where m.idempotencyToken && (o[m.name] == nil || o[m.name] == .null) {
                    o[m.name] = .string(World.placeholderToken)
                    filled.append(m.name)
                }
                document = .object(o)
            }
            let input = try Operations.validate(entry, document)
            try entry.deferredRules?(input)
            return filled.isEmpty ? CallResult.valid : CallResult.valid(filling: filled)
        } catch {
            return CallResult(error: error, requestID: nil)
        }
    }

    /// What `validate` fills an absent idempotency token with (a UUID, as SDKs generate).
    static let placeholderToken = "00000000-0000-4000-8000-000000000000"
}

/// The outcome of one call, as data: the status, the response members or the error, and the
/// RequestId. Each protocol renders it (the C API's document, rest-json, JSON 1.1); none of them
/// reads a rendered document back.
public struct CallResult: Sendable {
    /// The HTTP status (200, 201, 204 on success; the error's status otherwise).
    public let status: Int
    /// The response members of a success, without ResponseMetadata.
    public let output: JSONObject
    /// The error of a failure.
    public let error: APIError?
    /// The call's RequestId (nil for an error answered before any world was involved).
    public let requestID: String?
    /// A verdict of `World.validate`, which is no AWS call: its document has no ResponseMetadata.
    private var isVerdict = false

    /// Whether the call failed.
    public var isError: Bool { error != nil }

    init(status: Int, output: JSONObject, requestID: String?) {
        self.status = status
        self.output = output
        self.error = nil
        self.requestID = requestID
    }

    /// `{"Valid": true}`, the verdict on a valid request.
    /// `{"Valid": true, "FilledIdempotencyTokens": [...]}`.
    static func valid(filling names: [String]) -> CallResult {
        var r = CallResult(status: 200, output: JSONObject(["Valid": true, "FilledIdempotencyTokens": .array(names.map { .string($0) })]),
                           requestID: nil)
        r.isVerdict = true
        return r
    }

    static let valid: CallResult = {
        var r = CallResult(status: 200, output: JSONObject(["Valid": true]), requestID: nil)
        r.isVerdict = true
        return r
    }()

    /// An error answered before any world was involved (bad UTF-8, unknown operation).
    public init(failure: APIError) { self.init(error: failure, requestID: nil) }

    init(error: APIError, requestID: String?) {
        status = error.status
        output = JSONObject()
        self.error = error
        self.requestID = requestID
    }

    /// The C API's document: the response with `ResponseMetadata`, or botocore's error shape.
    public var body: JSON {
        if let error { return error.envelope(requestID: requestID) }
        if isVerdict { return .object(output) }
        var o = output
        o.append("ResponseMetadata", ResponseMetadata.json(requestID: requestID, status: status))
        return .object(o)
    }

    /// The document as UTF-8 JSON text.
    public var json: [UInt8] { body.serialized() }
}

/// Bytes that travel beside a call's JSON (file data through the C ABI's binary entry points,
/// without base64): what the call takes, and what it answers.
public final class CallPayload: @unchecked Sendable {
    /// The input's bytes (nfs:Write's data), standing for the member `member`.
    public let input: [UInt8]?
    /// The member the input stands for, as the journal writes it (base64).
    public let member: String
    /// Whether the caller takes the answer's bytes here rather than in the document (nfs:Read).
    public let wantsOutput: Bool
    /// The answer's bytes (set under the world's lock by the handler, read after).
    public internal(set) var output: [UInt8]? = nil

    /// A payload of `input` bytes for `member`, and/or one that takes the answer's bytes.
    public init(input: [UInt8]?, member: String = "Data", wantsOutput: Bool = false) {
        (self.input, self.member, self.wantsOutput) = (input, member, wantsOutput)
    }
}

/// Everything a handler may read about the call besides its input.
struct CallContext: Sendable {
    /// Bytes beside the call's JSON, when the caller used a binary entry point.
    var payload: CallPayload? = nil
    let account, region: String
    /// Who calls (see `Caller`); the root of `account` unless the wire says otherwise.
    let caller: Caller
    let config: WorldConfig
    /// The virtual clock at the start of the call, epoch milliseconds.
    let now: Int64
    /// `account/region`: the key of the call's RegionState (made before the lock is taken).
    let regionKey: RegionKey

    init(account: String, region: String, config: WorldConfig, now: Int64, regionKey: RegionKey? = nil, caller: Caller? = nil) {
        (self.account, self.region, self.config, self.now) = (account, region, config, now)
        self.caller = caller ?? Caller.root(of: account)
        self.regionKey = regionKey ?? RegionKey(account: account, region: region)
    }
}
