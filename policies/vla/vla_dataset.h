// Behaviour-cloning data for the VLA policies: every step of every demo becomes one sample
// (both camera frames, proprio, instruction words, and the next `horizon` actions as
// teacher-forcing token pairs). Demos are split into training and validation by demo, and
// the tokenizer, instruction vocabulary and proprio statistics come from the training part
// only. Uses LibTorch.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "policies/vla/vla_checkpoint.h"
#include "policies/vla/vla_config.h"
#include "tokenizers/action_tokenizer.h"

namespace fb::policies {

struct VlaSamples {
  torch::Tensor images;   // uint8 (n x 2 x size x size x 3); image modes only
  torch::Tensor words;    // int64 (n x max_words)
  torch::Tensor proprio;  // float (n x proprio dims), normalized
  torch::Tensor inputs;   // int64 (n x sequence length)
  torch::Tensor targets;  // int64 (n x sequence length), ActionTokenLayout::kIgnore past the end
  torch::Tensor chunks;   // float (n x horizon x dims), normalized actions
  // With model.object_slots > 0: each slot's object position (n x 3 slots), normalized by
  // VlaData::object_mean/std, and 1 where the demo has that object (n x 3 slots); else empty.
  torch::Tensor objects, object_mask;
  // State modes: object tokens (n x max_objects x kObjectFeatures), normalized by the manifest's
  // object_token_mean/std, and their kind and colour ids (n x max_objects, 0 = no object).
  torch::Tensor object_states, object_kinds, object_colours;
  int64_t size() const { return words.defined() ? words.size(0) : 0; }
};

struct VlaData {
  VlaManifest manifest;  // everything but `training`
  tokenizers::TokenizerPackage tokenizer;
  VlaSamples train, val;
  int64_t train_demos = 0, val_demos = 0;
  int64_t dropped = 0;    // samples whose tokens exceed model.max_action_tokens
  std::vector<float> object_mean, object_std;  // (3 slots) over the training samples
  std::string data_hash;  // of the demo files (names and sizes) and the split
};

// Reads config.demos, fits (or loads) the tokenizer and builds both splits. Throws
// fb::InputError naming the file when a demo's images are missing (image modes) or not
// model.image_size square, the action dims differ between files, no demo is found, (state
// modes) a demo has no obs/object_states or more objects than model.max_objects, or (with
// model.object_slots) a demo has no obs/object_pos or more objects than slots.
VlaData PrepareVlaData(const VlaTrainConfig& config, const tokenizers::FitOptions& tokenizer_fit);

}  // namespace fb::policies
