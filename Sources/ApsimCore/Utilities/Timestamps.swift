/// Renderings of a point in time kept as epoch milliseconds (`JSON.timestamp`): each protocol
/// picks its own when it writes a response.
public enum Timestamps {
    /// ISO-8601 in UTC with milliseconds, as REST-XML protocols write timestamps
    /// (`2023-11-14T22:13:20.000Z`).
    public static func iso8601(milliseconds ms: Int64) -> String { iso8601(milliseconds: ms, fraction: true) }

    /// ISO-8601 in UTC, with milliseconds or to the second (`2023-11-14T22:13:20Z`, for messages).
    static func iso8601(milliseconds ms: Int64, fraction: Bool) -> String {
        let (days, msOfDay) = floorDivide(ms, 86_400_000)
        let (year, month, day) = civil(days: days)
        let seconds = msOfDay / 1000
        func two(_ v: Int64) -> String { v < 10 ? "0" + String(v) : String(v) }
        let millis = String(msOfDay % 1000)
        return "\(year < 0 ? "-" : "")\(String(repeating: "0", count: max(0, 4 - String(abs(year)).count)))\(abs(year))-\(two(month))-\(two(day))T"
            + "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
            + (fraction ? "." + String(repeating: "0", count: 3 - millis.count) + millis : "") + "Z"
    }

    /// An HTTP date (RFC 7231's IMF-fixdate), as REST protocols write a timestamp in a header
    /// (`Tue, 14 Nov 2023 22:13:20 GMT`; whole seconds).
    public static func httpDate(milliseconds ms: Int64) -> String {
        let (days, msOfDay) = floorDivide(ms, 86_400_000)
        let (year, month, day) = civil(days: days)
        let seconds = msOfDay / 1000
        func two(_ v: Int64) -> String { v < 10 ? "0" + String(v) : String(v) }
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[Int(floorDivide(days, 7).1)]
        let monthName = months[Int(max(1, min(12, month))) - 1]
        return "\(weekday), \(two(day)) \(monthName) \(year) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) GMT"
    }

    /// `a / b` rounded down, and the remainder that goes with it (never negative).
    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
    /// days_from_civil, inverted).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
