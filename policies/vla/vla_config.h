// Settings of the learned VLA policies (FASTerVLA, FAST-AR, binning-AR): the network sizes
// shared by all three, how each decodes its action tokens, and how they are trained. The
// defaults live in configs/train.yaml; configs/train/<policy>.yaml change only what makes
// the policy itself (tokenizer, block size, action expert, position gaps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "tokenizers/normalizer.h"
#include "tokenizers/registry.h"

namespace fb::policies {

// The policy kinds a checkpoint can hold; each is also a registered policy name.
inline const std::vector<std::string> kVlaKinds = {"fastervla", "fast_ar", "binning_ar"};

struct VlaModelConfig {
  // What the policy observes besides proprio and the instruction: "image" (both cameras through
  // the CNN), "state" (one token per object on the table, no CNN) or "image+state" (both).
  std::string observation = "image";
  int max_objects{};         // object tokens (state modes); objects beyond this are an error
  int image_size{};          // square agent-view and wrist images, pixels
  int image_grid{};          // image tokens per camera = image_grid^2 (pooled CNN feature map)
  int conv_channels{};       // channels of the first two CNN layers (doubled in the second)
  int keypoints{};           // spatial-softmax keypoints per camera, one extra token (0 = none)
  int width{};               // backbone token width
  int heads{};               // attention heads (backbone and expert share the head size)
  int layers{};              // transformer layers (the expert has as many)
  int max_words{};           // instruction tokens kept (longer instructions are cut)
  bool action_expert{};      // action tokens through their own smaller weights (pi0-style)
  int expert_width{};        // the action expert's token width
  int block_size{};          // action tokens per forward pass; 0 = one RVQ level (FASTerVQ) or 1
  bool position_gap_jitter{};// training gaps 1 + U{0,1,2} between action positions, 2 at inference
  int max_action_tokens{};   // longest action sequence (FAST; fixed-length tokenizers ignore it)
  int object_slots{};        // objects whose positions the auxiliary head predicts (0 = no head)
  // The end effector's orientation in the proprio token: "axis_angle" (as the demos store it)
  // or "rotation_columns" (continuous; see WithRotationColumns in proprio_features.h).
  std::string proprio_orientation = "axis_angle";

  bool uses_images() const { return observation != "state"; }
  bool uses_objects() const { return observation != "image"; }

  template <class V>
  void Describe(V& v) {
    v("observation", observation, config::OneOf{"image", "state", "image+state"}, config::Optional{});  // absent in older manifests
    v("max_objects", max_objects, config::Range{0, 64}, config::Optional{});
    v("image_size", image_size, config::Range{16, 512});
    v("image_grid", image_grid, config::Range{1, 16});
    v("conv_channels", conv_channels, config::Range{4, 256});
    v("keypoints", keypoints, config::Range{0, 256}, config::Optional{});  // absent in older manifests
    v("width", width, config::Range{16, 1024});
    v("heads", heads, config::Range{1, 32});
    v("layers", layers, config::Range{1, 24});
    v("max_words", max_words, config::Range{1, 128});
    v("action_expert", action_expert);
    v("expert_width", expert_width, config::Range{8, 1024});
    v("block_size", block_size, config::Range{0, 1024});
    v("position_gap_jitter", position_gap_jitter);
    v("max_action_tokens", max_action_tokens, config::Range{1, 4096});
    v("object_slots", object_slots, config::Range{0, 64}, config::Optional{});  // absent in older manifests
    v("proprio_orientation", proprio_orientation, config::OneOf{"axis_angle", "rotation_columns"},
      config::Optional{});  // absent in older manifests
  }
  void Validate() const;
};

// The action tokenizer a policy is trained with: fitted on the training chunks, or a saved
// package (`path`). Any registered tokenizer type (tokenizers/registry.h).
struct VlaTokenizerConfig {
  std::string type;
  std::string path;
  std::optional<tokenizers::NormalizerConfig> normalizer;  // absent: configs/tokenizers/normalizers.yaml
  config::Subtree params;                                   // layered over configs/tokenizers/<type>.yaml
  template <class V>
  void Describe(V& v) {
    v("type", type, config::OneOf(tokenizers::TokenizerTypes()));
    v("path", path, config::Optional{});
    v("normalizer", normalizer, config::Optional{});
    v("params", params, config::Optional{});
  }
};

struct VlaTrainConfig {
  std::string policy;              // one of kVlaKinds
  std::vector<std::string> demos;  // HDF5 files or directories of *.hdf5
  int horizon{};                   // action chunk length H
  double val_fraction{};           // share of demos held out for validation (by demo)
  VlaTokenizerConfig tokenizer;
  VlaModelConfig model;
  int replan_interval{};  // the evaluation protocol, recorded in the manifest for eval's default
  int64_t steps{};
  int batch_size{};
  double lr{};
  double weight_decay{};
  int64_t warmup_steps{};
  double grad_clip{};
  int image_shift{};  // random-shift augmentation of training images, pixels (0 = off)
  double object_loss_weight{};  // weight of the auxiliary object-position loss (0 = off)
  int64_t checkpoint_every{};
  int64_t validate_every{};
  int64_t seed{};
  std::string out;

  template <class V>
  void Describe(V& v) {
    v("policy", policy, config::OneOf{"fastervla", "fast_ar", "binning_ar"});
    v("demos", demos, config::NonEmpty{});
    v("horizon", horizon, config::Range{1, 256});
    v("val_fraction", val_fraction, config::Range{0.0, 0.5});
    v("tokenizer", tokenizer);
    v("model", model);
    v("replan_interval", replan_interval, config::Range{0, 100000});
    v("steps", steps, config::Range<int64_t>{1, 10'000'000});
    v("batch_size", batch_size, config::Range{1, 4096});
    v("lr", lr, config::Range{1e-7, 1.0});
    v("weight_decay", weight_decay, config::Range{0.0, 1.0});
    v("warmup_steps", warmup_steps, config::Range<int64_t>{0, 10'000'000});
    v("grad_clip", grad_clip, config::Range{0.0, 1e6});
    v("image_shift", image_shift, config::Range{0, 64});
    v("object_loss_weight", object_loss_weight, config::Range{0.0, 1000.0});
    v("checkpoint_every", checkpoint_every, config::Range<int64_t>{0, 10'000'000});
    v("validate_every", validate_every, config::Range<int64_t>{0, 10'000'000});
    v("seed", seed, config::Range<int64_t>{0, INT64_MAX});
    v("out", out, config::NonEmpty{});
  }
  void Validate() const;
};

// Inference settings of a registered VLA policy (configs/policies/vla.yaml).
struct VlaPolicyParams {
  std::string checkpoint;   // a policy directory written by `fasterbench train`
  std::string sampling;     // greedy | top_k
  int top_k{};
  double temperature{};
  // reference: draw within the layout's ranges, as openpi does (a FAST sequence that does
  // not decode becomes zeros, counted as a decode failure); constrained: this project's
  // variant, draw only ids the tokenizer's grammar allows (never a decode failure).
  std::string decoding;
  template <class V>
  void Describe(V& v) {
    v("checkpoint", checkpoint);
    v("sampling", sampling, config::OneOf{"greedy", "top_k"});
    v("top_k", top_k, config::Range{1, 100000});
    v("temperature", temperature, config::Range{1e-3, 100.0});
    v("decoding", decoding, config::OneOf{"reference", "constrained"});
  }
};

}  // namespace fb::policies
