/// Resources in creation order, for paging in O(page).
///
/// Each resource has a world-wide creation sequence number. Entries stay in an array sorted by
/// that number; a deletion leaves a tombstone (the array is compacted once tombstones outnumber
/// live entries, so removal is amortized O(log n)). A page starts at the first live entry whose
/// sequence number is at least the one in the token, found by binary search, so a walk never
/// repeats or skips a resource that exists for the whole walk, whatever is created or deleted
/// meanwhile.
struct CreationIndex<Element: AnyObject> {
    private var seqs: [UInt64] = []
    private var items: [Element?] = []
    private var tombstones = 0

    init() {}

    var count: Int { items.count - tombstones }

    /// Adds a resource; `seq` must exceed every sequence number added before.
    mutating func append(_ element: Element, seq: UInt64) {
        seqs.append(seq)
        items.append(element)
    }

    mutating func remove(seq: UInt64) {
        let i = firstIndex(atLeast: seq)
        guard i < seqs.count, seqs[i] == seq, items[i] != nil else { return }
        items[i] = nil
        tombstones += 1
        if tombstones > 32 && tombstones * 2 > items.count { compact() }
    }

    private mutating func compact() {
        var s: [UInt64] = [], e: [Element?] = []
        s.reserveCapacity(count)
        e.reserveCapacity(count)
        for (i, item) in items.enumerated() where item != nil {
            s.append(seqs[i])
            e.append(item)
        }
        seqs = s
        items = e
        tombstones = 0
    }

    private func firstIndex(atLeast seq: UInt64) -> Int {
        var lo = 0, hi = seqs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if seqs[mid] < seq { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Up to `limit` live resources from sequence number `start` on that satisfy `include`, and the
    /// sequence number the next page starts at (nil when nothing follows). Without a filter this
    /// is O(page); a filter scans past the resources it skips.
    func page(from start: UInt64, limit: Int, where include: (Element) -> Bool = { _ in true })
        -> (items: [Element], next: UInt64?)
    {
        var out: [Element] = []
        out.reserveCapacity(Swift.min(limit, count))
        var i = firstIndex(atLeast: start)
        while i < items.count {
            if let item = items[i], include(item) {
                if out.count == limit { return (out, seqs[i]) }
                out.append(item)
            }
            i += 1
        }
        return (out, nil)
    }

    /// Every live resource, in creation order.
    var all: [Element] { items.compactMap { $0 } }
}

/// Opaque, tamper-evident page tokens (NextToken, Marker).
///
/// A token names the listing it belongs to (operation and filter) and the sequence number where
/// the next page starts, with a checksum keyed by a per-world secret. A token from another
/// listing, another world or edited by hand is refused (BadRequest), never misread. The text is
/// standard base64, which also satisfies FSx's NextToken pattern.
struct PageTokens: Sendable {
    let secret: UInt64

    init(secret: UInt64) { self.secret = secret }

    func encode(scope: String, seq: UInt64) -> String {
        Base64.encode(Array("\(seq).\(Hex.fixed(mac(scope: scope, seq: seq), digits: 16))".utf8))
    }

    /// The sequence number in `token` if it was made by `encode` for the same scope; else nil.
    func decode(_ token: String, scope: String) -> UInt64? {
        guard let raw = Base64.decode(token), let text = String(validating: raw, as: UTF8.self) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = UInt64(parts[0]),
              parts[1] == Hex.fixed(mac(scope: scope, seq: seq), digits: 16)[...]
        else { return nil }
        return seq
    }

    private func mac(scope: String, seq: UInt64) -> UInt64 {
        // FNV-1a over the scope and sequence, finished with SplitMix64 mixing, keyed by the secret.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ secret
        for b in scope.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        for shift in stride(from: 0, to: 64, by: 8) { h = (h ^ ((seq >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01B3 }
        var g = SeededGenerator(seed: h ^ secret)
        return g.next()
    }
}

/// How a request asks for a page: the members that carry the token and the size (named by the
/// operation's model: `NextToken`/`MaxResults`, `Marker`/`MaxItems`, S3 Files' `nextToken`), and
/// the size when it gives none (`at most` caps what it gives).
struct PageRequest {
    var token: String
    var limit: String
    var defaultLimit: Int64
    var atMost: Int64 = .max
}

extension PageTokens {
    /// One page of `index` for a listing named `scope`: the resources (that satisfy `include`)
    /// from where the request's token says, as many as it asks, and the token of the next page
    /// (nil at the end). A token this world did not make for `scope` throws `invalid`.
    func page<Element: AnyObject>(
        _ index: CreationIndex<Element>, _ input: JSONObject, _ request: PageRequest, scope: String, invalid: APIError,
        where include: (Element) -> Bool = { _ in true }
    ) throws(APIError) -> (items: [Element], next: String?) {
        var start: UInt64 = 0
        if let token = input[request.token]?.string {
            guard let seq = decode(token, scope: scope) else { throw invalid }
            start = seq
        }
        let limit = Int(min(input[request.limit]?.int ?? request.defaultLimit, request.atMost))
        let (items, next) = index.page(from: start, limit: limit, where: include)
        return (items, next.map { encode(scope: scope, seq: $0) })
    }
}
