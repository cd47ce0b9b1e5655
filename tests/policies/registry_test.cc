#include "policies/registry.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/document.h"
#include "core/error.h"
#include "envs/env.h"

namespace fb::policies {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kTask = "spatial_red_block_on_plate";

config::Subtree Params(const std::string& yaml) {
  config::Subtree params;
  const config::Document doc = config::FromAssignment("params=" + yaml);
  params.layers.push_back({doc.root["params"], doc, "policy.params"});
  return params;
}

TEST(PolicyRegistryTest, BuiltinsAreFoundByName) {
  EXPECT_THAT(PolicyNames(), ElementsAre("binning_ar", "fast_ar", "fastervla", "openpi", "random", "replay",
                                         "scripted_expert", "tokenized_expert", "torchscript", "zero"));
  for (const auto& name : {"openpi", "random", "scripted_expert", "tokenized_expert", "zero"}) EXPECT_EQ(CreatePolicy(name)->name(), name);
}

TEST(PolicyRegistryTest, LearnedPoliciesNeedACheckpoint) {
  for (const auto& name : {"binning_ar", "fast_ar", "fastervla"}) {
    try {
      CreatePolicy(name);
      FAIL() << name << " started without a checkpoint";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr("params.checkpoint"));
    }
    try {
      CreatePolicy(name, Params("{checkpoint: /nonexistent/policy}"));
      FAIL() << name << " loaded a missing checkpoint";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr("/nonexistent/policy"));
    }
  }
}

TEST(PolicyRegistryTest, UnknownNameSuggestsTheNearest) {
  try {
    FindPolicy("randon");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown policy 'randon'; did you mean 'random'?"));
    EXPECT_THAT(e.what(), HasSubstr("(registered: binning_ar fast_ar fastervla openpi random replay scripted_expert tokenized_expert torchscript zero)"));
  }
}

TEST(PolicyRegistryTest, ParamsAreValidated) {
  EXPECT_EQ(CreatePolicy("random", Params("{chunk: 4}"))->name(), "random");
  EXPECT_THROW(CreatePolicy("random", Params("{chunk: 0}")), InputError);
  EXPECT_THROW(CreatePolicy("zero", Params("{chnk: 3}")), InputError);
}

class AttachedPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = envs::EnvSpec::Create("spatial", kTask, "widowx250");
    id_ = {"spatial", kTask, "id", "widowx250", 0, 0};
    envs::Reset(*spec_, id_, state_);
  }
  std::unique_ptr<const envs::EnvSpec> spec_;
  envs::EpisodeState state_;
  envs::EpisodeId id_;
};

TEST_F(AttachedPolicyTest, RandomIsUniformAndAFunctionOfTheEpisode) {
  auto policy = CreatePolicy("random", Params("{chunk: 5}"));
  policy->Attach(*spec_, state_);
  policy->Reset(id_);
  const auto first = policy->Act({});
  EXPECT_EQ(first.steps, 5);
  EXPECT_EQ(first.action_dim, spec_->action_dim());
  ASSERT_EQ(first.actions.size(), static_cast<size_t>(5 * spec_->action_dim()));
  for (double a : first.actions) {
    EXPECT_GE(a, -1.0);
    EXPECT_LE(a, 1.0);
  }
  policy->Act({});  // advancing the stream, then resetting, repeats the episode's actions
  policy->Reset(id_);
  EXPECT_EQ(policy->Act({}).actions, first.actions);
  envs::EpisodeId other = id_;
  other.init_index = 1;
  policy->Reset(other);
  EXPECT_NE(policy->Act({}).actions, first.actions);
}

TEST_F(AttachedPolicyTest, ZeroHoldsStillWithTheGripperOpen) {
  auto policy = CreatePolicy("zero", Params("{chunk: 2}"));
  policy->Attach(*spec_, state_);
  policy->Reset(id_);
  const auto chunk = policy->Act({});
  ASSERT_EQ(spec_->action_dim(), 7);
  EXPECT_THAT(chunk.actions, ElementsAre(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, -1));
}

TEST_F(AttachedPolicyTest, ScriptedExpertActsOneStepAtATime) {
  auto policy = CreatePolicy("scripted_expert");
  policy->Attach(*spec_, state_);
  policy->Reset(id_);
  const auto chunk = policy->Act({});
  EXPECT_EQ(chunk.steps, 1);
  EXPECT_EQ(chunk.action_dim, 7);
  for (double a : chunk.actions) EXPECT_TRUE(std::isfinite(a));
}

TEST(PolicyTest, ActBeforeAttachIsAnError) {
  auto policy = CreatePolicy("random");
  EXPECT_THAT([&] { policy->Act({}); }, ::testing::ThrowsMessage<InputError>(HasSubstr("before Attach")));
}

}  // namespace
}  // namespace fb::policies
