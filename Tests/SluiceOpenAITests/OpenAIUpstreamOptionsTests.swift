import SluiceOpenAI
import Testing

@Suite struct OpenAIUpstreamOptionsTests {
    @Test func defaultsAreTheSafeChoicesForVLLM() {
        let options = OpenAIUpstreamOptions()
        #expect(options.systemMessages == .inline)
        #expect(options.keepBillingHeader == false)
        #expect(options.extendedSampling == false)
        #expect(options.reasoning == OpenAIUpstreamOptions.ReasoningControl.none)
    }

    /// The raw values are what the configuration file spells; changing one breaks existing configurations.
    @Test func rawValuesAreTheConfigurationSpellings() {
        #expect([OpenAIUpstreamOptions.SystemMessagePlacement.inline, .fold].map(\.rawValue) == ["inline", "fold"])
        #expect(
            [OpenAIUpstreamOptions.ReasoningControl.none, .reasoningEffort, .chatTemplateKwargs].map(\.rawValue)
                == ["none", "reasoning_effort", "chat_template_kwargs"]
        )
        #expect(OpenAIUpstreamOptions.ReasoningControl(rawValue: "chat_template_kwargs") == .chatTemplateKwargs)
    }
}
