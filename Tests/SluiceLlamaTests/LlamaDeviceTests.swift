import Logging
import SluiceCore
@testable import SluiceLlama
import Testing

/// GPU placement and the KV cache's format. The GPU run itself needs a CUDA build on a GPU host
/// (scripts/gpu-check); here, the settings' translation into llama.cpp's parameters, and the
/// CPU engine with flash attention and a quantized cache.
@Suite struct LlamaDeviceTests {
    @Test func withoutAGPUNoLayerIsOffloadedWhateverIsAsked() throws {
        #expect(try LlamaDevices.modelParameters(LlamaDeviceSettings(), gpuCount: 0).gpuLayers == 0)
        #expect(try LlamaDevices.modelParameters(LlamaDeviceSettings(gpuLayers: 40), gpuCount: 0).gpuLayers == 0)
    }

    @Test func withGPUsEveryLayerGoesByDefaultAndACountIsKept() throws {
        #expect(try LlamaDevices.modelParameters(LlamaDeviceSettings(), gpuCount: 1).gpuLayers == -1)
        #expect(try LlamaDevices.modelParameters(LlamaDeviceSettings(gpuLayers: 12), gpuCount: 1).gpuLayers == 12)
        #expect(try LlamaDevices.modelParameters(LlamaDeviceSettings(gpuLayers: 0), gpuCount: 1).gpuLayers == 0)
        let split = try LlamaDevices.modelParameters(LlamaDeviceSettings(mainGPU: 1, tensorSplit: [3, 1]), gpuCount: 2)
        #expect(split.mainGPU == 1 && split.tensorSplit == [3, 1])
    }

    @Test func aGPUTheMachineLacksIsRefused() {
        #expect(throws: LlamaError.self) { try LlamaDevices.modelParameters(LlamaDeviceSettings(mainGPU: 1), gpuCount: 1) }
        #expect(throws: LlamaError.self) { try LlamaDevices.modelParameters(LlamaDeviceSettings(tensorSplit: [1, 1, 1]), gpuCount: 2) }
    }

    @Test func thisCPUBuildFindsNoGPUAndPlacesNoLayer() throws {
        #expect(LlamaDevices.gpus().isEmpty)
        let backend = try TinyModels.freshBackend(context: 512, parallel: 1)
        #expect(backend.layersOnGPUs.placed == 0)
        #expect(backend.layersOnGPUs.of > 1)
    }

    @Test func flashAttentionAndAQuantizedCacheAnswerOnTheCPU() async throws {
        let backend = try LlamaBackend(
            name: "local",
            configuration: .init(
                modelPath: try TinyModels.wideHeadsModelPath(), contextLength: 512, parallel: 1, threads: 2,
                devices: LlamaDeviceSettings(flashAttention: .on, cacheTypeK: .q8_0, cacheTypeV: .q8_0)),
            logger: Logger(label: "test"))
        let answer = try await complete(backend, tinyRequest("Hello", maxTokens: 12))
        #expect(answer.usage.outputTokens == 12)
        // The setting reaches llama.cpp: a q8_0 cache cannot hold heads 16 wide (its blocks are 32).
        #expect(throws: LlamaError.self) {
            try LlamaBackend(
                name: "local",
                configuration: .init(
                    modelPath: try TinyModels.path(.chat), contextLength: 512, parallel: 1,
                    devices: LlamaDeviceSettings(cacheTypeK: .q8_0)),
                logger: Logger(label: "test"))
        }
    }

    @Test func aQuantizedVCacheWithoutFlashAttentionIsRefusedAtLoad() throws {
        let error = try #require(throws: LlamaError.self) {
            try LlamaBackend(
                name: "local",
                configuration: .init(
                    modelPath: try TinyModels.path(.chat), contextLength: 512, parallel: 1,
                    devices: LlamaDeviceSettings(flashAttention: .off, cacheTypeV: .q8_0)),
                logger: Logger(label: "test"))
        }
        #expect(error.description.contains("flash attention"))
    }
}
