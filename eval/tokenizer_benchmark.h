// The tokenizer benchmark: per dataset group (embodiment x action space), fit each
// tokenizer on the training episodes (or load it), reconstruct the held-out episodes'
// chunks, and measure fidelity, sequence length, vocabulary use, failures and speed.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/data/action_dataset.h"
#include "eval/tokenizer_eval_config.h"

namespace fb::eval {

inline constexpr int kTokenizerResultsSchemaVersion = 1;

// Fits (or loads) every tokenizer of `config` for every group of `dataset`, saving fitted
// packages under <out>/tokenizers/<group>/<name>. Returns the results document
// (schema "fasterbench.tokenizer_eval", see docs/metrics.md). Throws fb::InputError on
// bad data, fb::Interrupted on Ctrl-C (packages already saved stay valid).
nlohmann::json RunTokenizerBenchmark(const TokenizerEvalConfig& config, const data::ActionDataset& dataset,
                                     const std::filesystem::path& out_dir, bool evaluate);

}  // namespace fb::eval
