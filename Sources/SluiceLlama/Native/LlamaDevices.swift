internal import CLlama

/// The GPUs llama.cpp can use in this process (through the backends it was built with: CUDA on a
/// GPU host, none in a CPU build), and how ``LlamaDeviceSettings`` become its model parameters.
enum LlamaDevices {
    struct GPU: Sendable, Hashable {
        let index: Int
        let name: String
        let description: String
        /// The device's memory in use now (by every process), and its size.
        let usedBytes: Int
        let totalBytes: Int
    }

    /// The GPUs, in llama.cpp's order (the order `main_gpu` and `tensor_split` count in).
    static func gpus() -> [GPU] {
        LlamaLibrary.initialize()
        var gpus: [GPU] = []
        for index in 0..<ggml_backend_dev_count() {
            guard let device = ggml_backend_dev_get(index) else { continue }
            let type = ggml_backend_dev_type(device)
            guard type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU else { continue }
            var free = 0
            var total = 0
            ggml_backend_dev_memory(device, &free, &total)
            gpus.append(
                GPU(
                    index: gpus.count, name: String(cString: ggml_backend_dev_name(device)),
                    description: String(cString: ggml_backend_dev_description(device)), usedBytes: max(0, total - free),
                    totalBytes: total))
        }
        return gpus
    }

    /// The model parameters `settings` ask for on a machine with `gpuCount` GPUs.
    /// - Throws: ``LlamaError`` for a GPU index or split that names a GPU this machine lacks.
    static func modelParameters(_ settings: LlamaDeviceSettings, gpuCount: Int) throws(LlamaError) -> ModelParameters {
        if gpuCount > 0, settings.mainGPU >= gpuCount {
            throw .devicesInvalid("main_gpu is \(settings.mainGPU), but llama.cpp found \(gpuCount) GPU(s)")
        }
        if gpuCount > 0, settings.tensorSplit.count > gpuCount {
            throw .devicesInvalid("tensor_split has \(settings.tensorSplit.count) shares for \(gpuCount) GPU(s)")
        }
        if settings.tensorSplit.contains(where: { !$0.isFinite || $0 < 0 }) {
            throw .devicesInvalid("tensor_split shares must be zero or more")
        }
        // llama.cpp reads a negative count as every layer.
        let layers = gpuCount == 0 ? 0 : Int32(clamping: settings.gpuLayers ?? -1)
        return ModelParameters(gpuLayers: layers, mainGPU: Int32(settings.mainGPU), tensorSplit: settings.tensorSplit.map(Float.init))
    }

    /// What llama.cpp's model parameters get from the settings.
    struct ModelParameters: Sendable, Hashable {
        let gpuLayers: Int32
        let mainGPU: Int32
        /// Empty, or one share per GPU (llama.cpp reads `llama_max_devices()` of them; the rest are 0).
        let tensorSplit: [Float]
    }

    static func flashAttention(_ setting: LlamaDeviceSettings.FlashAttention) -> llama_flash_attn_type {
        switch setting {
        case .auto: LLAMA_FLASH_ATTN_TYPE_AUTO
        case .on: LLAMA_FLASH_ATTN_TYPE_ENABLED
        case .off: LLAMA_FLASH_ATTN_TYPE_DISABLED
        }
    }

    static func cacheType(_ setting: LlamaDeviceSettings.CacheType) -> ggml_type {
        switch setting {
        case .f16: GGML_TYPE_F16
        case .q8_0: GGML_TYPE_Q8_0
        }
    }
}

extension LlamaDevices.ModelParameters {
    static let cpuOnly = LlamaDevices.ModelParameters(gpuLayers: 0, mainGPU: 0, tensorSplit: [])
}
