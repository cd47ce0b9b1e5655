#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "core/json_file.h"
#include "policies/registry.h"
#include "policies/vla/action_generation.h"
#include "policies/vla/action_token_layout.h"
#include "policies/vla/instruction_vocab.h"
#include "policies/vla/vla_checkpoint.h"
#include "policies/vla/vla_net.h"
#include "policies/vla/vla_trainer.h"
#include "tokenizers/registry.h"
#include "tests/policies/vla/vla_test_data.h"
#include "tests/support/child_process.h"

namespace fb::policies {
namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;

VlaModelConfig TinyModel(bool expert) {
  return testing::TinyTrainConfig(expert ? "fastervla" : "binning_ar", "unused", "unused").model;
}

PrefixInputs RandomInputs(int64_t batch) {
  torch::manual_seed(11);
  PrefixInputs in;
  in.images = torch::randint(0, 256, {batch, 2, testing::kImageSize, testing::kImageSize, 3}).to(torch::kUInt8);
  in.words = torch::tensor({{2, 3, 4, 0, 0, 0, 0, 0}, {5, 1, 0, 0, 0, 0, 0, 0}}, torch::kInt64).narrow(0, 0, batch);
  in.proprio = torch::randn({batch, 8});
  return in;
}

constexpr VlaVocabularies kTinyVocab{10, 0, 0, 40, 39};

TEST(BlockCausalMaskTest, ATokenSeesEarlierBlocksAndItsOwnBlockOnly) {
  const auto mask = BlockCausalMask(torch::arange(9, torch::kInt64).div(3, "floor"));
  for (int i = 0; i < 9; ++i) {
    for (int j = 0; j < 9; ++j) EXPECT_EQ(mask[i][j].item<bool>(), j / 3 <= i / 3) << i << "," << j;
  }
  // Block size 1 is the ordinary causal mask.
  EXPECT_TRUE(BlockCausalMask(torch::arange(5, torch::kInt64)).equal(torch::ones({5, 5}, torch::kBool).tril()));
}

class KvCacheTest : public ::testing::TestWithParam<bool> {};

TEST_P(KvCacheTest, DecodingBlockByBlockEqualsOneFullPass) {
  torch::manual_seed(5);
  VlaNet net(TinyModel(GetParam()), kTinyVocab, 8);
  net->eval();
  torch::NoGradGuard no_grad;
  const auto prefix = net->EncodePrefix(RandomInputs(2));
  const auto ids = torch::randint(0, 40, {2, 9}, torch::kInt64);
  const auto positions = torch::arange(9, torch::kInt64) * 2 + net->first_action_position() + 2;
  const auto blocks = torch::arange(9, torch::kInt64).div(3, "floor");
  ActionCache full_cache;
  const auto full = net->DecodeActions(prefix, full_cache, ids, positions, blocks);

  ActionCache cache;
  std::vector<torch::Tensor> parts;
  for (int b = 0; b < 3; ++b) {
    parts.push_back(net->DecodeActions(prefix, cache, ids.narrow(1, 3 * b, 3), positions.narrow(0, 3 * b, 3),
                                       blocks.narrow(0, 3 * b, 3)));
  }
  EXPECT_EQ(cache.length(), 9);
  EXPECT_TRUE(torch::allclose(torch::cat(parts, 1), full, 1e-4, 1e-5));
}

TEST_P(KvCacheTest, LaterBlocksDoNotReachEarlierOutputsButABlockSeesItself) {
  torch::manual_seed(6);
  VlaNet net(TinyModel(GetParam()), kTinyVocab, 8);
  net->eval();
  torch::NoGradGuard no_grad;
  const auto prefix = net->EncodePrefix(RandomInputs(1));
  const auto positions = torch::arange(6, torch::kInt64) + net->first_action_position() + 1;
  const auto blocks = torch::arange(6, torch::kInt64).div(3, "floor");
  auto ids = torch::tensor({{1, 2, 3, 4, 5, 6}}, torch::kInt64);
  ActionCache a, b;
  const auto before = net->DecodeActions(prefix, a, ids, positions, blocks);
  ids[0][4] = 30;  // a token of the second block
  const auto after = net->DecodeActions(prefix, b, ids, positions, blocks);
  EXPECT_TRUE(torch::allclose(before.narrow(1, 0, 3), after.narrow(1, 0, 3)));
  EXPECT_FALSE(torch::allclose(before.select(1, 3), after.select(1, 3)));  // same block, earlier slot
}

INSTANTIATE_TEST_SUITE_P(ExpertOnAndOff, KvCacheTest, ::testing::Bool());

TEST(InstructionVocabTest, UnseenWordsAreUnknownAndLongInstructionsAreCut) {
  const auto vocab = InstructionVocab::Build({"Put the red block", "put the blue block"});
  EXPECT_EQ(vocab.size(), 2 + 5);  // blue block put red the
  const auto ids = vocab.Encode("put the GREEN block!", 6);
  EXPECT_EQ(ids[2], InstructionVocab::kUnknown);
  EXPECT_NE(ids[0], InstructionVocab::kUnknown);
  EXPECT_EQ(ids[4], InstructionVocab::kPad);
  EXPECT_EQ(vocab.Encode("put the red block put the red block", 3).size(), 3u);
}

class VlaTrainingTest : public ::testing::TestWithParam<std::string> {};

// Each policy kind learns a tiny dataset to near-zero loss, is saved as a policy directory,
// loads through the registry, and acts on a real environment with the expected passes.
TEST_P(VlaTrainingTest, OverfitsATinyDatasetAndActsAfterLoading) {
  const std::string kind = GetParam();
  const fs::path dir = fb::testing::FreshDir("vla_overfit_" + kind);
  torch::set_num_threads(1);
  const auto demos = testing::WriteTinyDemos(dir / "demos");
  const auto config = testing::TinyTrainConfig(kind, demos, dir / "run");
  const VlaTrainReport report = TrainVla(config);
  EXPECT_LT(report.final_loss, 0.1) << kind;
  ASSERT_TRUE(fs::is_regular_file(report.policy_dir / "manifest.json"));

  const config::Subtree params = testing::CheckpointParams(report.policy_dir);
  auto policy = CreatePolicy(kind, params);
  EXPECT_EQ(policy->observation_options().width, testing::kImageSize);
  const auto spec = envs::EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
  envs::EpisodeState state;
  const envs::EpisodeId id{"spatial", "spatial_red_block_on_plate", "id", "panda", 0, 0};
  envs::Reset(*spec, id, state);
  envs::Renderer renderer;
  policy->Attach(*spec, state);
  policy->Reset(id);
  const auto observation = envs::Observe(*spec, state, policy->observation_options(), &renderer);
  const ActionChunk chunk = policy->Act(observation);
  EXPECT_EQ(chunk.steps, 4);
  EXPECT_EQ(chunk.action_dim, 7);
  EXPECT_EQ(chunk.actions.size(), 28u);
  const int expected_passes = kind == "fastervla"    ? 3    // one per RVQ level
                              : kind == "binning_ar" ? 28   // one per scalar
                                                     : static_cast<int>(chunk.metrics.tokens) + 1;  // + the end token
  EXPECT_EQ(chunk.metrics.forward_passes, expected_passes);

  // The same episode and observation give the same chunk (sampling seeded by the episode).
  policy->Reset(id);
  EXPECT_EQ(policy->Act(observation).actions, chunk.actions);

  // Constrained decoding from the same checkpoint: labelled as this project's variant, and
  // the chunk decodes; for fixed-length tokenizers it is the reference chunk.
  config::Subtree constrained_params = params;
  const auto decoding = config::FromAssignment("params.decoding=constrained");
  constrained_params.layers.push_back({decoding.root["params"], decoding, "policy.params"});
  auto constrained = CreatePolicy(kind, constrained_params);
  EXPECT_EQ(constrained->name(), kind + " (constrained)");
  constrained->Attach(*spec, state);
  constrained->Reset(id);
  const ActionChunk constrained_chunk = constrained->Act(observation);
  EXPECT_EQ(constrained_chunk.metrics.decode_failures, 0);
  EXPECT_EQ(constrained_chunk.actions.size(), 28u);
  if (kind != "fast_ar") {
    EXPECT_EQ(constrained_chunk.actions, chunk.actions);
  }

  envs::Observation small = observation;
  small.agentview.width = small.agentview.height = 8;
  small.agentview.pixels.resize(8 * 8 * 3);
  try {
    policy->Act(small);
    FAIL() << "a wrong image size was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("8x8"));
  }
  envs::Observation no_wrist = observation;
  no_wrist.wrist.clear();
  EXPECT_THROW(policy->Act(no_wrist), InputError);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, VlaTrainingTest, ::testing::Values("fastervla", "fast_ar", "binning_ar"));

TEST(VlaTrainingTest, ResumingFromACheckpointEndsWhereAStraightRunEnds) {
  const fs::path dir = fb::testing::FreshDir("vla_resume");
  torch::set_num_threads(1);
  const auto demos = testing::WriteTinyDemos(dir / "demos");
  auto config = testing::TinyTrainConfig("binning_ar", demos, dir / "straight");
  config.steps = 120;
  config.checkpoint_every = 50;
  config.image_shift = 2;  // the augmentation's draws must resume exactly too
  const auto straight = TrainVla(config);
  config.out = (dir / "resumed").string();
  const auto first = TrainVla(config, /*stop_at_step=*/70);
  EXPECT_EQ(first.steps, 70);
  EXPECT_FALSE(fs::exists(dir / "resumed" / "policy"));
  const auto resumed = TrainVla(config);
  EXPECT_EQ(resumed.resumed_from_step, 70);
  EXPECT_DOUBLE_EQ(resumed.final_loss, straight.final_loss);
  EXPECT_EQ(fb::testing::ReadText(dir / "resumed" / "policy" / "model.pt"),
            fb::testing::ReadText(dir / "straight" / "policy" / "model.pt"));

  config.lr = 1e-2;  // another config must not resume this run's checkpoints
  try {
    TrainVla(config, 80);
    FAIL() << "a checkpoint of another config was resumed";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("config hash"));
  }
}

// openpi's fallback, kept by the reference decoding: a chunk whose tokens do not decode is
// all zeros in the normalized space (so every row is the normalizer's centre once
// denormalized), and the call counts one decode failure. A barely trained FAST-AR's tokens
// rarely decode.
TEST(VlaPolicyTest, AnUndecodableChunkIsTheFallbackAndIsCounted) {
  const fs::path dir = fb::testing::FreshDir("vla_decode_failure");
  torch::set_num_threads(1);
  auto config = testing::TinyTrainConfig("fast_ar", testing::WriteTinyDemos(dir / "demos"), dir / "run");
  config.steps = 2;
  const fs::path checkpoint = TrainVla(config).policy_dir;
  auto policy = CreatePolicy("fast_ar", testing::CheckpointParams(checkpoint));

  const auto spec = envs::EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
  envs::EpisodeState state;
  envs::Renderer renderer;
  int failures = 0, decoded = 0;
  std::vector<double> fallback;
  for (int init = 0; init < 8; ++init) {
    const envs::EpisodeId id{"spatial", "spatial_red_block_on_plate", "id", "panda", init, 0};
    envs::Reset(*spec, id, state);
    policy->Attach(*spec, state);
    policy->Reset(id);
    const ActionChunk chunk = policy->Act(envs::Observe(*spec, state, policy->observation_options(), &renderer));
    ASSERT_EQ(chunk.actions.size(), 28u);
    if (chunk.metrics.decode_failures == 0) {
      ++decoded;
      continue;
    }
    EXPECT_EQ(chunk.metrics.decode_failures, 1);
    ++failures;
    const std::vector<double> first(chunk.actions.begin(), chunk.actions.begin() + 7);
    for (int t = 1; t < 4; ++t) {
      EXPECT_EQ(std::vector<double>(chunk.actions.begin() + 7 * t, chunk.actions.begin() + 7 * (t + 1)), first)
          << "every row of the fallback is the same";
    }
    if (fallback.empty()) fallback = first;
    EXPECT_EQ(first, fallback) << "the fallback does not depend on the observation";
  }
  EXPECT_GE(failures, 1) << decoded << " of 8 chunks decoded";
}

TEST(VlaCheckpointTest, WrongKindVersionOrTokenizerIsAClearError) {
  const fs::path dir = fb::testing::FreshDir("vla_bad_checkpoint");
  torch::set_num_threads(1);
  auto config = testing::TinyTrainConfig("binning_ar", testing::WriteTinyDemos(dir / "demos"), dir / "run");
  config.steps = 5;
  const fs::path policy = TrainVla(config).policy_dir;
  try {
    LoadVlaPolicy(policy, "fastervla");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("holds a 'binning_ar' policy, not 'fastervla'"));
  }
  auto manifest = ReadJsonFile(policy / "manifest.json");
  auto edit = [&](const std::string& key, const nlohmann::json& value) {
    auto copy = manifest;
    copy[key] = value;
    std::ofstream(policy / "manifest.json") << copy.dump();
  };
  edit("format_version", 99);
  EXPECT_THROW(LoadVlaPolicy(policy), InputError);
  edit("horizon", 5);
  try {
    LoadVlaPolicy(policy);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tokenizer"));
  }
  auto missing = manifest;
  missing.erase("proprio_mean");
  std::ofstream(policy / "manifest.json") << missing.dump();
  try {
    LoadVlaPolicy(policy);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("proprio_mean"));
  }
}

TEST(VlaTrainingTest, TheObjectPositionLossTeachesTheHeadWhereTheObjectIs) {
  const fs::path dir = fb::testing::FreshDir("vla_object_loss");
  torch::set_num_threads(1);
  auto config = testing::TinyTrainConfig("binning_ar", testing::WriteTinyDemos(dir / "demos", {.demos = 8}), dir / "run");
  config.val_fraction = 0.25;  // 2 held-out demos; their rows of the square occur in training too
  config.steps = 400;
  config.model.object_slots = 1;
  config.object_loss_weight = 1.0;
  const auto report = TrainVla(config);
  // Always guessing the mean position is off by kObjectCell on average in x and in y (4 equally
  // likely cells each) and exact in z: 2/3 kObjectCell per coordinate.
  const double guess_the_mean = 2.0 / 3.0 * testing::kObjectCell;
  EXPECT_GE(report.val_object_error, 0.0);
  EXPECT_LT(report.val_object_error, guess_the_mean / 3) << "the head did not learn to locate the square";
  EXPECT_DOUBLE_EQ(ReadJsonFile(report.policy_dir / "manifest.json")["training"]["val_object_error_m"].get<double>(),
                   report.val_object_error);
  EXPECT_EQ(LoadVlaPolicy(report.policy_dir).manifest.model.object_slots, 1);
}

TEST(VlaTrainingTest, TheObjectLossNeedsSlotsAndDemosWithObjectPositions) {
  const fs::path dir = fb::testing::FreshDir("vla_object_loss_bad");
  auto config = testing::TinyTrainConfig("binning_ar", testing::WriteTinyDemos(dir / "demos", {.object_positions = false}), dir / "run");
  config.object_loss_weight = 1.0;
  try {
    config.Validate();
    FAIL() << "a weight without slots was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("model.object_slots"));
  }
  config.model.object_slots = 2;
  try {
    TrainVla(config);
    FAIL() << "demos without obs/object_pos were accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tiny_demo.hdf5"));
    EXPECT_THAT(e.what(), HasSubstr("obs/object_pos"));
  }
}

TEST(VlaTrainingTest, DemosOfAnotherImageSizeAreRejectedNamingTheFile) {
  const fs::path dir = fb::testing::FreshDir("vla_bad_demos");
  auto config = testing::TinyTrainConfig("binning_ar", testing::WriteTinyDemos(dir / "demos"), dir / "run");
  config.model.image_size = 32;
  try {
    TrainVla(config);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tiny_demo.hdf5"));
    EXPECT_THAT(e.what(), HasSubstr("16x16"));
  }
}

TEST(ActionTokenLayoutTest, TeacherForcingShiftsByOneBlock) {
  std::vector<int64_t> inputs, targets;
  // Block size 3 over 9 fixed tokens: the first block reads block-start tokens, the rest the
  // previous block's tokens; a variable-length sequence ends with the end token.
  tokenizers::TokenizerPackage binning;
  binning.tokenizer = tokenizers::FindTokenizer("binning").create({});
  ActionTokenLayout layout(binning, 1, 9, 3, 10);
  ASSERT_TRUE(layout.MakeTrainingPair({1, 2, 3, 4, 5, 6, 7, 8, 9}, inputs, targets));
  const int64_t s = layout.block_start_token();
  EXPECT_EQ(inputs, (std::vector<int64_t>{s, s, s, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(targets, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_FALSE(layout.MakeTrainingPair({1, 2}, inputs, targets));
}

}  // namespace
}  // namespace fb::policies
