// FASTerVQ training: the network (autoencoder + residual VQ), its loss
// L1(A, A^) + dct_loss_weight * L1(DCT A, DCT A^) + commitment * ||z - sg(z_q)||^2, and
// the AdamW loop with warm-up + cosine decay, gradient clipping, EMA codebooks, dead-code
// resets, atomic checkpoints and resume. Uses LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "tokenizers/action_tokenizer.h"
#include "tokenizers/fastervq/action_image.h"
#include "tokenizers/fastervq/autoencoder.h"
#include "tokenizers/fastervq/fastervq_config.h"
#include "tokenizers/fastervq/residual_vq.h"

namespace fb::tokenizers {

// Everything a FASTerVQ tokenizer learns, as one module so one archive holds it.
class FasterVqNetImpl final : public torch::nn::Module {
 public:
  FasterVqNetImpl(const FasterVqConfig& config, const ActionImageLayout& layout)
      : autoencoder(register_module("autoencoder", ActionAutoencoder(config, layout))),
        rvq(register_module("rvq", ResidualVq(config.levels, config.codebook_size, config.code_dim))) {}

  ActionAutoencoder autoencoder;
  ResidualVq rvq;
};
TORCH_MODULE(FasterVqNet);

// Orthonormal DCT-II along time as an (n x n) matrix: DCT(x) = M x for x (n x dims).
torch::Tensor DctMatrix(int n);

// Chunk-space values of images: (batch x padded_horizon x image_columns) ->
// (batch x horizon x dims), padding dropped, dims in their original order.
torch::Tensor ImagesToChunks(const torch::Tensor& images, const ActionImageLayout& layout);

struct LossTerms {
  torch::Tensor total;       // scalar, differentiable
  torch::Tensor l1;          // scalar: mean |A - A^| over real (unpadded) values
  torch::Tensor dct_l1;      // scalar: mean |DCT A - DCT A^|
  torch::Tensor commitment;  // scalar: mean (z - sg(z_q))^2; 0 without quantization
  RvqOutput rvq;             // empty without quantization
};

// The training loss on images (batch x padded_horizon x image_columns); `dct` is
// DctMatrix(horizon). `init_rng` initialises codebooks still empty (see ResidualVq::Forward).
// quantize = false decodes z itself (the vq_warmup_steps phase): no codes, no commitment.
LossTerms ComputeLoss(FasterVqNet& net, const torch::Tensor& images, const ActionImageLayout& layout,
                      const torch::Tensor& dct, const FasterVqConfig& config, SplitMix64* init_rng,
                      bool quantize = true);

// Codes replaced by one dead-code reset: the step it ran after, and the count per level.
struct DeadCodeEvent {
  int64_t step = 0;
  std::vector<int64_t> per_level;
};

struct FitReport {
  int64_t steps = 0;              // steps done in total, resumed ones included
  int64_t resumed_from_step = 0;  // 0 = fresh start
  double final_loss = 0.0;        // loss of the last step (NaN when no step ran here)
  double final_l1 = 0.0;
  std::vector<DeadCodeEvent> dead_codes;  // every reset over the whole fit
};

// Trains `net` (freshly built after torch::manual_seed) on images (count x
// padded_horizon x image_columns): vq_warmup_steps as a plain autoencoder, then with the
// residual VQ, whose codebooks start from that step's encoder outputs. With options.work_dir set, writes
// checkpoint-<step>.pt there every checkpoint_every steps and at the end (atomically,
// keeping only the newest) and first resumes from the newest readable one. Throws
// fb::InputError when that checkpoint's config or data hash differs from this fit's
// (naming both) or when the loss turns NaN/Inf (naming the step; the last checkpoint is
// kept); fb::Interrupted between steps on SIGINT/SIGTERM. `stop_at_step` > 0 ends this
// call after that step with a checkpoint, as an interrupt would (staged fits, tests).
FitReport TrainFasterVq(const FasterVqConfig& config, const ActionImageLayout& layout, FasterVqNet& net,
                        const torch::Tensor& images, const std::string& data_hash, const FitOptions& options,
                        int64_t stop_at_step = 0);

}  // namespace fb::tokenizers
