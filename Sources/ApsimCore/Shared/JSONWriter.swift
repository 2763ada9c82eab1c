/// Compact JSON serialization in two passes: the exact size first, then the bytes written once
/// into memory of that size (no growth, no per-byte capacity checks). The C ABI writes a response
/// straight into the malloc'd buffer it hands out.
extension JSON {
    /// Compact UTF-8 serialization, members in stored order.
    public func serialized() -> [UInt8] {
        let count = utf8Count
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            initialized = write(to: base) - base
        }
    }

    public var text: String { String(decoding: serialized(), as: UTF8.self) }

    /// The number of bytes `write(to:)` writes.
    public var utf8Count: Int {
        switch self {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .int(let v): return JSON.digitCount(v)
        case .number(let t): return t.utf8.count
        case .string(let s): return JSON.stringCount(s)
        case .array(let items):
            var n = 2 + Swift.max(0, items.count - 1)
            for item in items { n += item.utf8Count }
            return n
        case .object(let o):
            // Braces, commas between members, a colon per member.
            var n = 2 + Swift.max(0, o.members.count - 1) + o.members.count
            for m in o.members { n += JSON.stringCount(m.key) + m.value.utf8Count }
            return n
        }
    }

    /// Writes the document at `out`, which has room for `utf8Count` bytes; returns the end.
    public func write(to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        switch self {
        case .null: return JSON.copy("null", to: out)
        case .bool(let b): return JSON.copy(b ? "true" : "false", to: out)
        case .int(let v): return JSON.writeInt(v, to: out)
        case .number(let t): return JSON.copy(t, to: out)
        case .string(let s): return JSON.writeString(s, to: out)
        case .array(let items):
            var p = out
            p.pointee = UInt8(ascii: "["); p += 1
            for (i, item) in items.enumerated() {
                if i > 0 { p.pointee = UInt8(ascii: ","); p += 1 }
                p = item.write(to: p)
            }
            p.pointee = UInt8(ascii: "]")
            return p + 1
        case .object(let o):
            var p = out
            p.pointee = UInt8(ascii: "{"); p += 1
            for (i, m) in o.members.enumerated() {
                if i > 0 { p.pointee = UInt8(ascii: ","); p += 1 }
                p = JSON.writeString(m.key, to: p)
                p.pointee = UInt8(ascii: ":"); p += 1
                p = m.value.write(to: p)
            }
            p.pointee = UInt8(ascii: "}")
            return p + 1
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether byte `b` of a string is written escaped.
    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") }

    /// The escaped form's size: `\"`, `\\`, `\n`, `\r`, `\t` take 2 bytes, other controls `\u00XX` 6.
    @inline(__always)
    static func escapedCount(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: return 2
        default: return 6
        }
    }

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

    static func stringCount(_ s: String) -> Int {
        var s = s
        return s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return 2 }
            var n = bytes.count + 2
            var i = nextEscape(base, from: 0, count: bytes.count)
            while i < bytes.count {
                n += escapedCount(base[i]) - 1
                i = nextEscape(base, from: i + 1, count: bytes.count)
            }
            return n
        }
    }

    static func writeString(_ s: String, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var s = s
        var p = out
        p.pointee = UInt8(ascii: "\""); p += 1
        s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            // Runs of bytes that need no escaping are copied whole.
            var run = 0
            while true {
                let i = nextEscape(base, from: run, count: bytes.count)
                p.update(from: base + run, count: i - run)
                p += i - run
                if i == bytes.count { break }
                run = i + 1
                let b = base[i]
                p.pointee = 0x5C
                switch b {
                case UInt8(ascii: "\""): p[1] = 0x22; p += 2
                case UInt8(ascii: "\\"): p[1] = 0x5C; p += 2
                case 0x0A: p[1] = UInt8(ascii: "n"); p += 2
                case 0x0D: p[1] = UInt8(ascii: "r"); p += 2
                case 0x09: p[1] = UInt8(ascii: "t"); p += 2
                default:
                    p[1] = UInt8(ascii: "u"); p[2] = 0x30; p[3] = 0x30
                    p[4] = hexDigits[Int(b >> 4)]
                    p[5] = hexDigits[Int(b & 0xF)]
                    p += 6
                }
            }
        }
        p.pointee = UInt8(ascii: "\"")
        return p + 1
    }

    static func copy(_ s: String, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var s = s
        return s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return out }
            out.update(from: base, count: bytes.count)
            return out + bytes.count
        }
    }

    static func digitCount(_ v: Int64) -> Int {
        var n = v < 0 ? 2 : 1
        var m = v.magnitude
        while m >= 10 { m /= 10; n += 1 }
        return n
    }

    static func writeInt(_ v: Int64, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let count = digitCount(v)
        if v < 0 { out.pointee = UInt8(ascii: "-") }
        var m = v.magnitude
        var i = count - 1
        repeat {
            out[i] = UInt8(ascii: "0") + UInt8(m % 10)
            m /= 10
            i -= 1
        } while m > 0
        return out + count
    }
}
