#include "tokenizers/fastervq/fastervq_tokenizer.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/config/schema.h"
#include "core/error.h"
#include "tests/tokenizers/fastervq/test_support.h"

namespace fb::tokenizers {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kH = 20;
constexpr int kD = 7;
constexpr int kPositions = 6;  // 2 time groups x 3 dim groups (TinyConfig)

std::unique_ptr<FasterVqTokenizer> FitTiny(int steps, uint64_t seed = 0) {
  torch::set_num_threads(1);
  auto config = testing::TinyConfig();
  config.steps = steps;
  auto tokenizer = FasterVqTokenizer::FromConfig(config);
  tokenizer->Fit(testing::SmoothChunks(512), {{}, seed});
  return tokenizer;
}

double MeanL1(const std::vector<float>& a, std::span<const float> b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return sum / static_cast<double>(a.size());
}

TEST(FasterVqTokenizerTest, CodebookMajorTokensDecodeCoarseToFineAndBadIdsFailSoftly) {
  const auto tokenizer = FitTiny(200);
  EXPECT_EQ(tokenizer->type(), "fastervq");
  EXPECT_EQ(tokenizer->vocab_size(), 3 * 32);
  EXPECT_EQ(tokenizer->tokens_per_chunk(), 3 * kPositions);
  const auto held_out = testing::SmoothChunks(64, /*seed=*/2);
  std::vector<double> l1_by_levels(3, 0.0);
  for (int64_t i = 0; i < held_out.count; ++i) {
    const auto ids = tokenizer->Encode(held_out.chunk(i), kH, kD);
    ASSERT_EQ(ids.size(), 3u * kPositions);
    for (size_t j = 0; j < ids.size(); ++j) {
      const auto level = static_cast<int32_t>(j / kPositions);  // codebook-major order
      EXPECT_GE(ids[j], level * 32);
      EXPECT_LT(ids[j], (level + 1) * 32);
    }
    for (int k = 1; k <= 3; ++k) {
      const auto decoded = tokenizer->Decode(std::span(ids).first(static_cast<size_t>(k * kPositions)), kH, kD);
      ASSERT_EQ(decoded.failure, DecodeFailure::kNone);
      l1_by_levels[static_cast<size_t>(k - 1)] += MeanL1(decoded.actions, held_out.chunk(i)) / held_out.count;
    }
  }
  EXPECT_LT(l1_by_levels[2], l1_by_levels[0]) << l1_by_levels[0] << " " << l1_by_levels[1] << " " << l1_by_levels[2];
  EXPECT_LT(l1_by_levels[1], l1_by_levels[0]);

  const auto analysis = tokenizer->AnalyzeCodes(held_out);
  ASSERT_EQ(analysis.at("per_level").size(), 3u);
  ASSERT_EQ(analysis.at("reconstruction_l1_by_levels").size(), 3u);
  EXPECT_NEAR(analysis["reconstruction_l1_by_levels"][2].get<double>(), l1_by_levels[2], 1e-4);
  EXPECT_GT(analysis["per_level"][0]["used"].get<int>(), 1);
  EXPECT_FALSE(analysis.at("dead_codes_during_training").empty());
  // The per-step and per-group errors split the all-levels L1: their (width-weighted) means give it back.
  const auto per_step = analysis.at("reconstruction_l1_per_step").get<std::vector<double>>();
  ASSERT_EQ(per_step.size(), static_cast<size_t>(kH));
  double step_mean = 0;
  for (double v : per_step) step_mean += v / kH;
  EXPECT_NEAR(step_mean, l1_by_levels[2], 1e-4);
  const auto per_group = analysis.at("reconstruction_l1_per_dim_group").get<std::vector<double>>();
  ASSERT_EQ(per_group.size(), 3u);  // [[0,1,2],[3,4,5],[6]]
  EXPECT_NEAR((3 * per_group[0] + 3 * per_group[1] + per_group[2]) / kD, l1_by_levels[2], 1e-4);

  auto ids = tokenizer->Encode(held_out.chunk(0), kH, kD);
  const auto zeros = std::vector<float>(kH * kD, 0.0f);
  auto expect_failure = [&](std::vector<int32_t> bad, DecodeFailure failure) {
    const auto decoded = tokenizer->Decode(bad, kH, kD);
    EXPECT_EQ(decoded.failure, failure);
    EXPECT_EQ(decoded.actions, zeros);
  };
  expect_failure(std::vector<int32_t>(ids.begin(), ids.end() - 1), DecodeFailure::kWrongLength);
  expect_failure({}, DecodeFailure::kWrongLength);
  auto longer = ids;
  longer.insert(longer.end(), ids.begin(), ids.begin() + kPositions);
  expect_failure(longer, DecodeFailure::kWrongLength);
  auto unknown = ids;
  unknown[17] = 96;  // == vocab_size
  expect_failure(unknown, DecodeFailure::kUnknownId);
  auto wrong_level = ids;
  wrong_level[0] = 40;  // a level-2 id in a level-1 position
  expect_failure(wrong_level, DecodeFailure::kUnknownId);
  auto negative = ids;
  negative[3] = -1;
  expect_failure(negative, DecodeFailure::kUnknownId);
  EXPECT_EQ(tokenizer->Decode(ids, kH, 6).failure, DecodeFailure::kWrongLength);
}

// One block per RVQ level, each slot within its level's codebook: what a policy
// generates, read from the tokenizer (the per-level position count is not assumed).
TEST(FasterVqTokenizerTest, LayoutIsOneBlockPerLevelWithTheLevelsCodebookRange) {
  auto config = testing::TinyConfig();
  EXPECT_THROW(FasterVqTokenizer(config).token_layout(kH, kD), std::logic_error);
  const auto tokenizer = FitTiny(1);
  const TokenLayout layout = tokenizer->token_layout(kH, kD);
  EXPECT_FALSE(layout.variable_length);
  EXPECT_EQ(layout.length, 3 * kPositions);
  EXPECT_EQ(layout.block, kPositions);
  ASSERT_EQ(layout.slots.size(), static_cast<size_t>(3 * kPositions));
  for (int i = 0; i < 3 * kPositions; ++i) {
    const int32_t level = i / kPositions;
    EXPECT_EQ(layout.slot(i), (IdRange{level * 32, (level + 1) * 32})) << i;
  }
  const auto ids = tokenizer->Encode(testing::SmoothChunks(1).chunk(0), kH, kD);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_GE(ids[i], layout.slot(static_cast<int>(i)).first);
    EXPECT_LT(ids[i], layout.slot(static_cast<int>(i)).last);
  }
  EXPECT_THROW(tokenizer->token_layout(kH + 1, kD), InputError);
}

TEST(FasterVqTokenizerTest, SaveLoadKeepsIdsAndBatchesMatchSingleCalls) {
  const auto tokenizer = FitTiny(60);
  const auto chunks = testing::SmoothChunks(40, /*seed=*/3);
  const auto batch_ids = tokenizer->EncodeBatch(chunks);
  const auto batch_decoded = tokenizer->DecodeBatch(batch_ids, kH, kD);
  for (int64_t i = 0; i < chunks.count; ++i) {
    const auto ids = tokenizer->Encode(chunks.chunk(i), kH, kD);
    EXPECT_EQ(ids, batch_ids[static_cast<size_t>(i)]);
    const auto decoded = tokenizer->Decode(ids, kH, kD);
    for (size_t j = 0; j < decoded.actions.size(); ++j) {
      EXPECT_NEAR(decoded.actions[j], batch_decoded[static_cast<size_t>(i)].actions[j], 1e-5);
    }
  }

  const fs::path dir = fs::temp_directory_path() / ("fastervq_tokenizer_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto settings = tokenizer->Save(dir);
  EXPECT_EQ(settings.at("tokens_per_chunk").get<int>(), 18);
  EXPECT_EQ(settings.at("config_hash").get<std::string>(), FasterVqConfigHash(tokenizer->config()));
  const auto loaded = FasterVqTokenizer::Load(dir);
  EXPECT_EQ(loaded->EncodeBatch(chunks), batch_ids);
  EXPECT_EQ(loaded->Decode(batch_ids[0], kH, kD).actions, tokenizer->Decode(batch_ids[0], kH, kD).actions);
  EXPECT_EQ(loaded->AnalyzeCodes(chunks)["dead_codes_during_training"],
            tokenizer->AnalyzeCodes(chunks)["dead_codes_during_training"]);

  // An edited config no longer matches its hash.
  auto file = nlohmann::json::parse(std::ifstream(dir / "fastervq.json"));
  file["config"]["lr"] = 0.5;
  std::ofstream(dir / "fastervq.json") << file.dump();
  EXPECT_THROW(FasterVqTokenizer::Load(dir), InputError);
  fs::remove_all(dir);
}

TEST(FasterVqTokenizerTest, AutomaticGroupsAreOnePerDimAndOldAutomaticSavesStillLoad) {
  torch::set_num_threads(1);
  auto config = testing::TinyConfig();
  config.dim_groups = {};  // automatic: one position per dim and time group, as the paper
  config.time_patch = 20;
  config.steps = 5;
  FasterVqTokenizer per_dim(config);
  per_dim.Fit(testing::SmoothChunks(64), {});
  EXPECT_EQ(per_dim.positions(), 7);
  EXPECT_EQ(per_dim.tokens_per_chunk(), 21);
  EXPECT_EQ(per_dim.Encode(testing::SmoothChunks(1, 5).chunk(0), kH, kD).size(), 21u);

  // A tokenizer saved while "automatic" meant [[0,1,2],[3,4,5],[6]] records empty
  // config.dim_groups beside its real groups: Load must build the recorded layout.
  const auto tokenizer = FitTiny(20);
  const auto chunks = testing::SmoothChunks(16, /*seed=*/4);
  const fs::path dir = fs::temp_directory_path() / ("fastervq_old_auto_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  tokenizer->Save(dir);
  auto file = nlohmann::json::parse(std::ifstream(dir / "fastervq.json"));
  auto old_config = tokenizer->config();
  old_config.dim_groups = {};
  file["config"]["dim_groups"] = nlohmann::json::array();
  file["config_hash"] = FasterVqConfigHash(old_config);
  std::ofstream(dir / "fastervq.json") << file.dump();
  const auto loaded = FasterVqTokenizer::Load(dir);
  EXPECT_EQ(loaded->positions(), kPositions);
  EXPECT_EQ(loaded->EncodeBatch(chunks), tokenizer->EncodeBatch(chunks));
  fs::remove_all(dir);
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FasterVqTokenizerTest, SameSeedSameCodesAndModelBytesOnOneThread) {
  const auto chunks = testing::SmoothChunks(64, /*seed=*/4);
  const auto first = FitTiny(40, /*seed=*/7);
  const auto second = FitTiny(40, /*seed=*/7);
  const auto a = first->EncodeBatch(chunks);
  EXPECT_EQ(a, second->EncodeBatch(chunks));
  const auto c = FitTiny(40, /*seed=*/8)->EncodeBatch(chunks);
  EXPECT_NE(a, c);

  // Same weights and codebooks to the bit, not just the same argmins on these chunks.
  const fs::path dir = fs::temp_directory_path() / ("fastervq_determinism_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  first->Save(dir / "a");
  second->Save(dir / "b");
  const std::string bytes = ReadBytes(dir / "a" / "fastervq_model.pt");
  EXPECT_FALSE(bytes.empty());
  EXPECT_TRUE(bytes == ReadBytes(dir / "b" / "fastervq_model.pt"));
  fs::remove_all(dir);
}

TEST(FasterVqTokenizerTest, RejectsNonFiniteDataWrongShapesAndBadConfigs) {
  auto config = testing::TinyConfig();
  config.steps = 5;
  auto tokenizer = FasterVqTokenizer::FromConfig(config);
  auto chunks = testing::SmoothChunks(16);
  EXPECT_THROW(tokenizer->Encode(chunks.chunk(0), kH, kD), std::logic_error);
  chunks.values[3 * 140 + 2 * 7 + 4] = std::numeric_limits<float>::quiet_NaN();
  try {
    tokenizer->Fit(chunks);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("chunk 3, step 2, dim 4"));
  }
  chunks.values[3 * 140 + 2 * 7 + 4] = 0.0f;
  tokenizer->Fit(chunks);
  EXPECT_THROW(tokenizer->Encode(std::vector<float>(kH * 6), kH, 6), InputError);
  std::vector<float> nan_chunk(kH * kD, std::numeric_limits<float>::infinity());
  EXPECT_THROW(tokenizer->Encode(nan_chunk, kH, kD), InputError);

  config.heads = 3;  // 32 % 3 != 0
  EXPECT_THROW(FasterVqTokenizer{config}, InputError);

  // The shipped defaults name every key and validate.
  FasterVqConfig defaults{};
  config::Apply(config::LoadBuiltin("tokenizers/fastervq.yaml"), defaults, /*complete=*/true);
  config::Validate(defaults);
  EXPECT_NO_THROW(defaults.Validate());
  EXPECT_EQ(defaults.levels, 3);
  EXPECT_TRUE(defaults.dim_groups.empty());  // one position per dim: 3 x 7 = 21 tokens for 20 x 7
  EXPECT_EQ(defaults.time_patch, 20);
  EXPECT_EQ(defaults.architecture, "hybrid");  // the paper's; its stems learn every dim one per group
  EXPECT_GT(defaults.vq_warmup_steps, 0);
}

}  // namespace
}  // namespace fb::tokenizers
