#include "policies/tokenized_expert/tokenized_expert_policy.h"

#include <algorithm>
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/document.h"
#include "core/error.h"
#include "policies/registry.h"
#include "tokenizers/binning/binning_tokenizer.h"
#include "tests/support/scratch_dir.h"

namespace fb::policies {
namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kTask[] = "spatial_red_block_on_plate";

// A binning package over [-1, 1] on every dim of a 7-D arm (identity normalization), so a
// decoded action is within half a bin of the planned one.
fs::path SaveBinningPackage(const fs::path& dir, int horizon, int bins) {
  std::vector<float> steps;
  for (int i = 0; i <= 100; ++i) {
    for (int d = 0; d < 7; ++d) steps.push_back(-1.0f + 0.02f * static_cast<float>(i));
  }
  tokenizers::TokenizerPackage package;
  package.name = "binning";
  package.horizon = horizon;
  package.dims = 7;
  package.normalizer = tokenizers::Normalizer::Fit({"min_max", false}, steps, 7);
  package.tokenizer = std::make_shared<tokenizers::BinningTokenizer>(tokenizers::BinningConfig{"openvla", bins});
  tokenizers::SavePackage(dir, package);
  return dir;
}

std::unique_ptr<Policy> Make(const std::string& assignments) {
  config::Subtree params;
  if (!assignments.empty()) {
    const auto doc = config::FromAssignment("params=" + assignments);
    params.layers.push_back({doc.root["params"], doc, "policy.params"});
  }
  return CreatePolicy("tokenized_expert", params);
}

struct Outcome {
  bool success = false;
  int chunks = 0;
  double max_gap = 0;  // largest |executed - planned| over the executed actions
};

// Runs one id episode (at most `max_chunks` calls) executing `execute` actions of each chunk;
// `plain` (the chunked expert without a tokenizer) gives the planned actions to compare against.
Outcome RunEpisode(Policy& policy, Policy* plain, int execute, int max_chunks = 1000) {
  const auto spec = envs::EnvSpec::Create("spatial", kTask, "panda");
  envs::EpisodeState state;
  const envs::EpisodeId id{"spatial", kTask, "id", "panda", 0, 0};
  envs::Reset(*spec, id, state);
  policy.Attach(*spec, state);
  policy.Reset(id);
  if (plain != nullptr) {
    plain->Attach(*spec, state);
    plain->Reset(id);
  }
  Outcome out;
  while (!state.done && out.chunks < max_chunks) {
    const auto observation = envs::Observe(*spec, state, policy.observation_options(), nullptr);
    const ActionChunk chunk = policy.Act(observation);
    EXPECT_EQ(chunk.steps, 20);
    if (plain != nullptr) {
      const ActionChunk planned = plain->Act(observation);
      for (int k = 0; k < execute * 7; ++k) {
        out.max_gap = std::max(out.max_gap, std::abs(chunk.actions[static_cast<size_t>(k)] - planned.actions[static_cast<size_t>(k)]));
      }
    }
    ++out.chunks;
    for (int k = 0; k < execute && !state.done; ++k) {
      const std::vector<double> action(chunk.actions.begin() + 7 * k, chunk.actions.begin() + 7 * (k + 1));
      envs::Step(*spec, action, state);
    }
  }
  out.success = state.success_once;
  return out;
}

TEST(TokenizedExpertTest, TheChunkedExpertSolvesTheTaskReplanningEveryFiveSteps) {
  auto policy = Make("");
  const Outcome outcome = RunEpisode(*policy, nullptr, 5);
  EXPECT_TRUE(outcome.success);
  EXPECT_GT(outcome.chunks, 5);
}

// The executed chunk is the planned one through encode and decode: within half a bin of it
// (about 2 / 256 wide here), and a coarse tokenizer moves it further.
TEST(TokenizedExpertTest, ExecutesTheTokenizersReconstructionOfThePlannedChunk) {
  const testing::ScratchDir scratch;
  auto fine = Make("{tokenizer: " + SaveBinningPackage(scratch / "fine", 20, 256).string() + "}");
  auto plain = Make("");
  const Outcome outcome = RunEpisode(*fine, plain.get(), 5);
  EXPECT_TRUE(outcome.success);
  EXPECT_GT(outcome.max_gap, 0.0);
  EXPECT_LE(outcome.max_gap, 1.0 / 255 + 1e-6);

  auto coarse = Make("{tokenizer: " + SaveBinningPackage(scratch / "coarse", 20, 4).string() + "}");
  auto plain_again = Make("");
  EXPECT_GT(RunEpisode(*coarse, plain_again.get(), 1, /*max_chunks=*/10).max_gap, 0.1);
}

TEST(TokenizedExpertTest, AHorizonOtherThanTheTokenizersIsAnError) {
  const testing::ScratchDir scratch;
  const fs::path dir = SaveBinningPackage(scratch / "h10", 10, 256);
  try {
    Make("{tokenizer: " + dir.string() + "}");
    FAIL() << "a 10-step tokenizer was accepted for 20-step chunks";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("10 steps"));
    EXPECT_THAT(e.what(), HasSubstr("params.horizon"));
  }
}

}  // namespace
}  // namespace fb::policies
