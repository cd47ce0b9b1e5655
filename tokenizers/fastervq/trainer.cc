#include "tokenizers/fastervq/trainer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <numeric>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/torch_checkpoint.h"
#include "core/training_loop.h"

namespace fb::tokenizers {
namespace fs = std::filesystem;
namespace {

constexpr double kBeta1 = 0.9;  // the paper's AdamW betas
constexpr double kBeta2 = 0.95;

// Everything besides the weights that a resumed fit needs to continue exactly.
struct LoopState {
  int64_t step = 0;
  int64_t epoch = 0;
  int64_t cursor = 0;  // next position in the epoch's permutation
  SplitMix64 rng{0};   // codebook initialisation and dead-code draws
  std::vector<DeadCodeEvent> dead_codes;
};

double LearningRate(const FasterVqConfig& config, int64_t step) {
  return WarmupCosineLr(config.lr, config.warmup_steps, config.steps, step);
}

void WriteCheckpoint(const fs::path& dir, FasterVqNet& net, torch::optim::Optimizer& optimizer,
                     const LoopState& state, const std::string& config_hash, const std::string& data_hash) {
  torch::serialize::OutputArchive root;
  root.write("rng", ScalarTensor(std::bit_cast<int64_t>(state.rng.state())));
  const int64_t levels = net->rvq->levels();
  auto events = torch::zeros({static_cast<int64_t>(state.dead_codes.size()), 1 + levels}, torch::kInt64);
  for (size_t i = 0; i < state.dead_codes.size(); ++i) {
    events[static_cast<int64_t>(i)][0] = state.dead_codes[i].step;
    for (int64_t l = 0; l < levels; ++l) events[static_cast<int64_t>(i)][1 + l] = state.dead_codes[i].per_level[static_cast<size_t>(l)];
  }
  root.write("dead_codes", events);
  SaveTrainingCheckpoint(dir, root, *net, optimizer, {state.step, state.epoch, state.cursor, config_hash, data_hash});
}

// Loads the newest readable checkpoint into net/optimizer/state; returns false when
// there is none.
bool ResumeFromCheckpoint(const fs::path& dir, FasterVqNet& net, torch::optim::Optimizer& optimizer,
                          LoopState& state, const std::string& config_hash, const std::string& data_hash) {
  torch::serialize::InputArchive root;
  const auto header = LoadTrainingCheckpoint(dir, root, *net, optimizer, config_hash, data_hash, "FASTerVQ fit");
  if (!header) return false;
  state.step = header->step;
  state.epoch = header->epoch;
  state.cursor = header->cursor;
  state.rng.set_state(std::bit_cast<uint64_t>(ReadScalar(root, "rng")));
  torch::Tensor events;
  root.read("dead_codes", events);
  state.dead_codes.clear();
  for (int64_t i = 0; i < events.size(0); ++i) {
    DeadCodeEvent event{events[i][0].item<int64_t>(), {}};
    for (int64_t l = 1; l < events.size(1); ++l) event.per_level.push_back(events[i][l].item<int64_t>());
    state.dead_codes.push_back(std::move(event));
  }
  return true;
}

std::string FormatFractions(const std::vector<double>& values) {
  std::string text;
  for (double v : values) text += fmt::format("{}{:.0f}%", text.empty() ? "" : "/", 100.0 * v);
  return text;
}

}  // namespace

torch::Tensor DctMatrix(int n) {
  auto m = torch::empty({n, n});
  auto a = m.accessor<float, 2>();
  for (int k = 0; k < n; ++k) {
    const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / n);
    for (int t = 0; t < n; ++t) a[k][t] = static_cast<float>(scale * std::cos(std::numbers::pi * (t + 0.5) * k / n));
  }
  return m;
}

torch::Tensor ImagesToChunks(const torch::Tensor& images, const ActionImageLayout& layout) {
  const auto& columns = layout.column_of_dim();
  const auto index = torch::tensor(std::vector<int64_t>(columns.begin(), columns.end()), torch::kInt64);
  return images.narrow(1, 0, layout.horizon()).index_select(2, index);
}

LossTerms ComputeLoss(FasterVqNet& net, const torch::Tensor& images, const ActionImageLayout& layout,
                      const torch::Tensor& dct, const FasterVqConfig& config, SplitMix64* init_rng,
                      bool quantize) {
  LossTerms terms;
  const auto z = net->autoencoder->Encode(images);
  if (quantize) {
    terms.rvq = net->rvq->Forward(z, init_rng);
    terms.commitment = terms.rvq.commitment;
  } else {
    terms.commitment = torch::zeros({});
  }
  const auto reconstructed = ImagesToChunks(net->autoencoder->Decode(quantize ? terms.rvq.quantized : z), layout);
  const auto target = ImagesToChunks(images, layout);
  terms.l1 = (reconstructed - target).abs().mean();
  terms.dct_l1 = (torch::matmul(dct, reconstructed) - torch::matmul(dct, target)).abs().mean();
  terms.total = terms.l1 + config.dct_loss_weight * terms.dct_l1 + config.commitment * terms.commitment;
  return terms;
}

FitReport TrainFasterVq(const FasterVqConfig& config, const ActionImageLayout& layout, FasterVqNet& net,
                        const torch::Tensor& images, const std::string& data_hash, const FitOptions& options,
                        int64_t stop_at_step) {
  const std::string config_hash = FasterVqConfigHash(config);
  const int64_t count = images.size(0);
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(config.lr)
                                                       .betas({kBeta1, kBeta2})
                                                       .weight_decay(config.weight_decay));
  LoopState state;
  state.rng.set_state(options.seed ^ 0xD1B54A32D192ED03ull);
  FitReport report;
  report.final_loss = report.final_l1 = std::nan("");
  const bool checkpoints = !options.work_dir.empty();
  if (checkpoints && ResumeFromCheckpoint(options.work_dir, net, optimizer, state, config_hash, data_hash)) {
    report.resumed_from_step = state.step;
  }
  const torch::Tensor dct = DctMatrix(layout.horizon());
  const int64_t batch = std::min<int64_t>(config.batch_size, count);
  const int64_t log_every = std::max(1, config.steps / 10);
  std::vector<int64_t> order = EpochOrder(count, options.seed, state.epoch);
  Progress progress("FASTerVQ fit", config.steps, "steps");
  progress.Resume(state.step);
  net->train();
  const int64_t end = stop_at_step > 0 ? std::min<int64_t>(stop_at_step, config.steps) : config.steps;
  while (state.step < end) {
    ThrowIfInterrupted();
    std::vector<int64_t> picks(static_cast<size_t>(batch));
    for (auto& pick : picks) {
      if (state.cursor == count) {
        state.cursor = 0;
        order = EpochOrder(count, options.seed, ++state.epoch);
      }
      pick = order[static_cast<size_t>(state.cursor++)];
    }
    const auto batch_images = images.index_select(0, torch::tensor(picks, torch::kInt64));
    const double lr = LearningRate(config, state.step);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

    // A plain-autoencoder start lets the latent carry every dim before quantization: codebooks
    // drawn from a random encoder's outputs resolve only its largest directions, and a dim
    // they miss can stay unencoded for the whole fit (docs/fastervq.md).
    const bool quantize = state.step >= config.vq_warmup_steps;
    LossTerms terms = ComputeLoss(net, batch_images, layout, dct, config, &state.rng, quantize);
    const double loss = terms.total.item<double>();
    if (!std::isfinite(loss)) {
      throw InputError(fmt::format(
          "FASTerVQ fit: the loss became {} at step {}; check the training data and lower lr ({}){}", loss,
          state.step, config.lr,
          checkpoints ? "; the last good checkpoint in " + options.work_dir.string() + " is kept" : ""));
    }
    optimizer.zero_grad();
    terms.total.backward();
    if (config.grad_clip > 0) torch::nn::utils::clip_grad_norm_(net->parameters(), config.grad_clip);
    optimizer.step();
    if (quantize) net->rvq->UpdateEma(terms.rvq.residuals, terms.rvq.codes, config.ema_decay);
    ++state.step;
    if (quantize && config.dead_code_interval > 0 && state.step % config.dead_code_interval == 0) {
      state.dead_codes.push_back(
          {state.step, net->rvq->ResetDeadCodes(terms.rvq.residuals, config.dead_code_threshold, state.rng)});
    }
    report.final_loss = loss;
    report.final_l1 = terms.l1.item<double>();
    progress.Advance();
    if (state.step % log_every == 0 || state.step == config.steps) {
      int64_t dead = 0;
      for (const auto& event : state.dead_codes) {
        for (int64_t n : event.per_level) dead += n;
      }
      spdlog::info("FASTerVQ step {}/{}: loss {:.5f} (L1 {:.5f}, DCT L1 {:.5f}, commit {:.5f}), lr {:.2e}, live codes "
                   "per level {}, dead codes reset so far {}",
                   state.step, config.steps, loss, report.final_l1, terms.dct_l1.item<double>(),
                   terms.commitment.item<double>(), lr, FormatFractions(net->rvq->LiveFraction(config.dead_code_threshold)),
                   dead);
    }
    const bool due = config.checkpoint_every > 0 && state.step % config.checkpoint_every == 0;
    if (checkpoints && (due || state.step == end)) {
      WriteCheckpoint(options.work_dir, net, optimizer, state, config_hash, data_hash);
    }
  }
  progress.Finish();
  net->eval();
  report.steps = state.step;
  report.dead_codes = state.dead_codes;
  return report;
}

}  // namespace fb::tokenizers
