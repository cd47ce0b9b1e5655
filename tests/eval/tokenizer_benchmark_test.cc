#include "eval/tokenizer_benchmark.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/schema.h"
#include "core/data/action_data_source.h"
#include "core/error.h"
#include "eval/tokenizer_study.h"
#include "tests/support/scratch_dir.h"

namespace fb::eval {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

template <class T>
T Load(const std::string& builtin, const std::vector<std::string>& sets) {
  T config = config::LoadLayered<T>(builtin, "", sets);
  ResolveNormalizers(config.tokenizers);
  return config;
}

TEST(TokenizerBenchmarkTest, ResultsDoNotDependOnWorkerCount) {
  const std::vector<std::string> small = {"data.synthetic.episodes=12", "data.synthetic.embodiments=[panda, widowx]",
                                          "metrics.measure_throughput=false"};
  auto config = Load<TokenizerEvalConfig>("tokenizer_eval.yaml", small);
  const auto dataset = data::LoadActionData(config.data, config.seed);
  const testing::ScratchDir scratch;
  config.workers = 1;
  auto one = RunTokenizerBenchmark(config, dataset, scratch / "w1", true);
  config.workers = 2;
  auto two = RunTokenizerBenchmark(config, dataset, scratch / "w2", true);
  ASSERT_EQ(one["groups"].size(), 2u);
  for (auto* results : {&one, &two}) {
    for (auto& group : (*results)["groups"]) {
      for (auto& tokenizer : group["tokenizers"]) tokenizer["metrics"].erase("throughput");
    }
  }
  EXPECT_EQ(one, two);
  EXPECT_EQ(one["groups"][0]["embodiment"], "panda");
  EXPECT_TRUE(fs::exists(scratch / "w2" / "tokenizers" / "synthetic-widowx-delta_eef" / "fast" / "manifest.json"));
  EXPECT_FALSE(one["groups"][0]["tokenizers"][0]["metrics"].contains("throughput"));
}

TEST(TokenizerStudyTest, MatrixCoversEveryFitAndTestSetAndSkipsWiderData) {
  auto config = Load<TokenizerStudyConfig>(
      "tokenizer_study.yaml",
      {"data.synthetic.episodes=10", "data.synthetic.embodiments=[panda, widowx]",
       "data.synthetic.action_spaces=[delta_eef, bimanual_delta_eef]",
       "sets=[{name: panda, select: [{embodiment: panda, action_space: delta_eef}]},"
       " {name: widowx, select: [{embodiment: widowx, action_space: '*'}]},"
       " {name: two-arms, select: [{embodiment: panda, action_space: bimanual_delta_eef}]}]",
       "fit_on=[panda, two-arms]"});
  const auto dataset = data::LoadActionData(config.data, config.seed);
  const testing::ScratchDir scratch;
  EXPECT_THROW(RunTokenizerStudy(config, dataset, scratch / "mixed"), InputError);  // widowx mixes 7 and 14 dims

  config.sets[1].select[0].action_space = "delta_eef";
  const auto results = RunTokenizerStudy(config, dataset, scratch / "study");
  // 2 tokenizers x 2 fit sets x 3 test sets.
  ASSERT_EQ(results["cells"].size(), 12u);
  int skipped = 0, measured = 0;
  for (const auto& cell : results["cells"]) {
    if (cell.contains("skipped")) {
      ++skipped;
      EXPECT_EQ(cell["fit_set"], "panda");
      EXPECT_EQ(cell["test_set"], "two-arms");
      EXPECT_THAT(cell["skipped"].get<std::string>(), HasSubstr("14 dims"));
    } else {
      ++measured;
      EXPECT_GT(cell["metrics"]["chunks"].get<int>(), 0);
    }
  }
  EXPECT_EQ(skipped, 2);  // the 7-D tokenizers cannot take the 14-D set
  EXPECT_EQ(measured, 10);
}

TEST(TokenizerStudyTest, ConfigErrorsNameTheSet) {
  auto config = Load<TokenizerStudyConfig>("tokenizer_study.yaml",
                                           {"data.synthetic.episodes=4", "data.synthetic.embodiments=[widowx]"});
  const auto dataset = data::LoadActionData(config.data, config.seed);
  try {
    RunTokenizerStudy(config, dataset, testing::ScratchDir().path());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'panda+ur5e-eef' selects no episodes"));
  }
  EXPECT_THROW(Load<TokenizerStudyConfig>("tokenizer_study.yaml", {"fit_on=[nope]"}), InputError);
}

}  // namespace
}  // namespace fb::eval
