// The exported C functions of libapsim.so, checked by the compiler against include/apsim.h
// (`@c @implementation`). This file only converts between C and the core: no business logic, no
// traps (no `!`, no unchecked indexing), every error becomes a return code and an envelope.
import ApsimC
import ApsimCore

#if canImport(Glibc)
import Glibc
#endif

/// The version string, a C string made once and kept for the life of the process.
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar>? = strdup(apsimVersion)  // never written after

/// apsim_version (apsim.h): the library's version string, static.
@c @implementation
public func apsim_version() -> UnsafePointer<CChar>? {
    UnsafePointer(versionCString)
}

/// apsim_version_number (apsim.h): APSIM_VERSION_NUMBER of the loaded library.
@c @implementation
public func apsim_version_number() -> CInt {
    CInt(APSIM_VERSION_MAJOR * 1_000_000 + APSIM_VERSION_MINOR * 1000 + APSIM_VERSION_PATCH)
}

/// apsim_open (apsim.h): opens a world from a config document.
@c @implementation
public func apsim_open(
    _ outSim: UnsafeMutablePointer<OpaquePointer?>?, _ configJSON: UnsafePointer<CChar>?,
    _ outErrorJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    outErrorJSON?.pointee = nil
    guard let outSim else { return APSIM_E_MISUSE }
    outSim.pointee = nil
    var config: String? = nil
    if let configJSON {
        // A config may embed a whole state (the `state` key): bounded like a state file.
        if strnlen(configJSON, WorldConfig.maxBytes + 1) > WorldConfig.maxBytes {
            return CABI.fail(outErrorJSON, RuntimeError.invalidConfiguration(
                "The configuration is larger than \(WorldConfig.maxBytes) bytes."))
        }
        guard let s = String(validatingCString: configJSON) else {
            return CABI.fail(outErrorJSON, RuntimeError.invalidConfiguration("The configuration is not valid UTF-8."))
        }
        config = s
    }
    do {
        let world = try World(configJSON: config)
        outSim.pointee = OpaquePointer(Unmanaged.passRetained(Handle(world)).toOpaque())
        return APSIM_OK
    } catch {
        return CABI.fail(outErrorJSON, error)
    }
}

/// apsim_close (apsim.h): closes a world (NULL is a no-op).
@c @implementation
public func apsim_close(_ sim: OpaquePointer?) {
    guard let sim else { return }
    Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(sim)).release()
}

/// apsim_call (apsim.h): one call in the world's default account and region.
@c @implementation
public func apsim_call(
    _ outResponseJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ sim: OpaquePointer?,
    _ operation: UnsafePointer<CChar>?, _ requestJSON: UnsafePointer<CChar>?
) -> CInt {
    CABI.call(outResponseJSON, sim, operation, requestJSON)
}

/// apsim_call_in (apsim.h): one call in another account and region.
@c @implementation
public func apsim_call_in(
    _ outResponseJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ sim: OpaquePointer?,
    _ accountID: UnsafePointer<CChar>?, _ region: UnsafePointer<CChar>?,
    _ operation: UnsafePointer<CChar>?, _ requestJSON: UnsafePointer<CChar>?
) -> CInt {
    CABI.call(outResponseJSON, sim, operation, requestJSON, account: accountID, region: region)
}

/// apsim_http (apsim.h): one HTTP request in an AWS wire protocol.
@c @implementation
public func apsim_http(
    _ outResponseJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ sim: OpaquePointer?,
    _ requestJSON: UnsafePointer<CChar>?
) -> CInt {
    guard let outResponseJSON else { return APSIM_E_MISUSE }
    outResponseJSON.pointee = nil
    guard let sim else { return APSIM_E_MISUSE }
    let world = Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(sim)).takeUnretainedValue().world
    let (isError, document): (Bool, JSON)
    switch CABI.request(requestJSON) {
    case .success(let request): (isError, document) = world.http(requestJSON: request)
    case .failure(let error): (isError, document) = (true, CallResult(failure: error).body)
    }
    guard let text = CABI.cString(document) else { return APSIM_E_NOMEM }
    outResponseJSON.pointee = text
    return isError ? 400 : APSIM_OK
}

/// apsim_validate (apsim.h): the stateless checks of a request, without a world.
@c @implementation
public func apsim_validate(
    _ outResponseJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ operation: UnsafePointer<CChar>?, _ requestJSON: UnsafePointer<CChar>?
) -> CInt {
    guard let outResponseJSON else { return APSIM_E_MISUSE }
    outResponseJSON.pointee = nil
    guard let operation else { return APSIM_E_MISUSE }
    let result: CallResult
    switch CABI.strings(operation, requestJSON) {
    case .success(let (op, request)): result = World.validate(op, request)
    case .failure(let error):
        let op = String(validatingCString: operation) ?? "<invalid UTF-8>"
        result = CallResult(failure: World.isOperation(op) ? error : Operations.unknown(op))
    }
    return CABI.finish(outResponseJSON, result)
}

/// A `char **` out parameter that receives a string the caller frees with apsim_string_free.
public typealias OutString = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

/// apsim_efs_create_access_point (apsim.h): efs:CreateAccessPoint without the name lookup.
@c @implementation
public func apsim_efs_create_access_point(_ out: OutString, _ sim: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> CInt {
    CABI.call(out, sim, "efs:CreateAccessPoint", request)
}

/// apsim_fsx_create_and_attach_s3_access_point (apsim.h): its FSx counterpart.
@c @implementation
public func apsim_fsx_create_and_attach_s3_access_point(
    _ out: OutString, _ sim: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> CInt {
    CABI.call(out, sim, "fsx:CreateAndAttachS3AccessPoint", request)
}

/// apsim_string_free (apsim.h): frees a string the library returned (NULL is a no-op).
@c @implementation
public func apsim_string_free(_ s: UnsafeMutablePointer<CChar>?) {
    free(s)
}

/// apsim_nfs_write (apsim.h): nfs:Write with its bytes beside the request.
@c @implementation
public func apsim_nfs_write(
    _ outResponseJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ sim: OpaquePointer?,
    _ requestJSON: UnsafePointer<CChar>?, _ data: UnsafeRawPointer?, _ length: Int
) -> CInt {
    guard let outResponseJSON else { return APSIM_E_MISUSE }
    outResponseJSON.pointee = nil
    guard let sim, length >= 0, data != nil || length == 0 else { return APSIM_E_MISUSE }
    let world = Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(sim)).takeUnretainedValue().world
    let bytes = data.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
    switch CABI.request(requestJSON) {
    case .success(let request):
        return CABI.finish(outResponseJSON, world.call("nfs:Write", request, payload: CallPayload(input: bytes)))
    case .failure(let error):
        return CABI.finish(outResponseJSON, world.refuse(operation: "nfs:Write", error))
    }
}

/// apsim_nfs_read (apsim.h): nfs:Read with its bytes beside the response.
@c @implementation
public func apsim_nfs_read(
    _ outResponseJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ outData: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ outLength: UnsafeMutablePointer<Int>?,
    _ sim: OpaquePointer?, _ requestJSON: UnsafePointer<CChar>?
) -> CInt {
    guard let outResponseJSON else { return APSIM_E_MISUSE }
    outResponseJSON.pointee = nil
    outData?.pointee = nil
    outLength?.pointee = 0
    guard let sim, let outData, let outLength else { return APSIM_E_MISUSE }
    let world = Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(sim)).takeUnretainedValue().world
    let payload = CallPayload(input: nil, wantsOutput: true)
    let result: CallResult
    switch CABI.request(requestJSON) {
    case .success(let request): result = world.call("nfs:Read", request, payload: payload)
    case .failure(let error): result = world.refuse(operation: "nfs:Read", error)
    }
    if !result.isError, let bytes = payload.output, !bytes.isEmpty {
        guard let buffer = malloc(bytes.count) else { return APSIM_E_NOMEM }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.copyMemory(from: base, byteCount: source.count) }
        }
        outData.pointee = buffer
        outLength.pointee = bytes.count
    }
    return CABI.finish(outResponseJSON, result)
}

/// apsim_bytes_free (apsim.h): frees bytes apsim_nfs_read returned (NULL is a no-op).
@c @implementation
public func apsim_bytes_free(_ data: UnsafeMutableRawPointer?) {
    free(data)
}

/// What an `apsim *` points to: a retained world.
final class Handle {
    let world: World
    init(_ world: World) { self.world = world }
}

enum CABI {
    static func call(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ sim: OpaquePointer?,
        _ operation: UnsafePointer<CChar>?, _ requestJSON: UnsafePointer<CChar>?,
        account: UnsafePointer<CChar>? = nil, region: UnsafePointer<CChar>? = nil
    ) -> CInt {
        guard let out else { return APSIM_E_MISUSE }
        out.pointee = nil
        guard let sim, let operation else { return APSIM_E_MISUSE }
        let world = Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(sim)).takeUnretainedValue().world
        let result: CallResult
        guard let op = String(validatingCString: operation) else {
            return finish(out, world.refuse(operation: "<invalid UTF-8>", RuntimeError.unknownOperation("<invalid UTF-8>")))
        }
        switch CABI.request(requestJSON) {
        case .success(let request):
            let accountName = account.map { String(validatingCString: $0) ?? "<invalid UTF-8>" }
            let regionName = region.map { String(validatingCString: $0) ?? "<invalid UTF-8>" }
            result = world.call(account: accountName, region: regionName, operation: op, request: request)
        case .failure(let error): result = world.refuse(operation: op, error)
        }
        return finish(out, result)
    }

    /// The operation name and request as Swift strings; invalid UTF-8 is a SerializationException.
    static func strings(_ operation: UnsafePointer<CChar>, _ request: UnsafePointer<CChar>?)
        -> Result<(String, String?), APIError>
    {
        guard let op = String(validatingCString: operation) else {
            return .failure(RuntimeError.unknownOperation("<invalid UTF-8>"))
        }
        return CABI.request(request).map { (op, $0) }
    }

    /// The request document as a Swift string (nil for NULL); too large or invalid UTF-8 is a
    /// SerializationException.
    static func request(_ request: UnsafePointer<CChar>?) -> Result<String?, APIError> {
        guard let request else { return .success(nil) }
        // Refuse an oversized request before copying it.
        let length = strnlen(request, JSONLimits.maxBytes + 1)
        if length > JSONLimits.maxBytes {
            return .failure(RuntimeError.serialization(
                "Request too large: more than \(JSONLimits.maxBytes) bytes; the limit is \(JSONLimits.maxBytes) bytes."))
        }
        guard let body = String(validatingCString: request) else {
            return .failure(RuntimeError.serialization("The request is not valid UTF-8."))
        }
        return .success(body)
    }

    /// Hands `result` to the caller as a malloc'd C string; returns 0 or the error's HTTP status.
    static func finish(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ result: CallResult) -> CInt {
        guard let text = cString(result.body) else { return APSIM_E_NOMEM }
        out.pointee = text
        return result.isError ? CInt(clamping: result.status) : APSIM_OK
    }

    static func fail(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ error: APIError) -> CInt {
        out?.pointee = cString(CallResult(failure: error).body)
        return CInt(clamping: error.status)
    }

    /// `document` as malloc'd, NUL-terminated JSON text (released by apsim_string_free), written
    /// straight into the buffer handed out.
    static func cString(_ document: JSON) -> UnsafeMutablePointer<CChar>? {
        var sink = ByteSink(capacity: 1024)
        document.write(to: &sink)
        guard let p = sink.takeCString() else { return nil }
        return UnsafeMutableRawPointer(p).assumingMemoryBound(to: CChar.self)
    }
}
