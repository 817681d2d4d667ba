/// Entries by key in order of use, each with a cost, evicted least recently used first.
/// Every operation is O(1) but eviction, which is O(1) per entry evicted.
///
/// The order is a doubly linked list threaded through an array (no node allocations);
/// freed slots are reused.
struct LeastRecentlyUsed<Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var key: String
        var value: Value
        var cost: Int
        var newer: Int?
        var older: Int?
    }

    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    private var slots: [String: Int] = [:]
    private var newest: Int?
    private var oldest: Int?
    private(set) var totalCost = 0

    var count: Int { slots.count }

    /// The value under `key`, which becomes the most recently used.
    mutating func value(forKey key: String) -> Value? {
        guard let slot = slots[key] else { return nil }
        unlink(slot)
        linkAsNewest(slot)
        return nodes[slot]!.value
    }

    /// Stores `value` as the most recently used, replacing any value under `key`.
    mutating func insert(_ value: Value, forKey key: String, cost: Int) {
        removeValue(forKey: key)
        let node = Node(key: key, value: value, cost: cost)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        slots[key] = slot
        totalCost += cost
        linkAsNewest(slot)
    }

    mutating func removeValue(forKey key: String) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        totalCost -= nodes[slot]!.cost
        nodes[slot] = nil
        freeSlots.append(slot)
    }

    /// Evicts least recently used entries until at most `maxCount` remain costing at most `maxCost`.
    /// - Returns: the evicted keys, oldest first.
    @discardableResult
    mutating func evict(maxCount: Int, maxCost: Int) -> [String] {
        var evicted: [String] = []
        while count > maxCount || totalCost > maxCost, let slot = oldest {
            let key = nodes[slot]!.key
            removeValue(forKey: key)
            evicted.append(key)
        }
        return evicted
    }

    /// Keys from most to least recently used (for tests and diagnostics).
    var keysByRecency: [String] {
        var keys: [String] = []
        var cursor = newest
        while let slot = cursor {
            keys.append(nodes[slot]!.key)
            cursor = nodes[slot]!.older
        }
        return keys
    }

    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot]!.newer
        let older = nodes[slot]!.older
        if let newer { nodes[newer]!.older = older } else { newest = older }
        if let older { nodes[older]!.newer = newer } else { oldest = newer }
        nodes[slot]!.newer = nil
        nodes[slot]!.older = nil
    }

    private mutating func linkAsNewest(_ slot: Int) {
        nodes[slot]!.older = newest
        nodes[slot]!.newer = nil
        if let newest { nodes[newest]!.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }
}
