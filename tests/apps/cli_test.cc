// End-to-end checks of the fasterbench executable: exit codes, error messages and what an
// interrupted job leaves on disk.
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/data/npy.h"
#include "tests/support/child_process.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using fb::testing::FreshDir;
using fb::testing::ProcessResult;
using fb::testing::ReadText;

fs::path Scratch(const std::string& name) { return FreshDir("cli_test_" + name); }

ProcessResult RunFasterbench(const std::vector<std::string>& args, const std::string& name) {
  return fb::testing::Run(FB_BINARY, args, Scratch(name));
}

TEST(CliTest, HelpListsSubcommandsAndExitsZero) {
  const auto result = RunFasterbench({"--help"}, "help");
  EXPECT_EQ(result.exit_code, 0);
  for (const char* command : {"info", "config", "data", "tokenizer", "list", "render"}) {
    EXPECT_THAT(result.out, HasSubstr(command));
  }
  for (const auto& sub : std::vector<std::vector<std::string>>{{"tokenizer", "eval", "--help"},
                                                                {"tokenizer", "fit", "--help"},
                                                                {"tokenizer", "encode", "--help"},
                                                                {"tokenizer", "decode", "--help"},
                                                                {"data", "synth", "--help"},
                                                                {"config", "show", "--help"},
                                                                {"info", "--help"},
                                                                {"list", "--help"},
                                                                {"render", "--help"}}) {
    const auto help = RunFasterbench(sub, "subhelp");
    EXPECT_EQ(help.exit_code, 0) << sub[0];
    EXPECT_THAT(help.out, HasSubstr("--help")) << sub[0];
  }
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunFasterbench({}, "none").exit_code, 2);
  EXPECT_EQ(RunFasterbench({"no-such-command"}, "unknown").exit_code, 2);
  EXPECT_EQ(RunFasterbench({"tokenizer", "eval", "--no-such-flag"}, "flag").exit_code, 2);
}

TEST(CliTest, ConfigErrorsNameFileLineColumnAndExitTwo) {
  const fs::path dir = Scratch("config_errors");
  const fs::path file = dir / "run.yaml";
  std::ofstream(file) << "seed: 1\ndata:\n  horizn: 10\n";
  auto result = RunFasterbench({"tokenizer", "eval", "--config", file.string()}, "typo");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(file.string() + ":3:3: data.horizn: unknown key; did you mean 'horizon'?"));

  std::ofstream(file) << "data:\n  stride: often\n";
  result = RunFasterbench({"tokenizer", "eval", "--config", file.string()}, "type");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(file.string() + ":2:11: data.stride: expected an integer, got 'often'"));

  std::ofstream(file) << "data:\n  heldout_fraction: 1.5\n";
  result = RunFasterbench({"tokenizer", "eval", "--config", file.string()}, "range");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(file.string() + ":2:21: data.heldout_fraction: value 1.5 is out of range"));

  result = RunFasterbench({"tokenizer", "eval", "--set", "metrics.throughput_chunks=0"}, "set");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--set metrics.throughput_chunks=0: metrics.throughput_chunks: value 0 is out"));
}

TEST(CliTest, DebugLogReportsOpenBlasAndThreadCount) {
  const auto result = RunFasterbench({"info", "--log-level", "debug", "--threads", "2"}, "debug");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("LibTorch: BLAS = OpenBLAS"));
  EXPECT_THAT(result.err, HasSubstr("intra-op threads = 2"));
}

TEST(CliTest, InterruptLeavesNoHalfWrittenOutput) {
  const fs::path dir = Scratch("interrupt");
  const fs::path out = dir / "out" / "demos.hdf5";
  const pid_t pid = fb::testing::Spawn(FB_BINARY, {"data", "synth", "--episodes", "5000000", "--out", out.string()}, dir);
  // Wait until the job is writing (its temporary file exists), then press Ctrl-C.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto has_temporary = [&] {
    if (!fs::exists(out.parent_path())) return false;
    return fs::directory_iterator(out.parent_path()) != fs::directory_iterator();
  };
  while (!has_temporary() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(has_temporary()) << "the job never started writing";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  const auto result = fb::testing::Wait(pid, dir);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_THAT(result.err, HasSubstr("interrupted"));
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(fs::directory_iterator(out.parent_path()), fs::directory_iterator()) << "a temporary file was left";
}

}  // namespace

namespace {

std::vector<double> ReadNpyValues(const fs::path& path) { return fb::data::ReadNpy(path).values; }

TEST(CliTest, FitEncodeDecodeRoundTripThroughFiles) {
  const fs::path dir = Scratch("roundtrip");
  auto fit = RunFasterbench({"tokenizer", "fit", "--out", (dir / "run").string(), "--set", "data.synthetic.episodes=20",
                             "--set", "data.synthetic.embodiments=[panda]"},
                            "roundtrip_fit");
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  EXPECT_TRUE(fs::exists(dir / "run" / "config.yaml"));
  const fs::path tokenizers = dir / "run" / "tokenizers" / "synthetic-panda-delta_eef";
  ASSERT_TRUE(fs::exists(tokenizers / "fast" / "manifest.json"));
  ASSERT_TRUE(fs::exists(tokenizers / "fast" / "tokenizer.json"));

  // Four 200-step episodes cut into forty 20-step chunks: in-distribution input.
  const fs::path episodes = dir / "episodes.npy";
  ASSERT_EQ(RunFasterbench({"data", "synth", "--out", episodes.string(), "--episodes", "4", "--steps", "200",
                            "--seed", "9"},
                           "roundtrip_synth")
                .exit_code,
            0);
  const fs::path chunks = dir / "chunks.npy";
  const auto episode_values = ReadNpyValues(episodes);
  const std::vector<float> chunk_values(episode_values.begin(), episode_values.end());
  const std::vector<int64_t> chunk_shape = {40, 20, 7};
  fb::data::WriteNpyFloat32(chunks, chunk_shape, chunk_values);
  for (const char* name : {"binning", "fast"}) {
    const fs::path ids = dir / (std::string(name) + ".jsonl");
    const fs::path decoded = dir / (std::string(name) + "_decoded.npy");
    auto encode = RunFasterbench({"tokenizer", "encode", "--tokenizer", (tokenizers / name).string(), "--input",
                                  chunks.string(), "--out", ids.string()},
                                 "roundtrip_encode");
    ASSERT_EQ(encode.exit_code, 0) << encode.err;
    const std::string lines = ReadText(ids);
    EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 40);
    // The chunk shape comes from the tokenizer's manifest (fit on 20 x 7 chunks).
    auto decode = RunFasterbench({"tokenizer", "decode", "--tokenizer", (tokenizers / name).string(), "--input",
                                  ids.string(), "--out", decoded.string()},
                                 "roundtrip_decode");
    ASSERT_EQ(decode.exit_code, 0) << decode.err;
    EXPECT_THAT(decode.err, HasSubstr("decoded 40 sequences"));
    const auto original = ReadNpyValues(chunks);
    const auto restored = ReadNpyValues(decoded);
    ASSERT_EQ(original.size(), restored.size());
    double total_error = 0;
    for (size_t i = 0; i < original.size(); ++i) total_error += std::abs(original[i] - restored[i]);
    // Mean absolute error in metres/radians: binning ~1e-4, FAST ~2e-3 at scale 10.
    EXPECT_LT(total_error / static_cast<double>(original.size()), 0.005) << name;
  }

  // Ids no chunk decodes from (FAST's ids, each far past any valid sequence's end): every
  // sequence fails, so decode reports a failure instead of writing zeros with exit 0.
  const fs::path junk = dir / "junk.jsonl";
  std::ofstream(junk) << "[0]\n[1, 1]\n";
  auto failing = RunFasterbench({"tokenizer", "decode", "--tokenizer", (tokenizers / "fast").string(), "--input",
                                 junk.string(), "--out", (dir / "junk.npy").string()},
                                "roundtrip_junk");
  EXPECT_EQ(failing.exit_code, 1) << failing.err;
  EXPECT_THAT(failing.err, HasSubstr("2 decode failures (100.00%)"));
}

TEST(CliTest, BadDataAndTokenizerInputsExitTwoNamingTheProblem) {
  const fs::path dir = Scratch("bad_inputs");
  auto missing = RunFasterbench({"tokenizer", "eval", "--set", "data.source=hdf5", "--set",
                                 "data.paths=[" + (dir / "none.hdf5").string() + "]", "--out", (dir / "o").string()},
                                "bad_missing");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("none.hdf5"));

  auto no_paths = RunFasterbench({"tokenizer", "eval", "--set", "data.source=npy"}, "bad_nopaths");
  EXPECT_EQ(no_paths.exit_code, 2);
  EXPECT_THAT(no_paths.err, HasSubstr("data.paths"));

  const fs::path nan_file = dir / "nan.npy";
  const std::vector<int64_t> shape = {1, 3, 2};
  const std::vector<float> values = {0, 0, 1, NAN, 2, 2};
  fb::data::WriteNpyFloat32(nan_file, shape, values);
  auto nan = RunFasterbench({"tokenizer", "eval", "--set", "data.source=npy", "--set",
                             "data.paths=[" + nan_file.string() + "]", "--out", (dir / "o2").string()},
                            "bad_nan");
  EXPECT_EQ(nan.exit_code, 2);
  EXPECT_THAT(nan.err, HasSubstr("nan.npy"));

  auto not_a_tokenizer = RunFasterbench(
      {"tokenizer", "encode", "--tokenizer", dir.string(), "--input", nan_file.string()}, "bad_tokdir");
  EXPECT_EQ(not_a_tokenizer.exit_code, 2);
  EXPECT_THAT(not_a_tokenizer.err, HasSubstr("is not a tokenizer directory"));
}

}  // namespace

namespace {

TEST(CliTest, ListSuitesShowsSpatial) {
  const auto result = RunFasterbench({"list", "suites"}, "list_suites");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("spatial"));
  for (const char* what : {"splits", "embodiments"}) {
    const auto other = RunFasterbench({"list", what}, "list_other");
    EXPECT_EQ(other.exit_code, 0) << what << ": " << other.err;
    EXPECT_FALSE(other.out.empty()) << what;
  }
}

TEST(CliTest, ListTasksJsonHasEverySpatialTaskWithMaxSteps) {
  const auto result = RunFasterbench({"list", "tasks", "--json"}, "list_tasks_json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto document = nlohmann::json::parse(result.out);  // throws (fails the test) when not JSON
  ASSERT_TRUE(document.contains("tasks"));
  std::map<std::string, int> max_steps;
  for (const auto& task : document["tasks"]) {
    if (task.at("suite") == "spatial") max_steps[task.at("name").get<std::string>()] = task.at("max_steps").get<int>();
    EXPECT_FALSE(task.at("instructions").empty());
    EXPECT_FALSE(task.at("embodiments").empty());
  }
  const auto suites = nlohmann::json::parse(RunFasterbench({"list", "suites", "--json"}, "list_suites_json").out);
  std::vector<std::string> spatial_tasks;
  for (const auto& suite : suites.at("suites")) {
    if (suite.at("name") == "spatial") spatial_tasks = suite.at("tasks").get<std::vector<std::string>>();
  }
  ASSERT_FALSE(spatial_tasks.empty());
  for (const auto& name : spatial_tasks) {
    ASSERT_TRUE(max_steps.count(name)) << name;
    EXPECT_GT(max_steps[name], 0) << name;
  }
}

TEST(CliTest, ListPoliciesAndTokenizersShowTheRegistries) {
  const auto policies = RunFasterbench({"list", "policies"}, "list_policies");
  ASSERT_EQ(policies.exit_code, 0) << policies.err;
  for (const char* name : {"fastervla", "fast_ar", "binning_ar", "scripted_expert", "openpi", "replay"}) {
    EXPECT_THAT(policies.out, HasSubstr(std::string(name) + "\n"));
  }
  const auto tokenizers = nlohmann::json::parse(RunFasterbench({"list", "tokenizers", "--json"}, "list_tok").out);
  EXPECT_EQ(tokenizers.at("tokenizers"), nlohmann::json({"binning", "fast", "fastervq"}));
}

TEST(CliTest, VersionConfigShowAndDidYouMean) {
  const auto version = RunFasterbench({"--version"}, "version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("fasterbench 0."));

  const auto show = RunFasterbench({"config", "show", "eval"}, "config_show");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("replan_interval:"));
  const auto typo = RunFasterbench({"config", "show", "evl.yaml"}, "config_typo");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("did you mean 'eval.yaml'?"));

  const fs::path out = Scratch("did_you_mean") / "run";
  const auto task = RunFasterbench({"eval", "--set", "suite=spatial", "--set", "tasks=[spatial_red_blok_on_plate]",
                                    "--out", out.string()},
                                   "dym_task");
  EXPECT_EQ(task.exit_code, 2);
  EXPECT_THAT(task.err, HasSubstr("did you mean 'spatial_red_block_on_plate'?"));
  const auto split = RunFasterbench({"eval", "--set", "splits=[ood-visul]", "--out", out.string()}, "dym_split");
  EXPECT_EQ(split.exit_code, 2);
  EXPECT_THAT(split.err, HasSubstr("did you mean 'ood-visual'?"));
  const auto suite = RunFasterbench({"list", "tasks", "--suite", "spacial"}, "dym_suite");
  EXPECT_EQ(suite.exit_code, 2);
  EXPECT_THAT(suite.err, HasSubstr("did you mean 'spatial'?"));
  EXPECT_FALSE(fs::exists(out)) << "a rejected run writes nothing";

  const auto fit_help = RunFasterbench({"tokenizer", "fit", "--help"}, "fit_help");
  EXPECT_THAT(fit_help.out, HasSubstr("binning, fast, fastervq"));
}

TEST(CliTest, DataSynthRefusesAnOutputNameWithoutAFormat) {
  const fs::path dir = Scratch("synth_csv");
  const auto result = RunFasterbench({"data", "synth", "--out", (dir / "x.csv").string(), "--episodes", "2"}, "synth_csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("x.csv"));
  EXPECT_THAT(result.err, HasSubstr(".npy"));
  EXPECT_FALSE(fs::exists(dir / "x.csv"));
}

TEST(CliTest, ListUnknownSuiteExitsTwoNamingKnownOnes) {
  const auto result = RunFasterbench({"list", "tasks", "--suite", "nope"}, "list_nope");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("nope"));
  EXPECT_THAT(result.err, HasSubstr("spatial"));
}

TEST(CliTest, RenderWritesPngAndVideo) {
  const fs::path dir = Scratch("render") / "out";
  const auto result = RunFasterbench({"render", "--suite", "spatial", "--task", "spatial_red_block_on_plate",
                                      "--embodiment", "widowx250", "--size", "64", "--max-frames", "5", "--out",
                                      dir.string()},
                                     "render_run");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path png = dir / "spatial_red_block_on_plate_widowx250_init0.png";
  ASSERT_TRUE(fs::exists(png)) << result.out;
  EXPECT_GT(fs::file_size(png), 0u);
  const fs::path mp4 = dir / "spatial_red_block_on_plate_widowx250_init0.mp4";
  const fs::path avi = dir / "spatial_red_block_on_plate_widowx250_init0.avi";
  const fs::path video = fs::exists(mp4) ? mp4 : avi;
  ASSERT_TRUE(fs::exists(video)) << result.out;
  EXPECT_GT(fs::file_size(video), 0u);
  EXPECT_THAT(result.out, HasSubstr("expert:"));
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 2u) << "a temporary file was left";
}

}  // namespace
