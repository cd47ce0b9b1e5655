#include "policies/vla/vla_trainer.h"

#include <chrono>
#include <cmath>
#include <future>
#include <numeric>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/split_mix64.h"
#include "core/torch_checkpoint.h"
#include "core/training_loop.h"
#include "policies/vla/vla_checkpoint.h"
#include "policies/vla/vla_dataset.h"

namespace fb::policies {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

struct Batch {
  PrefixInputs prefix;
  torch::Tensor inputs, targets, objects, object_mask;
};

Batch Gather(const VlaSamples& samples, const std::vector<int64_t>& picks) {
  const auto index = torch::tensor(picks, torch::kInt64);
  auto pick = [&index](const torch::Tensor& t) { return t.defined() ? t.index_select(0, index) : torch::Tensor(); };
  Batch batch;
  batch.prefix.images = pick(samples.images);
  batch.prefix.words = pick(samples.words);
  batch.prefix.proprio = pick(samples.proprio);
  batch.prefix.objects = pick(samples.object_states);
  batch.prefix.object_kinds = pick(samples.object_kinds);
  batch.prefix.object_colours = pick(samples.object_colours);
  batch.inputs = samples.inputs.index_select(0, index);
  batch.targets = samples.targets.index_select(0, index);
  if (samples.objects.defined()) {
    batch.objects = samples.objects.index_select(0, index);
    batch.object_mask = samples.object_mask.index_select(0, index);
  }
  return batch;
}

// Random-shift augmentation (as in robomimic's crop randomizer and DrQ): every image of the
// batch moves by up to `shift` pixels in each direction, its border pixels repeated, so the
// policy cannot key on exact pixel positions. Offsets come from `rng`, so a seed fixes them.
torch::Tensor ShiftImages(const torch::Tensor& images, int shift, SplitMix64 rng) {
  const int64_t n = images.size(0), cameras = images.size(1), size = images.size(2);
  const auto padded = torch::nn::functional::pad(
      images.permute({0, 1, 4, 2, 3}).reshape({n * cameras, 3, size, size}).to(torch::kFloat32),
      torch::nn::functional::PadFuncOptions({shift, shift, shift, shift}).mode(torch::kReplicate));
  auto out = torch::empty_like(images);
  for (int64_t i = 0; i < n * cameras; ++i) {
    const auto dy = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(2 * shift + 1)));
    const auto dx = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(2 * shift + 1)));
    out[i / cameras][i % cameras].copy_(
        padded[i].narrow(1, dy, size).narrow(2, dx, size).permute({1, 2, 0}).to(torch::kUInt8));
  }
  return out;
}

// Action positions for one step: gaps of 1 + U{0,1,2} when jittered (drawn from the step's
// own stream, so a resumed run draws the same), else consecutive.
torch::Tensor TrainingPositions(const VlaNet& net, int64_t length, bool jitter, uint64_t seed, int64_t step) {
  std::vector<int64_t> positions(static_cast<size_t>(length));
  SplitMix64 rng(MixSeed(seed ^ (static_cast<uint64_t>(step) * 0x9E3779B97F4A7C15ull)));
  int64_t position = net->first_action_position();
  for (auto& p : positions) p = position += jitter ? 1 + static_cast<int64_t>(rng.Below(3)) : 1;
  return torch::tensor(positions, torch::kInt64);
}

torch::Tensor Blocks(int64_t length, int block) { return torch::arange(length, torch::kInt64).div(block, "floor"); }

struct Forward {
  torch::Tensor logits;   // (batch x sequence x output vocab)
  torch::Tensor objects;  // (batch x 3 slots) predicted, normalized; undefined without the head
};

Forward Run(VlaNet& net, const Batch& batch, const torch::Tensor& positions, const torch::Tensor& blocks) {
  const PrefixCache prefix = net->EncodePrefix(batch.prefix, /*predict_objects=*/true);
  ActionCache cache;
  return {net->DecodeActions(prefix, cache, batch.inputs, positions, blocks), prefix.objects};
}

// Mean squared error over the slots the demos fill.
torch::Tensor ObjectLoss(const torch::Tensor& predicted, const Batch& batch) {
  return (predicted - batch.objects).square().mul(batch.object_mask).sum() / batch.object_mask.sum().clamp_min(1.0);
}

struct Validation {
  double token_accuracy = -1, l1 = -1;
  double object_error = -1;  // mean absolute object-position error, metres (with the head)
};

// Teacher-forced: each position's argmax among its allowed ids, the sequence cut at the
// first end token, decoded and compared with the true normalized chunk.
Validation Validate(VlaNet& net, const VlaData& data, const ActionTokenLayout& layout, bool jitter) {
  const VlaSamples& val = data.val;
  if (val.size() == 0) return {};
  torch::NoGradGuard no_grad;
  net->eval();
  const int64_t count = std::min<int64_t>(val.size(), 512), length = layout.sequence_length();
  const auto positions = TrainingPositions(net, length, false, 0, 0) - net->first_action_position();
  const auto inference = positions * (jitter ? 2 : 1) + net->first_action_position();
  std::vector<int64_t> all(static_cast<size_t>(count));
  std::iota(all.begin(), all.end(), int64_t{0});
  int64_t correct = 0, scored = 0;
  double l1 = 0, object_error = 0, object_count = 0;
  const auto object_std = data.object_std.empty() ? torch::Tensor() : torch::tensor(data.object_std);
  const int h = data.manifest.horizon, d = data.manifest.dims;
  for (int64_t start = 0; start < count; start += 64) {
    std::vector<int64_t> picks(all.begin() + start, all.begin() + std::min(count, start + 64));
    const Batch batch = Gather(val, picks);
    const Forward forward = Run(net, batch, inference, Blocks(length, layout.block_size()));
    auto logits = forward.logits;
    if (forward.objects.defined()) {
      object_error += (forward.objects - batch.objects).abs().mul(object_std).mul(batch.object_mask).sum().item<double>();
      object_count += batch.object_mask.sum().item<double>();
    }
    for (int64_t i = 0; i < length; ++i) {  // keep each position to its allowed ids
      const auto [first, last] = layout.allowed(static_cast<int>(i));
      auto column = logits.select(1, i);
      if (first > 0) column.narrow(1, 0, first).fill_(-1e30);
      if (last < column.size(1)) column.narrow(1, last, column.size(1) - last).fill_(-1e30);
    }
    const auto predicted = logits.argmax(2).contiguous();
    const auto targets = batch.targets.contiguous();
    const auto scored_mask = targets.ne(ActionTokenLayout::kIgnore);
    correct += predicted.eq(targets).logical_and(scored_mask).sum().item<int64_t>();
    scored += scored_mask.sum().item<int64_t>();
    for (size_t b = 0; b < picks.size(); ++b) {
      tokenizers::TokenIds ids;
      const int64_t* row = predicted.data_ptr<int64_t>() + static_cast<int64_t>(b) * length;
      for (int64_t i = 0; i < length; ++i) {
        if (layout.variable_length() && row[i] == layout.end_token()) break;
        ids.push_back(static_cast<int32_t>(row[i]));
      }
      const auto decoded = data.tokenizer.tokenizer->Decode(ids, h, d);
      const float* truth = val.chunks.data_ptr<float>() + picks[b] * h * d;
      for (int k = 0; k < h * d; ++k) l1 += std::abs(decoded.actions[static_cast<size_t>(k)] - truth[k]);
    }
  }
  net->train();
  return {static_cast<double>(correct) / static_cast<double>(std::max<int64_t>(1, scored)),
          l1 / static_cast<double>(count * h * d), object_count > 0 ? object_error / object_count : -1.0};
}

std::string ConfigHash(const VlaTrainConfig& config) {
  VlaTrainConfig stable = config;  // what may change between a run and its resume
  stable.out = "-";
  stable.steps = stable.checkpoint_every = stable.validate_every = 0;
  return config::HashText(config::Dump(stable));
}

struct LoopState {
  int64_t step = 0, epoch = 0, cursor = 0;
};

void WriteCheckpoint(const fs::path& dir, VlaNet& net, torch::optim::Optimizer& optimizer, const LoopState& state,
                     const std::string& config_hash, const std::string& data_hash) {
  torch::serialize::OutputArchive root;
  SaveTrainingCheckpoint(dir, root, *net, optimizer, {state.step, state.epoch, state.cursor, config_hash, data_hash});
}

bool Resume(const fs::path& dir, VlaNet& net, torch::optim::Optimizer& optimizer, LoopState& state,
            const std::string& config_hash, const std::string& data_hash) {
  torch::serialize::InputArchive root;
  const auto header = LoadTrainingCheckpoint(dir, root, *net, optimizer, config_hash, data_hash, "train");
  if (!header) return false;
  state = {header->step, header->epoch, header->cursor};
  return true;
}

}  // namespace

VlaTrainReport TrainVla(const VlaTrainConfig& config, int64_t stop_at_step) {
  const auto start = Clock::now();
  const fs::path out = config.out;
  fs::create_directories(out);
  VlaData data = PrepareVlaData(config, {out / "tokenizer-fit", static_cast<uint64_t>(config.seed)});
  const ActionTokenLayout layout(data.tokenizer, config.horizon, data.manifest.dims, config.model.block_size,
                                 config.model.max_action_tokens);
  torch::manual_seed(static_cast<uint64_t>(config.seed));
  VlaNet net = MakeVlaNet(data.manifest, layout);
  int64_t parameters = 0;
  for (const auto& p : net->parameters()) parameters += p.numel();
  spdlog::info("{}: {} parameters, {} action tokens per chunk (block size {}, {} passes), action expert {}",
               config.policy, parameters, layout.sequence_length(), layout.block_size(), layout.blocks(),
               config.model.action_expert ? "on" : "off");

  torch::optim::AdamW optimizer(
      net->parameters(), torch::optim::AdamWOptions(config.lr).betas({0.9, 0.95}).weight_decay(config.weight_decay));
  const std::string config_hash = ConfigHash(config);
  const fs::path checkpoints = out / "checkpoints";
  LoopState state;
  VlaTrainReport report;
  if (Resume(checkpoints, net, optimizer, state, config_hash, data.data_hash)) report.resumed_from_step = state.step;

  const int64_t count = data.train.size(), length = layout.sequence_length();
  const int64_t batch_size = std::min<int64_t>(config.batch_size, count);
  const auto blocks = Blocks(length, layout.block_size());
  const uint64_t seed = static_cast<uint64_t>(config.seed);
  std::vector<int64_t> order = EpochOrder(count, seed, state.epoch);
  auto next_picks = [&] {
    std::vector<int64_t> picks(static_cast<size_t>(batch_size));
    for (auto& pick : picks) {
      if (state.cursor == count) {
        state.cursor = 0;
        order = EpochOrder(count, seed, ++state.epoch);
      }
      pick = order[static_cast<size_t>(state.cursor++)];
    }
    return picks;
  };
  const int64_t end = stop_at_step > 0 ? std::min(stop_at_step, config.steps) : config.steps;
  const int64_t log_every = std::max<int64_t>(1, config.steps / 20);
  nlohmann::json history = nlohmann::json::array();
  Progress progress("train " + config.policy, config.steps, "steps");
  progress.Resume(state.step);
  net->train();
  std::future<Batch> prefetch;
  auto start_gather = [&] {
    const SplitMix64 shift_rng(MixSeed(seed ^ (static_cast<uint64_t>(state.epoch) << 32) ^
                                       static_cast<uint64_t>(state.cursor) ^ 0x5348494654ull));
    prefetch = std::async(std::launch::async, [&data, picks = next_picks(), shift = config.image_shift, shift_rng] {
      Batch batch = Gather(data.train, picks);
      if (shift > 0 && batch.prefix.images.defined()) batch.prefix.images = ShiftImages(batch.prefix.images, shift, shift_rng);
      return batch;
    });
  };
  if (state.step < end) start_gather();
  double loss_sum = 0;
  int64_t loss_count = 0;
  while (state.step < end) {
    ThrowIfInterrupted();
    const Batch batch = prefetch.get();
    LoopState resume_point = state;  // epoch and cursor just past this batch
    if (state.step + 1 < end) start_gather();  // the next batch gathers while this one computes
    const double lr = WarmupCosineLr(config.lr, config.warmup_steps, config.steps, state.step);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    const auto positions = TrainingPositions(net, length, config.model.position_gap_jitter, seed, state.step);
    const Forward forward = Run(net, batch, positions, blocks);
    auto loss = torch::nn::functional::cross_entropy(
        forward.logits.reshape({-1, forward.logits.size(2)}), batch.targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(ActionTokenLayout::kIgnore));
    if (config.object_loss_weight > 0) loss = loss + config.object_loss_weight * ObjectLoss(forward.objects, batch);
    const double value = loss.item<double>();
    if (!std::isfinite(value)) {
      throw InputError(fmt::format("train: the loss became {} at step {}; lower lr ({}) or check the demos; the last "
                                   "good checkpoint in {} is kept",
                                   value, state.step, config.lr, checkpoints.string()));
    }
    optimizer.zero_grad();
    loss.backward();
    if (config.grad_clip > 0) torch::nn::utils::clip_grad_norm_(net->parameters(), config.grad_clip);
    optimizer.step();
    ++state.step;
    resume_point.step = state.step;
    report.final_loss = value;
    loss_sum += value;
    ++loss_count;
    progress.Advance();
    const bool validate = (config.validate_every > 0 && state.step % config.validate_every == 0) || state.step == config.steps;
    if (state.step % log_every == 0 || validate) {
      nlohmann::json entry = {{"step", state.step}, {"loss", loss_sum / static_cast<double>(loss_count)}, {"lr", lr}};
      std::string line = fmt::format("train {} step {}/{}: loss {:.4f}, lr {:.2e}", config.policy, state.step,
                                     config.steps, loss_sum / static_cast<double>(loss_count), lr);
      loss_sum = 0;
      loss_count = 0;
      if (validate) {
        const Validation v = Validate(net, data, layout, config.model.position_gap_jitter);
        report.val_token_accuracy = v.token_accuracy;
        report.val_l1 = v.l1;
        entry["val_token_accuracy"] = v.token_accuracy;
        entry["val_l1"] = v.l1;
        line += fmt::format(", validation token accuracy {:.3f}, action L1 {:.4f}", v.token_accuracy, v.l1);
        if (v.object_error >= 0) {
          report.val_object_error = v.object_error;
          entry["val_object_error_m"] = v.object_error;
          line += fmt::format(", object position error {:.1f} mm", 1000 * v.object_error);
        }
      }
      history.push_back(entry);
      spdlog::info("{}", line);
    }
    const bool due = config.checkpoint_every > 0 && state.step % config.checkpoint_every == 0;
    if (due || state.step == end) WriteCheckpoint(checkpoints, net, optimizer, resume_point, config_hash, data.data_hash);
  }
  progress.Finish();
  report.steps = state.step;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (state.step < config.steps) return report;

  net->eval();
  data.manifest.training = {{"steps", state.step},
                            {"config_hash", config_hash},
                            {"data_hash", data.data_hash},
                            {"train_samples", data.train.size()},
                            {"val_samples", data.val.size()},
                            {"train_demos", data.train_demos},
                            {"val_demos", data.val_demos},
                            {"dropped_samples", data.dropped},
                            {"wall_seconds", report.seconds},
                            {"resumed_from_step", report.resumed_from_step},
                            {"final_loss", report.final_loss},
                            {"val_token_accuracy", report.val_token_accuracy},
                            {"val_l1", report.val_l1},
                            {"val_object_error_m", report.val_object_error},
                            {"history", history}};
  report.policy_dir = out / "policy";
  SaveVlaPolicy(report.policy_dir, data.manifest, data.tokenizer, net);
  return report;
}

}  // namespace fb::policies
