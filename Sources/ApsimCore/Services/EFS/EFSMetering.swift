/// EFS's metered size (files.md section 6): each object counts 2 KiB of metadata plus its data
/// rounded up to 4 KiB increments: a file's stored bytes (at least one increment, so an empty
/// file meters 6 KiB), a symbolic link one increment, a directory one per started 128 entries
/// (apsim's decision), at least one. A new file system (its root alone) meters 6144 bytes.
///
/// Storage classes: a regular file of at least 128 KiB counts its data in Infrequent Access when
/// it has not been read or written for the file system's `TransitionToIA` age, in Archive after
/// `TransitionToArchive`; a read moves it back to Standard only with
/// `TransitionToPrimaryStorageClass: AFTER_1_ACCESS`, a write always does. Metadata stays in
/// Standard.
///
/// The `metering` key: `instant` (the default) reports the size at the moment of the
/// description; `hourly` the size at the last hour boundary, as AWS samples hourly (before the
/// first boundary after creation, the size at creation).
extension EFSService {
    static let meteringKey = ConfigKey(
        "metering", type: "string", default: "\"instant\"", usage: "metering must be \"instant\" or \"hourly\".",
        summary: "When EFS's SizeInBytes follows the files: instant, or hourly as AWS samples it.") { v in
            v.string == "instant" || v.string == "hourly" ? v : nil
        }

    static let increment: Int64 = 4096, objectMetadata: Int64 = 2048, coldMinimum: Int64 = 128 * 1024
    static let hour: Int64 = 3_600_000, day: Int64 = 86_400_000

    /// A file system's lifecycle configuration as ages (ms) and the read rule.
    struct Transitions {
        var toIA: Int64? = nil
        var toArchive: Int64? = nil
        var backOnAccess = false

        init(_ policies: [JSON]) {
            func age(_ rule: String?) -> Int64? {
                guard let rule, rule.hasPrefix("AFTER_"), let days = Int64(rule.dropFirst(6).prefix { $0.isNumber }) else { return nil }
                return days * EFSService.day
            }
            for p in policies {
                if let v = age(p["TransitionToIA"]?.string) { toIA = v }
                if let v = age(p["TransitionToArchive"]?.string) { toArchive = v }
                if p["TransitionToPrimaryStorageClass"]?.string == "AFTER_1_ACCESS" { backOnAccess = true }
            }
        }

        /// 0 Standard, 1 IA, 2 Archive for `file` at `now`.
        func storageClass(_ file: FileNode, now: Int64) -> UInt8 {
            guard file.type == .file, file.data.size >= EFSService.coldMinimum else { return 0 }
            let idle = now - file.lastAccess
            var byAge: UInt8 = 0
            if let a = toArchive, idle >= a { byAge = 2 } else if let a = toIA, idle >= a { byAge = 1 }
            return max(file.coldFloor, byAge)
        }
    }

    /// [total, IA, Archive] of `tree` at `now` (Standard is the rest).
    static func measure(_ tree: FileTree, _ transitions: Transitions, now: Int64) -> [Int64] {
        var total: Int64 = 0, ia: Int64 = 0, archive: Int64 = 0
        for node in tree.nodes.values {
            switch node.type {
            case .file:
                let data = max(increment, node.data.storedBytes)
                total += objectMetadata + data
                switch transitions.storageClass(node, now: now) {
                case 1: ia += data
                case 2: archive += data
                default: break
                }
            case .symlink: total += objectMetadata + increment
            case .directory: total += objectMetadata + increment * max(1, (Int64(node.entries.count) + 127) / 128)
            }
        }
        return [total, ia, archive]
    }

    /// SizeInBytes of `fs` at `ctx.now`: (Value, ValueInIA, ValueInArchive, Timestamp).
    static func sizeInBytes(_ fs: EFSFileSystem, _ s: borrowing WorldState, _ ctx: CallContext) -> (values: [Int64], at: Int64) {
        let empty: [Int64] = [EFSOperations.metadataBytes, 0, 0]
        let hourly = meteringKey.value(in: ctx.config)?.string == "hourly"
        guard let tree = FileTrees.existing(fs.id, in: s) else { return (empty, ctx.now) }
        let transitions = Transitions(fs.lifecyclePolicies)
        guard hourly else { return (measure(tree, transitions, now: ctx.now), ctx.now) }
        let boundary = ctx.now / hour * hour
        guard boundary > fs.creationTime else { return (empty, fs.creationTime) }  // the creation's sample
        if let sample = tree.sample, sample.at == boundary { return (sample.values, boundary) }
        // No change since the boundary: the tree is as it was then.
        let values = measure(tree, transitions, now: boundary)
        tree.sample = (boundary, values)
        StateChanges.note()
        return (values, boundary)
    }

    /// Before a change, with hourly metering: the sample of the last boundary, if none was taken.
    static func changing(_ tree: FileTree, through mount: FileMount, _ s: inout WorldState, now: Int64) {
        let region = s.region(RegionKey(account: mount.owner.account, region: mount.owner.region))
        guard let fsID = mount.owner.resources["FileSystem"], let fs = region.efs.fileSystems[fsID] else { return }
        let boundary = now / hour * hour
        guard boundary > fs.creationTime, tree.sample?.at != boundary else { return }
        tree.sample = (boundary, measure(tree, Transitions(fs.lifecyclePolicies), now: boundary))
    }

    /// A read: back to Standard with AFTER_1_ACCESS; otherwise a cold file stays in its class.
    static func reading(_ file: FileNode, through mount: FileMount, _ s: inout WorldState, now: Int64) {
        let region = s.region(RegionKey(account: mount.owner.account, region: mount.owner.region))
        guard file.type == .file, let fsID = mount.owner.resources["FileSystem"], let fs = region.efs.fileSystems[fsID] else { return }
        let transitions = Transitions(fs.lifecyclePolicies)
        let current = transitions.storageClass(file, now: now)
        let floor: UInt8 = transitions.backOnAccess ? 0 : current
        if file.lastAccess != now || file.coldFloor != floor {
            (file.lastAccess, file.coldFloor) = (now, floor)
            StateChanges.note()  // a read that changes a file's class is journaled
        }
    }
}
