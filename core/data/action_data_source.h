// Loads the action data an ActionDataConfig names: the synthetic generator, .npy episode
// arrays, or LIBERO/robomimic HDF5 files.
#pragma once

#include <cstdint>

#include "core/data/action_data_config.h"
#include "core/data/action_dataset.h"

namespace fb::data {

// Throws fb::InputError naming the file (and demo or chunk) on unreadable or invalid data.
ActionDataset LoadActionData(const ActionDataConfig& config, int64_t seed);

}  // namespace fb::data
