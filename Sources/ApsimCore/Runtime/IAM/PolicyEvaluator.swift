/// Who asks, in policy terms: an IAM principal (by ARN, of an account), or nobody (an NFS mount
/// without `iam`), which only statements whose Principal is everyone (`"*"`) can allow.
enum PolicyPrincipal: Sendable, Equatable {
    case anonymous
    case iam(arn: String, account: String)

    var account: String? {
        if case .iam(_, let account) = self { return account }
        return nil
    }

    /// Whether it is its account's root (`arn:aws:iam::<account>:root`).
    var isRoot: Bool {
        if case .iam(let arn, let account) = self { return arn == "arn:aws:iam::" + account + ":root" }
        return false
    }
}

/// One request to decide: who, which action, on which resource, with which condition keys
/// (names compared case-insensitively, each with its values).
struct PolicyRequest: Sendable {
    let principal: PolicyPrincipal
    let action: String
    let resource: String
    let context: [String: [String]]

    init(principal: PolicyPrincipal, action: String, resource: String, context: [String: [String]] = [:]) {
        (self.principal, self.action, self.resource) = (principal, action, resource)
        var lowered: [String: [String]] = [:]
        for (k, v) in context { lowered[k.lowercased()] = v }
        self.context = lowered
    }
}

/// The IAM decision (files.md section 4): an explicit Deny in any applicable policy wins; else an
/// Allow in the principal's identity policies or in the resource's policy grants, both being
/// needed when the principal belongs to another account than the resource; else denied. An
/// account's root has every permission of its own account on the identity side; a resource policy
/// that names an account (its ID or root ARN) grants its principals only where their identity
/// policies also allow.
enum PolicyEvaluator {
    enum Decision: Sendable, Equatable {
        case allowed
        case explicitDeny
        case implicitDeny
    }

    static func decide(_ request: PolicyRequest, identityPolicies: [Policy], resourcePolicy: Policy?,
                       resourceAccount: String) -> Decision {
        var deny = false, identityAllow = request.principal.isRoot, directAllow = false, accountAllow = false
        if case .iam = request.principal {
            for policy in identityPolicies {
                for st in policy.statements where matchesAction(st, request) && matchesResource(st, request, own: nil)
                    && conditionsHold(st.conditions, request.context) {
                    if st.allow { identityAllow = true } else { deny = true }
                }
            }
        }
        for st in resourcePolicy?.statements ?? [] {
            guard let match = principalMatch(st, request.principal), matchesAction(st, request),
                  matchesResource(st, request, own: request.resource), conditionsHold(st.conditions, request.context) else { continue }
            if !st.allow { deny = true } else if match == .direct { directAllow = true } else { accountAllow = true }
        }
        if deny { return .explicitDeny }
        let allowed: Bool
        switch request.principal {
        case .anonymous:
            allowed = directAllow
        case .iam(_, let account):
            if account == resourceAccount {
                allowed = identityAllow || directAllow || (accountAllow && identityAllow)
            } else {
                allowed = (directAllow || accountAllow) && identityAllow
            }
        }
        return allowed ? .allowed : .implicitDeny
    }

    enum PrincipalMatch { case direct, account }

    /// How a resource policy's statement names the principal (nil: it does not).
    static func principalMatch(_ st: Policy.Statement, _ principal: PolicyPrincipal) -> PrincipalMatch? {
        if let p = st.principal { return match(p, principal) }
        if let np = st.notPrincipal { return match(np, principal) == nil ? .direct : nil }
        return nil  // a resource policy's statement must name its principals
    }

    static func match(_ p: Policy.Principals, _ principal: PolicyPrincipal) -> PrincipalMatch? {
        if p.everyone { return .direct }
        guard case .iam(let arn, let account) = principal else { return nil }
        for name in p.aws {
            if name == arn { return .direct }
            if name == account || name == "arn:aws:iam::" + account + ":root" { return .account }
        }
        return nil
    }

    static func matchesAction(_ st: Policy.Statement, _ request: PolicyRequest) -> Bool {
        let action = request.action.lowercased()
        if let actions = st.actions { return actions.contains { glob($0.lowercased(), action) } }
        if let notActions = st.notActions { return !notActions.contains { glob($0.lowercased(), action) } }
        return false
    }

    /// A statement without Resource applies to the resource whose policy it is in (`own`).
    static func matchesResource(_ st: Policy.Statement, _ request: PolicyRequest, own: String?) -> Bool {
        if let resources = st.resources { return resources.contains { glob($0, request.resource) } }
        if let notResources = st.notResources { return !notResources.contains { glob($0, request.resource) } }
        return own != nil
    }

    // MARK: Conditions

    static func conditionsHold(_ conditions: [Policy.Condition], _ context: [String: [String]]) -> Bool {
        conditions.allSatisfy { holds($0, context[$0.key.lowercased()]) }
    }

    static func holds(_ c: Policy.Condition, _ present: [String]?) -> Bool {
        if c.op == .null {
            let wantsAbsent = c.values.contains { $0.lowercased() == "true" }
            return (present == nil || present?.isEmpty == true) == wantsAbsent
        }
        guard let values = present, !values.isEmpty else {
            if c.qualifier == .forAllValues { return true }
            return c.ifExists || c.op.negated
        }
        switch c.qualifier {
        case .forAllValues: return values.allSatisfy { v in c.values.contains { compare(c.op, policy: $0, request: v) } }
        case .forAnyValue: return values.contains { v in c.values.contains { compare(c.op, policy: $0, request: v) } }
        case .none:
            if c.op.negated { return !values.contains { v in c.values.contains { !compare(c.op, policy: $0, request: v) } } }
            return values.contains { v in c.values.contains { compare(c.op, policy: $0, request: v) } }
        }
    }

    /// One comparison; a negated operator answers whether the values differ.
    static func compare(_ op: Policy.Operator, policy: String, request: String) -> Bool {
        switch op {
        case .stringEquals, .arnEquals: return policy == request
        case .stringNotEquals, .arnNotEquals: return policy != request
        case .stringEqualsIgnoreCase: return policy.lowercased() == request.lowercased()
        case .stringNotEqualsIgnoreCase: return policy.lowercased() != request.lowercased()
        case .stringLike, .arnLike: return glob(policy, request)
        case .stringNotLike, .arnNotLike: return !glob(policy, request)
        case .bool: return policy.lowercased() == request.lowercased()
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let p = Double(policy), let r = Double(request) else { return op == .numericNotEquals }
            return ordered(op, r, p)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let p = epochSeconds(policy), let r = epochSeconds(request) else { return op == .dateNotEquals }
            return ordered(op, r, p)
        case .ipAddress: return IPv4.contains(cidr: policy, address: request)
        case .notIpAddress: return !IPv4.contains(cidr: policy, address: request)
        case .null: return false
        }
    }

    static func ordered(_ op: Policy.Operator, _ r: Double, _ p: Double) -> Bool {
        switch op {
        case .numericEquals, .dateEquals: return r == p
        case .numericNotEquals, .dateNotEquals: return r != p
        case .numericLessThan, .dateLessThan: return r < p
        case .numericLessThanEquals, .dateLessThanEquals: return r <= p
        case .numericGreaterThan, .dateGreaterThan: return r > p
        default: return r >= p
        }
    }

    /// Epoch seconds, or an ISO-8601 date (`2026-01-02`, `2026-01-02T03:04:05Z`).
    static func epochSeconds(_ text: String) -> Double? {
        if let n = Double(text) { return n }
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
        guard digits.count >= 3, text.count >= 10 else { return nil }
        let (y, m, d) = (digits[0], digits[1], digits[2])
        guard (0...9999).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        if digits.count >= 6, !(0...24).contains(digits[3]) || !(0...60).contains(digits[4]) || !(0...61).contains(digits[5]) { return nil }
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let time = digits.count >= 6 ? digits[3] * 3600 + digits[4] * 60 + digits[5] : 0
        return Double(days * 86_400 + time)
    }

    /// IAM's wildcards: `*` any run of characters, `?` one character.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var i = 0, j = 0, star = -1, mark = 0
        while j < t.count {
            if i < p.count && (p[i] == "?" || p[i] == t[j]) {
                i += 1; j += 1
            } else if i < p.count && p[i] == "*" {
                star = i; mark = j; i += 1
            } else if star >= 0 {
                i = star + 1; mark += 1; j = mark
            } else {
                return false
            }
        }
        while i < p.count && p[i] == "*" { i += 1 }
        return i == p.count
    }
}

extension IPv4 {
    /// Whether `address` is in `cidr` (`10.0.0.0/8`, or one address).
    static func contains(cidr: String, address: String) -> Bool {
        let parts = cidr.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let base = parse(String(first)), let a = parse(address) else { return false }
        let bits = parts.count > 1 ? Int(parts[1]) ?? -1 : 32
        guard (0...32).contains(bits) else { return false }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - UInt32(bits))
        return base & mask == a & mask
    }
}
