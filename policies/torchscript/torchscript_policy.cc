#include "policies/torchscript/torchscript_policy.h"

#include <chrono>
#include <cstring>

#include <torch/script.h>

#include "core/error.h"
#include "policies/registry.h"
#include "policies/vla/proprio_features.h"

namespace fb::policies {
namespace {

torch::Tensor ImageTensor(const envs::RgbImage& image, const char* camera, int size) {
  if (image.pixels.empty()) throw InputError(std::string("torchscript policy: the observation has no ") + camera + " image");
  if (image.width != size || image.height != size) {
    throw InputError(std::string("torchscript policy: the ") + camera + " image is " + std::to_string(image.width) +
                     "x" + std::to_string(image.height) + " but params.image_size is " + std::to_string(size));
  }
  auto tensor = torch::empty({1, size, size, 3}, torch::kUInt8);
  std::memcpy(tensor.data_ptr<uint8_t>(), image.pixels.data(), image.pixels.size());
  return tensor;
}

}  // namespace

struct TorchScriptPolicy::Module {
  torch::jit::Module module;
};

TorchScriptPolicy::TorchScriptPolicy(const TorchScriptParams& params)
    : Policy("torchscript"), k_params_(params), k_module_(std::make_unique<Module>()) {
  if (params.path.empty()) throw InputError("policy 'torchscript' needs params.path: a TorchScript file");
  try {
    k_module_->module = torch::jit::load(params.path);
  } catch (const c10::Error& e) {
    throw InputError("torchscript policy: cannot load '" + params.path + "': " + e.what_without_backtrace());
  }
  if (!k_module_->module.find_method("forward")) {
    throw InputError("torchscript policy: '" + params.path + "' has no forward method");
  }
  k_module_->module.eval();
}

TorchScriptPolicy::~TorchScriptPolicy() = default;

std::unique_ptr<Policy> TorchScriptPolicy::Create(const config::Subtree& params) {
  return std::make_unique<TorchScriptPolicy>(ResolvePolicyParams<TorchScriptParams>("torchscript", params));
}

envs::ObservationOptions TorchScriptPolicy::observation_options() const {
  envs::ObservationOptions options;
  options.width = options.height = k_params_.image_size;
  return options;
}

void TorchScriptPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) {
  k_action_dim_ = spec.action_dim();
}

void TorchScriptPolicy::DoReset(const envs::EpisodeId&) {}

ActionChunk TorchScriptPolicy::DoAct(const envs::Observation& observation) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  c10::InferenceMode inference;
  const auto agentview = ImageTensor(observation.agentview, "agent-view", k_params_.image_size);
  const auto wrist = ImageTensor(observation.wrist.empty() ? envs::RgbImage{} : observation.wrist.front(), "wrist",
                                 k_params_.image_size);
  const auto features = ProprioFeatures(observation.proprio);
  const auto proprio = torch::tensor(features, torch::kFloat32).view({1, -1});
  c10::IValue output;
  try {
    output = k_module_->module.forward({agentview, wrist, proprio, observation.instruction});
  } catch (const c10::Error& e) {
    throw std::runtime_error("torchscript policy '" + k_params_.path + "': forward failed: " + e.what_without_backtrace());
  }
  if (!output.isTensor()) throw InputError("torchscript policy '" + k_params_.path + "': forward must return a Tensor");
  const auto actions = output.toTensor().to(torch::kFloat64).contiguous();
  if (actions.dim() != 2 || actions.size(1) != k_action_dim_ || actions.size(0) < 1) {
    throw InputError("torchscript policy '" + k_params_.path + "': forward returned shape " +
                     c10::str(actions.sizes()) + ", expected (steps x " + std::to_string(k_action_dim_) + ")");
  }
  ActionChunk chunk;
  chunk.steps = static_cast<int>(actions.size(0));
  chunk.action_dim = k_action_dim_;
  chunk.actions.assign(actions.data_ptr<double>(), actions.data_ptr<double>() + actions.numel());
  chunk.metrics.generate_s = std::chrono::duration<double>(Clock::now() - start).count();
  chunk.metrics.forward_passes = 1;
  return chunk;
}

}  // namespace fb::policies
