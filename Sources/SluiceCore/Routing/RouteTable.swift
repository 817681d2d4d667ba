/// Maps a request's model name to the backends that may answer it, first match wins.
public struct RouteTable: Sendable {
    public struct Route: Sendable, Hashable {
        public var match: ModelGlob
        /// Backend names in order of preference: the next is tried when one fails before answering.
        public var backends: [String]
        /// The model name sent upstream; `nil` keeps the client's.
        public var upstreamModel: String?

        public init(match: ModelGlob, backends: [String], upstreamModel: String? = nil) {
            self.match = match
            self.backends = backends
            self.upstreamModel = upstreamModel
        }
    }

    public var routes: [Route]

    public init(routes: [Route]) {
        self.routes = routes
    }

    public func route(for model: String) -> Route? {
        routes.first { $0.match.matches(model) }
    }

    /// The names to advertise on `/v1/models`: every literal route, and the upstream name of
    /// each wildcard route that rewrites to one.
    public var advertisedModels: [String] {
        var names: [String] = []
        for route in routes {
            let name = route.match.isLiteral ? route.match.pattern : route.upstreamModel
            if let name, !names.contains(name) { names.append(name) }
        }
        return names
    }
}
