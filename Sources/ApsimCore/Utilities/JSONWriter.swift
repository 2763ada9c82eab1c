#if canImport(Glibc)
import Glibc
#endif

/// Compact JSON serialization in one pass into a malloc'd buffer that grows by doubling: the C ABI
/// hands that buffer out as the response (no copy), and each string is scanned once, eight bytes at
/// a time, with its runs of plain bytes copied whole.
extension JSON {
    /// Compact UTF-8 serialization, members in stored order.
    public func serialized() -> [UInt8] {
        var sink = ByteSink(capacity: 256)
        write(to: &sink)
        defer { sink.release() }
        return sink.bytes.map { Array($0) } ?? []
    }

    /// The serialization as a String.
    public var text: String { JSON.writtenText { write(to: &$0) } }

    /// What `write` writes, as a String copied once from the writer's buffer (what the writer
    /// writes is valid UTF-8: its strings are Swift strings and its escapes ASCII).
    static func writtenText(_ write: (inout ByteSink) -> Void) -> String {
        var sink = ByteSink(capacity: 256)
        write(&sink)
        defer { sink.release() }
        guard let bytes = sink.bytes, bytes.count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            _ = buffer.initialize(fromContentsOf: bytes)
            return bytes.count
        }
    }

    /// Appends the document to `sink`.
    public func write(to sink: inout ByteSink) {
        switch self {
        case .null: sink.append("null")
        case .bool(let b): sink.append(b ? "true" : "false")
        case .int(let v): JSON.writeInt(v, to: &sink)
        case .number(let t): sink.append(t)
        case .timestamp(let ms): JSON.epochSeconds(ms).write(to: &sink)
        case .string(let s): JSON.writeString(s, to: &sink)
        case .array(let items):
            sink.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { sink.append(UInt8(ascii: ",")) }
                item.write(to: &sink)
            }
            sink.append(UInt8(ascii: "]"))
        case .object(let o): o.write(to: &sink)
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether byte `b` of a string is written escaped.
    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") }

    /// The index of the first byte at or after `from` that needs escaping (`count` when none):
    /// eight bytes at a time, since most strings need no escape at all.
    @inline(__always)
    static func nextEscape(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = from
        while i + 8 <= count {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // A byte below 0x20, or equal to '"' or '\\' (the classic zero-byte tests, exact here).
            let control = (x &- ones &* 0x20) & ~x & highs
            let q = x ^ (ones &* 0x22), b = x ^ (ones &* 0x5C)
            let quote = (q &- ones) & ~q & highs
            let backslash = (b &- ones) & ~b & highs
            if control | quote | backslash != 0 { break }
            i += 8
        }
        while i < count && !needsEscape(base[i]) { i += 1 }
        return i
    }

    static func writeString(_ s: String, to sink: inout ByteSink) {
        var s = s
        s.withUTF8 { bytes in
            guard let base = bytes.baseAddress, sink.reserve(bytes.count + 2) else {
                sink.append(UInt8(ascii: "\""))
                sink.append(UInt8(ascii: "\""))
                return
            }
            sink.appendReserved(UInt8(ascii: "\""))
            // Runs of bytes that need no escaping are copied whole.
            var run = 0
            while true {
                let i = nextEscape(base, from: run, count: bytes.count)
                sink.append(UnsafeBufferPointer(start: base + run, count: i - run))
                if i == bytes.count { break }
                run = i + 1
                let b = base[i]
                switch b {
                case UInt8(ascii: "\""): sink.append(0x5C, 0x22)
                case UInt8(ascii: "\\"): sink.append(0x5C, 0x5C)
                case 0x0A: sink.append(0x5C, UInt8(ascii: "n"))
                case 0x0D: sink.append(0x5C, UInt8(ascii: "r"))
                case 0x09: sink.append(0x5C, UInt8(ascii: "t"))
                default:
                    sink.append("\\u00")
                    sink.append(hexDigits[Int(b >> 4)], hexDigits[Int(b & 0xF)])
                }
            }
            sink.append(UInt8(ascii: "\""))
        }
    }

    static func writeInt(_ v: Int64, to sink: inout ByteSink) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 19 digits and a sign
        withUnsafeMutableBytes(of: &buffer) { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var i = raw.count
            var m = v.magnitude
            repeat {
                i -= 1
                base[i] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
            } while m > 0
            if v < 0 {
                i -= 1
                base[i] = UInt8(ascii: "-")
            }
            sink.append(UnsafeBufferPointer(start: base + i, count: raw.count - i))
        }
    }
}

extension JSONObject {
    /// Appends the object to `sink`, leaving out the member named `excluded` (if any): a
    /// response without its ResponseMetadata, with no copy of the object.
    public func write(to sink: inout ByteSink, excluding excluded: String? = nil) {
        sink.append(UInt8(ascii: "{"))
        var first = true
        for m in members where m.key != excluded {
            if !first { sink.append(UInt8(ascii: ",")) }
            first = false
            JSON.writeString(m.key, to: &sink)
            sink.append(UInt8(ascii: ":"))
            m.value.write(to: &sink)
        }
        sink.append(UInt8(ascii: "}"))
    }

    /// The object's text without the member named `excluded`.
    public func text(excluding excluded: String) -> String {
        JSON.writtenText { write(to: &$0, excluding: excluded) }
    }
}

/// A malloc'd byte buffer that doubles when it fills. A failed allocation leaves it failed
/// (`bytes` nil) and later appends do nothing, so callers check once at the end.
public struct ByteSink {
    private var base: UnsafeMutablePointer<UInt8>?
    private(set) var count = 0
    private var capacity: Int

    /// A sink with room for `capacity` bytes before it grows.
    public init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = malloc(self.capacity)?.assumingMemoryBound(to: UInt8.self)
    }

    /// The bytes written, nil after a failed allocation.
    public var bytes: UnsafeBufferPointer<UInt8>? {
        base.map { UnsafeBufferPointer(start: $0, count: count) }
    }

    /// Makes room for `extra` more bytes; false when memory ran out.
    @inline(__always)
    mutating func reserve(_ extra: Int) -> Bool {
        if count + extra <= capacity { return base != nil }
        return grow(count + extra)
    }

    private mutating func grow(_ needed: Int) -> Bool {
        guard let old = base else { return false }
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        guard let grown = realloc(old, newCapacity) else {
            free(old)
            base = nil
            return false
        }
        base = grown.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
        return true
    }

    /// Appends a byte already reserved.
    @inline(__always)
    mutating func appendReserved(_ b: UInt8) {
        base?[count] = b
        count += 1
    }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        guard reserve(1), let p = base else { return }
        p[count] = b
        count += 1
    }

    @inline(__always)
    mutating func append(_ a: UInt8, _ b: UInt8) {
        guard reserve(2), let p = base else { return }
        p[count] = a
        p[count + 1] = b
        count += 2
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count > 0, let src = bytes.baseAddress, reserve(bytes.count), let p = base else { return }
        (p + count).update(from: src, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    /// Hands the buffer over, NUL-terminated, to a caller that frees it (nil when memory ran out).
    public mutating func takeCString() -> UnsafeMutablePointer<UInt8>? {
        append(0)
        guard let p = base else { return nil }
        base = nil
        return p
    }

    /// Frees the buffer (when it was not taken).
    public mutating func release() {
        free(base)
        base = nil
    }
}
