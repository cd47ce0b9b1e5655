// Settings of a FASTerVQ tokenizer (FASTer, arXiv 2512.04952): action-image grouping,
// the hybrid conv + transformer autoencoder, the residual VQ and its training recipe.
// Defaults live in configs/tokenizers/fastervq.yaml. Torch-free.
#pragma once

#include <string>
#include <vector>

#include "core/config/checks.h"

namespace fb::tokenizers {

struct FasterVqConfig {
  // Action-dimension groups (lists of dim indices, each dim exactly once); empty = the
  // automatic grouping of AutoDimGroups (action_image.h).
  std::vector<std::vector<int>> dim_groups;
  int time_patch{};          // h: time steps per patch; the horizon is padded up to a multiple
  std::string architecture;  // "hybrid" (paper), "conv" or "transformer" (the paper's ablation)
  int width{};               // transformer model width (token vector size)
  int heads{};               // attention heads; must divide width
  int layers{};              // transformer blocks in the encoder and again in the decoder
  int conv_channels{};       // channels per dim group of the convolution stem
  int codebook_size{};       // K: codes per residual level
  int code_dim{};            // size of one code vector
  int levels{};              // residual levels N_c
  double commitment{};       // weight of ||z - sg(z_q)||^2
  double ema_decay{};        // codebook EMA decay
  double dead_code_threshold{};  // dead: EMA usage below this fraction of a fair share (vectors / K)
  int dead_code_interval{};      // steps between dead-code re-initialisations
  double dct_loss_weight{};      // weight of the L1 between DCTs along time (0 = ablation)
  int vq_warmup_steps{};         // first steps trained as a plain autoencoder (no quantization)
  int steps{};
  int batch_size{};
  double lr{};
  double weight_decay{};
  int warmup_steps{};
  double grad_clip{};        // max global gradient L2 norm; 0 = no clipping
  int checkpoint_every{};    // steps between checkpoints in FitOptions::work_dir; 0 = only at the end

  template <class V>
  void Describe(V& v) {
    v("dim_groups", dim_groups);
    v("time_patch", time_patch, config::Range{1, 4096});
    v("architecture", architecture, config::OneOf{"hybrid", "conv", "transformer"});
    v("width", width, config::Range{4, 4096});
    v("heads", heads, config::Range{1, 64});
    v("layers", layers, config::Range{0, 32});
    v("conv_channels", conv_channels, config::Range{1, 4096});
    v("codebook_size", codebook_size, config::Range{2, 1 << 16});
    v("code_dim", code_dim, config::Range{1, 4096});
    v("levels", levels, config::Range{1, 16});
    v("commitment", commitment, config::AtLeast<double>{0.0});
    v("ema_decay", ema_decay, config::Range{0.0, 0.99999});
    v("dead_code_threshold", dead_code_threshold, config::AtLeast<double>{0.0});
    v("dead_code_interval", dead_code_interval, config::AtLeast<int>{0});
    v("dct_loss_weight", dct_loss_weight, config::AtLeast<double>{0.0});
    v("vq_warmup_steps", vq_warmup_steps, config::AtLeast<int>{0});
    v("steps", steps, config::AtLeast<int>{1});
    v("batch_size", batch_size, config::Range{1, 1 << 20});
    v("lr", lr, config::Positive{});
    v("weight_decay", weight_decay, config::AtLeast<double>{0.0});
    v("warmup_steps", warmup_steps, config::AtLeast<int>{0});
    v("grad_clip", grad_clip, config::AtLeast<double>{0.0});
    v("checkpoint_every", checkpoint_every, config::AtLeast<int>{0});
  }

  // Cross-field checks: heads divides width, levels x codebook_size fits an int32 id,
  // vq_warmup_steps < steps (the codebooks must start), dim groups are non-empty with
  // non-negative indices. Throws fb::InputError quoting both values.
  void Validate() const;
};

// Stable hash of every setting ("fnv1a64:<hex>"); a checkpoint or a saved model records it.
std::string FasterVqConfigHash(const FasterVqConfig& config);

}  // namespace fb::tokenizers
