// An observation as the VLA network's prefix inputs (batch of one). Uses LibTorch.
#pragma once

#include <torch/torch.h>

#include "envs/env.h"
#include "policies/vla/vla_checkpoint.h"

namespace fb::policies {

// The prefix inputs (batch of one) of the manifest's observation mode: images (agent view,
// wrist of arm 0), instruction words, proprio and object tokens normalized with the training
// statistics. Throws fb::InputError naming the missing camera, an image of another size than
// the policy's, proprioception of another length than in training, or more objects on the
// table than the policy has object tokens.
PrefixInputs MakeObservationTensors(const envs::Observation& observation, const VlaManifest& manifest);

// Writes `objects` as object tokens into row-major buffers of max_objects rows: features
// (relative positions from `eef`, the first arm's end-effector position; normalized with
// mean/std), kind ids and colour ids; rows past the objects stay as they are (the caller
// zeroes them: kind 0 = no object). Throws fb::InputError when there are more objects than
// rows, naming `where`.
void FillObjectTokens(const std::vector<envs::ObjectState>& objects, const float* eef, const VlaManifest& manifest,
                      float* features, int64_t* kinds, int64_t* colours, const std::string& where);

}  // namespace fb::policies
