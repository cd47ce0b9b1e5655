// `fasterbench tokenizer fit|eval|encode|decode`: the tokenizer benchmark and command-line
// access to any saved tokenizer (ours or a reference FAST directory).
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/atomic_file.h"
#include "core/data/action_data_source.h"
#include "core/data/npy.h"
#include "core/error.h"
#include "eval/tokenizer_benchmark.h"
#include "eval/tokenizer_study.h"
#include "reports/tokenizer_report.h"
#include "reports/tokenizer_study_report.h"
#include "tokenizers/registry.h"
#include "tokenizers/tokenizer_package.h"

namespace fb::apps {
namespace {

constexpr const char* kBuiltin = "tokenizer_eval.yaml";

// --type T: shorthand for a single tokenizer of that type with its default settings.
struct BenchmarkOptions : ConfigOptions {
  std::string type;
};

int RunBenchmark(const BenchmarkOptions& options, bool evaluate) {
  ConfigOptions layered = options;
  if (!options.type.empty()) {
    layered.assignments.insert(layered.assignments.begin(),
                               "tokenizers=[{name: " + options.type + ", type: " + options.type + "}]");
  }
  auto config = LoadCommandConfig<eval::TokenizerEvalConfig>(kBuiltin, layered);
  eval::ResolveNormalizers(config.tokenizers);
  if (!options.out.empty()) config.out = options.out;
  const std::string resolved = config::Dump(config);
  const std::string hash = WriteConfigSnapshot(config.out, resolved);
  spdlog::info("config {} -> {}", hash, config.out);
  const data::ActionDataset dataset = data::LoadActionData(config.data, config.seed);
  nlohmann::json results = eval::RunTokenizerBenchmark(config, dataset, config.out, evaluate);
  results["config_hash"] = hash;
  if (!evaluate) {
    fmt::print("fitted tokenizers saved under {}/tokenizers/\n", config.out);
    return kExitOk;
  }
  WriteFileAtomic(std::filesystem::path(config.out) / "results.json", results.dump(2) + "\n");
  fmt::print("{}", reports::WriteTokenizerReport(results, config.out));
  fmt::print("\nresults: {}/results.json, report: {}/tokenizer_eval.md\n", config.out, config.out);
  return kExitOk;
}

int RunStudy(const ConfigOptions& options) {
  auto config = LoadCommandConfig<eval::TokenizerStudyConfig>("tokenizer_study.yaml", options);
  eval::ResolveNormalizers(config.tokenizers);
  if (!options.out.empty()) config.out = options.out;
  const std::string hash = WriteConfigSnapshot(config.out, config::Dump(config));
  spdlog::info("config {} -> {}", hash, config.out);
  const data::ActionDataset dataset = data::LoadActionData(config.data, config.seed);
  nlohmann::json results = eval::RunTokenizerStudy(config, dataset, config.out);
  results["config_hash"] = hash;
  WriteFileAtomic(std::filesystem::path(config.out) / "results.json", results.dump(2) + "\n");
  fmt::print("{}", reports::WriteTokenizerStudyReport(results, config.out));
  fmt::print("\nresults: {}/results.json, report: {}/tokenizer_study.md\n", config.out, config.out);
  return kExitOk;
}

struct CodecOptions {
  std::string tokenizer;
  std::string input;
  std::string out;
  int horizon = 0;
  int dims = 0;
};

// A tokenizer only takes chunks of the action dimension it was fit on; another horizon
// works for every tokenizer here but is worth a warning.
void CheckShape(const tokenizers::TokenizerPackage& package, const std::string& dir, int horizon, int dims) {
  if (package.dims != 0 && package.dims != dims) {
    throw InputError(fmt::format("tokenizer {} was fit on {}-D actions; the input has {} dims", dir, package.dims, dims));
  }
  if (package.horizon != 0 && package.horizon != horizon) {
    spdlog::warn("tokenizer {} was fit on horizon {}; the input has horizon {}", dir, package.horizon, horizon);
  }
}

int RunEncode(const CodecOptions& options) {
  const auto package = tokenizers::LoadPackage(options.tokenizer);
  const auto array = data::ReadNpy(options.input);
  if (array.shape.size() != 3) {
    throw InputError(options.input + ": expected a float array [N, H, D], got rank " +
                     std::to_string(array.shape.size()));
  }
  const int h = static_cast<int>(array.shape[1]), d = static_cast<int>(array.shape[2]);
  CheckShape(package, options.tokenizer, h, d);
  std::string lines;
  std::vector<float> chunk(static_cast<size_t>(h * d));
  for (int64_t i = 0; i < array.shape[0]; ++i) {
    for (size_t k = 0; k < chunk.size(); ++k) chunk[k] = static_cast<float>(array.values[i * chunk.size() + k]);
    try {
      lines += nlohmann::json(package.EncodeRaw(chunk, h, d)).dump() + "\n";
    } catch (const InputError& e) {
      throw InputError(options.input + ": chunk " + std::to_string(i) + ": " + e.what());
    }
  }
  if (options.out.empty()) {
    std::cout << lines;
  } else {
    WriteFileAtomic(options.out, lines);
  }
  return kExitOk;
}

int RunDecode(CodecOptions options) {
  const auto package = tokenizers::LoadPackage(options.tokenizer);
  // The chunk shape the package records is the default; flags only fill in what it lacks.
  if (options.horizon == 0) options.horizon = package.horizon;
  if (options.dims == 0) options.dims = package.dims;
  if (options.horizon == 0 || options.dims == 0) {
    throw InputError(fmt::format("tokenizer {} records no chunk shape (horizon {}, dims {}); give --horizon and --dims",
                                 options.tokenizer, package.horizon, package.dims));
  }
  CheckShape(package, options.tokenizer, options.horizon, options.dims);
  std::ifstream in(options.input);
  if (!in) throw InputError("cannot read '" + options.input + "'");
  std::vector<float> values;
  int64_t count = 0, failures = 0;
  std::string line;
  for (int64_t line_number = 1; std::getline(in, line); ++line_number) {
    if (line.empty()) continue;
    std::vector<int32_t> ids;
    try {
      ids = nlohmann::json::parse(line).get<std::vector<int32_t>>();
    } catch (const nlohmann::json::exception& e) {
      throw InputError(fmt::format("{}:{}: expected a JSON array of integer ids: {}", options.input, line_number,
                                   e.what()));
    }
    const auto decoded = package.DecodeRaw(ids, options.horizon, options.dims);
    if (decoded.failure != tokenizers::DecodeFailure::kNone) {
      ++failures;
      fmt::print(stderr, "{}:{}: decode failure: {}\n", options.input, line_number,
                 tokenizers::DecodeFailureName(decoded.failure));
    }
    values.insert(values.end(), decoded.actions.begin(), decoded.actions.end());
    ++count;
  }
  const std::vector<int64_t> shape = {count, options.horizon, options.dims};
  data::WriteNpyFloat32(options.out, shape, values);
  fmt::print(stderr, "decoded {} sequences, {} decode failures ({:.2f}%) -> {}\n", count, failures,
             count ? 100.0 * static_cast<double>(failures) / static_cast<double>(count) : 0.0, options.out);
  // Some failures are a result (a policy's undecodable chunks); all of them means the ids
  // and the tokenizer do not belong together.
  return count > 0 && failures == count ? kExitCheckFailed : kExitOk;
}

}  // namespace

void RegisterTokenizerCommand(CLI::App& app, Dispatch& dispatch) {
  auto* command = app.add_subcommand("tokenizer", "Fit, evaluate and run action tokenizers");
  command->require_subcommand(1);
  const ConfigFlags flags{.seed = true, .workers = true, .out = true};

  auto fit_options = std::make_shared<BenchmarkOptions>();
  auto* fit = command->add_subcommand("fit", "Fit the configured tokenizers and save them under <out>/tokenizers/");
  AddConfigOptions(*fit, *fit_options, kBuiltin, flags);
  fit->add_option("--type", fit_options->type,
                  fmt::format("Fit only one tokenizer of this type ({})", fmt::join(tokenizers::TokenizerTypes(), ", ")));
  fit->callback([&dispatch, fit_options] { dispatch.run = [fit_options] { return RunBenchmark(*fit_options, false); }; });

  auto eval_options = std::make_shared<BenchmarkOptions>();
  auto* evaluate = command->add_subcommand(
      "eval", "Fit (or load) the configured tokenizers and measure them on held-out data: JSON, Markdown, PNG");
  AddConfigOptions(*evaluate, *eval_options, kBuiltin, flags);
  evaluate->add_option("--type", eval_options->type, "Evaluate only one tokenizer of this type");
  evaluate->callback(
      [&dispatch, eval_options] { dispatch.run = [eval_options] { return RunBenchmark(*eval_options, true); }; });

  auto study_options = std::make_shared<ConfigOptions>();
  auto* study = command->add_subcommand(
      "study", "Fit tokenizers on some embodiments / action types and evaluate on all (cross-embodiment study)");
  AddConfigOptions(*study, *study_options, "tokenizer_study.yaml", flags);
  study->callback([&dispatch, study_options] { dispatch.run = [study_options] { return RunStudy(*study_options); }; });

  auto encode_options = std::make_shared<CodecOptions>();
  auto* encode = command->add_subcommand("encode", "Encode chunks from a .npy [N, H, D] to JSON id lines");
  encode->add_option("--tokenizer", encode_options->tokenizer, "Saved tokenizer or reference FAST directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  encode->add_option("--input", encode_options->input,
                     "float .npy [N, H, D]; raw units if the tokenizer carries statistics, else normalized")
      ->required()
      ->check(CLI::ExistingFile);
  encode->add_option("--out", encode_options->out, "Output file (default: stdout)");
  encode->callback([&dispatch, encode_options] { dispatch.run = [encode_options] { return RunEncode(*encode_options); }; });

  auto decode_options = std::make_shared<CodecOptions>();
  auto* decode = command->add_subcommand("decode", "Decode JSON id lines to a float .npy [N, H, D]");
  decode->add_option("--tokenizer", decode_options->tokenizer, "Saved tokenizer or reference FAST directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  decode->add_option("--input", decode_options->input, "One JSON array of ids per line")
      ->required()
      ->check(CLI::ExistingFile);
  decode->add_option("--horizon", decode_options->horizon, "Chunk length H (default: the tokenizer's)")
      ->check(CLI::PositiveNumber);
  decode->add_option("--dims", decode_options->dims, "Action dimensions D (default: the tokenizer's)")
      ->check(CLI::PositiveNumber);
  decode->add_option("--out", decode_options->out, "Output .npy")->required();
  decode->callback([&dispatch, decode_options] { dispatch.run = [decode_options] { return RunDecode(*decode_options); }; });
}

}  // namespace fb::apps
