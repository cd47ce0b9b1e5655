// One episode of a policy in an environment: reset to the EpisodeId, then ask the policy for
// chunks and execute `replan_interval` actions of each, until the episode is done. Whatever the
// policy does wrong (throws, returns the wrong shape, NaN or Inf) ends the episode with a
// failure reason instead of ending the run.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "envs/env.h"
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
};
// "none" | "timeout" | "invalid_action" | "unstable" | "policy_error" | "bad_shape" | "nan_action".
std::string EpisodeFailureName(EpisodeFailure failure);
// Inverse of EpisodeFailureName; throws fb::InputError for an unknown name.
EpisodeFailure ParseEpisodeFailure(const std::string& name);

struct EpisodeRunOptions {
  int replan_interval = 0;  // actions executed per chunk; 0 = the whole chunk
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
  double wall_s = 0;     // the whole episode, seconds
};

// The record as one JSON object (the episodes.jsonl line): identity fields, outcome, calls
// ("latency_s", "steps", "tokens", ... per call) and timings.
nlohmann::json ToJson(const EpisodeRecord& record);
// Inverse of ToJson; throws fb::InputError naming the missing or mistyped field.
EpisodeRecord EpisodeRecordFromJson(const nlohmann::json& json);

// Runs episode `id` of `policy` on `spec`, in the worker's `state`; `renderer` may be null
// when the policy asks for no images. Throws fb::InputError only for a bad identity (see
// envs::Reset); every policy misbehaviour becomes the record's failure.
EpisodeRecord RunEpisode(const envs::EnvSpec& spec, policies::Policy& policy, const envs::EpisodeId& id,
                         envs::EpisodeState& state, const EpisodeRunOptions& options,
                         envs::Renderer* renderer = nullptr);

}  // namespace fb::eval
