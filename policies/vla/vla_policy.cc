#include "policies/vla/vla_policy.h"

#include <chrono>
#include <cstring>

#include "core/error.h"
#include "policies/registry.h"
#include "policies/vla/action_generation.h"
#include "policies/vla/observation_tensors.h"
#include "policies/vla/vla_checkpoint.h"

namespace fb::policies {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::unique_ptr<Policy> Create(const std::string& kind, const config::Subtree& params) {
  const auto resolved = ResolvePolicyParams<VlaPolicyParams>("vla", params);
  if (resolved.checkpoint.empty()) {
    throw InputError("policy '" + kind + "' needs params.checkpoint: a policy directory written by `fasterbench train`"
                     " (e.g. assets/policies/" + kind + ")");
  }
  return std::make_unique<VlaPolicy>(kind, resolved);
}

}  // namespace

struct VlaPolicy::Loaded {
  VlaBundle bundle;
  SamplingConfig sampling;
  std::unique_ptr<const tokenizers::DecodingConstraint> constraint;  // constrained decoding only
};

// Constrained decoding is this project's variant, not the reference behaviour: the policy
// reports it in its name, which labels the episode records and results.
VlaPolicy::VlaPolicy(const std::string& kind, const VlaPolicyParams& params)
    : Policy(params.decoding == "constrained" ? kind + " (constrained)" : kind),
      k_loaded_(std::make_unique<Loaded>(Loaded{LoadVlaPolicy(params.checkpoint, kind),
                                                SamplingConfig{params.sampling == "greedy", params.top_k,
                                                               params.temperature},
                                                nullptr})) {
  if (params.decoding == "constrained") {
    const auto& bundle = k_loaded_->bundle;
    const auto& layout = bundle.layout;
    // The end token takes one of a variable-length sequence's slots.
    const int max_ids = layout.sequence_length() - (layout.variable_length() ? 1 : 0);
    k_loaded_->constraint = bundle.tokenizer.tokenizer->MakeDecodingConstraint(bundle.manifest.horizon,
                                                                                bundle.manifest.dims, max_ids);
  }
}

VlaPolicy::~VlaPolicy() = default;

std::unique_ptr<Policy> VlaPolicy::CreateFasterVla(const config::Subtree& params) { return Create("fastervla", params); }
std::unique_ptr<Policy> VlaPolicy::CreateFastAr(const config::Subtree& params) { return Create("fast_ar", params); }
std::unique_ptr<Policy> VlaPolicy::CreateBinningAr(const config::Subtree& params) { return Create("binning_ar", params); }

envs::ObservationOptions VlaPolicy::observation_options() const {
  envs::ObservationOptions options;
  const VlaModelConfig& model = k_loaded_->bundle.manifest.model;
  options.agentview = options.wrist = model.uses_images();  // the state track renders nothing
  options.width = options.height = model.image_size;
  return options;
}

PolicyProtocol VlaPolicy::protocol() const {
  const VlaManifest& manifest = k_loaded_->bundle.manifest;
  return {manifest.replan_interval, {manifest.embodiment}, manifest.model.uses_images()};
}

void VlaPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) {
  const auto& manifest = k_loaded_->bundle.manifest;
  if (spec.action_dim() != manifest.dims) {
    throw InputError("policy '" + name() + "' was trained on " + std::to_string(manifest.dims) + "-D actions (" +
                     manifest.embodiment + ", " + manifest.action_space + ") but this environment takes " +
                     std::to_string(spec.action_dim()) + "-D actions");
  }
}

void VlaPolicy::DoReset(const envs::EpisodeId& id) { k_rng_ = SplitMix64(EpisodeHash(id)); }

ActionChunk VlaPolicy::DoAct(const envs::Observation& observation) {
  auto& bundle = k_loaded_->bundle;
  const auto& manifest = bundle.manifest;
  torch::NoGradGuard no_grad;
  ActionChunk chunk;
  auto start = Clock::now();
  const PrefixCache prefix = bundle.net->EncodePrefix(MakeObservationTensors(observation, manifest));
  chunk.metrics.encode_s = Since(start);

  start = Clock::now();
  const GeneratedTokens tokens =
      GenerateActionTokens(bundle.net, prefix, bundle.layout, manifest.model.position_gap_jitter, k_loaded_->sampling,
                           k_rng_, k_loaded_->constraint.get());
  chunk.metrics.generate_s = Since(start);
  chunk.metrics.forward_passes = tokens.forward_passes;  // decoding passes; the prefix pass is encode_s
  chunk.metrics.tokens = static_cast<int64_t>(tokens.ids.size());

  start = Clock::now();
  const tokenizers::Decoded decoded = bundle.tokenizer.DecodeRaw(tokens.ids, manifest.horizon, manifest.dims);
  chunk.metrics.detokenize_s = Since(start);
  if (decoded.failure != tokenizers::DecodeFailure::kNone) chunk.metrics.decode_failures = 1;
  chunk.steps = manifest.horizon;
  chunk.action_dim = manifest.dims;
  chunk.actions.assign(decoded.actions.begin(), decoded.actions.end());
  return chunk;
}

}  // namespace fb::policies
