#include "policies/remote/openpi_policy.h"

#include <algorithm>
#include <chrono>
#include <span>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "policies/registry.h"
#include "policies/remote/websocket_client.h"

namespace fb::policies {
namespace {

using Clock = std::chrono::steady_clock;

const std::vector<std::string>& StateParts() {
  static const std::vector<std::string> parts = {"joint_pos", "joint_vel", "eef_pos", "eef_quat", "gripper"};
  return parts;
}

const std::vector<double>& ProprioPart(const envs::Proprio& proprio, const std::string& part) {
  if (part == "joint_pos") return proprio.joint_pos;
  if (part == "joint_vel") return proprio.joint_vel;
  if (part == "eef_pos") return proprio.eef_pos;
  if (part == "eef_quat") return proprio.eef_quat;
  return proprio.gripper;
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

remote::Value ImageValue(const envs::RgbImage& image) {
  return {remote::MakeArray(std::span<const uint8_t>(image.pixels), {image.height, image.width, 3})};
}

}  // namespace

void OpenpiParams::Validate() const {
  for (const auto& part : state_parts) {
    if (std::find(StateParts().begin(), StateParts().end(), part) == StateParts().end()) {
      std::string message = "openpi params: state_parts: unknown part '" + part + "'";
      if (auto near = config::NearestName(part, StateParts()); !near.empty()) message += "; did you mean '" + near + "'?";
      throw InputError(message);
    }
  }
  if (!observation.state.empty() && state_parts.empty()) {
    throw InputError("openpi params: observation.state is '" + observation.state +
                     "' but state_parts is empty; list the parts or set observation.state to \"\"");
  }
}

OpenpiPolicy::OpenpiPolicy(OpenpiParams params) : Policy("openpi"), k_params_(std::move(params)) {}

OpenpiPolicy::~OpenpiPolicy() = default;

std::unique_ptr<Policy> OpenpiPolicy::Create(const config::Subtree& params) {
  return std::make_unique<OpenpiPolicy>(ResolvePolicyParams<OpenpiParams>("openpi", params));
}

envs::ObservationOptions OpenpiPolicy::observation_options() const {
  envs::ObservationOptions options;
  options.agentview = !k_params_.observation.agentview.empty();
  options.wrist = !k_params_.observation.wrist.empty();
  options.width = k_params_.image_width;
  options.height = k_params_.image_height;
  return options;
}

remote::ValueMap OpenpiPolicy::EncodeObservation(const envs::Observation& observation) const {
  const OpenpiObservationKeys& keys = k_params_.observation;
  remote::ValueMap message;
  if (!keys.agentview.empty()) {
    if (observation.agentview.pixels.empty()) {
      throw std::runtime_error(Where("the observation has no agentview image for '" + keys.agentview +
                                     "' (was it rendered?)"));
    }
    message.emplace_back(keys.agentview, ImageValue(observation.agentview));
  }
  if (!keys.wrist.empty()) {
    if (observation.wrist.empty() || observation.wrist.front().pixels.empty()) {
      throw std::runtime_error(Where("the observation has no wrist image for '" + keys.wrist + "' (was it rendered?)"));
    }
    message.emplace_back(keys.wrist, ImageValue(observation.wrist.front()));
  }
  if (!keys.state.empty()) {
    std::vector<float> state;
    for (const auto& part : k_params_.state_parts) {
      const auto& values = ProprioPart(observation.proprio, part);
      state.insert(state.end(), values.begin(), values.end());
    }
    const auto size = static_cast<int64_t>(state.size());
    message.emplace_back(keys.state, remote::Value{remote::MakeArray(std::span<const float>(state), {size})});
  }
  if (!keys.prompt.empty()) message.emplace_back(keys.prompt, remote::Value{observation.instruction});
  return message;
}

void OpenpiPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) { k_action_dim_ = spec.action_dim(); }

void OpenpiPolicy::DoReset(const envs::EpisodeId& id) {
  if (k_action_dim_ == 0) throw InputError("openpi: Reset(" + id.ToString() + ") before Attach");
  EnsureConnected();
}

ActionChunk OpenpiPolicy::DoAct(const envs::Observation& observation) {
  if (k_action_dim_ == 0) throw InputError("openpi: Act before Attach");
  auto t = Clock::now();
  const std::string request = remote::Pack({EncodeObservation(observation)});
  const double encode_s = Seconds(t);

  EnsureConnected();
  t = Clock::now();
  std::string reply;
  try {
    k_client_->Send(request);
    reply = k_client_->Receive(k_params_.response_timeout_s);
  } catch (const remote::WebSocketTimeout& e) {
    k_client_.reset();  // its late reply would otherwise answer the next request
    throw PolicyTimeout(Where(std::string(e.what()) + " (response_timeout_s)"));
  } catch (const std::runtime_error& e) {
    k_client_.reset();
    throw std::runtime_error(Where(e.what()));
  }
  const double round_trip_s = Seconds(t);

  t = Clock::now();
  ActionChunk chunk = DecodeReply(reply);
  chunk.metrics.encode_s = encode_s;
  chunk.metrics.generate_s = round_trip_s;
  chunk.metrics.detokenize_s = Seconds(t);
  return chunk;
}

void OpenpiPolicy::Preflight() {
  try {
    EnsureConnected();
  } catch (const std::runtime_error& e) {
    throw InputError(std::string(e.what()) + "; start the policy server first (or fix params.host / params.port)");
  }
}

void OpenpiPolicy::EnsureConnected() {
  if (k_client_) return;
  remote::WebSocketOptions options;
  options.host = k_params_.host;
  options.port = k_params_.port;
  options.connect_timeout_s = k_params_.connect_timeout_s;
  options.max_message_bytes = static_cast<size_t>(k_params_.max_message_bytes);
  try {
    auto client = std::make_unique<remote::WebSocketClient>(options);
    remote::Value metadata = remote::Unpack(client->Receive(k_params_.connect_timeout_s));
    if (!std::holds_alternative<remote::ValueMap>(metadata.v)) {
      throw remote::MalformedMessage("the server's metadata is not a map: " + remote::Describe(metadata));
    }
    spdlog::info("openpi {}:{}: connected; server metadata {}", k_params_.host, k_params_.port,
                 remote::Describe(metadata));
    k_metadata_ = std::move(metadata);
    k_client_ = std::move(client);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(Where(e.what()));
  }
}

ActionChunk OpenpiPolicy::DecodeReply(const std::string& bytes) const {
  auto malformed = [&](const std::string& problem) { return std::runtime_error(Where("malformed reply: " + problem)); };
  remote::Value reply;
  try {
    reply = remote::Unpack(bytes);
  } catch (const remote::MalformedMessage& e) {
    throw malformed(e.what());
  }
  const auto* map = std::get_if<remote::ValueMap>(&reply.v);
  if (!map) throw malformed("not a map but " + remote::Describe(reply));
  const std::string& key = k_params_.action_key;
  const remote::Value* actions = remote::Find(*map, key);
  if (!actions) throw malformed("no '" + key + "' in " + remote::Describe(reply));
  const auto* array = std::get_if<remote::NdArray>(&actions->v);
  if (!array) throw malformed("'" + key + "' is not an ndarray but " + remote::Describe(*actions));
  if (array->dtype != "<f4" && array->dtype != "<f8") {
    throw malformed("'" + key + "' has dtype " + array->dtype + "; expected float32 (<f4) or float64 (<f8)");
  }
  if (array->shape.size() != 2 || array->shape[0] < 1 || array->shape[1] != k_action_dim_) {
    throw malformed("'" + key + "' is " + remote::Describe(*actions) + "; expected [horizon >= 1, " +
                    std::to_string(k_action_dim_) + "] (the task's action_dim)");
  }
  const int horizon = static_cast<int>(array->shape[0]);
  ActionChunk chunk;
  chunk.steps = k_params_.actions_per_reply == 0 ? horizon : std::min(horizon, k_params_.actions_per_reply);
  chunk.action_dim = k_action_dim_;
  chunk.actions = remote::ToDoubles(*array);
  chunk.actions.resize(static_cast<size_t>(chunk.steps) * static_cast<size_t>(k_action_dim_));
  return chunk;
}

std::string OpenpiPolicy::Where(const std::string& problem) const {
  return "openpi " + k_params_.host + ":" + std::to_string(k_params_.port) + ": " + problem;
}

}  // namespace fb::policies
