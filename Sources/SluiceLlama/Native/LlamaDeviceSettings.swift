/// Where the engine puts a model's layers and how it keeps its KV cache: llama-server's `-ngl`,
/// `--main-gpu`, `--tensor-split`, `--flash-attn` and `--cache-type-k/-v`.
public struct LlamaDeviceSettings: Sendable, Hashable {
    public enum FlashAttention: String, Sendable, Hashable, CaseIterable {
        /// llama.cpp turns it on where the device and model support it.
        case auto
        case on
        case off
    }

    /// The KV cache's number format: `q8_0` halves its memory for a small loss of precision.
    public enum CacheType: String, Sendable, Hashable, CaseIterable {
        case f16
        case q8_0
    }

    /// Layers to put on GPUs; `nil` puts all there when llama.cpp found a GPU, none otherwise.
    public var gpuLayers: Int?
    /// The GPU holding the model when it is not split, and the scratch buffers when it is.
    public var mainGPU: Int
    /// The share of the layers each GPU takes, by index (`[3, 1]`: three quarters on GPU 0); empty
    /// splits by free memory.
    public var tensorSplit: [Double]
    public var flashAttention: FlashAttention
    public var cacheTypeK: CacheType
    /// A quantized V cache needs flash attention, so `q8_0` here wants `flashAttention` not `off`.
    public var cacheTypeV: CacheType

    public init(
        gpuLayers: Int? = nil, mainGPU: Int = 0, tensorSplit: [Double] = [], flashAttention: FlashAttention = .auto,
        cacheTypeK: CacheType = .f16, cacheTypeV: CacheType = .f16
    ) {
        self.gpuLayers = gpuLayers
        self.mainGPU = mainGPU
        self.tensorSplit = tensorSplit
        self.flashAttention = flashAttention
        self.cacheTypeK = cacheTypeK
        self.cacheTypeV = cacheTypeV
    }
}
