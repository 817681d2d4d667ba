/// Maps a request's model name to the backends that may answer it: a route's advertised id
/// first, then the first matching glob.
public struct RouteTable: Sendable {
    public struct Route: Sendable, Hashable {
        public var match: ModelGlob
        /// Backend names in order of preference: the next is tried when one fails before answering.
        public var backends: [String]
        /// The model name sent upstream; `nil` keeps the client's.
        public var upstreamModel: String?
        /// The id `/v1/models` lists this route under instead of its own name, which also routes
        /// here (Claude Code's model discovery keeps only ids containing `claude` or `anthropic`).
        /// The route's match must then be literal or it must rewrite the model, so that the
        /// upstream is sent a name it knows.
        public var advertisedAs: String?
        /// The name `/v1/models` shows for this route; `nil` shows the id.
        public var displayName: String?

        public init(
            match: ModelGlob, backends: [String], upstreamModel: String? = nil, advertisedAs: String? = nil,
            displayName: String? = nil
        ) {
            self.match = match
            self.backends = backends
            self.upstreamModel = upstreamModel
            self.advertisedAs = advertisedAs
            self.displayName = displayName
        }

        /// The model name to send upstream for a request that asked for `model` and came here.
        public func upstreamModel(for model: String) -> String? {
            upstreamModel ?? (model == advertisedAs ? match.pattern : nil)
        }
    }

    public var routes: [Route]

    public init(routes: [Route]) {
        self.routes = routes
    }

    /// An advertised id is an explicit claim, so it wins over a glob of an earlier route.
    public func route(for model: String) -> Route? {
        routes.first { $0.advertisedAs == model } ?? routes.first { $0.match.matches(model) }
    }

    /// What `/v1/models` lists: each route's advertised id, else every literal route, and the
    /// upstream name of each wildcard route that rewrites to one.
    public var advertisedModels: [ModelListing] {
        var listings: [ModelListing] = []
        for route in routes {
            let id = route.advertisedAs ?? (route.match.isLiteral ? route.match.pattern : route.upstreamModel)
            if let id, !listings.contains(where: { $0.id == id }) {
                listings.append(ModelListing(id: id, displayName: route.displayName ?? id))
            }
        }
        return listings
    }
}
