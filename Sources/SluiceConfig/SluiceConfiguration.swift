public import SluiceCore

/// Everything `sluice serve` needs, from embedded defaults, `sluice.yaml`, the environment and flags.
public struct SluiceConfiguration: Sendable, Hashable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8765
    /// A SQLite file, or a `postgres://` URL for several replicas on one database.
    public var database: String = "data/sluice.sqlite"
    /// The most connections to PostgreSQL this process opens.
    public var databasePoolSize: Int = 16
    /// The environment variable holding the PostgreSQL password, when the URL has none.
    public var databasePasswordEnvironmentVariable: String?
    /// Where this process journals usage rows before the database has them (files `PATH.N`):
    /// by default next to a SQLite file, or `data/sluice-usage` with PostgreSQL.
    public var usageJournal: String?
    public var policiesDirectory: String = "policies"
    public var defaultPolicy: String = "default"
    /// Request bodies above this many bytes are refused with 413.
    public var bodyLimit: Int = 32 * 1024 * 1024
    /// How long in-flight requests and streams may take to finish after SIGTERM.
    public var shutdownGracePeriod: Duration = .seconds(30)
    /// How long an Anthropic stream may stay silent before a `ping` goes out.
    public var keepAliveInterval: Duration = .seconds(10)
    /// What a client connection may cost the server: slow or silent clients are closed.
    public var connectionLimits = ConnectionLimits()
    /// The longest a request may take, upstream included: past it a plain response is a 504 and a
    /// stream ends with an error event.
    public var requestTimeout: Duration = .seconds(600)
    /// How long a Responses API response made with `store: true` is kept (OpenAI keeps them 30 days).
    public var responseRetention: Duration = .seconds(30 * 24 * 3600)
    /// The listener's certificate and key; without them Sluice listens in plain HTTP.
    public var tls: TLSFiles?
    public var backends: [BackendConfiguration] = []
    public var routes: [RouteConfiguration] = []
    /// What models cost, first match on the model a client asked for; unmatched models cost nothing.
    public var prices: [ModelPrice] = []
    /// Where traces go; `nil` leaves it to the `OTEL_*` environment variables.
    public var telemetry: TelemetryConfiguration?
    /// The admin console's sessions and single sign-on.
    public var console = ConsoleConfiguration()

    public init() {}
}

/// The PEM files of the listener's TLS: its certificate chain and key, and optionally the CA
/// whose certificates clients must present (mutual TLS).
public struct TLSFiles: Sendable, Hashable {
    public var certificateFile: String
    public var keyFile: String
    public var clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}

/// Bounds on client connections, so that slow, silent or too many clients cannot hold the server.
public struct ConnectionLimits: Sendable, Hashable {
    /// A request's headers must arrive within this long of its first byte (or of the connection opening).
    public var headerTimeout: Duration = .seconds(10)
    /// The longest silence allowed between two pieces of a request body.
    public var bodyTimeout: Duration = .seconds(30)
    /// A kept-alive connection with no request in progress is closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections past this many are answered 503 and closed at once.
    public var maxConnections: Int = 4096

    public init() {}
}

/// One upstream, or the embedded engine, that routes can send requests to.
public struct BackendConfiguration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case openai
        /// The OpenAI Responses API, spoken natively (built-in tools, encrypted reasoning).
        case openAIResponses = "openai_responses"
        case anthropic
        case llama
    }

    /// How an OpenAI-type backend is spoken to; see the README's configuration reference.
    public enum SystemMessagePlacement: String, Sendable, Hashable, CaseIterable {
        case inline
        case fold
    }

    /// `llama` only: whether attention uses llama.cpp's flash-attention kernels.
    public enum FlashAttention: String, Sendable, Hashable, CaseIterable {
        case auto
        case on
        case off
    }

    /// `llama` only: the KV cache's number format.
    public enum CacheType: String, Sendable, Hashable, CaseIterable {
        case f16
        case q8_0
    }

    public enum ReasoningControl: String, Sendable, Hashable, CaseIterable {
        case none
        case reasoningEffort = "reasoning_effort"
        case chatTemplateKwargs = "chat_template_kwargs"
    }

    /// How a backend of several replicas picks one for a request.
    public enum Balance: String, Sendable, Hashable, CaseIterable {
        case leastOutstanding = "least_outstanding"
        case roundRobin = "round_robin"
    }

    public enum Affinity: String, Sendable, Hashable, CaseIterable {
        /// Each session (Claude Code's session id, the end user, or the conversation's start) keeps to one replica.
        case session
        case none
    }

    /// A request sent to each replica now and then; one that does not answer 2xx gets no traffic until it does.
    public struct HealthCheck: Sendable, Hashable {
        /// Appended to the replica's URL, e.g. `/models`.
        public var path: String
        public var interval: Duration

        public init(path: String, interval: Duration) {
            self.path = path
            self.interval = interval
        }
    }

    /// One model server of a remote backend, and what only its requests carry.
    public struct Replica: Sendable, Hashable {
        /// The API root, e.g. `http://127.0.0.1:9000/v1`.
        public var url: String
        /// Replaces the backend's `api_key_env` for this replica (another account, another tenant).
        public var apiKeyEnvironmentVariable: String?
        /// Sent to this replica only, after (so over) the backend's `headers`.
        public var headers: [String: String] = [:]

        public init(url: String, apiKeyEnvironmentVariable: String? = nil, headers: [String: String] = [:]) {
            self.url = url
            self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
            self.headers = headers
        }
    }

    public var name: String
    public var kind: Kind
    /// One server (`url:`), or replicas of one (`urls:`).
    public var replicas: [Replica]
    /// Sent with every request to the backend, e.g. an organisation or routing header.
    public var headers: [String: String] = [:]
    public var balance: Balance = .leastOutstanding
    public var affinity: Affinity = .session
    public var healthCheck: HealthCheck?
    /// The environment variable holding the upstream's API key (never the key itself).
    public var apiKeyEnvironmentVariable: String?
    public var connectTimeout: Duration = .seconds(10)
    /// The longest the upstream may stay silent mid-response.
    public var readTimeout: Duration = .seconds(600)
    /// Attempts on this backend before falling back to the next (connect errors, 5xx, 429).
    public var maxAttempts: Int = 2
    /// The most output tokens asked of this backend: clients such as Claude Code ask for up to
    /// 128000, which servers with a smaller context refuse outright.
    public var maxOutputTokens: Int?
    /// Remote backends: PEM certificates to verify the upstream with (a private CA), instead of the system's.
    public var caFile: String?
    public var systemMessages: SystemMessagePlacement = .inline
    public var keepBillingHeader: Bool = false
    public var extendedSampling: Bool = false
    public var reasoning: ReasoningControl = .none
    /// `llama` only: the GGUF model file.
    public var modelPath: String?
    /// `llama` only: tokens of KV cache, shared by the sequences (one request may use all of them);
    /// `nil` takes the model's training length, capped at 16384.
    public var contextLength: Int?
    /// `llama` only: requests decoded together; more wait.
    public var parallel: Int = 4
    /// `llama` only: CPU threads; `nil` uses every core.
    public var threads: Int?
    /// `llama` only: the most tokens one decode call takes.
    public var batchSize: Int = 2048
    /// `llama` only: the model is an embedding model, serving `/v1/embeddings` and no chat;
    /// `parallel` is then the most inputs a batch takes and `context` the longest input.
    public var embeddings: Bool = false
    /// `llama` only: layers on the GPUs; `nil` puts every layer there when llama.cpp finds a GPU.
    public var gpuLayers: Int?
    /// `llama` only: the GPU that holds an unsplit model (and a split one's scratch buffers).
    public var mainGPU: Int = 0
    /// `llama` only: each GPU's share of the layers; empty splits by free memory.
    public var tensorSplit: [Double] = []
    public var flashAttention: FlashAttention = .auto
    public var cacheTypeK: CacheType = .f16
    /// A quantized V cache needs flash attention (checked when the file is read).
    public var cacheTypeV: CacheType = .f16

    public init(name: String, kind: Kind, url: String? = nil) {
        self.name = name
        self.kind = kind
        self.replicas = url.map { [Replica(url: $0)] } ?? []
    }
}

/// Sends the models matching `match` to `backends`, in order of preference.
public struct RouteConfiguration: Sendable, Hashable {
    public var match: String
    public var backends: [String]
    public var model: String?
    /// The id `/v1/models` lists the route under, which routes here too (see the README's
    /// section on model discovery in Claude Code).
    public var advertise: String?
    /// The name `/v1/models` shows for the route.
    public var displayName: String?

    public init(match: String, backends: [String], model: String? = nil, advertise: String? = nil, displayName: String? = nil) {
        self.match = match
        self.backends = backends
        self.model = model
        self.advertise = advertise
        self.displayName = displayName
    }
}
