// A test-only policy whose Act can hang like a stuck remote call: it blocks until its gate
// opens. Otherwise it plays the scripted expert. Not in the registry.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "policies/policy.h"
#include "policies/registry.h"

namespace fb::eval::testing {

// Shared with the hung call, which outlives the test's stack when abandoned.
class Gate final {
 public:
  void Wait() {
    std::unique_lock lock(k_mutex_);
    k_opened_.wait(lock, [&] { return k_open_; });
  }
  void Open() {
    {
      std::lock_guard lock(k_mutex_);
      k_open_ = true;
    }
    k_opened_.notify_all();
  }

 private:
  std::mutex k_mutex_;
  std::condition_variable k_opened_;
  bool k_open_ = false;
};

class HangingPolicy final : public policies::Policy {
 public:
  // Hangs in its first Act when `hang`, until `gate` opens.
  HangingPolicy(std::shared_ptr<Gate> gate, bool hang)
      : Policy("hanging"), k_gate_(std::move(gate)), k_hang_(hang), k_expert_(policies::CreatePolicy("scripted_expert")) {}

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override { k_expert_->Attach(spec, state); }
  void DoReset(const envs::EpisodeId& id) override { k_expert_->Reset(id); }
  policies::ActionChunk DoAct(const envs::Observation& observation) override {
    if (k_hang_) k_gate_->Wait();
    return k_expert_->Act(observation);
  }
  std::shared_ptr<Gate> k_gate_;
  bool k_hang_;
  std::unique_ptr<policies::Policy> k_expert_;
};

}  // namespace fb::eval::testing
