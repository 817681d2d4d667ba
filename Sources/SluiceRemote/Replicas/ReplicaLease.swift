/// One request counted as outstanding on a replica, until the lease is let go (the answer's
/// stream ended or was dropped).
final class ReplicaLease: Sendable {
    let pool: ReplicaPool
    let index: Int

    init(pool: ReplicaPool, index: Int) {
        self.pool = pool
        self.index = index
    }

    var url: String { pool.urls[index] }

    deinit { pool.release(index) }
}
