// The policy interface every evaluated policy implements: reset with the episode identity,
// then act on observations, returning a chunk of actions plus per-call metrics. The harness
// (eval/episode_runner.h) executes `replan_interval` actions of each chunk before asking again.
//
// Policies run against one EnvSpec at a time: the runner calls Attach before each episode's
// Reset. Only privileged policies (the scripted expert) read the attached EpisodeState; all
// others see the world through the Observation alone.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include "envs/env.h"

namespace fb::policies {

// Thrown by a remote policy whose server did not answer in time; the runner records the
// episode as failed with reason remote_timeout.
class PolicyTimeout : public std::runtime_error { public: using std::runtime_error::runtime_error; };

// What one Act call cost, split the way an autoregressive VLA spends it.
struct CallMetrics {
  double encode_s = 0;      // observation encoding (images, proprio, prompt), seconds
  double generate_s = 0;    // token generation / forward passes, seconds
  double detokenize_s = 0;  // tokens -> actions, seconds
  int64_t tokens = 0;       // tokens generated
  int forward_passes = 0;   // model forward passes
  int decode_failures = 0;  // chunks whose tokens did not decode (replaced by the fallback)
};

// How a policy expects to be run, as its training recorded it; empty fields impose nothing.
// `fasterbench eval` takes its replan interval as the run's default and runs it under splits
// that name no embodiments (id, ood-position, ...) only on the embodiments it was trained on.
struct PolicyProtocol {
  int replan_interval = 0;               // executed actions per chunk; 0 = not stated
  std::vector<std::string> embodiments;  // the training data's embodiments; empty = not stated
  bool reads_images = true;              // false: a split that changes only appearance cannot reach it
};

// A chunk of actions: `steps` rows of `action_dim` values, row-major.
struct ActionChunk {
  std::vector<double> actions;  // (steps x action_dim)
  int steps = 0;
  int action_dim = 0;
  CallMetrics metrics;
};

class Policy {
 public:
  virtual ~Policy() = default;
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  // The registered name ("scripted_expert", "random", "zero").
  const std::string& name() const { return k_name_; }

  // Binds the policy to `spec` and the worker's `state` for the episodes that follow; both
  // must outlive those episodes. Throws fb::InputError when the policy cannot run on spec
  // (e.g. the scripted expert on a task without an expert plan).
  void Attach(const envs::EnvSpec& spec, const envs::EpisodeState& state) { DoAttach(spec, state); }

  // Starts episode `id` (called after envs::Reset). Throws fb::InputError when not attached.
  void Reset(const envs::EpisodeId& id) { DoReset(id); }

  // The next chunk of actions for `observation`. May throw; the runner turns any exception
  // or malformed chunk into an episode failure.
  ActionChunk Act(const envs::Observation& observation) { return DoAct(observation); }

  // Which observation parts the policy reads; images cost rendering time, so none by default.
  virtual envs::ObservationOptions observation_options() const;

  // The protocol the policy was trained for; nothing stated by default.
  virtual PolicyProtocol protocol() const { return {}; }

  // Throws fb::InputError when one of `episodes` cannot run whatever the policy will observe
  // (e.g. the replay policy holds no demo for it), so that eval rejects the run before it
  // writes anything instead of logging a failed episode. Accepts everything by default.
  virtual void CheckEpisodes(std::span<const envs::EpisodeId> episodes) const { (void)episodes; }

  // Checks that the policy can answer at all (the remote policy connects and reads the
  // server's metadata); throws fb::InputError when it cannot, so that eval stops before it
  // writes anything instead of logging every episode as a failure. Nothing to check by default.
  virtual void Preflight() {}

 protected:
  explicit Policy(std::string name) : k_name_(std::move(name)) {}

 private:
  virtual void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) = 0;
  virtual void DoReset(const envs::EpisodeId& id) = 0;
  virtual ActionChunk DoAct(const envs::Observation& observation) = 0;

  std::string k_name_;
};

// A stable 64-bit hash of an episode identity (FNV-1a over EpisodeId::ToString()), for
// policies whose randomness must depend on the episode alone.
uint64_t EpisodeHash(const envs::EpisodeId& id);

}  // namespace fb::policies
