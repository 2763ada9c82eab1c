/// An IAM policy document, parsed and checked (files.md section 4): `Version`, `Statement` (an
/// object or a list), and in each statement `Sid`, `Effect`, `Principal`/`NotPrincipal`,
/// `Action`/`NotAction`, `Resource`/`NotResource` and `Condition`. Parsing refuses what IAM
/// refuses, naming the problem in a sentence (`Policy.Problem`); evaluating is `PolicyEvaluator`.
struct Policy: Sendable, Equatable {
    var statements: [Statement]

    struct Statement: Sendable, Equatable {
        var sid: String?
        var allow: Bool
        /// nil: the statement names no principal (identity policies).
        var principal: Principals?
        var notPrincipal: Principals?
        /// Exactly one of `actions` and `notActions` is non-nil.
        var actions: [String]?
        var notActions: [String]?
        /// nil (both): the statement applies to the resource whose policy it is in.
        var resources: [String]?
        var notResources: [String]?
        var conditions: [Condition]
    }

    /// `"*"`, or `{"AWS": ..., "Service": ..., ...}` with a string or a list each.
    struct Principals: Sendable, Equatable {
        var everyone: Bool
        var aws: [String]
        var services: [String]
        var others: [String]
    }

    /// One operator (`StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`) on one key, with
    /// its values.
    struct Condition: Sendable, Equatable {
        enum Qualifier: Sendable, Equatable { case none, forAnyValue, forAllValues }
        var qualifier: Qualifier
        var op: Operator
        var ifExists: Bool
        var key: String
        var values: [String]
    }

    enum Operator: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals", numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals", numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals", dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals", dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool", null = "Null", ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnNotEquals = "ArnNotEquals", arnLike = "ArnLike", arnNotLike = "ArnNotLike"

        /// Operators whose sense is negated: a key the request lacks satisfies them.
        var negated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress,
                 .arnNotEquals, .arnNotLike:
                return true
            default:
                return false
            }
        }
    }

    /// Why a document is no policy: a sentence for InvalidPolicyException.
    struct Problem: Error, Sendable, Equatable {
        let message: String
    }

    static let versions = ["2012-10-17", "2008-10-17"]

    /// Parses a policy given as a JSON object or as JSON text.
    init(_ value: JSON) throws(Problem) {
        var document = value
        if case .string(let text) = value {
            do { document = try JSON.parse(text) } catch { throw Problem(message: "The policy is not valid JSON: \(error.message)") }
        }
        guard case .object(let root) = document else { throw Problem(message: "The policy must be a JSON object.") }
        if let unknown = root.keys.first(where: { !["Version", "Id", "Statement"].contains($0) }) {
            throw Problem(message: "The policy has an unknown top-level member '\(unknown)'.")
        }
        if let version = root["Version"] {
            guard let v = version.string, Policy.versions.contains(v) else {
                throw Problem(message: "The policy's Version must be \"2012-10-17\" or \"2008-10-17\".")
            }
        }
        let list: [JSON]
        switch root["Statement"] {
        case .object?: list = [root["Statement"] ?? .null]
        case .array(let items)?: list = items
        default: throw Problem(message: "The policy must have a Statement: an object or a list of objects.")
        }
        // An empty Statement list is a policy that allows nothing (apsim's decision: EFS's model and
        // documentation do not say it is refused, and earlier apsim releases accepted it).
        var statements: [Statement] = []
        for (i, item) in list.enumerated() { statements.append(try Policy.statement(item, index: i)) }
        self.statements = statements
    }

    static func strings(_ value: JSON?, _ what: String) throws(Problem) -> [String]? {
        switch value {
        case nil: return nil
        case .string(let s)?: return [s]
        case .array(let items)?:
            var out: [String] = []
            for item in items {
                guard let s = item.string else { throw Problem(message: "\(what) must be a string or a list of strings.") }
                out.append(s)
            }
            return out
        default: throw Problem(message: "\(what) must be a string or a list of strings.")
        }
    }

    static func statement(_ value: JSON, index i: Int) throws(Problem) -> Statement {
        let at = "Statement \(i + 1)"
        guard case .object(let o) = value else { throw Problem(message: "\(at) must be an object.") }
        let members = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
        if let unknown = o.keys.first(where: { !members.contains($0) }) {
            throw Problem(message: "\(at) has an unknown member '\(unknown)'.")
        }
        guard let effect = o["Effect"]?.string, effect == "Allow" || effect == "Deny" else {
            throw Problem(message: "\(at) must have an Effect of \"Allow\" or \"Deny\".")
        }
        let actions = try strings(o["Action"], "\(at)'s Action"), notActions = try strings(o["NotAction"], "\(at)'s NotAction")
        guard (actions == nil) != (notActions == nil) else { throw Problem(message: "\(at) must have exactly one of Action and NotAction.") }
        let resources = try strings(o["Resource"], "\(at)'s Resource"), notResources = try strings(o["NotResource"], "\(at)'s NotResource")
        guard resources == nil || notResources == nil else { throw Problem(message: "\(at) may not have both Resource and NotResource.") }
        guard o["Principal"] == nil || o["NotPrincipal"] == nil else { throw Problem(message: "\(at) may not have both Principal and NotPrincipal.") }
        var conditions: [Condition] = []
        if let condition = o["Condition"] {
            guard case .object(let ops) = condition else { throw Problem(message: "\(at)'s Condition must be an object.") }
            for op in ops.members { conditions += try Policy.conditions(op.key, op.value, at: at) }
        }
        return Statement(sid: o["Sid"]?.string, allow: effect == "Allow",
                         principal: try o["Principal"].map { v throws(Problem) in try principals(v, "\(at)'s Principal") },
                         notPrincipal: try o["NotPrincipal"].map { v throws(Problem) in try principals(v, "\(at)'s NotPrincipal") },
                         actions: actions, notActions: notActions, resources: resources, notResources: notResources, conditions: conditions)
    }

    static func principals(_ value: JSON, _ what: String) throws(Problem) -> Principals {
        if value.string == "*" { return Principals(everyone: true, aws: [], services: [], others: []) }
        guard case .object(let o) = value, !o.isEmpty else { throw Problem(message: "\(what) must be \"*\" or an object such as {\"AWS\": \"<ARN or account>\"}.") }
        var p = Principals(everyone: false, aws: [], services: [], others: [])
        for m in o.members {
            guard let names = try strings(m.value, "\(what)'s \(m.key)") else { continue }
            switch m.key {
            case "AWS":
                for name in names {
                    guard name == "*" || WorldConfig.isAccountID(name) || name.hasPrefix("arn:") else {
                        throw Problem(message: "\(what) names '\(name)', which is no account ID, principal ARN or \"*\".")
                    }
                    if name == "*" { p.everyone = true } else { p.aws.append(name) }
                }
            case "Service": p.services += names
            case "Federated", "CanonicalUser": p.others += names
            default: throw Problem(message: "\(what) has an unknown kind '\(m.key)'; use AWS, Service, Federated or CanonicalUser.")
            }
        }
        return p
    }

    static func conditions(_ name: String, _ value: JSON, at: String) throws(Problem) -> [Condition] {
        var rest = Substring(name), qualifier = Condition.Qualifier.none
        if rest.hasPrefix("ForAnyValue:") { qualifier = .forAnyValue; rest = rest.dropFirst("ForAnyValue:".count) }
        else if rest.hasPrefix("ForAllValues:") { qualifier = .forAllValues; rest = rest.dropFirst("ForAllValues:".count) }
        var ifExists = false
        if rest.hasSuffix("IfExists") { ifExists = true; rest = rest.dropLast("IfExists".count) }
        guard let op = Operator(rawValue: String(rest)) else { throw Problem(message: "\(at) uses an unknown condition operator '\(name)'.") }
        guard case .object(let keys) = value else { throw Problem(message: "\(at)'s condition \(name) must be an object of keys and values.") }
        var out: [Condition] = []
        for k in keys.members {
            var values: [String] = []
            let items: [JSON] = k.value.array ?? [k.value]
            for item in items {
                switch item {
                case .string(let s): values.append(s)
                case .bool(let b): values.append(b ? "true" : "false")
                case .int(let i): values.append(String(i))
                case .number(let n): values.append(n)
                default: throw Problem(message: "\(at)'s condition \(name) on \(k.key) must have strings, numbers or booleans.")
                }
            }
            out.append(Condition(qualifier: qualifier, op: op, ifExists: ifExists, key: k.key, values: values))
        }
        return out
    }
}
