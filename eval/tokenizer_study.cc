#include "eval/tokenizer_study.h"

#include <map>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/version.h"
#include "eval/tokenizer_evaluation.h"

namespace fb::eval {
namespace {

bool Matches(const std::string& pattern, const std::string& value) { return pattern == "*" || pattern == value; }

std::vector<const data::EpisodeGroup*> SelectGroups(const StudySet& set, const std::vector<data::EpisodeGroup>& groups) {
  std::vector<const data::EpisodeGroup*> selected;
  for (const auto& group : groups) {
    for (const auto& selector : set.select) {
      if (Matches(selector.embodiment, group.embodiment) && Matches(selector.action_space, group.action_space)) {
        selected.push_back(&group);
        break;
      }
    }
  }
  if (selected.empty()) {
    std::string available;
    for (const auto& group : groups) available += " " + group.embodiment + "/" + group.action_space;
    throw InputError("sets: '" + set.name + "' selects no episodes (available:" + available + ")");
  }
  return selected;
}

// Held-out chunks of one set with the statistics to normalize and score them.
struct TestSet {
  SplitChunks chunks;
  std::vector<double> unit_scale;
};

}  // namespace

void TokenizerStudyConfig::Validate() const {
  std::vector<std::string> names;
  for (const auto& set : sets) {
    if (set.name.find_first_of("/\\") != std::string::npos) {
      throw InputError("sets: name '" + set.name + "' may not contain '/' or '\\' (it names directories)");
    }
    if (std::find(names.begin(), names.end(), set.name) != names.end()) {
      throw InputError("sets: name '" + set.name + "' is used twice");
    }
    names.push_back(set.name);
  }
  for (const auto& name : fit_on) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw InputError("fit_on: no set named '" + name + "' in sets");
    }
  }
  ValidateTokenizerNames(tokenizers);
}

nlohmann::json RunTokenizerStudy(const TokenizerStudyConfig& config, const data::ActionDataset& dataset,
                                 const std::filesystem::path& out_dir) {
  const int workers = ResolveWorkers(config.workers);
  const auto groups = data::GroupEpisodes(dataset);
  std::map<std::string, TestSet> sets;
  nlohmann::json set_info = nlohmann::json::array();
  for (const auto& set : config.sets) {
    TestSet test{PrepareChunks(SelectGroups(set, groups), config.data, config.seed), {}};
    test.unit_scale = UnitScale(test.chunks.train_steps, test.chunks.dims);
    set_info.push_back({{"name", set.name},
                        {"dims", test.chunks.dims},
                        {"train_episodes", test.chunks.train_episodes},
                        {"test_episodes", test.chunks.test_episodes},
                        {"test_chunks", test.chunks.test.count}});
    sets.emplace(set.name, std::move(test));
  }

  nlohmann::json cells = nlohmann::json::array();
  for (const auto& spec : config.tokenizers) {
    for (const auto& fit_name : config.fit_on) {
      ThrowIfInterrupted();
      const SplitChunks& fit_data = sets.at(fit_name).chunks;
      const std::string label = fit_name + " / " + spec.name;
      const tokenizers::FitOptions options{out_dir / "work" / fit_name / spec.name, static_cast<uint64_t>(config.seed)};
      const auto package = FitPackage(spec, fit_data, options, fit_name);
      if (spec.path.empty()) tokenizers::SavePackage(out_dir / "tokenizers" / fit_name / spec.name, package);
      for (const auto& test_set : config.sets) {
        const TestSet& test = sets.at(test_set.name);
        nlohmann::json cell = {{"tokenizer", spec.name}, {"fit_set", fit_name}, {"test_set", test_set.name}};
        if (test.chunks.dims > package.dims) {
          cell["skipped"] = "test set has " + std::to_string(test.chunks.dims) + " dims, the tokenizer takes " +
                            std::to_string(package.dims);
          spdlog::warn("{} on {}: skipped ({})", label, test_set.name, cell["skipped"].get<std::string>());
        } else {
          // The test set's own statistics, of the kind the tokenizer was fitted with.
          const auto normalizer =
              tokenizers::Normalizer::Fit(spec.normalizer.value(), test.chunks.train_steps, test.chunks.dims);
          cell["metrics"] = EvaluatePackage(package, normalizer, test.chunks.test, test.unit_scale, config.metrics,
                                            workers, label + " on " + test_set.name, /*throughput=*/false);
        }
        cells.push_back(std::move(cell));
      }
    }
  }
  return {{"schema", "fasterbench.tokenizer_study"},
          {"schema_version", kTokenizerStudySchemaVersion},
          {"fasterbench_version", kVersion},
          {"git_revision", kGitRevision},
          {"dataset", dataset.name},
          {"horizon", config.data.horizon},
          {"sets", set_info},
          {"fit_on", config.fit_on},
          {"cells", cells}};
}

}  // namespace fb::eval
