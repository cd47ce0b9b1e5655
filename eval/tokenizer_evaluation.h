// The steps shared by the tokenizer benchmark and the cross-embodiment study: cut a set
// of episode groups into train / held-out chunks, fit a tokenizer package, and measure a
// package on held-out chunks.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/action_chunks.h"
#include "core/data/action_data_config.h"
#include "core/data/action_dataset.h"
#include "eval/tokenizer_eval_config.h"
#include "tokenizers/tokenizer_package.h"

namespace fb::eval {

// One data set (one or more episode groups of equal dims) split by episode.
struct SplitChunks {
  int dims = 0;
  int64_t train_episodes = 0;
  int64_t test_episodes = 0;
  std::vector<float> train_steps;  // (steps x dims) of every training episode
  ActionChunks train;              // raw units
  ActionChunks test;               // raw units
};

// Splits each group's episodes (data.heldout_fraction, seeded) and chunks both sides.
// Throws fb::InputError when the groups differ in dims or a side ends up empty.
SplitChunks PrepareChunks(const std::vector<const data::EpisodeGroup*>& groups, const data::ActionDataConfig& data,
                          int64_t seed);

// One normalized unit in raw units per dim: half the q01..q99 range of `steps`.
std::vector<double> UnitScale(const std::vector<float>& steps, int dims);

// Fits the spec's normalizer and tokenizer on the training side (or loads spec.path).
tokenizers::TokenizerPackage FitPackage(const TokenizerSpec& spec, const SplitChunks& data,
                                        const tokenizers::FitOptions& options, const std::string& label);

// Normalizes raw held-out chunks with `data_normalizer` (zero-padding dims the tokenizer
// has beyond the data's), encodes and decodes them with the package's tokenizer,
// de-normalizes and measures. `throughput` adds encode/decode timings. Throws
// fb::InputError when the data has more dims than the tokenizer, fb::Interrupted on
// Ctrl-C.
nlohmann::json EvaluatePackage(const tokenizers::TokenizerPackage& package,
                               const tokenizers::Normalizer& data_normalizer, const ActionChunks& raw_test,
                               const std::vector<double>& unit_scale, const TokenizerMetricsConfig& metrics,
                               int workers, const std::string& label, bool throughput);

// `workers`, or every core when it is 0.
int ResolveWorkers(int workers);

}  // namespace fb::eval
