#include "tokenizers/tokenizer_package.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizers/binning/binning_tokenizer.h"
#include "tokenizers/registry.h"
#include "tests/support/scratch_dir.h"

namespace fb::tokenizers {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TokenizerPackage BinningPackage() {
  std::vector<float> steps;
  for (int i = 0; i < 200; ++i) {
    steps.push_back(0.01f * static_cast<float>(i));
    steps.push_back(-0.5f + 0.002f * static_cast<float>(i));
  }
  TokenizerPackage package;
  package.name = "binning";
  package.horizon = 4;
  package.dims = 2;
  package.normalizer = Normalizer::Fit({"quantile", true}, steps, 2);
  package.tokenizer = std::make_shared<BinningTokenizer>(BinningConfig{"openvla", 256});
  return package;
}

std::string LoadError(const fs::path& dir) {
  try {
    LoadPackage(dir);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(TokenizerPackageTest, SaveLoadRoundTripEncodesIdentically) {
  const testing::ScratchDir scratch;
  const fs::path dir = scratch / "binning";
  const auto package = BinningPackage();
  SavePackage(dir, package);
  const auto loaded = LoadPackage(dir);
  EXPECT_EQ(loaded.name, "binning");
  EXPECT_EQ(loaded.horizon, 4);
  EXPECT_EQ(loaded.dims, 2);
  EXPECT_EQ(loaded.tokenizer->type(), "binning");
  const std::vector<float> raw = {0.3f, -0.2f, 1.2f, -0.15f, 0.5f, -0.4f, 1.9f, -0.11f};
  EXPECT_EQ(loaded.EncodeRaw(raw, 4, 2), package.EncodeRaw(raw, 4, 2));
  const auto ids = package.EncodeRaw(raw, 4, 2);
  const auto decoded = loaded.DecodeRaw(ids, 4, 2);
  for (size_t i = 0; i < raw.size(); ++i) EXPECT_NEAR(decoded.actions[i], raw[i], 0.01) << i;
}

TEST(TokenizerPackageTest, SavingAgainReplacesWholeDirectoryAndLeavesNoStaging) {
  const testing::ScratchDir scratch;
  const fs::path& parent = scratch.path();
  const fs::path dir = parent / "tok";
  SavePackage(dir, BinningPackage());
  std::ofstream(dir / "stale.txt") << "left from an older save";
  SavePackage(dir, BinningPackage());
  EXPECT_FALSE(fs::exists(dir / "stale.txt"));
  EXPECT_EQ(std::distance(fs::directory_iterator(parent), fs::directory_iterator()), 1);
}

TEST(TokenizerPackageTest, MalformedManifestsNameFileAndProblem) {
  const testing::ScratchDir scratch;
  const fs::path dir = scratch / "tok";
  SavePackage(dir, BinningPackage());
  const fs::path manifest = dir / "manifest.json";
  auto json = nlohmann::json::parse(std::ifstream(manifest));

  std::ofstream(manifest) << "{not json";
  EXPECT_THAT(LoadError(dir), HasSubstr("manifest.json: invalid JSON"));

  auto versioned = json;
  versioned["format_version"] = 99;
  std::ofstream(manifest) << versioned.dump();
  EXPECT_THAT(LoadError(dir), HasSubstr("format_version 99 is not supported"));

  auto typo = json;
  typo["type"] = "binnig";
  std::ofstream(manifest) << typo.dump();
  EXPECT_THAT(LoadError(dir), HasSubstr("unknown tokenizer type 'binnig'; did you mean 'binning'?"));

  auto missing = json;
  missing.erase("normalizer");
  std::ofstream(manifest) << missing.dump();
  EXPECT_THAT(LoadError(dir), HasSubstr("manifest.json"));

  fs::create_directories(scratch / "empty");
  EXPECT_THAT(LoadError(scratch / "empty"), HasSubstr("is not a tokenizer directory"));
}

TEST(TokenizerRegistryTest, CreateLayersParamsOverBuiltinDefaults) {
  const auto& factory = FindTokenizer("binning");
  const auto defaults = factory.create(config::Subtree{});
  EXPECT_EQ(defaults->vocab_size(), 256);
  config::Subtree params{{{YAML::Load("{bins: 64}"), config::Document{{}, "run.yaml", true}, "tokenizers[0].params"}}};
  EXPECT_EQ(factory.create(params)->vocab_size(), 64);
  config::Subtree bad{{{YAML::Load("{bins: 1}"), config::Document{{}, "run.yaml", true}, "tokenizers[0].params"}}};
  EXPECT_THROW(factory.create(bad), InputError);
  EXPECT_THAT(TokenizerTypes(), ::testing::Contains("fast"));
}

}  // namespace
}  // namespace fb::tokenizers
