/// What a request asks a model to do, as `gen_ai.operation.name` names it.
public enum GenAIOperation: String, Sendable, Hashable {
    case chat
    case embeddings
}
