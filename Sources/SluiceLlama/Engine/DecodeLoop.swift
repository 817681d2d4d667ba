internal import CLlama
internal import CoreMetrics
internal import Logging

/// The engine thread's work: continuous batching over the context's sequences, as llama-server
/// schedules its slots.
///
/// Each step puts one token for every generating sequence and then prompt chunks of the others
/// (oldest request first) into one batch of at most `n_batch` tokens, decodes it once, and samples
/// a token for every sequence whose logits it produced. A new request takes the idle sequence
/// whose cache shares the longest prefix with its prompt, else the least recently used one; a
/// longer prefix held by a busy sequence is shared (unified cache), and a conversation whose
/// cache was moved to host memory (``PromptCache``) is copied back. Only the rest of the prompt
/// is evaluated. When the cache has no room (`llama_decode` returns 1), idle caches go first,
/// then prompt chunks shrink; a request is never failed for it.
///
/// `@unchecked Sendable`: handed once to the thread it runs on, and touched by nothing else.
final class DecodeLoop: @unchecked Sendable {
    private let context: LlamaContext
    private let model: LlamaModel
    private let inbox: ThreadInbox<EngineCommand<GenerationJob>>
    private let statistics: StatisticsBox
    private let metrics: LlamaMetrics
    private let logger: Logger
    private var slots: [SequenceSlot]
    private var waiting: [GenerationJob] = []
    private var promptCache: PromptCache
    /// Prompt tokens a step may take; halved when the cache has no room, grown back after.
    private var promptChunkLimit: Int
    private var step = 0
    /// When the GPUs' memory was last read for the metrics; `nil` on a host without GPUs.
    private var deviceMemoryReadAt: ContinuousClock.Instant?
    /// The busy sequences and queue depth last given to the metrics gauges.
    private var recordedGauges = (busy: 0, queued: 0)
    private var admissions = 0

    init(
        context: LlamaContext, inbox: ThreadInbox<EngineCommand<GenerationJob>>, statistics: StatisticsBox, metrics: LlamaMetrics,
        promptCacheBytes: Int, recordsDeviceMemory: Bool, logger: Logger
    ) {
        self.promptCache = PromptCache(limitBytes: promptCacheBytes)
        self.context = context
        self.model = context.model
        self.inbox = inbox
        self.statistics = statistics
        self.metrics = metrics
        self.logger = logger
        self.slots = (0..<context.sequenceCount).map { SequenceSlot(id: Int32($0)) }
        self.promptChunkLimit = context.batchCapacity
        self.deviceMemoryReadAt = recordsDeviceMemory ? .now : nil
    }

    /// Runs until the inbox stops, then fails what is left.
    func run() {
        while true {
            let (commands, stopped) = inbox.next(wait: !hasWork)
            for command in commands { apply(command) }
            if stopped { break }
            admitWaitingJobs()
            if slots.contains(where: { !$0.isIdle }) { decodeStep() }
            publishStatistics()
        }
        for index in slots.indices where slots[index].job != nil { fail(index, .engineStopped) }
        for job in waiting { job.mailbox.post(.failed(.engineStopped)) }
        waiting.removeAll()
    }

    private var hasWork: Bool { !waiting.isEmpty || slots.contains { !$0.isIdle } }

    private func apply(_ command: EngineCommand<GenerationJob>) {
        switch command {
        case .submit(let job):
            waiting.append(job)
        case .cancel(let id):
            if let position = waiting.firstIndex(where: { $0.id == id }) {
                let job = waiting.remove(at: position)
                job.mailbox.post(.finished(JobCompletion(reason: .cancelled, generatedTokens: 0)))
            } else if let index = slots.firstIndex(where: { $0.job?.id == id }) {
                finish(index, .cancelled)
            }
        }
    }

    // MARK: - Admission and prefix reuse

    private func admitWaitingJobs() {
        var admitted = false
        while let job = waiting.first, let (index, byPrefix) = slotForPrompt(job.promptTokens) {
            waiting.removeFirst()
            admit(job, into: index, chosenByPrefix: byPrefix)
            admitted = true
        }
        if admitted { cacheIdleSequences() }
    }

    /// The idle sequence sharing the longest prefix with `prompt` (when it covers a tenth of it),
    /// else the least recently used one.
    private func slotForPrompt(_ prompt: [llama_token]) -> (index: Int, byPrefix: Bool)? {
        let idle = slots.indices.filter { slots[$0].isIdle }
        guard !idle.isEmpty else { return nil }
        let best = idle.map { ($0, slots[$0].tokens.commonPrefixLength(with: prompt)) }.max { $0.1 < $1.1 }
        if let best, best.1 > 0, best.1 * 10 >= prompt.count { return (best.0, true) }
        let lru = idle.min { (slots[$0].lastUsed, slots[$0].tokens.count) < (slots[$1].lastUsed, slots[$1].tokens.count) }
        return lru.map { ($0, false) }
    }

    /// Moves the caches of idle sequences to host memory, so the KV cache holds only the
    /// sequences at work (llama-server's `cache_idle_slots`).
    private func cacheIdleSequences() {
        for index in slots.indices where slots[index].isIdle && !slots[index].tokens.isEmpty {
            promptCache.save(slots[index].tokens, of: slots[index].id, in: context)
            evict(index)
        }
    }

    private func admit(_ job: GenerationJob, into index: Int, chosenByPrefix: Bool) {
        let id = slots[index].id
        // A conversation this request continues may wait in host memory; and a cache this
        // sequence is about to lose most of is kept there.
        let own = slots[index].tokens.commonPrefixLength(with: job.promptTokens)
        let losing = !chosenByPrefix || own * 2 < slots[index].tokens.count
        if promptCache.bestEntry(for: job.promptTokens, over: slots[index].tokens) != nil || losing {
            promptCache.save(slots[index].tokens, of: id, in: context)
        }
        // Looked up again: saving may have reordered the entries.
        if let entry = promptCache.bestEntry(for: job.promptTokens, over: slots[index].tokens) {
            context.removeTokens(of: id, from: 0)
            slots[index].tokens = promptCache.restore(entry, into: id, in: context) ?? []
        }
        var reuse = slots[index].tokens.commonPrefixLength(with: job.promptTokens)
        // With a unified cache, a longer prefix held by another sequence is shared, not recomputed.
        let donor = slots.indices.filter { $0 != index }
            .map { ($0, slots[$0].tokens.commonPrefixLength(with: job.promptTokens)) }
            .max { $0.1 < $1.1 }
        if let (donorIndex, length) = donor, length > reuse {
            context.removeTokens(of: id, from: 0)
            context.share(from: slots[donorIndex].id, to: id, count: length)
            slots[index].tokens = Array(job.promptTokens[..<length])
            reuse = length
        }
        // At least one prompt token is always evaluated, so there are logits to sample from.
        reuse = min(reuse, job.promptTokens.count - 1)
        if !context.removeTokens(of: id, from: reuse) {
            context.removeTokens(of: id, from: 0)
            reuse = 0
        }
        slots[index].tokens.removeSubrange(reuse...)
        slots[index].job = job
        slots[index].phase = .prompt
        slots[index].nextToken = nil
        admissions += 1
        slots[index].admission = admissions
        job.cachedTokens = reuse
        statistics.update { $0.promptTokensReused += reuse }
        metrics.promptTokensReused.increment(by: Int64(reuse))
        job.mailbox.post(.admitted(cachedTokens: reuse))
    }

    // MARK: - One decode step

    private func decodeStep() {
        step += 1
        context.clearBatch()
        var generating = 0
        for index in slots.indices where slots[index].phase == .generating {
            guard let token = slots[index].nextToken else { continue }
            slots[index].logitsIndex = context.add(
                token, position: slots[index].tokens.count, sequence: slots[index].id, logits: true)
            generating += 1
        }
        var budget = min(context.batchCapacity - context.batchCount, promptChunkLimit)
        var promptTokens = 0
        let prompting = slots.indices.filter { slots[$0].phase == .prompt }.sorted { slots[$0].admission < slots[$1].admission }
        for index in prompting where budget > 0 {
            guard let job = slots[index].job else { continue }
            let start = slots[index].tokens.count
            let count = min(job.promptTokens.count - start, budget)
            for position in start..<(start + count) {
                let last = position == job.promptTokens.count - 1
                let batchIndex = context.add(job.promptTokens[position], position: position, sequence: slots[index].id, logits: last)
                if last { slots[index].logitsIndex = batchIndex }
            }
            slots[index].chunk = count
            budget -= count
            promptTokens += count
        }

        guard context.batchCount > 0 else {
            promptChunkLimit = context.batchCapacity
            return
        }
        let started = ContinuousClock.now
        let status = context.decode()
        let elapsed = started.duration(to: .now)
        defer {
            for index in slots.indices {
                slots[index].logitsIndex = nil
                slots[index].chunk = 0
            }
        }
        guard status == 0 else {
            if status == 1 {
                makeRoom(promptTokens: promptTokens, generating: generating)
            } else {
                logger.error("llama_decode failed", metadata: ["status": "\(status)"])
                for index in slots.indices where slots[index].logitsIndex != nil || slots[index].chunk > 0 {
                    context.removeTokens(of: slots[index].id, from: slots[index].tokens.count)
                    fail(index, .decodeFailed(status))
                }
            }
            return
        }
        promptChunkLimit = min(context.batchCapacity, max(promptChunkLimit, 1) * 2)

        for index in slots.indices {
            switch slots[index].phase {
            case .generating:
                if slots[index].logitsIndex != nil, let token = slots[index].nextToken {
                    slots[index].tokens.append(token)
                    slots[index].nextToken = nil
                }
            case .prompt:
                guard slots[index].chunk > 0, let job = slots[index].job else { continue }
                let start = slots[index].tokens.count
                slots[index].tokens += job.promptTokens[start..<(start + slots[index].chunk)]
                if slots[index].tokens.count == job.promptTokens.count { slots[index].phase = .generating }
            case .idle:
                continue
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        statistics.update { statistics in
            statistics.decodeCalls += 1
            statistics.promptTokensEvaluated += promptTokens
            if generating > 0 { statistics.generationSeconds += seconds } else { statistics.promptSeconds += seconds }
        }
        metrics.decodeCalls.increment()
        metrics.promptTokensEvaluated.increment(by: Int64(promptTokens))
        if generating > 0 { metrics.generationSeconds.increment(by: seconds) }

        for index in slots.indices where slots[index].phase == .generating {
            guard let batchIndex = slots[index].logitsIndex, let job = slots[index].job else { continue }
            let token = job.sampler.sample(context.pointer, index: batchIndex)
            if token < 0 {
                fail(index, .samplerFailed("the sampler found no token (grammar dead end?)"))
            } else {
                accept(token, in: index)
            }
        }
    }

    /// The cache had no room for the batch (nothing was changed): free some, or ask for less.
    private func makeRoom(promptTokens: Int, generating: Int) {
        let cached = slots.indices.filter { slots[$0].isIdle && !slots[$0].tokens.isEmpty }
        if let index = cached.min(by: { slots[$0].lastUsed < slots[$1].lastUsed }) {
            promptCache.save(slots[index].tokens, of: slots[index].id, in: context)
            evict(index)
        } else if promptTokens > 1 {
            promptChunkLimit = max(1, promptTokens / 2)
        } else if generating > 0, promptTokens > 0 {
            // Prompts wait until a running request ends and frees its cells.
            promptChunkLimit = 0
        } else if generating > 0 {
            let longest = slots.indices.filter { slots[$0].phase == .generating }.max { slots[$0].tokens.count < slots[$1].tokens.count }
            if let longest {
                finish(longest, .contextFull)
                evict(longest)
            }
        } else if let youngest = slots.indices.filter({ slots[$0].phase == .prompt }).max(by: { slots[$0].admission < slots[$1].admission }
        ),
            let job = slots[youngest].job, slots.filter({ $0.phase == .prompt }).count > 1
        {
            // Only prompts hold the cache and none fits: the youngest starts over once the others are through.
            slots[youngest].job = nil
            slots[youngest].phase = .idle
            evict(youngest)
            waiting.insert(job, at: 0)
        } else if let index = slots.indices.first(where: { slots[$0].phase == .prompt }) {
            fail(index, .decodeFailed(1))
        }
    }

    private func evict(_ index: Int) {
        context.removeTokens(of: slots[index].id, from: 0)
        slots[index].tokens.removeAll()
        promptChunkLimit = context.batchCapacity
    }

    // MARK: - Tokens out

    private func accept(_ token: llama_token, in index: Int) {
        guard let job = slots[index].job else { return }
        job.generatedTokens += 1
        if job.firstTokenAt == nil { job.firstTokenAt = .now }
        statistics.update { $0.generatedTokens += 1 }
        metrics.generatedTokens.increment()
        if model.isEndOfGeneration(token) {
            finish(index, .endOfTurn)
            return
        }
        let (text, stop) = job.matcher.feed(model.piece(token, special: job.preservedTokens.contains(token)))
        if !text.isEmpty { job.mailbox.post(.text(text)) }
        if let stop {
            finish(index, stop.isClientStop ? .stopSequence(stop.text) : .endOfTurn, flush: false)
        } else if job.generatedTokens >= job.maxTokens {
            finish(index, .maxTokens)
        } else if slots[index].tokens.count >= context.contextLength {
            finish(index, .contextFull)
        } else {
            slots[index].nextToken = token
        }
    }

    /// Ends the sequence's request; its cache stays for the next request that shares its prefix.
    private func finish(_ index: Int, _ reason: JobCompletion.Reason, flush: Bool = true) {
        guard let job = slots[index].job else { return }
        if flush, reason != .cancelled {
            let rest = job.matcher.finish()
            if !rest.isEmpty { job.mailbox.post(.text(rest)) }
        }
        release(index)
        // Counted before the answer ends, so a caller that has its answer sees its sequence free.
        let busy = slots.filter { !$0.isIdle }.count
        statistics.update { statistics in
            statistics.requestsFinished += 1
            statistics.busySequences = busy
        }
        job.mailbox.post(.finished(JobCompletion(reason: reason, generatedTokens: job.generatedTokens)))
        if logger.logLevel <= .debug {
            let seconds =
                job.firstTokenAt.map { $0.duration(to: .now) }.map {
                    Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18
                } ?? 0
            logger.debug(
                "llama request finished",
                metadata: [
                    "reason": "\(reason)", "prompt_tokens": "\(job.promptTokens.count)", "cached_tokens": "\(job.cachedTokens)",
                    "generated_tokens": "\(job.generatedTokens)",
                    "generation_tokens_per_second": "\(seconds > 0 ? Double(job.generatedTokens - 1) / seconds : 0)",
                ])
        }
    }

    private func fail(_ index: Int, _ error: LlamaError) {
        guard let job = slots[index].job else { return }
        job.mailbox.post(.failed(error))
        release(index)
    }

    private func release(_ index: Int) {
        slots[index].job = nil
        slots[index].phase = .idle
        slots[index].nextToken = nil
        slots[index].lastUsed = step
        if promptChunkLimit == 0 { promptChunkLimit = context.batchCapacity }
    }

    private func publishStatistics() {
        let busy = slots.filter { !$0.isIdle }.count
        let queued = waiting.count
        let (cachedPrompts, cachedBytes) = (promptCache.entries.count, promptCache.bytes)
        statistics.update { statistics in
            statistics.busySequences = busy
            statistics.queueDepth = queued
            statistics.cachedPrompts = cachedPrompts
            statistics.cachedPromptBytes = cachedBytes
        }
        // Reading a GPU's memory asks its driver: every few seconds of work is enough.
        if let readAt = deviceMemoryReadAt, readAt.duration(to: .now) > .seconds(5) {
            deviceMemoryReadAt = .now
            metrics.recordMemory(of: LlamaDevices.gpus())
        }
        if (busy, queued) != recordedGauges {
            recordedGauges = (busy, queued)
            metrics.busySequences.record(busy)
            metrics.queueDepth.record(queued)
        }
    }
}
