#include "eval/episode_runner.h"

#include <chrono>
#include <limits>
#include <stdexcept>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policies/registry.h"
#include "tests/eval/hanging_policy.h"

namespace fb::eval {
namespace {

using ::testing::HasSubstr;

constexpr const char* kTask = "spatial_red_block_on_plate";

envs::EpisodeId Id(int init_index) { return {"spatial", kTask, "id", "widowx250", init_index, static_cast<uint64_t>(init_index)}; }

// A misbehaving policy: throws, returns NaN or the wrong shape on its `fail_call`-th Act.
class BadPolicy final : public policies::Policy {
 public:
  enum class Mode { kThrow, kNan, kShape, kRemoteTimeout, kSlow };
  BadPolicy(Mode mode, int fail_call) : Policy("bad"), k_mode_(mode), k_fail_call_(fail_call) {}

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) override { k_dim_ = spec.action_dim(); }
  void DoReset(const envs::EpisodeId&) override { k_calls_ = 0; }
  policies::ActionChunk DoAct(const envs::Observation&) override {
    policies::ActionChunk chunk;
    chunk.steps = 2;
    chunk.action_dim = k_dim_;
    chunk.actions.assign(static_cast<size_t>(2 * k_dim_), 0.0);
    if (k_calls_++ == k_fail_call_) {
      switch (k_mode_) {
        case Mode::kThrow: throw std::runtime_error("model exploded");
        case Mode::kNan: chunk.actions[3] = std::numeric_limits<double>::quiet_NaN(); break;
        case Mode::kShape: chunk.actions.pop_back(); break;
        case Mode::kRemoteTimeout: throw policies::PolicyTimeout("server did not answer within 5 s");
        case Mode::kSlow: break;
      }
    }
    if (k_mode_ == Mode::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return chunk;
  }
  Mode k_mode_;
  int k_fail_call_;
  int k_calls_ = 0;
  int k_dim_ = 0;
};

class EpisodeRunnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { spec_ = envs::EnvSpec::Create("spatial", kTask, "widowx250").release(); }
  static void TearDownTestSuite() {
    delete spec_;
    spec_ = nullptr;
  }
  static const envs::EnvSpec* spec_;
  envs::EpisodeState state_;
};
const envs::EnvSpec* EpisodeRunnerTest::spec_ = nullptr;

TEST_F(EpisodeRunnerTest, ScriptedExpertSucceeds) {
  auto policy = policies::CreatePolicy("scripted_expert");
  for (int i = 0; i < 3; ++i) {
    const EpisodeRecord record = RunEpisode(*spec_, *policy, Id(i), state_, {});
    EXPECT_TRUE(record.success_once) << record.id.ToString() << ": " << EpisodeFailureName(record.failure);
    EXPECT_EQ(record.failure, EpisodeFailure::kNone);
    EXPECT_GT(record.steps, 0);
    EXPECT_EQ(record.calls.size(), static_cast<size_t>(record.steps));  // one action per call
    EXPECT_GT(record.sim_s, 0);
    EXPECT_EQ(record.id.seed, static_cast<uint64_t>(i));
  }
}

TEST_F(EpisodeRunnerTest, RandomTimesOutAndReplansEveryKSteps) {
  auto policy = policies::CreatePolicy("random");  // chunks of 8
  const EpisodeRecord record = RunEpisode(*spec_, *policy, Id(0), state_, {.replan_interval = 3});
  EXPECT_FALSE(record.success_once);
  EXPECT_EQ(record.failure, EpisodeFailure::kTimeout);
  EXPECT_EQ(record.steps, spec_->task().max_steps);
  EXPECT_EQ(record.calls.size(), static_cast<size_t>((record.steps + 2) / 3));
}

TEST_F(EpisodeRunnerTest, PolicyFailuresEndTheEpisodeWithAReasonAndTheRunGoesOn) {
  BadPolicy thrower(BadPolicy::Mode::kThrow, 2), nan(BadPolicy::Mode::kNan, 1), shape(BadPolicy::Mode::kShape, 0);
  auto expert = policies::CreatePolicy("scripted_expert");

  EpisodeRecord record = RunEpisode(*spec_, thrower, Id(0), state_, {});
  EXPECT_EQ(record.failure, EpisodeFailure::kPolicyError);
  EXPECT_EQ(record.failure_detail, "Act: model exploded");
  EXPECT_EQ(record.steps, 4);

  record = RunEpisode(*spec_, nan, Id(0), state_, {});
  EXPECT_EQ(record.failure, EpisodeFailure::kNanAction);
  EXPECT_THAT(record.failure_detail, HasSubstr("call 1: chunk value 3 (step 0, dim 3) is nan"));
  EXPECT_EQ(record.steps, 2);

  record = RunEpisode(*spec_, shape, Id(0), state_, {});
  EXPECT_EQ(record.failure, EpisodeFailure::kBadShape);
  EXPECT_THAT(record.failure_detail, HasSubstr("chunk holds 13 values; expected steps x action_dim = 2 x 7 = 14"));
  EXPECT_EQ(record.steps, 0);

  record = RunEpisode(*spec_, *expert, Id(0), state_, {});  // the same worker state goes on
  EXPECT_TRUE(record.success_once);
}

TEST_F(EpisodeRunnerTest, TimeoutsAndRemoteTimeoutsAreFailureReasons) {
  BadPolicy remote(BadPolicy::Mode::kRemoteTimeout, 1);
  EpisodeRecord record = RunEpisode(*spec_, remote, Id(0), state_, {});
  EXPECT_EQ(record.failure, EpisodeFailure::kRemoteTimeout);
  EXPECT_EQ(record.failure_detail, "Act: server did not answer within 5 s");

  // 20 ms per call against a 50 ms episode: the episode stops at a later call's start.
  BadPolicy slow(BadPolicy::Mode::kSlow, 0);
  record = RunEpisode(*spec_, slow, Id(0), state_, {.episode_timeout_s = 0.05});
  EXPECT_EQ(record.failure, EpisodeFailure::kPolicyTimeout);
  EXPECT_THAT(record.failure_detail, HasSubstr("episode_timeout_s"));
  EXPECT_LT(record.steps, spec_->task().max_steps);
}

TEST_F(EpisodeRunnerTest, AHungCallFailsTheEpisodeAtItsDeadline) {
  auto gate = std::make_shared<testing::Gate>();
  // Leaked on purpose, like the eval worker does: the abandoned call still uses them.
  const auto* spec = envs::EnvSpec::Create("spatial", kTask, "widowx250").release();
  auto* hung = new testing::HangingPolicy(gate, /*hang=*/true);
  auto* calls = new PolicyCallThread;
  auto* state = new envs::EpisodeState;
  const EpisodeRecord record =
      RunEpisode(*spec, *hung, Id(0), *state, {.policy_timeout_s = 0.2}, {.call_thread = calls});
  EXPECT_EQ(record.failure, EpisodeFailure::kPolicyTimeout);
  EXPECT_THAT(record.failure_detail, HasSubstr("Act: no answer within 0.2 s"));
  EXPECT_TRUE(calls->abandoned());
  EXPECT_THROW(calls->Run([] {}, 1), std::logic_error);
  gate->Open();  // the abandoned call ends and its thread leaves

  // A fresh policy on a fresh call thread runs the next episode normally.
  testing::HangingPolicy fine(gate, /*hang=*/false);
  PolicyCallThread fresh;
  const EpisodeRecord next = RunEpisode(*spec_, fine, Id(1), state_, {.policy_timeout_s = 30}, {.call_thread = &fresh});
  EXPECT_TRUE(next.success_once) << next.failure_detail;
  EXPECT_FALSE(fresh.abandoned());
}

TEST(EpisodeFailureTest, NamesRoundTrip) {
  for (auto f : {EpisodeFailure::kNone, EpisodeFailure::kTimeout, EpisodeFailure::kInvalidAction,
                 EpisodeFailure::kUnstable, EpisodeFailure::kPolicyError, EpisodeFailure::kBadShape,
                 EpisodeFailure::kNanAction, EpisodeFailure::kPolicyTimeout, EpisodeFailure::kRemoteTimeout}) {
    EXPECT_EQ(ParseEpisodeFailure(EpisodeFailureName(f)), f) << EpisodeFailureName(f);
  }
  EXPECT_EQ(EpisodeFailureName(EpisodeFailure::kPolicyTimeout), "policy_timeout");
  EXPECT_EQ(EpisodeFailureName(EpisodeFailure::kRemoteTimeout), "remote_timeout");
  EXPECT_THROW(ParseEpisodeFailure("hung"), InputError);
}

TEST_F(EpisodeRunnerTest, RecordRoundTripsThroughJson) {
  BadPolicy nan(BadPolicy::Mode::kNan, 1);
  const EpisodeRecord record = RunEpisode(*spec_, nan, Id(2), state_, {});
  const nlohmann::json json = ToJson(record);
  EXPECT_EQ(json["key"], "spatial/spatial_red_block_on_plate/id/widowx250/2/2");
  EXPECT_EQ(json["failure"], "nan_action");
  EXPECT_EQ(json["calls"].size(), 2u);
  EXPECT_EQ(ToJson(EpisodeRecordFromJson(json)), json);
  EXPECT_THROW(EpisodeRecordFromJson(nlohmann::json{{"suite", "spatial"}}), InputError);
}

}  // namespace
}  // namespace fb::eval
