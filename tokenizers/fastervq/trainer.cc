#include "tokenizers/fastervq/trainer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <numeric>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"

namespace fb::tokenizers {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCheckpointPrefix = "checkpoint-";
constexpr const char* kCheckpointSuffix = ".pt";
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

// Permutation of [0, count) for `epoch`: Fisher-Yates driven by its own stream, so an
// epoch's order depends only on (seed, epoch) and a resume needs no generator history.
std::vector<int64_t> EpochOrder(int64_t count, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), int64_t{0});
  SplitMix64 rng(seed * 0x2545F4914F6CDD1Dull + static_cast<uint64_t>(epoch) + 1);
  for (int64_t i = count - 1; i > 0; --i) {
    std::swap(order[static_cast<size_t>(i)], order[rng.Below(static_cast<uint64_t>(i) + 1)]);
  }
  return order;
}

// Linear warm-up to `lr`, then cosine decay to zero at the last step.
double LearningRate(const FasterVqConfig& config, int64_t step) {
  if (step < config.warmup_steps) return config.lr * static_cast<double>(step + 1) / config.warmup_steps;
  const double span = std::max<int64_t>(1, config.steps - config.warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - config.warmup_steps) / span);
  return config.lr * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

fs::path CheckpointPath(const fs::path& dir, int64_t step) {
  return dir / fmt::format("{}{:09d}{}", kCheckpointPrefix, step, kCheckpointSuffix);
}

// Checkpoint files in `dir`, newest (highest step) first.
std::vector<fs::path> ListCheckpoints(const fs::path& dir) {
  std::vector<fs::path> found;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kCheckpointPrefix) && name.ends_with(kCheckpointSuffix)) found.push_back(entry.path());
  }
  std::sort(found.rbegin(), found.rend());  // zero-padded steps sort as numbers
  return found;
}

torch::Tensor Scalar(int64_t value) { return torch::tensor({value}, torch::kInt64); }
int64_t ReadScalar(torch::serialize::InputArchive& archive, const char* key) {
  torch::Tensor value;
  archive.read(key, value);
  return value.item<int64_t>();
}

void WriteCheckpoint(const fs::path& dir, FasterVqNet& net, torch::optim::Optimizer& optimizer,
                     const LoopState& state, const std::string& config_hash, const std::string& data_hash) {
  torch::serialize::OutputArchive root, model, optim;
  net->save(model);
  optimizer.save(optim);
  root.write("model", model);
  root.write("optimizer", optim);
  root.write("step", Scalar(state.step));
  root.write("epoch", Scalar(state.epoch));
  root.write("cursor", Scalar(state.cursor));
  root.write("rng", Scalar(std::bit_cast<int64_t>(state.rng.state())));
  root.write("config_hash", c10::IValue(config_hash));
  root.write("data_hash", c10::IValue(data_hash));
  const int64_t levels = net->rvq->levels();
  auto events = torch::zeros({static_cast<int64_t>(state.dead_codes.size()), 1 + levels}, torch::kInt64);
  for (size_t i = 0; i < state.dead_codes.size(); ++i) {
    events[static_cast<int64_t>(i)][0] = state.dead_codes[i].step;
    for (int64_t l = 0; l < levels; ++l) events[static_cast<int64_t>(i)][1 + l] = state.dead_codes[i].per_level[static_cast<size_t>(l)];
  }
  root.write("dead_codes", events);
  std::ostringstream bytes;
  root.save_to(bytes);
  const fs::path path = CheckpointPath(dir, state.step);
  WriteFileAtomic(path, bytes.str());
  // Older checkpoints go only after the new one is durable, so one valid file always exists.
  for (const auto& old : ListCheckpoints(dir)) {
    if (old != path) fs::remove(old);
  }
}

// Loads the newest readable checkpoint into net/optimizer/state; returns false when
// there is none. Unreadable files (a torn copy from elsewhere) are skipped with a warning.
bool ResumeFromCheckpoint(const fs::path& dir, FasterVqNet& net, torch::optim::Optimizer& optimizer,
                          LoopState& state, const std::string& config_hash, const std::string& data_hash) {
  for (const auto& path : ListCheckpoints(dir)) {
    torch::serialize::InputArchive root;
    c10::IValue saved_config, saved_data;
    try {
      root.load_from(path.string());
      root.read("config_hash", saved_config);
      root.read("data_hash", saved_data);
    } catch (const c10::Error& e) {
      spdlog::warn("FASTerVQ: skipping unreadable checkpoint {}: {}", path.string(), e.what_without_backtrace());
      continue;
    }
    if (saved_config.toStringRef() != config_hash) {
      throw InputError("FASTerVQ fit: checkpoint " + path.string() + " was written with config hash " +
                       saved_config.toStringRef() + " but this fit's config hash is " + config_hash +
                       "; use another work directory or delete it to start over");
    }
    if (saved_data.toStringRef() != data_hash) {
      throw InputError("FASTerVQ fit: checkpoint " + path.string() + " was written for training data hash " +
                       saved_data.toStringRef() + " but this fit's data hash is " + data_hash +
                       "; use another work directory or delete it to start over");
    }
    torch::serialize::InputArchive model, optim;
    root.read("model", model);
    root.read("optimizer", optim);
    net->load(model);
    optimizer.load(optim);
    state.step = ReadScalar(root, "step");
    state.epoch = ReadScalar(root, "epoch");
    state.cursor = ReadScalar(root, "cursor");
    state.rng.set_state(std::bit_cast<uint64_t>(ReadScalar(root, "rng")));
    torch::Tensor events;
    root.read("dead_codes", events);
    state.dead_codes.clear();
    for (int64_t i = 0; i < events.size(0); ++i) {
      DeadCodeEvent event{events[i][0].item<int64_t>(), {}};
      for (int64_t l = 1; l < events.size(1); ++l) event.per_level.push_back(events[i][l].item<int64_t>());
      state.dead_codes.push_back(std::move(event));
    }
    spdlog::info("FASTerVQ fit: resuming from {} (step {})", path.string(), state.step);
    return true;
  }
  return false;
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
  progress.Advance(state.step);
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
