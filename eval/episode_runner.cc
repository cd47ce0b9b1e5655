#include "eval/episode_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::eval {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

EpisodeFailure FromEnv(envs::Failure failure) {
  switch (failure) {
    case envs::Failure::kNone: return EpisodeFailure::kNone;
    case envs::Failure::kTimeout: return EpisodeFailure::kTimeout;
    case envs::Failure::kInvalidAction: return EpisodeFailure::kInvalidAction;
    case envs::Failure::kUnstable: return EpisodeFailure::kUnstable;
  }
  return EpisodeFailure::kNone;
}

// Empty when the chunk is well formed, else (failure, detail).
std::pair<EpisodeFailure, std::string> CheckChunk(const policies::ActionChunk& chunk, int action_dim) {
  if (chunk.steps <= 0) return {EpisodeFailure::kBadShape, fmt::format("chunk has {} steps; expected >= 1", chunk.steps)};
  if (chunk.action_dim != action_dim) {
    return {EpisodeFailure::kBadShape,
            fmt::format("chunk action_dim is {}; the env expects {}", chunk.action_dim, action_dim)};
  }
  const size_t expected = static_cast<size_t>(chunk.steps) * static_cast<size_t>(action_dim);
  if (chunk.actions.size() != expected) {
    return {EpisodeFailure::kBadShape, fmt::format("chunk holds {} values; expected steps x action_dim = {} x {} = {}",
                                                   chunk.actions.size(), chunk.steps, action_dim, expected)};
  }
  for (size_t i = 0; i < chunk.actions.size(); ++i) {
    if (!std::isfinite(chunk.actions[i])) {
      return {EpisodeFailure::kNanAction, fmt::format("chunk value {} (step {}, dim {}) is {}", i, i / action_dim,
                                                      i % action_dim, chunk.actions[i])};
    }
  }
  return {EpisodeFailure::kNone, {}};
}

}  // namespace

std::string EpisodeFailureName(EpisodeFailure failure) {
  switch (failure) {
    case EpisodeFailure::kNone: return "none";
    case EpisodeFailure::kTimeout: return "timeout";
    case EpisodeFailure::kInvalidAction: return "invalid_action";
    case EpisodeFailure::kUnstable: return "unstable";
    case EpisodeFailure::kPolicyError: return "policy_error";
    case EpisodeFailure::kBadShape: return "bad_shape";
    case EpisodeFailure::kNanAction: return "nan_action";
    case EpisodeFailure::kPolicyTimeout: return "policy_timeout";
    case EpisodeFailure::kRemoteTimeout: return "remote_timeout";
  }
  return "none";
}

EpisodeFailure ParseEpisodeFailure(const std::string& name) {
  for (auto f : {EpisodeFailure::kNone, EpisodeFailure::kTimeout, EpisodeFailure::kInvalidAction,
                 EpisodeFailure::kUnstable, EpisodeFailure::kPolicyError, EpisodeFailure::kBadShape,
                 EpisodeFailure::kNanAction, EpisodeFailure::kPolicyTimeout, EpisodeFailure::kRemoteTimeout}) {
    if (EpisodeFailureName(f) == name) return f;
  }
  throw InputError("unknown episode failure reason '" + name + "'");
}

nlohmann::json ToJson(const EpisodeRecord& r) {
  nlohmann::json calls = nlohmann::json::array();
  for (const CallRecord& c : r.calls) {
    calls.push_back({{"latency_s", c.latency_s},
                     {"steps", c.chunk_steps},
                     {"encode_s", c.metrics.encode_s},
                     {"generate_s", c.metrics.generate_s},
                     {"detokenize_s", c.metrics.detokenize_s},
                     {"tokens", c.metrics.tokens},
                     {"forward_passes", c.metrics.forward_passes},
                     {"decode_failures", c.metrics.decode_failures}});
  }
  nlohmann::json json = {{"key", r.id.ToString()},
          {"suite", r.id.suite},
          {"task", r.id.task},
          {"split", r.id.split},
          {"embodiment", r.id.embodiment},
          {"init_index", r.id.init_index},
          {"seed", r.id.seed},
          {"policy", r.policy},
          {"instruction", r.instruction},
          {"success_once", r.success_once},
          {"success_at_end", r.success_at_end},
          {"steps", r.steps},
          {"failure", EpisodeFailureName(r.failure)},
          {"failure_detail", r.failure_detail},
          {"calls", calls},
          {"sim_s", r.sim_s},
          {"observe_s", r.observe_s},
          {"policy_s", r.policy_s},
          {"wall_s", r.wall_s}};
  if (!r.video.empty()) json["video"] = r.video;
  return json;
}

EpisodeRecord EpisodeRecordFromJson(const nlohmann::json& j) {
  EpisodeRecord r;
  try {
    r.id.suite = j.at("suite").get<std::string>();
    r.id.task = j.at("task").get<std::string>();
    r.id.split = j.at("split").get<std::string>();
    r.id.embodiment = j.at("embodiment").get<std::string>();
    r.id.init_index = j.at("init_index").get<int>();
    r.id.seed = j.at("seed").get<uint64_t>();
    r.policy = j.at("policy").get<std::string>();
    r.instruction = j.value("instruction", "");
    r.success_once = j.at("success_once").get<bool>();
    r.success_at_end = j.at("success_at_end").get<bool>();
    r.steps = j.at("steps").get<int>();
    r.failure = ParseEpisodeFailure(j.at("failure").get<std::string>());
    r.failure_detail = j.value("failure_detail", "");
    for (const auto& c : j.at("calls")) {
      CallRecord call;
      call.latency_s = c.at("latency_s").get<double>();
      call.chunk_steps = c.at("steps").get<int>();
      call.metrics.encode_s = c.value("encode_s", 0.0);
      call.metrics.generate_s = c.value("generate_s", 0.0);
      call.metrics.detokenize_s = c.value("detokenize_s", 0.0);
      call.metrics.tokens = c.value("tokens", int64_t{0});
      call.metrics.forward_passes = c.value("forward_passes", 0);
      call.metrics.decode_failures = c.value("decode_failures", 0);
      r.calls.push_back(call);
    }
    r.sim_s = j.value("sim_s", 0.0);
    r.observe_s = j.value("observe_s", 0.0);
    r.policy_s = j.value("policy_s", 0.0);
    r.wall_s = j.value("wall_s", 0.0);
    r.video = j.value("video", "");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("malformed episode record: ") + e.what());
  }
  return r;
}

EpisodeRecord RunEpisode(const envs::EnvSpec& spec, policies::Policy& policy, const envs::EpisodeId& id,
                         envs::EpisodeState& state, const EpisodeRunOptions& options, const EpisodeAids& aids) {
  const auto episode_start = Clock::now();
  const auto deadline = episode_start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(options.episode_timeout_s));
  EpisodeRecord record;
  record.id = id;
  record.policy = policy.name();
  envs::Reset(spec, id, state);
  record.instruction = state.instruction;
  const envs::ObservationOptions observation_options = policy.observation_options();
  const int action_dim = spec.action_dim();
  double capture_s = 0;

  auto fail = [&](EpisodeFailure failure, std::string detail) {
    record.failure = failure;
    record.failure_detail = std::move(detail);
  };
  auto capture = [&] {
    if (aids.frames == nullptr || aids.renderer == nullptr) return;
    const auto t = Clock::now();
    aids.frames->push_back(aids.renderer->Render(spec.model(), state.data.get(), observation_options.agent_camera,
                                                 observation_options.width, observation_options.height));
    capture_s += Seconds(t);
  };
  // Runs one policy call under the deadlines; false (with the failure recorded) when it threw
  // or missed one. `call` must own what it touches besides the policy, spec and state.
  auto call_policy = [&](const char* what, std::function<void()> call) {
    double limit = options.policy_timeout_s;
    if (options.episode_timeout_s > 0) {
      const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
      if (left <= 0) {
        fail(EpisodeFailure::kPolicyTimeout,
             fmt::format("{}: the episode ran past episode_timeout_s = {} s", what, options.episode_timeout_s));
        return false;
      }
      limit = limit > 0 ? std::min(limit, left) : left;
    }
    const auto t = Clock::now();
    try {
      bool finished = true;
      if (aids.call_thread != nullptr) {
        finished = aids.call_thread->Run(std::move(call), limit);
      } else {
        call();
        finished = limit <= 0 || Seconds(t) <= limit;
      }
      record.policy_s += Seconds(t);
      if (!finished) {
        fail(EpisodeFailure::kPolicyTimeout,
             fmt::format("{}: no answer within {:.3g} s (policy_timeout_s = {}, episode_timeout_s = {})", what, limit,
                         options.policy_timeout_s, options.episode_timeout_s));
      }
      return finished;
    } catch (const policies::PolicyTimeout& e) {
      record.policy_s += Seconds(t);
      fail(EpisodeFailure::kRemoteTimeout, std::string(what) + ": " + e.what());
    } catch (const std::exception& e) {
      record.policy_s += Seconds(t);
      fail(EpisodeFailure::kPolicyError, std::string(what) + ": " + e.what());
    } catch (...) {
      record.policy_s += Seconds(t);
      fail(EpisodeFailure::kPolicyError, std::string(what) + ": unknown exception");
    }
    return false;
  };

  capture();
  call_policy("Reset", [&policy, &spec, &state, id] {
    policy.Attach(spec, state);
    policy.Reset(id);
  });

  struct ActCall {  // shared with the call, which may outlive this episode when abandoned
    envs::Observation observation;
    policies::ActionChunk chunk;
  };
  while (record.failure == EpisodeFailure::kNone && !state.done) {
    auto call = std::make_shared<ActCall>();
    auto t = Clock::now();
    call->observation = envs::Observe(spec, state, observation_options, aids.renderer);
    record.observe_s += Seconds(t);

    t = Clock::now();
    if (!call_policy("Act", [call, &policy] { call->chunk = policy.Act(call->observation); })) break;
    const policies::ActionChunk& chunk = call->chunk;
    record.calls.push_back({Seconds(t), chunk.steps, chunk.metrics});
    if (auto [failure, detail] = CheckChunk(chunk, action_dim); failure != EpisodeFailure::kNone) {
      fail(failure, fmt::format("call {}: {}", record.calls.size() - 1, detail));
      break;
    }

    const int execute = options.replan_interval > 0 ? std::min(options.replan_interval, chunk.steps) : chunk.steps;
    for (int k = 0; k < execute && !state.done; ++k) {
      const std::span<const double> action(chunk.actions.data() + static_cast<size_t>(k) * action_dim,
                                           static_cast<size_t>(action_dim));
      if (aids.observer != nullptr) aids.observer->BeforeStep(state, action);
      t = Clock::now();
      try {
        envs::Step(spec, action, state);
      } catch (const InputError& e) {
        record.sim_s += Seconds(t);
        fail(FromEnv(state.failure == envs::Failure::kNone ? envs::Failure::kInvalidAction : state.failure), e.what());
        break;
      }
      record.sim_s += Seconds(t);
      if (aids.observer != nullptr) aids.observer->AfterStep(state);
      capture();
    }
  }

  record.steps = state.step;
  record.success_once = state.success_once;
  record.success_at_end = state.success_now;
  if (record.failure == EpisodeFailure::kNone && !state.success_once) {
    fail(FromEnv(state.failure == envs::Failure::kNone ? envs::Failure::kTimeout : state.failure), state.failure_detail);
  }
  record.wall_s = Seconds(episode_start) - capture_s;
  return record;
}

}  // namespace fb::eval
