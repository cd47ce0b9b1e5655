// The cross-embodiment tokenizer study: each tokenizer is fitted on each `fit_on` set and
// evaluated on the held-out episodes of every set, held-out embodiments and action types
// included. Each test set is normalized with its own statistics (as openpi and LeRobot
// keep per-dataset norm stats), and a set with fewer dims than the tokenizer is
// zero-padded (as FAST+ pads to a common action dimension).
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/data/action_dataset.h"
#include "eval/tokenizer_study_config.h"

namespace fb::eval {

inline constexpr int kTokenizerStudySchemaVersion = 1;

// Returns the results document (schema "fasterbench.tokenizer_study"): a matrix of
// tokenizer x fit set x test set metrics. Cells whose test set has more dims than the
// tokenizer are recorded as skipped with the reason. Throws fb::InputError when a set
// selects no episodes, fb::Interrupted on Ctrl-C.
nlohmann::json RunTokenizerStudy(const TokenizerStudyConfig& config, const data::ActionDataset& dataset,
                                 const std::filesystem::path& out_dir);

}  // namespace fb::eval
