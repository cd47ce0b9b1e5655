#include "tokenizers/fastervq/trainer.h"

#include <filesystem>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "tests/tokenizers/fastervq/test_support.h"

namespace fb::tokenizers {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct TrainingData {
  ActionImageLayout layout{20, 7, 10, {}};
  torch::Tensor images;
  explicit TrainingData(int64_t count) {
    const auto chunks = testing::SmoothChunks(count);
    auto values = layout.ToImages(chunks);
    images = torch::from_blob(values.data(), {count, layout.padded_horizon(), layout.image_columns()}).clone();
  }
};

FasterVqNet FreshNet(const FasterVqConfig& config, const ActionImageLayout& layout, uint64_t seed = 0) {
  torch::manual_seed(seed);
  return FasterVqNet(config, layout);
}

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("fastervq_trainer_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(TrainerTest, DctMatrixIsOrthonormal) {
  const auto m = DctMatrix(20);
  EXPECT_TRUE(torch::allclose(torch::matmul(m, m.t()), torch::eye(20), 1e-5, 1e-5));
  EXPECT_NEAR(m[0][0].item<double>(), 1.0 / std::sqrt(20.0), 1e-6);
}

TEST(TrainerTest, TinyRunReducesTheLossSubstantially) {
  torch::set_num_threads(1);
  const TrainingData data(512);
  auto config = testing::TinyConfig();
  config.steps = 300;
  auto net = FreshNet(config, data.layout);
  SplitMix64 rng(1);
  const double initial = [&] {
    torch::NoGradGuard no_grad;
    auto probe = FreshNet(config, data.layout);
    return ComputeLoss(probe, data.images, data.layout, DctMatrix(20), config, &rng).l1.item<double>();
  }();
  const FitReport report = TrainFasterVq(config, data.layout, net, data.images, "data", {});
  EXPECT_EQ(report.steps, 300);
  EXPECT_LT(report.final_l1, 0.35 * initial) << "initial L1 " << initial;
  EXPECT_FALSE(report.dead_codes.empty());
  EXPECT_EQ(report.dead_codes.front().step, config.dead_code_interval);
}

TEST(TrainerTest, VqWarmupTrainsAnAutoencoderThenStartsTheCodebooksAndResumesExactly) {
  torch::set_num_threads(1);
  const TrainingData data(256);
  auto config = testing::TinyConfig();
  config.steps = 40;
  config.vq_warmup_steps = 20;
  const FitOptions straight{TempDir("warmup_straight"), 5};
  const FitOptions staged{TempDir("warmup_staged"), 5};

  auto net_a = FreshNet(config, data.layout);
  const FitReport warm = TrainFasterVq(config, data.layout, net_a, data.images, "data", staged, /*stop_at_step=*/20);
  EXPECT_EQ(warm.steps, 20);
  EXPECT_TRUE(warm.dead_codes.empty());  // no codebook to reset yet
  EXPECT_EQ(net_a->rvq->codebooks().abs().sum().item<double>(), 0.0);

  auto net_b = FreshNet(config, data.layout, /*seed=*/99);
  const FitReport resumed = TrainFasterVq(config, data.layout, net_b, data.images, "data", staged);
  EXPECT_EQ(resumed.resumed_from_step, 20);
  EXPECT_GT(net_b->rvq->codebooks().abs().sum().item<double>(), 0.0);
  ASSERT_FALSE(resumed.dead_codes.empty());
  EXPECT_EQ(resumed.dead_codes.front().step, 20 + config.dead_code_interval);

  auto net_c = FreshNet(config, data.layout);
  const FitReport whole = TrainFasterVq(config, data.layout, net_c, data.images, "data", straight);
  EXPECT_EQ(whole.final_loss, resumed.final_loss);
  EXPECT_TRUE(torch::equal(net_b->rvq->codebooks(), net_c->rvq->codebooks()));

  config.vq_warmup_steps = 40;  // the codebooks would never start
  EXPECT_THROW(config.Validate(), InputError);
  fs::remove_all(straight.work_dir);
  fs::remove_all(staged.work_dir);
}

TEST(TrainerTest, ResumeContinuesExactlyAndOtherConfigsAreRejected) {
  torch::set_num_threads(1);
  const TrainingData data(256);
  auto config = testing::TinyConfig();
  config.steps = 40;
  config.checkpoint_every = 10;
  const FitOptions straight{TempDir("straight"), 5};
  const FitOptions staged{TempDir("staged"), 5};

  auto net_a = FreshNet(config, data.layout);
  const FitReport a = TrainFasterVq(config, data.layout, net_a, data.images, "data", straight);
  ASSERT_EQ(a.steps, 40);
  // Only the newest checkpoint is kept.
  EXPECT_TRUE(fs::exists(straight.work_dir / "checkpoint-000000040.pt"));
  EXPECT_EQ(std::distance(fs::directory_iterator(straight.work_dir), fs::directory_iterator()), 1);

  auto net_b = FreshNet(config, data.layout);
  const FitReport first = TrainFasterVq(config, data.layout, net_b, data.images, "data", staged, /*stop_at_step=*/20);
  EXPECT_EQ(first.steps, 20);
  auto net_c = FreshNet(config, data.layout, /*seed=*/99);  // resume must not depend on the fresh weights
  const FitReport b = TrainFasterVq(config, data.layout, net_c, data.images, "data", staged);
  EXPECT_EQ(b.resumed_from_step, 20);
  EXPECT_EQ(b.steps, 40);
  EXPECT_EQ(b.final_loss, a.final_loss);
  EXPECT_EQ(b.dead_codes.size(), a.dead_codes.size());
  {
    torch::NoGradGuard no_grad;
    net_a->eval();
    net_c->eval();
    const auto codes_a = net_a->rvq->Quantize(net_a->autoencoder->Encode(data.images));
    const auto codes_c = net_c->rvq->Quantize(net_c->autoencoder->Encode(data.images));
    EXPECT_TRUE(torch::equal(codes_a, codes_c));
  }

  auto other = config;
  other.lr = 1e-3;
  auto net_d = FreshNet(other, data.layout);
  try {
    TrainFasterVq(other, data.layout, net_d, data.images, "data", staged);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(FasterVqConfigHash(config)));
    EXPECT_THAT(e.what(), HasSubstr(FasterVqConfigHash(other)));
  }
  auto net_e = FreshNet(config, data.layout);
  EXPECT_THROW(TrainFasterVq(config, data.layout, net_e, data.images, "other data", staged), InputError);
  fs::remove_all(straight.work_dir);
  fs::remove_all(staged.work_dir);
}

TEST(TrainerTest, NonFiniteLossStopsWithTheStepAndKeepsTheCheckpoint) {
  torch::set_num_threads(1);
  TrainingData data(64);
  auto config = testing::TinyConfig();
  config.steps = 30;
  const FitOptions options{TempDir("nan"), 0};
  auto net = FreshNet(config, data.layout);
  TrainFasterVq(config, data.layout, net, data.images, "data", options, /*stop_at_step=*/10);
  data.images.fill_(std::numeric_limits<float>::max());  // the sums overflow to inf / NaN
  try {
    TrainFasterVq(config, data.layout, net, data.images, "data", options);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("at step 10"));
  }
  EXPECT_TRUE(fs::exists(options.work_dir / "checkpoint-000000010.pt"));
  fs::remove_all(options.work_dir);
}

}  // namespace
}  // namespace fb::tokenizers
