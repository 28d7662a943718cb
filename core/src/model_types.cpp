// The nine decoder families as rows of data: defaults from each transformers
// configuration_<type>.py, fixed traits from modeling_<type>.py (docs/config-format.md,
// "Families"). Nothing else in llamascope branches on the model type: it reads these rows
// and the binding table (rules.cpp).

#include "llamascope/model_types.hpp"

#include <array>

namespace llamascope {
namespace {

constexpr std::array<ModelTypeInfo, 9> kInfos = {{
    {ModelType::Llama, "llama", "LLaMA", "LlamaForCausalLM",
     "LLaMA 1/2/3.x, CodeLlama, TinyLlama, SmolLM, the bundled GaLore family",
     "pre-norm RMSNorm, SwiGLU, RoPE (every rope_scaling kind); optional attention_bias / mlp_bias",
     "configuration_llama.py, modeling_llama.py", true, true},
    {ModelType::Mistral, "mistral", "Mistral", "MistralForCausalLM", "Mistral 7B v0.1-v0.3, Mistral NeMo",
     "LLaMA without biases; sliding-window attention on every layer when sliding_window is set",
     "configuration_mistral.py, modeling_mistral.py", false, true},
    {ModelType::Mixtral, "mixtral", "Mixtral", "MixtralForCausalLM", "Mixtral 8x7B, 8x22B",
     "Mistral with a sparse mixture of SwiGLU experts: a router picks num_experts_per_tok of "
     "num_local_experts per token",
     "configuration_mixtral.py, modeling_mixtral.py", false, true},
    {ModelType::Qwen2, "qwen2", "Qwen2", "Qwen2ForCausalLM", "Qwen2, Qwen2.5 (0.5B-72B)",
     "LLaMA with biases on q/k/v (not o); sliding window on layers >= max_window_layers when "
     "use_sliding_window",
     "configuration_qwen2.py, modeling_qwen2.py", false, true},
    {ModelType::Qwen3, "qwen3", "Qwen3", "Qwen3ForCausalLM", "Qwen3 (0.6B-32B)",
     "LLaMA with RMSNorm on each query and key head (q_norm/k_norm over head_dim); explicit head_dim",
     "configuration_qwen3.py, modeling_qwen3.py", false, false},
    {ModelType::Gemma, "gemma", "Gemma", "GemmaForCausalLM", "Gemma 2B, 7B",
     "GeGLU (gelu_pytorch_tanh), RMSNorm with (1 + w), embeddings scaled by sqrt(hidden_size), tied "
     "lm_head, head_dim 256",
     "configuration_gemma.py, modeling_gemma.py", false, false},
    {ModelType::Gemma2, "gemma2", "Gemma 2", "Gemma2ForCausalLM", "Gemma 2 2B, 9B, 27B",
     "Gemma with four norms per layer (sandwich), tanh soft-capping of attention scores and logits, "
     "query_pre_attn_scalar, sliding window on every other layer",
     "configuration_gemma2.py, modeling_gemma2.py", false, false},
    {ModelType::Phi3, "phi3", "Phi-3", "Phi3ForCausalLM", "Phi-3 mini/small/medium, Phi-3.5-mini",
     "LLaMA with fused qkv_proj and gate_up_proj tensors, longrope scaling, partial_rotary_factor, "
     "sliding window on every layer when set",
     "configuration_phi3.py, modeling_phi3.py", true, true},
    {ModelType::Olmo2, "olmo2", "OLMo 2", "Olmo2ForCausalLM", "OLMo 2 (1B-32B)",
     "post-norm: the norms are applied to each block's output before the residual add; RMSNorm on "
     "the whole q and k projections",
     "configuration_olmo2.py, modeling_olmo2.py", true, true},
}};

} // namespace

std::span<const ModelTypeInfo> modelTypeInfos()
{
    return kInfos;
}

const ModelTypeInfo& modelTypeInfo(ModelType type)
{
    return kInfos[static_cast<std::size_t>(type)];
}

const EnumTable<ModelType>& modelTypes()
{
    static const EnumTable<ModelType> table = [] {
        std::vector<EnumEntry<ModelType>> entries;
        entries.reserve(kInfos.size());
        for (const ModelTypeInfo& i : kInfos)
            entries.push_back({i.type, i.key, i.traits, {}});
        return EnumTable<ModelType>(std::move(entries));
    }();
    return table;
}

std::string_view toString(ModelType t)
{
    return modelTypeInfo(t).key;
}

ModelConfig ModelConfig::defaults(ModelType type)
{
    // Token ids are metadata: their class defaults are documented in the binding table
    // (rules.cpp) but not set here, so configs built in code do not write them.
    ModelConfig c; // ModelConfig's defaults
    c.modelType = type;
    c.name = std::string(modelTypeInfo(type).key);
    switch (type) {
    case ModelType::Llama: break;
    case ModelType::Mistral:
    case ModelType::Mixtral:
        c.intermediateSize = 14336;
        c.numKeyValueHeads = 8;
        c.contextLength = Count{4096} * 32;
        if (type == ModelType::Mistral) {
            c.attention.slidingWindow = 4096;
            c.attention.slidingLayers.rule = SlidingLayers::Rule::All;
        } else {
            c.rmsNormEps = 1e-5;
            c.ropeTheta = 1e6;
            c.mlp.numExperts = 8;
            c.mlp.expertsPerToken = 2;
        }
        break;
    case ModelType::Qwen2:
    case ModelType::Qwen3:
        c.vocabSize = 151936;
        c.intermediateSize = 22016;
        c.contextLength = 32768;
        if (type == ModelType::Qwen2) {
            c.attention.qkvBias = true; // fixed: Qwen2Attention builds q/k/v with bias, o without
        } else {
            c.attention.qkNorm = QkNorm::PerHead;
        }
        // sliding_window 4096 and max_window_layers 28, unused until use_sliding_window is true.
        c.attention.slidingWindow = 4096;
        c.attention.slidingLayers.fromIndex = 28;
        break;
    case ModelType::Gemma:
    case ModelType::Gemma2:
        c.vocabSize = 256000;
        c.headDim = 256;
        c.hiddenAct = "gelu_pytorch_tanh";
        c.contextLength = 8192;
        c.tieWordEmbeddings = true;
        c.norms.unitOffset = true;
        c.embedding.scaleByRootHidden = true;
        if (type == ModelType::Gemma) {
            c.hiddenSize = 3072;
            c.intermediateSize = 24576;
            c.numHiddenLayers = 28;
            c.numAttentionHeads = 16;
            c.numKeyValueHeads = 16;
        } else {
            c.hiddenSize = 2304;
            c.intermediateSize = 9216;
            c.numHiddenLayers = 26;
            c.numAttentionHeads = 8;
            c.numKeyValueHeads = 4;
            c.norms.placement = NormPlacement::Sandwich;
            c.attention.queryPreAttnScalar = 256;
            c.attention.logitSoftcap = 50.0;
            c.embedding.finalLogitSoftcap = 30.0;
            c.attention.slidingWindow = 4096;
            c.attention.slidingLayers.rule = SlidingLayers::Rule::EvenIndices;
        }
        break;
    case ModelType::Phi3:
        c.vocabSize = 32064;
        c.hiddenSize = 3072;
        c.intermediateSize = 8192;
        c.headDim = 96;
        c.contextLength = 4096;
        c.rmsNormEps = 1e-5;
        c.originalMaxPositionEmbeddings = 4096;
        c.layout.fusedQkv = true;
        c.layout.fusedGateUp = true;
        break;
    case ModelType::Olmo2:
        c.vocabSize = 50304;
        c.rmsNormEps = 1e-5;
        c.norms.placement = NormPlacement::Post;
        c.attention.qkNorm = QkNorm::Full;
        break;
    }
    c.contextSource = ContextSource::Default;
    return c;
}

} // namespace llamascope
