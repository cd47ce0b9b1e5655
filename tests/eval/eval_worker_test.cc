#include "eval/eval_worker.h"

#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/config/schema.h"
#include "tests/eval/hanging_policy.h"
#include "tests/support/scratch_dir.h"

namespace fb::eval {
namespace {

envs::EpisodeId Id(int init_index) {
  return {"spatial", "spatial_red_block_on_plate", "id", "widowx250", init_index, static_cast<uint64_t>(init_index)};
}

TEST(EvalWorkerTest, AHungPolicyFailsItsEpisodeAndTheWorkerGoesOnWithAFreshOne) {
  const fb::testing::ScratchDir scratch;
  const auto config = config::LoadLayered<EvalConfig>("eval.yaml", "", {"policy_timeout_s=0.3"});
  auto gate = std::make_shared<testing::Gate>();
  std::atomic<int> made{0};
  // The first instance hangs in its first Act; later ones answer.
  const PolicyMaker make = [&]() -> std::unique_ptr<policies::Policy> {
    return std::make_unique<testing::HangingPolicy>(gate, made++ == 0);
  };
  SpecCache specs;
  EvalWorker worker(config, specs, scratch.path(), make);

  const EpisodeRecord hung = worker.Run(Id(0), false);
  EXPECT_EQ(hung.failure, EpisodeFailure::kPolicyTimeout);
  EXPECT_EQ(hung.steps, 0);
  for (const int index : {1, 2}) {
    const EpisodeRecord later = worker.Run(Id(index), false);
    EXPECT_EQ(later.failure, EpisodeFailure::kNone) << later.failure_detail;
    EXPECT_TRUE(later.success_once);
  }
  EXPECT_EQ(made.load(), 2);  // one replacement, made for the episode after the hang
  gate->Open();
}

// Reads the agent-view image (and fails the episode without one); never moves.
class ImagePolicy final : public policies::Policy {
 public:
  ImagePolicy() : Policy("image") {}
  envs::ObservationOptions observation_options() const override {
    envs::ObservationOptions options;
    options.wrist = false;
    options.width = 32;
    options.height = 24;
    return options;
  }

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) override { k_dim_ = spec.action_dim(); }
  void DoReset(const envs::EpisodeId&) override {}
  policies::ActionChunk DoAct(const envs::Observation& observation) override {
    const auto& image = observation.agentview;
    if (image.width != 32 || image.height != 24 || image.pixels.size() != 32u * 24u * 3u) {
      throw std::runtime_error("no 32x24 agent-view image");
    }
    return {std::vector<double>(static_cast<size_t>(50 * k_dim_), 0.0), 50, k_dim_, {}};
  }
  int k_dim_ = 0;
};

TEST(EvalWorkerTest, APolicyThatReadsImagesGetsThemFromTheWorkersRenderer) {
  const fb::testing::ScratchDir scratch;
  const auto config = config::LoadLayered<EvalConfig>("eval.yaml", "", {});
  SpecCache specs;
  EvalWorker worker(config, specs, scratch.path(), [] { return std::make_unique<ImagePolicy>(); });
  const EpisodeRecord record = worker.Run(Id(0), false);
  EXPECT_EQ(record.failure, EpisodeFailure::kTimeout) << record.failure_detail;  // it saw an image every call
  EXPECT_GT(record.observe_s, 0);
}

TEST(EvalWorkerTest, SpecsAreSharedByTaskAndEmbodiment) {
  SpecCache specs;
  const auto a = specs.Get(Id(0));
  EXPECT_EQ(specs.Get(Id(3)).get(), a.get());
  auto other = Id(0);
  other.embodiment = "panda";
  EXPECT_NE(specs.Get(other).get(), a.get());
}

}  // namespace
}  // namespace fb::eval
