@testable import ApsimCore
import Testing

/// The IAM policy language and decision (files.md section 4), shared by EFS mounts and, next, S3
/// through FSx access points.
@Suite struct PolicyTests {
    let fs = "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0"
    let root = PolicyPrincipal.iam(arn: "arn:aws:iam::111122223333:root", account: "111122223333")
    let app = PolicyPrincipal.iam(arn: "arn:aws:iam::111122223333:role/app", account: "111122223333")
    let other = PolicyPrincipal.iam(arn: "arn:aws:iam::444455556666:role/app", account: "444455556666")

    func policy(_ text: String) throws -> Policy { try Policy(.string(text)) }

    func problem(_ text: String) -> String? {
        do { _ = try Policy(.string(text)); return nil } catch { return error.message }
    }

    func decide(_ principal: PolicyPrincipal, _ action: String, identity: [String] = [], resource: String?,
                context: [String: [String]] = [:]) throws -> PolicyEvaluator.Decision {
        PolicyEvaluator.decide(PolicyRequest(principal: principal, action: action, resource: fs, context: context),
                               identityPolicies: try identity.map(policy), resourcePolicy: try resource.map(policy),
                               resourceAccount: "111122223333")
    }

    @Test func documentsAreCheckedWithASentence() {
        #expect(problem("{") == "The policy is not valid JSON: Malformed JSON at byte 1: expected a member name.")
        #expect(problem(#"{"Version": "2013-01-01", "Statement": []}"#) == #"The policy's Version must be "2012-10-17" or "2008-10-17"."#)
        #expect(problem(#"{"Version": "2012-10-17"}"#) == "The policy must have a Statement: an object or a list of objects.")
        #expect(problem(#"{"Statement": {"Effect": "Permit", "Action": "*"}}"#) == #"Statement 1 must have an Effect of "Allow" or "Deny"."#)
        #expect(problem(#"{"Statement": [{"Effect": "Allow", "Action": "a", "NotAction": "b"}]}"#)
                == "Statement 1 must have exactly one of Action and NotAction.")
        #expect(problem(#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringSorta": {"k": "v"}}}}"#)
                == "Statement 1 uses an unknown condition operator 'StringSorta'.")
        #expect(problem(#"{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"AWS": "bob"}}}"#)
                == "Statement 1's Principal names 'bob', which is no account ID, principal ARN or \"*\".")
        #expect(problem(#"{"Statement": {"Effect": "Allow", "Action": "*", "Principal": "*", "Condition": {"ForAnyValue:StringLikeIfExists": {"k": ["a*", 3, true]}}}}"#) == nil)
    }

    @Test func explicitDenyWinsAndAccountsNeedBothSides() throws {
        let allowAll = #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:Client*"}}"#
        // Anyone, anonymous included, through a "*" statement; no Resource: this resource.
        #expect(try decide(.anonymous, "elasticfilesystem:ClientMount", resource: allowAll) == .allowed)
        #expect(try decide(.anonymous, "elasticfilesystem:ClientMount", resource: nil) == .implicitDeny)
        // The account's root has every permission of its own account; another role needs a grant.
        #expect(try decide(root, "elasticfilesystem:ClientRootAccess", resource: nil) == .allowed)
        #expect(try decide(app, "elasticfilesystem:ClientWrite", resource: nil) == .implicitDeny)
        #expect(try decide(app, "ELASTICFILESYSTEM:clientwrite", identity: [#"{"Statement": {"Effect": "Allow", "Action": "elasticfilesystem:Client*", "Resource": "*"}}"#],
                           resource: nil) == .allowed)
        // A statement naming the account grants its principals only with their identity's allow.
        let account = #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "elasticfilesystem:ClientMount"}}"#
        #expect(try decide(app, "elasticfilesystem:ClientMount", resource: account) == .implicitDeny)
        #expect(try decide(root, "elasticfilesystem:ClientMount", resource: account) == .allowed)
        // Another account: the resource policy and the identity policy must both allow.
        let toOther = #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/app"}, "Action": "elasticfilesystem:ClientMount"}}"#
        #expect(try decide(other, "elasticfilesystem:ClientMount", resource: toOther) == .implicitDeny)
        #expect(try decide(other, "elasticfilesystem:ClientMount", identity: [#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#],
                           resource: toOther) == .allowed)
        // An explicit Deny anywhere wins, root included.
        let denyWrite = #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}, {"Effect": "Deny", "Principal": "*", "NotAction": "elasticfilesystem:ClientMount"}]}"#
        #expect(try decide(root, "elasticfilesystem:ClientWrite", resource: denyWrite) == .explicitDeny)
        #expect(try decide(root, "elasticfilesystem:ClientMount", resource: denyWrite) == .allowed)
    }

    @Test func conditionsFollowIAM() throws {
        let tls = #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}, {"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#
        #expect(try decide(.anonymous, "elasticfilesystem:ClientMount", resource: tls, context: ["aws:SecureTransport": ["false"]]) == .explicitDeny)
        #expect(try decide(.anonymous, "elasticfilesystem:ClientMount", resource: tls, context: ["AWS:securetransport": ["true"]]) == .allowed)
        // A key the request lacks: a positive operator fails, IfExists and negated operators pass.
        func only(_ condition: String) -> String { #"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": \#(condition)}}"# }
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"StringEquals": {"elasticfilesystem:AccessPointArn": "arn:a"}}"#)) == .implicitDeny)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"StringEqualsIfExists": {"elasticfilesystem:AccessPointArn": "arn:a"}}"#)) == .allowed)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"StringNotEquals": {"elasticfilesystem:AccessPointArn": "arn:a"}}"#)) == .allowed)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"Null": {"elasticfilesystem:AccessPointArn": "true"}}"#)) == .allowed)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"StringLike": {"elasticfilesystem:AccessPointArn": "arn:*:fsap-0?"}}"#),
                           context: ["elasticfilesystem:AccessPointArn": ["arn:aws:fsap-01"]]) == .allowed)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#),
                           context: ["aws:SourceIp": ["10.2.3.4"]]) == .allowed)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"NumericLessThan": {"k": "5"}}"#), context: ["k": ["7"]]) == .implicitDeny)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#),
                           context: ["aws:CurrentTime": ["1798761600"]]) == .allowed)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"ForAllValues:StringEquals": {"k": ["a", "b"]}}"#), context: ["k": ["a", "c"]]) == .implicitDeny)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"ForAnyValue:StringEquals": {"k": ["a", "b"]}}"#), context: ["k": ["c", "b"]]) == .allowed)
        #expect(PolicyEvaluator.glob("a*b?c", "aXXbYc") && !PolicyEvaluator.glob("a*b?c", "aXXbc"))
        // Hostile values refuse to match rather than trap.
        #expect(!IPv4.contains(cidr: "", address: "10.0.0.1") && !IPv4.contains(cidr: "10.0.0.0/99", address: "10.0.0.1"))
        #expect(PolicyEvaluator.epochSeconds("2026-01-01T9223372036854775807:00:00Z") == nil)
        #expect(PolicyEvaluator.epochSeconds("922337203685477580-01-01") == nil)
        #expect(try decide(.anonymous, "x:Y", resource: only(#"{"IpAddress": {"aws:SourceIp": ""}}"#), context: ["aws:SourceIp": ["10.0.0.1"]]) == .implicitDeny)
    }
}
