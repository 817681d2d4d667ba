public import SluiceCore

/// Builds the `rag` stage from a policy's `rag` section:
///
/// ```yaml
/// rag:
///   collections: [handbook]   # made with `sluice rag create`; required
///   top_k: 4                  # most passages injected
///   max_context_tokens: 2000  # most tokens (estimated) the passages may add
///   min_score: 0.0            # passages scoring lower are left out
///   mode: hybrid              # keyword | vector | hybrid
///   on_error: refuse          # refuse (503) | skip (go on without passages)
/// ```
///
/// A collection that does not exist, or `mode: vector` on a collection without embeddings,
/// rejects the policy when it loads. Without a ``Retriever`` in the environment
/// (`sluice policies check`), only the settings are checked.
public struct RAGStageFactory: PolicyStageFactory {
    public let name = "rag"

    public init() {}

    public func makeStage(settings: JSONCursor, environment: PolicyEnvironment) throws -> any PolicyStage {
        let settings = try RAGSettings(settings: settings)
        let retriever = environment.service(Retriever.serviceName, as: Retriever.self)
        if let retriever {
            for name in settings.collections {
                guard let collection = try retriever.catalogued(name) else {
                    throw SluiceError.invalidRequest(
                        "collections: no collection named '\(name)' (create it with sluice rag create \(name))")
                }
                if settings.mode == .vector, !collection.hasEmbeddings {
                    throw SluiceError.invalidRequest(
                        "mode: collection '\(name)' has no embeddings (create it with --embeddings for vector mode)")
                }
            }
        }
        return RAGStage(settings: settings, retriever: retriever)
    }
}
