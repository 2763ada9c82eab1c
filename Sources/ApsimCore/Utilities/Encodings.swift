/// Lowercase hex digits of fixed width (IDs, snapshot numbers).
enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    /// `value` as exactly `digits` lowercase hex digits (the low bits when it has more).
    static func fixed(_ value: UInt64, digits count: Int) -> String {
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            for i in 0..<count {
                let shift = 4 * (count - 1 - i)
                buffer[i] = shift >= 64 ? 0x30 : digits[Int((value >> UInt64(shift)) & 0xF)]
            }
            return count
        }
    }

    /// Appends `value` as exactly `digits` lowercase hex digits to `out`.
    static func append(_ value: UInt64, digits count: Int, to out: inout [UInt8]) {
        for i in stride(from: count - 1, through: 0, by: -1) {
            out.append(i >= 16 ? 0x30 : digits[Int((value >> UInt64(4 * i)) & 0xF)])
        }
    }
}

/// Standard base64 (page tokens).
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(n & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of standard base64 `text` (nil when it is not, or longer than `maxLength`
    /// characters: page tokens are short, file pages are not).
    static func decode(_ text: String, maxLength: Int = 1024) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0, chars.count <= maxLength else { return nil }
        func value(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x41...0x5A: return UInt32(c - 0x41)
            case 0x61...0x7A: return UInt32(c - 0x61 + 26)
            case 0x30...0x39: return UInt32(c - 0x30 + 52)
            case UInt8(ascii: "+"): return 62
            case UInt8(ascii: "/"): return 63
            default: return nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            let last = i + 4 == chars.count
            let pad = last ? (chars[i + 3] == UInt8(ascii: "=") ? (chars[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var n: UInt32 = 0
            for j in 0..<4 {
                let c = chars[i + j]
                if j >= 4 - pad { n <<= 6; continue }
                guard let v = value(c) else { return nil }
                n = n << 6 | v
            }
            out.append(UInt8(n >> 16 & 0xFF))
            if pad < 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}
