// The libFuzzer target of libapsim: every input goes through the exported C functions.
//
// The first byte of an input picks the entry point: an operation of apsim_call (each AWS and
// control operation by index), apsim_http, or apsim_validate; the rest is the request document.
// One world lives across inputs (as in a long test suite) and is reset every 5,000 inputs.
//
// Built by tools/fuzz.sh with -DAPSIM_FUZZ and -sanitize=fuzzer,address, this file is a libFuzzer
// target; built normally it is `ApsimFuzz FILE...`, which replays inputs (a crash reproducer).
import ApsimABI
import ApsimC
import ApsimCore

#if canImport(Glibc)
import Glibc
#endif

enum FuzzTarget {
    /// Every operation apsim_call accepts, in a fixed order (the selector byte indexes it).
    static let operations: [String] = Operations.names
    nonisolated(unsafe) static var world: OpaquePointer? = nil
    nonisolated(unsafe) static var inputs = 0

    static func run(_ data: UnsafePointer<UInt8>, _ size: Int) {
        guard size > 0 else { return }
        if world == nil || inputs % 5000 == 0 {
            apsim_close(world)
            world = nil
            _ = apsim_open(&world, #"{"seed": 1, "start_time": 1700000000}"#, nil)
        }
        inputs += 1
        let selector = Int(data[0]) % (operations.count + 2)
        // apsim_validate takes its operation from the second byte; the request follows.
        let start = selector == operations.count + 1 ? Swift.min(2, size) : 1
        // The request as a NUL-terminated C string (the fuzzer's bytes may hold NULs: the C API
        // then sees the prefix, as any C caller would).
        let request = UnsafeMutablePointer<CChar>.allocate(capacity: size - start + 1)
        defer { request.deallocate() }
        for i in start..<size { request[i - start] = CChar(bitPattern: data[i]) }
        request[size - start] = 0
        var out: UnsafeMutablePointer<CChar>? = nil
        if selector < operations.count {
            _ = operations[selector].withCString { apsim_call(&out, world, $0, request) }
        } else if selector == operations.count {
            _ = apsim_http(&out, world, request)
        } else {
            let op = operations[size > 1 ? Int(data[1]) % operations.count : 0]
            _ = op.withCString { apsim_validate(&out, $0, request) }
        }
        // Every answer must be one JSON document.
        if let out {
            let length = strlen(out)
            let parsed = UnsafeBufferPointer(start: UnsafeRawPointer(out).assumingMemoryBound(to: UInt8.self), count: length)
            if (try? JSON.parse(bytes: parsed, maxBytes: Int.max)) == nil { abort() }
        }
        apsim_string_free(out)
    }
}

#if APSIM_FUZZ
/// Runs one fuzz input through the C ABI (libFuzzer's entry, and the corpus replayer's).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.run(data, size)
    return 0
}
#else
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                print("cannot open \(path)")
                exit(2)
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n <= 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
            fclose(file)
            bytes.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { FuzzTarget.run(base, b.count) }
            }
            count += 1
        }
        print("replayed \(count) inputs")
    }
}
#endif
