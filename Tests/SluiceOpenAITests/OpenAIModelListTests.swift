import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIModelListTests {
    @Test func listsEveryModelInOrder() {
        #expect(
            OpenAIModelList.encode(models: ["qwen3", "claude-*"], created: 5).serializedString()
                == compact(
                    #"""
                    {"object":"list","data":[{"id":"qwen3","object":"model","created":5,"owned_by":"sluice"},
                                             {"id":"claude-*","object":"model","created":5,"owned_by":"sluice"}]}
                    """#
                )
        )
        #expect(OpenAIModelList.encode(models: [], created: 5).serializedString() == #"{"object":"list","data":[]}"#)
    }
}
