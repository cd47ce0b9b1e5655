#include "eval/run_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/schema.h"
#include "core/error.h"
#include "eval/eval_run.h"

#include <nlohmann/json.hpp>

namespace fb::eval {
namespace {

EvalConfig Config(std::vector<std::string> assignments) {
  assignments.push_back("tasks=[spatial_red_block_on_plate]");
  return config::LoadLayered<EvalConfig>("eval.yaml", "", assignments);
}

const policies::PolicyProtocol kPandaEvery5{5, {"panda"}};

TEST(RunProtocolTest, TheRunTakesThePolicysReplanIntervalUnlessItStatesOne) {
  EXPECT_FALSE(Config({}).replan_interval.has_value());
  EXPECT_EQ(ApplyPolicyProtocol(Config({}), kPandaEvery5).replan_interval, 5);
  EXPECT_EQ(ApplyPolicyProtocol(Config({"replan_interval=10"}), kPandaEvery5).replan_interval, 10);
  EXPECT_EQ(ApplyPolicyProtocol(Config({"replan_interval=0"}), kPandaEvery5).replan_interval, 0);
  EXPECT_EQ(ApplyPolicyProtocol(Config({}), {}).replan_interval, 0);  // nothing stated: the whole chunk
  EXPECT_THROW(Config({"replan_interval=-1"}), InputError);
}

TEST(RunProtocolTest, InDistributionSplitsRunOnlyOnTheTrainingEmbodiments) {
  // No embodiments listed: the policy's, plus the held-out ones of an embodiment split.
  const EvalConfig defaults = ApplyPolicyProtocol(Config({"splits=[id, ood-embodiment]"}), kPandaEvery5);
  std::vector<std::string> expected = {"panda"};
  for (const auto& embodiment : HeldOutEmbodiments(defaults)) expected.push_back(embodiment);
  EXPECT_THAT(defaults.embodiments, ::testing::UnorderedElementsAreArray(expected));
  for (const auto& episode : BuildEpisodeList(defaults)) {
    EXPECT_EQ(episode.split == "id", episode.embodiment == "panda") << episode.ToString();
  }
  EXPECT_THAT(ApplyPolicyProtocol(Config({"splits=[id]"}), kPandaEvery5).embodiments, ::testing::ElementsAre("panda"));

  // An untrained embodiment named under `id` is refused, unless overridden.
  EXPECT_THAT([] { ApplyPolicyProtocol(Config({"embodiments=[panda, ur5e]"}), kPandaEvery5); },
              ::testing::ThrowsMessage<InputError>(::testing::AllOf(::testing::HasSubstr("'ur5e'"),
                                                                    ::testing::HasSubstr("ood-embodiment"))));
  const EvalConfig overridden =
      ApplyPolicyProtocol(Config({"embodiments=[panda, ur5e]", "embodiment_override=true"}), kPandaEvery5);
  EXPECT_THAT(overridden.embodiments, ::testing::ElementsAre("panda", "ur5e"));

  // A policy that names no embodiments (the scripted expert) runs wherever the run says.
  EXPECT_TRUE(ApplyPolicyProtocol(Config({"splits=[id]"}), {}).embodiments.empty());
  EXPECT_NO_THROW(ApplyPolicyProtocol(Config({"embodiments=[ur5e]"}), {}));
}

// A policy that reads no images (the state track) cannot be measured on a split that changes
// only appearance: it is reported as n/a, never run and never given a success rate.
TEST(RunProtocolTest, AppearanceSplitsAreNotApplicableToAPolicyThatReadsNoImages) {
  policies::PolicyProtocol blind = kPandaEvery5;
  blind.reads_images = false;
  const EvalConfig config = ApplyPolicyProtocol(Config({"splits=[id, ood-visual, ood-position]"}), blind);
  EXPECT_THAT(config.splits, ::testing::ElementsAre("id", "ood-position"));
  EXPECT_THAT(config.not_applicable_splits, ::testing::ElementsAre("ood-visual"));
  for (const auto& episode : BuildEpisodeList(config)) EXPECT_NE(episode.split, "ood-visual");
  EXPECT_EQ(RunHeader(config, "h").at("not_applicable_splits"), nlohmann::json({"ood-visual"}));

  // A policy with cameras runs it, and its header says nothing about n/a splits.
  const EvalConfig seeing = ApplyPolicyProtocol(Config({"splits=[id, ood-visual]"}), kPandaEvery5);
  EXPECT_THAT(seeing.splits, ::testing::ElementsAre("id", "ood-visual"));
  EXPECT_FALSE(RunHeader(seeing, "h").contains("not_applicable_splits"));

  EXPECT_THAT([&] { ApplyPolicyProtocol(Config({"splits=[ood-visual]"}), blind); },
              ::testing::ThrowsMessage<InputError>(::testing::HasSubstr("reads no images")));
}

}  // namespace
}  // namespace fb::eval
