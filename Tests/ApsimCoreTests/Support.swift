@testable import ApsimCore
import Testing

/// A world with fixed seed and clock, so responses are reproducible.
func makeWorld(_ config: String = #"{"seed": 1, "start_time": 1700000000}"#) throws -> World {
    try World(configJSON: config)
}

/// Calls `op` with `request` and returns the status and the parsed document.
@discardableResult
func call(_ world: World, _ op: String, _ request: JSON = [:]) -> (status: Int, body: JSON) {
    let r = world.call(op, request.text)
    return (r.status, r.body)
}

/// The Error.Code and Error.Message of an error envelope.
func error(_ body: JSON) -> (code: String?, message: String?) {
    (body["Error"]?["Code"]?.string, body["Error"]?["Message"]?.string)
}

/// Creates a file system and returns its ID.
func makeFileSystem(_ world: World, token: String = "fs-token") -> String {
    call(world, "efs:CreateFileSystem", ["CreationToken": .string(token)]).body["FileSystemId"]?.string ?? ""
}

/// Validates `request` for `op` and returns the error code and message (nil, nil when valid).
/// (Strict: absent idempotency tokens are not filled in, so the model's own rules show.)
func validationError(_ op: String, _ request: JSON) -> (code: String?, message: String?) {
    let r = World.validate(op, request.text, strict: true)
    if r.isError { return error(r.body) }
    return (nil, nil)
}

/// A Coral message with a single violation.
func coral(_ value: String?, _ path: String, _ constraint: String) -> String {
    "1 validation error detected: " + (value.map { "Value '\($0)'" } ?? "Value null")
        + " at '\(path)' failed to satisfy constraint: " + constraint
}
