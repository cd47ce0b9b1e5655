// Behaviour cloning of a VLA policy (`fasterbench train`): the tokenizer is fitted (or
// loaded) first, then the network learns the next block of action tokens with
// cross-entropy under teacher forcing; AdamW, warm-up + cosine, gradient clipping, seeded
// batches, the next batch gathered on another thread while the current one computes,
// validation (token accuracy, action L1 after detokenization), atomic checkpoints with
// resume, and the finished policy written to <out>/policy. Uses LibTorch.
#pragma once

#include <cstdint>
#include <filesystem>

#include "policies/vla/vla_config.h"

namespace fb::policies {

struct VlaTrainReport {
  int64_t steps = 0;
  int64_t resumed_from_step = 0;  // 0 = fresh start
  double final_loss = 0;
  double val_token_accuracy = -1;  // -1 = no validation demos
  double val_l1 = -1;              // normalized units, teacher-forced tokens decoded
  double val_object_error = -1;    // metres, mean absolute; -1 = no object-position head
  double seconds = 0;              // this call's wall time
  std::filesystem::path policy_dir;
};

// Trains per `config`, resuming from <out>/checkpoints when a checkpoint of the same config
// and data is there. Throws fb::InputError on bad data or config, on a checkpoint of another
// config or data (naming both hashes), and when the loss turns NaN/Inf (naming the step; the
// last good checkpoint stays); fb::Interrupted between steps. stop_at_step > 0 ends after that
// step with a checkpoint and no policy (as an interrupt would; tests).
VlaTrainReport TrainVla(const VlaTrainConfig& config, int64_t stop_at_step = 0);

}  // namespace fb::policies
