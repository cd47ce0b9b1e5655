#include "policies/replay/replay_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/document.h"
#include "core/data/hdf5_demo_writer.h"
#include "core/error.h"
#include "policies/registry.h"
#include "tests/support/scratch_dir.h"

namespace fb::policies {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr const char* kTask = "spatial_red_block_on_plate";
constexpr int kDims = 7;

config::Subtree Params(const std::string& yaml) {
  config::Subtree params;
  const config::Document doc = config::FromAssignment("params=" + yaml);
  params.layers.push_back({doc.root["params"], doc, "policy.params"});
  return params;
}

// steps x 7 actions whose values say where they came from: demo * 100 + step + dim / 10.
std::vector<float> DemoActions(int demo, int steps) {
  std::vector<float> actions;
  for (int t = 0; t < steps; ++t) {
    for (int d = 0; d < kDims; ++d) actions.push_back(static_cast<float>(demo * 100 + t) + static_cast<float>(d) / 10);
  }
  return actions;
}

std::vector<double> Rows(const std::vector<float>& actions, int first, int count) {
  return {actions.begin() + first * kDims, actions.begin() + (first + count) * kDims};
}

class ReplayPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = envs::EnvSpec::Create("spatial", kTask, "panda");
    id_ = {"spatial", kTask, "id", "panda", 1, 0};
  }
  // A file with demo_0 (3 steps) and demo_1 (5 steps); with `identity`, demo_<n> carries the
  // collector's attributes of init state n of the id split.
  std::string WriteDemos(bool identity) {
    const auto path = scratch_ / "demos.hdf5";
    data::Hdf5DemoWriter writer(path);
    writer.SetActionLabels("panda", "delta_eef");
    for (int demo = 0; demo < 2; ++demo) {
      const int steps = 3 + 2 * demo;
      const std::vector<float> actions = DemoActions(demo, steps);
      writer.WriteDemoActions(demo, steps, kDims, actions);
      if (identity) {
        const std::string group = "data/demo_" + std::to_string(demo);
        writer.SetAttribute(group, "task", kTask);
        writer.SetAttribute(group, "embodiment", "panda");
        writer.SetAttribute(group, "split", "id");
        writer.SetAttribute(group, "init_index", int64_t{demo});
        writer.SetAttribute(group, "seed", int64_t{0});  // not part of the match
      }
    }
    writer.Commit();
    return path.string();
  }
  std::unique_ptr<Policy> Attached(const config::Subtree& params) {
    auto policy = CreatePolicy("replay", params);
    policy->Attach(*spec_, state_);
    return policy;
  }
  testing::ScratchDir scratch_;
  std::unique_ptr<const envs::EnvSpec> spec_;
  envs::EpisodeState state_;
  envs::EpisodeId id_;
};

TEST_F(ReplayPolicyTest, ReturnsTheRecordedActionsChunkByChunkThenHolds) {
  const std::string path = WriteDemos(false);
  auto policy = Attached(Params("{path: '" + path + "', demo_index: 1, chunk: 2}"));
  policy->Reset(id_);
  const std::vector<float> recorded = DemoActions(1, 5);
  ActionChunk chunk = policy->Act({});
  EXPECT_EQ(chunk.steps, 2);
  EXPECT_EQ(chunk.action_dim, kDims);
  EXPECT_THAT(chunk.actions, ElementsAreArray(Rows(recorded, 0, 2)));
  EXPECT_THAT(policy->Act({}).actions, ElementsAreArray(Rows(recorded, 2, 2)));
  chunk = policy->Act({});  // the last recorded step alone
  EXPECT_EQ(chunk.steps, 1);
  EXPECT_THAT(chunk.actions, ElementsAreArray(Rows(recorded, 4, 1)));
  // Then no motion, the gripper as last commanded.
  const double gripper = recorded.back();
  EXPECT_THAT(policy->Act({}).actions, ElementsAreArray({0.0, 0.0, 0.0, 0.0, 0.0, 0.0, gripper,  //
                                                         0.0, 0.0, 0.0, 0.0, 0.0, 0.0, gripper}));
  policy->Reset(id_);  // a new episode starts the demo over
  EXPECT_THAT(policy->Act({}).actions, ElementsAreArray(Rows(recorded, 0, 2)));
}

TEST_F(ReplayPolicyTest, EachEpisodeReplaysTheDemoRecordedForIt) {
  const std::string path = WriteDemos(true);
  auto policy = Attached(Params("{path: '" + path + "', chunk: 1}"));
  for (int init = 0; init < 2; ++init) {
    envs::EpisodeId id = id_;
    id.init_index = init;
    id.seed = 9;
    policy->Reset(id);
    EXPECT_THAT(policy->Act({}).actions, ElementsAreArray(Rows(DemoActions(init, 1), 0, 1)));
  }
  envs::EpisodeId unrecorded = id_;
  unrecorded.split = "ood-position";
  EXPECT_THAT([&] { policy->Reset(unrecorded); },
              ThrowsMessage<InputError>(HasSubstr("has no demo recorded for episode spatial/" + std::string(kTask) +
                                                  "/ood-position/panda/1/0")));
  auto by_index = Attached(Params("{path: '" + path + "', match_episode: false, demo_index: 0}"));
  by_index->Reset(id_);
  EXPECT_THAT(by_index->Act({}).actions, ElementsAreArray(Rows(DemoActions(0, 1), 0, 1)));

  // eval's preflight: a run that includes episodes without a demo is rejected up front.
  envs::EpisodeId recorded = id_;
  recorded.seed = 9;
  const std::vector<envs::EpisodeId> runnable = {recorded};
  EXPECT_NO_THROW(policy->CheckEpisodes(runnable));
  envs::EpisodeId other = unrecorded;
  other.init_index = 0;
  const std::vector<envs::EpisodeId> mixed = {recorded, unrecorded, other};
  EXPECT_THAT([&] { policy->CheckEpisodes(mixed); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("ood-position/panda/1/0"),
                                              HasSubstr("and 1 more of the run's 3 episodes lack one"))));
}

TEST_F(ReplayPolicyTest, OnEndFailThrowsAfterTheLastAction) {
  const std::string path = WriteDemos(false);
  auto policy = Attached(Params("{path: '" + path + "', chunk: 3, on_end: fail}"));
  policy->Reset(id_);
  EXPECT_THAT(policy->Act({}).actions, ElementsAreArray(Rows(DemoActions(0, 3), 0, 3)));
  EXPECT_THAT([&] { policy->Act({}); },
              ThrowsMessage<std::runtime_error>(HasSubstr("data/demo_0 has no actions left after its 3 (on_end: fail)")));
}

TEST_F(ReplayPolicyTest, MissingFileOrDemoIsAnInputError) {
  EXPECT_THAT([&] { CreatePolicy("replay", Params("{path: '" + (scratch_ / "none.hdf5").string() + "'}")); },
              ThrowsMessage<InputError>(HasSubstr("none.hdf5' does not exist")));
  EXPECT_THAT([&] { CreatePolicy("replay"); }, ThrowsMessage<InputError>(HasSubstr("replay: params.path is empty")));
  auto policy = Attached(Params("{path: '" + WriteDemos(false) + "', demo_index: 7}"));
  EXPECT_THAT([&] { policy->Reset(id_); },
              ThrowsMessage<InputError>(HasSubstr("has no data/demo_7 (demo_index; the file has 2 demos, first data/demo_0)")));
}

}  // namespace
}  // namespace fb::policies
