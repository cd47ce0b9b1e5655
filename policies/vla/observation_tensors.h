// An observation as the VLA network's prefix inputs (batch of one). Uses LibTorch.
#pragma once

#include <torch/torch.h>

#include "envs/env.h"
#include "policies/vla/vla_checkpoint.h"

namespace fb::policies {

struct ObservationTensors {
  torch::Tensor images;   // uint8 (1 x 2 x size x size x 3): agent view, wrist of arm 0
  torch::Tensor words;    // int64 (1 x max_words)
  torch::Tensor proprio;  // float (1 x proprio dims), normalized with the training statistics
};

// Throws fb::InputError naming the missing camera, an image of another size than the
// policy's, or proprioception of another length than in training.
ObservationTensors MakeObservationTensors(const envs::Observation& observation, const VlaManifest& manifest);

}  // namespace fb::policies
