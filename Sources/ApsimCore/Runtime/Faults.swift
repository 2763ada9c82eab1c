/// A fault armed by apsim:InjectFault: the next `remaining` calls of `operation`, or a fraction
/// `probability` of them (drawn from the world's seeded fault stream), fail with this error.
struct Fault: Sendable {
    let id, operation, code: String
    let status: Int
    let message: String
    var remaining: Int?
    let probability: Double?

    /// A probability as JSON gives it (an integer 0 or 1, or a number).
    static func probability(_ value: JSON?) -> Double? {
        switch value {
        case .int(let i)?: return Double(i)
        case .number(let t)?: return Double(t)
        default: return nil
        }
    }

    /// As apsim:ListFaults shows it, and with its message as a snapshot stores it.
    func json(withMessage: Bool) -> JSONObject {
        var j = JSONObject()
        j.append("FaultId", .string(id))
        j.append("Operation", .string(operation))
        j.append("ErrorCode", .string(code))
        j.append("StatusCode", .int(Int64(status)))
        if withMessage { j.append("Message", .string(message)) }
        j.append("Count", ifPresent: remaining.map { .int(Int64($0)) })
        j.append("Probability", ifPresent: probability.map { .number(String($0)) })
        return j
    }
}

extension Fault {
    /// A fault as a snapshot stores it.
    init(_ r: DocumentReader) throws(APIError) {
        self.init(id: try r.string("FaultId"), operation: try r.string("Operation"), code: try r.string("ErrorCode"),
                  status: Int(try r.int("StatusCode")), message: try r.string("Message"),
                  remaining: try r.optionalInt("Count").map { Int($0) }, probability: Fault.probability(r.raw("Probability")))
    }
}

extension WorldState {
    /// The error of the first armed fault that fires for `operation`, consuming it.
    mutating func fireFault(for operation: String) -> APIError? {
        guard !faults.isEmpty, !operation.hasPrefix("apsim:") else { return nil }
        for i in faults.indices where faults[i].operation == "*" || faults[i].operation == operation {
            let f = faults[i]
            if let p = f.probability {
                let draw = Double(faultRandom.next() >> 11) / Double(UInt64(1) << 53)
                if draw >= p { continue }
            } else if let n = f.remaining {
                if n <= 1 { faults.remove(at: i) } else { faults[i].remaining = n - 1 }
            }
            return APIError(code: f.code, message: f.message, status: f.status)
        }
        return nil
    }
}
