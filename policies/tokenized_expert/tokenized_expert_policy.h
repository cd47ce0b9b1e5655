// What a tokenizer's reconstruction error costs in the task, with no learning involved: the
// scripted expert plans a chunk of `horizon` actions from the current state (a rollout of a
// copy of the episode, no rendering), the chunk goes through the tokenizer's encode and decode,
// and the decoded chunk is what the harness executes (replan_interval of it). With no
// tokenizer it is the chunked expert itself, the control row. Privileged like the expert.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "envs/expert.h"
#include "policies/policy.h"
#include "tokenizers/tokenizer_package.h"

namespace fb::policies {

struct TokenizedExpertParams {
  std::string tokenizer;  // a saved tokenizer package (`fasterbench tokenizer fit`); "" = none
  int horizon = 20;       // actions per planned chunk; the package's horizon when it names one
  template <class V>
  void Describe(V& v) {
    v("tokenizer", tokenizer, config::Optional{});
    v("horizon", horizon, config::Range{1, 1000}, config::Optional{});
  }
};

class TokenizedExpertPolicy final : public Policy {
 public:
  // Throws fb::InputError when the package does not load or its horizon differs from `horizon`.
  explicit TokenizedExpertPolicy(const TokenizedExpertParams& params);
  static std::unique_ptr<Policy> Create(const config::Subtree& params);

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  int k_horizon_;
  std::unique_ptr<tokenizers::TokenizerPackage> k_package_;  // null = no tokenizer
  const envs::EnvSpec* k_spec_ = nullptr;
  const envs::EpisodeState* k_state_ = nullptr;
  std::unique_ptr<envs::ScriptedExpert> k_expert_;
  envs::ExpertState k_memory_;
  // The expert's memory after each step of the last planned chunk, so that after the harness
  // executed k of its actions the expert goes on as if it had taken them (its phase counters
  // count steps); and the episode step the chunk was planned at.
  std::vector<envs::ExpertState> k_planned_memory_;
  int k_planned_at_ = 0;
  envs::EpisodeState k_scratch_;
};

}  // namespace fb::policies
