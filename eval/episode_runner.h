// One episode of a policy in an environment: reset to the EpisodeId, then ask the policy for
// chunks and execute `replan_interval` actions of each, until the episode is done. Whatever the
// policy does wrong (throws, returns the wrong shape, NaN or Inf) ends the episode with a
// failure reason instead of ending the run, and so does a call that misses its deadline.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "envs/env.h"
#include "eval/policy_call_thread.h"
#include "policies/policy.h"

namespace fb::eval {

// Why an episode failed. The env's own reasons plus the policy's.
enum class EpisodeFailure {
  kNone,
  kTimeout,        // max_steps reached without success
  kInvalidAction,  // the env rejected an action
  kUnstable,       // the simulation diverged
  kPolicyError,    // Act or Reset threw
  kBadShape,       // a chunk of the wrong size or action_dim, or with no steps
  kNanAction,      // a chunk with NaN or Inf
  kPolicyTimeout,  // a policy call missed policy_timeout_s, or the episode ran past episode_timeout_s
  kRemoteTimeout,  // the policy threw policies::PolicyTimeout (its server did not answer in time)
};
// "none" | "timeout" | "invalid_action" | "unstable" | "policy_error" | "bad_shape" | "nan_action" |
// "policy_timeout" | "remote_timeout".
std::string EpisodeFailureName(EpisodeFailure failure);
// Inverse of EpisodeFailureName; throws fb::InputError for an unknown name.
EpisodeFailure ParseEpisodeFailure(const std::string& name);

struct EpisodeRunOptions {
  int replan_interval = 0;       // actions executed per chunk; 0 = the whole chunk
  double policy_timeout_s = 0;   // limit of each Attach+Reset and each Act call; 0 = none
  double episode_timeout_s = 0;  // wall-time limit of the episode, checked before each Act; 0 = none
};

// Watches an episode one control step at a time, on the runner's thread (e.g. `fasterbench
// collect` with a learner records every state the learner visits). Exceptions propagate out
// of RunEpisode: they are the observer's failures, not the policy's.
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  // Before `action` is stepped from `state`, which it may read and render but must not change.
  virtual void BeforeStep(envs::EpisodeState& state, std::span<const double> action) = 0;
  // After it was stepped; `state` is the new state (state.done, success_now, ... updated).
  virtual void AfterStep(const envs::EpisodeState& state) = 0;
};

// What a worker lends an episode besides its state; every member may be null.
struct EpisodeAids {
  // Renders the images the policy asks for (and the frames below).
  envs::Renderer* renderer = nullptr;
  // Runs the policy calls, so that a hung call can be abandoned at its deadline (the episode
  // then fails with policy_timeout and the thread is abandoned(): the caller must retire the
  // policy and state, see PolicyCallThread). Without it calls run inline and a deadline is
  // only checked once the call returns.
  PolicyCallThread* call_thread = nullptr;
  // When set (needs renderer): the agent-view image at the observation size after the reset
  // and after each control step, for a video. Capturing is left out of every timing.
  std::vector<envs::RgbImage>* frames = nullptr;
  // Told about every control step.
  StepObserver* observer = nullptr;
};

// One Act call as seen by the harness.
struct CallRecord {
  double latency_s = 0;  // wall time of the Act call
  int chunk_steps = 0;   // actions returned
  policies::CallMetrics metrics;
};

struct EpisodeRecord {
  envs::EpisodeId id;
  std::string policy;
  std::string instruction;
  bool success_once = false;   // the success predicate held at some step
  bool success_at_end = false; // ... and at the last step
  int steps = 0;               // control steps executed
  EpisodeFailure failure = EpisodeFailure::kNone;
  std::string failure_detail;  // the exception or check message; empty when none
  std::vector<CallRecord> calls;  // (Act calls) every call, in order
  double sim_s = 0;      // in envs::Step, seconds
  double observe_s = 0;  // in envs::Observe (rendering included), seconds
  double policy_s = 0;   // in Reset and Act, seconds
  double wall_s = 0;     // the whole episode (frame capture excluded), seconds
  std::string video;     // the episode's video, relative to the run directory; empty when none
};

// The record as one JSON object (the episodes.jsonl line): identity fields, outcome, calls
// ("latency_s", "steps", "tokens", ... per call), timings and "video" when there is one.
nlohmann::json ToJson(const EpisodeRecord& record);
// Inverse of ToJson; throws fb::InputError naming the missing or mistyped field.
EpisodeRecord EpisodeRecordFromJson(const nlohmann::json& json);

// Runs episode `id` of `policy` on `spec`, in the worker's `state`; aids.renderer may be null
// when the policy asks for no images. Throws fb::InputError only for a bad identity (see
// envs::Reset); every policy misbehaviour becomes the record's failure.
EpisodeRecord RunEpisode(const envs::EnvSpec& spec, policies::Policy& policy, const envs::EpisodeId& id,
                         envs::EpisodeState& state, const EpisodeRunOptions& options, const EpisodeAids& aids = {});

}  // namespace fb::eval
