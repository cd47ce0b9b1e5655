#include "policies/vla/vla_dataset.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/data/hdf5_demo_frames.h"
#include "core/error.h"
#include "core/fnv1a.h"
#include "core/split_mix64.h"
#include "envs/embodiment_spec.h"
#include "policies/vla/observation_tensors.h"
#include "policies/vla/proprio_features.h"
#include "tokenizers/registry.h"

namespace fb::policies {
namespace fs = std::filesystem;
namespace {

std::vector<fs::path> DemoFiles(const std::vector<std::string>& entries) {
  std::vector<fs::path> files;
  for (const auto& entry : entries) {
    if (fs::is_directory(entry)) {
      std::vector<fs::path> found;
      for (const auto& file : fs::directory_iterator(entry)) {
        if (file.path().extension() == ".hdf5") found.push_back(file.path());
      }
      if (found.empty()) throw InputError("demos: directory '" + entry + "' holds no *.hdf5 files");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(entry)) {
      files.emplace_back(entry);
    } else {
      throw InputError("demos: '" + entry + "' is neither an HDF5 file nor a directory (collect demos with "
                       "`fasterbench collect`)");
    }
  }
  return files;
}

// The chunk label of step t: the first `horizon` actions of the demo's recorded clean expert
// chunk when it has one that long (collect's action_chunks: with DART noise the next recorded
// actions would be the expert's reactions to noise yet to come), else the next `horizon`
// actions, the last one repeated past the end.
void AppendChunk(const data::DemoFrames& demo, int64_t t, int horizon, std::vector<float>& out) {
  if (demo.chunk_horizon >= horizon) {
    const float* chunk = demo.action_chunks.data() + t * demo.chunk_horizon * demo.dims;
    out.insert(out.end(), chunk, chunk + static_cast<ptrdiff_t>(horizon) * demo.dims);
    return;
  }
  for (int k = 0; k < horizon; ++k) {
    const int64_t step = std::min(t + k, demo.steps - 1);
    const float* row = demo.actions.data() + step * demo.dims;
    out.insert(out.end(), row, row + demo.dims);
  }
}

// Per-column mean and spread of row-major values (rows of `width`), the spread floored at
// 1e-3; a column no row reaches gets mean 0 and the floor.
class ColumnMoments {
 public:
  explicit ColumnMoments(size_t columns) : k_sum_(columns), k_squares_(columns), k_count_(columns) {}
  void Add(const std::vector<float>& rows, int width) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const size_t k = i % static_cast<size_t>(width);
      const double value = rows[i];
      k_sum_[k] += value;
      k_squares_[k] += value * value;
      k_count_[k] += 1;
    }
  }
  void Write(std::vector<float>& mean, std::vector<float>& spread) const {
    for (size_t k = 0; k < k_sum_.size(); ++k) {
      const double m = k_count_[k] > 0 ? k_sum_[k] / k_count_[k] : 0.0;
      const double var = k_count_[k] > 0 ? std::max(0.0, k_squares_[k] / k_count_[k] - m * m) : 0.0;
      mean.push_back(static_cast<float>(m));
      spread.push_back(static_cast<float>(std::max(std::sqrt(var), 1e-3)));
    }
  }

 private:
  std::vector<double> k_sum_, k_squares_, k_count_;
};

// Step t of a demo's obs/object_states as the observation's objects, so that training goes
// through the very function evaluation uses (FillObjectTokens).
std::vector<envs::ObjectState> RecordedObjects(const data::DemoFrames& demo, int64_t t) {
  std::vector<envs::ObjectState> objects(static_cast<size_t>(demo.objects));
  const float* row = demo.object_states.data() + t * demo.objects * envs::kObjectStateValues;
  for (size_t i = 0; i < objects.size(); ++i, row += envs::kObjectStateValues) {
    envs::ObjectState& o = objects[i];
    o.kind = demo.object_kinds[i];
    o.colour = demo.object_colours[i];
    std::copy(row, row + 3, o.pos);
    std::copy(row + 3, row + 7, o.quat);
    o.joint = row[7];
  }
  return objects;
}

// State modes: every demo carries obs/object_states that fits the object tokens.
void CheckObjectStates(const std::vector<data::DemoFrames>& demos, int max_objects) {
  for (const auto& demo : demos) {
    if (demo.objects == 0) {
      throw InputError(demo.source + " has no obs/object_states, which model.observation 'state' needs (record the "
                       "demos again with `fasterbench collect`)");
    }
    if (demo.object_values != envs::kObjectStateValues) {
      throw InputError(fmt::format("{}: obs/object_states holds {} values per object, expected {}", demo.source,
                                   demo.object_values, envs::kObjectStateValues));
    }
    if (demo.objects > max_objects) {
      throw InputError(fmt::format("{}: {} objects on the table but model.max_objects is {}", demo.source,
                                   demo.objects, max_objects));
    }
  }
}

struct Split {
  std::vector<const data::DemoFrames*> demos;
  int64_t samples() const {
    return std::accumulate(demos.begin(), demos.end(), int64_t{0}, [](int64_t n, const auto* d) { return n + d->steps; });
  }
};

VlaSamples MakeSamples(const Split& split, const VlaData& data, const VlaModelConfig& model,
                       const ActionTokenLayout& layout, int64_t& dropped) {
  const int horizon = data.manifest.horizon, dims = data.manifest.dims, size = model.image_size;
  ActionChunks chunks{0, horizon, dims, {}};
  for (const auto* demo : split.demos) {
    for (int64_t t = 0; t < demo->steps; ++t) AppendChunk(*demo, t, horizon, chunks.values);
    chunks.count += demo->steps;
  }
  data.tokenizer.normalizer.Normalize(chunks.values);
  const auto tokens = data.tokenizer.tokenizer->EncodeBatch(chunks);

  std::vector<int64_t> keep;
  std::vector<int64_t> inputs, targets, row_in, row_out;
  for (int64_t i = 0; i < chunks.count; ++i) {
    if (!layout.MakeTrainingPair(tokens[static_cast<size_t>(i)], row_in, row_out)) {
      ++dropped;
      continue;
    }
    keep.push_back(i);
    inputs.insert(inputs.end(), row_in.begin(), row_in.end());
    targets.insert(targets.end(), row_out.begin(), row_out.end());
  }
  const auto n = static_cast<int64_t>(keep.size());
  VlaSamples samples;
  const bool with_images = model.uses_images(), with_objects = model.uses_objects();
  if (with_images) samples.images = torch::empty({n, 2, size, size, 3}, torch::kUInt8);
  const int64_t max_objects = model.max_objects;
  float* object_states = nullptr;
  int64_t *object_kinds = nullptr, *object_colours = nullptr;
  if (with_objects) {
    samples.object_states = torch::zeros({n, max_objects, kObjectFeatures}, torch::kFloat32);
    samples.object_kinds = torch::zeros({n, max_objects}, torch::kInt64);
    samples.object_colours = torch::zeros({n, max_objects}, torch::kInt64);
    object_states = samples.object_states.data_ptr<float>();
    object_kinds = samples.object_kinds.data_ptr<int64_t>();
    object_colours = samples.object_colours.data_ptr<int64_t>();
  }
  samples.words = torch::empty({n, model.max_words}, torch::kInt64);
  samples.proprio = torch::empty({n, static_cast<int64_t>(data.manifest.proprio_mean.size())}, torch::kFloat32);
  samples.chunks = torch::empty({n, horizon, dims}, torch::kFloat32);
  const int64_t frame = static_cast<int64_t>(size) * size * 3, pd = samples.proprio.size(1);
  uint8_t* images = with_images ? samples.images.data_ptr<uint8_t>() : nullptr;
  int64_t* words = samples.words.data_ptr<int64_t>();
  float* proprio = samples.proprio.data_ptr<float>();
  float* chunk_out = samples.chunks.data_ptr<float>();
  const int64_t slots = 3 * static_cast<int64_t>(model.object_slots);
  float *objects = nullptr, *object_mask = nullptr;
  if (slots > 0) {
    samples.objects = torch::zeros({n, slots}, torch::kFloat32);
    samples.object_mask = torch::zeros({n, slots}, torch::kFloat32);
    objects = samples.objects.data_ptr<float>();
    object_mask = samples.object_mask.data_ptr<float>();
  }
  int64_t global = 0, out = 0;
  size_t next = 0;
  for (const auto* demo : split.demos) {
    const auto ids = data.manifest.vocab.Encode(demo->instruction, model.max_words);
    for (int64_t t = 0; t < demo->steps; ++t, ++global) {
      if (next >= keep.size() || keep[next] != global) continue;
      if (with_images) {
        std::memcpy(images + (2 * out) * frame, demo->agentview.data() + t * frame, static_cast<size_t>(frame));
        std::memcpy(images + (2 * out + 1) * frame, demo->wrist.data() + t * frame, static_cast<size_t>(frame));
      }
      if (with_objects) {
        FillObjectTokens(RecordedObjects(*demo, t), demo->proprio.data() + t * pd, data.manifest,
                         object_states + out * max_objects * kObjectFeatures,
                         object_kinds + out * max_objects, object_colours + out * max_objects, demo->source);
      }
      std::copy(ids.begin(), ids.end(), words + out * model.max_words);
      for (int64_t k = 0; k < pd; ++k) {
        proprio[out * pd + k] = (demo->proprio[static_cast<size_t>(t * pd + k)] - data.manifest.proprio_mean[static_cast<size_t>(k)]) /
                                data.manifest.proprio_std[static_cast<size_t>(k)];
      }
      const auto chunk = chunks.chunk(global);
      std::copy(chunk.begin(), chunk.end(), chunk_out + out * horizon * dims);
      if (slots > 0) {
        for (int k = 0; k < demo->object_dims; ++k) {
          const auto j = static_cast<size_t>(k);
          objects[out * slots + k] = (demo->object_pos[static_cast<size_t>(t * demo->object_dims + k)] -
                                      data.object_mean[j]) / data.object_std[j];
          object_mask[out * slots + k] = 1.0f;
        }
      }
      ++out;
      ++next;
    }
  }
  const int64_t length = layout.sequence_length();
  samples.inputs = torch::tensor(inputs, torch::kInt64).view({n, length});
  samples.targets = torch::tensor(targets, torch::kInt64).view({n, length});
  return samples;
}

// Every demo, validation ones too, must carry obs/object_pos that fits the slots.
void CheckObjectPositions(const std::vector<data::DemoFrames>& demos, int slots) {
  for (const auto& demo : demos) {
    if (demo.object_dims == 0) {
      throw InputError(demo.source + " has no obs/object_pos, which object_loss_weight needs (record the demos "
                       "again with `fasterbench collect`)");
    }
    if (demo.object_dims % 3 != 0 || demo.object_dims > 3 * slots) {
      throw InputError(fmt::format("{}: obs/object_pos holds {} values per step; model.object_slots = {} takes at "
                                   "most {} (xyz per object)",
                                   demo.source, demo.object_dims, slots, 3 * slots));
    }
  }
}

}  // namespace

VlaData PrepareVlaData(const VlaTrainConfig& config, const tokenizers::FitOptions& tokenizer_fit) {
  const auto files = DemoFiles(config.demos);
  std::vector<data::DemoFrames> demos;
  int raw_proprio_dims = 0;  // as the files store it, before any change of orientation features
  std::string identity;
  for (const auto& file : files) {
    auto read = data::ReadHdf5DemoFrames(file);
    identity += fmt::format("{}:{};", file.filename().string(), fs::file_size(file));
    for (auto& demo : read) {
      if (config.model.uses_images() && demo.image_height == 0) {
        throw InputError(fmt::format("{}: no camera images, which model.observation '{}' needs (collect with cameras "
                                     "agentview and eye_in_hand)",
                                     demo.source, config.model.observation));
      }
      if (config.model.uses_images() &&
          (demo.image_height != config.model.image_size || demo.image_width != config.model.image_size)) {
        throw InputError(fmt::format("{}: images are {}x{} but model.image_size is {} (collect with --set image_size={})",
                                     demo.source, demo.image_width, demo.image_height, config.model.image_size,
                                     config.model.image_size));
      }
      if (!demos.empty() && (demo.dims != demos.front().dims || demo.proprio_dims != raw_proprio_dims)) {
        throw InputError(fmt::format("{}: {}-D actions and {} proprio values, but {} has {} and {}", demo.source,
                                     demo.dims, demo.proprio_dims, demos.front().source, demos.front().dims,
                                     raw_proprio_dims));
      }
      raw_proprio_dims = demo.proprio_dims;
      if (config.model.proprio_orientation == "rotation_columns") {
        const int arms = demo.dims / envs::kArmActionDim;
        std::vector<float> rows;
        for (int64_t t = 0; t < demo.steps; ++t) {
          const auto row = WithRotationColumns(
              std::span<const float>(demo.proprio).subspan(static_cast<size_t>(t * demo.proprio_dims),
                                                           static_cast<size_t>(demo.proprio_dims)),
              arms);
          rows.insert(rows.end(), row.begin(), row.end());
        }
        demo.proprio_dims += 3 * arms;
        demo.proprio = std::move(rows);
      }
      demos.push_back(std::move(demo));
    }
  }
  if (config.model.object_slots > 0) CheckObjectPositions(demos, config.model.object_slots);
  if (config.model.uses_objects()) CheckObjectStates(demos, config.model.max_objects);
  // Validation demos: a seeded draw over all demos, so each file contributes about evenly.
  std::vector<size_t> order(demos.size());
  std::iota(order.begin(), order.end(), size_t{0});
  SplitMix64 rng(MixSeed(static_cast<uint64_t>(config.seed) ^ 0x7661ull));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  const auto val_count = static_cast<size_t>(std::floor(config.val_fraction * static_cast<double>(demos.size())));
  Split train, val;
  for (size_t i = 0; i < order.size(); ++i) (i < val_count ? val : train).demos.push_back(&demos[order[i]]);
  std::sort(train.demos.begin(), train.demos.end());
  std::sort(val.demos.begin(), val.demos.end());
  if (train.demos.empty()) throw InputError("demos: no training demos left after holding out val_fraction");

  VlaData data;
  data.train_demos = static_cast<int64_t>(train.demos.size());
  data.val_demos = static_cast<int64_t>(val.demos.size());
  data.data_hash = fmt::format("fnv1a64:{:016x}", Fnv1a64(identity + fmt::format("val={};seed={}", val_count, config.seed)));
  auto& manifest = data.manifest;
  manifest.kind = config.policy;
  manifest.model = config.model;
  manifest.horizon = config.horizon;
  manifest.dims = demos.front().dims;
  manifest.embodiment = demos.front().embodiment;
  manifest.replan_interval = config.replan_interval;
  manifest.action_space = demos.front().action_space;
  std::vector<std::string> instructions;
  for (const auto* demo : train.demos) instructions.push_back(demo->instruction);
  manifest.vocab = InstructionVocab::Build(instructions);

  const int pd = demos.front().proprio_dims;
  ColumnMoments proprio(static_cast<size_t>(pd)), objects(static_cast<size_t>(3 * config.model.object_slots));
  std::vector<float> steps;
  for (const auto* demo : train.demos) {
    proprio.Add(demo->proprio, pd);
    if (config.model.object_slots > 0) objects.Add(demo->object_pos, demo->object_dims);  // checked above
    steps.insert(steps.end(), demo->actions.begin(), demo->actions.end());
  }
  proprio.Write(manifest.proprio_mean, manifest.proprio_std);
  objects.Write(data.object_mean, data.object_std);
  if (config.model.uses_objects()) {
    std::vector<std::string> kinds, colours;
    ColumnMoments features(kObjectFeatures);
    std::vector<float> rows;
    for (const auto* demo : train.demos) {
      kinds.insert(kinds.end(), demo->object_kinds.begin(), demo->object_kinds.end());
      colours.insert(colours.end(), demo->object_colours.begin(), demo->object_colours.end());
      rows.resize(static_cast<size_t>(demo->steps * demo->objects * kObjectFeatures));
      for (int64_t k = 0; k < demo->steps * demo->objects; ++k) {
        const float* eef = demo->proprio.data() + (k / demo->objects) * pd;  // the step's first three proprio values
        ObjectFeatures(demo->object_states.data() + k * envs::kObjectStateValues, eef, rows.data() + k * kObjectFeatures);
      }
      features.Add(rows, kObjectFeatures);
    }
    manifest.object_kinds = NameVocab::Build(kinds);
    manifest.object_colours = NameVocab::Build(colours);
    features.Write(manifest.object_token_mean, manifest.object_token_std);
  }

  const auto& tc = config.tokenizer;
  if (!tc.path.empty()) {
    data.tokenizer = tokenizers::LoadPackage(tc.path);
    if (data.tokenizer.tokenizer->type() != tc.type) {
      throw InputError("tokenizer.path '" + tc.path + "' holds a " + data.tokenizer.tokenizer->type() +
                       " tokenizer but tokenizer.type is " + tc.type);
    }
  } else {
    data.tokenizer.name = tc.type;
    data.tokenizer.horizon = config.horizon;
    data.tokenizer.dims = manifest.dims;
    data.tokenizer.normalizer = tokenizers::Normalizer::Fit(tc.normalizer.value_or(tokenizers::DefaultNormalizer(tc.type)),
                                                           steps, manifest.dims);
    ActionChunks fit{0, config.horizon, manifest.dims, {}};
    for (const auto* demo : train.demos) {
      for (int64_t t = 0; t < demo->steps; ++t) AppendChunk(*demo, t, config.horizon, fit.values);
      fit.count += demo->steps;
    }
    data.tokenizer.normalizer.Normalize(fit.values);
    auto tokenizer = tokenizers::FindTokenizer(tc.type).create(tc.params);
    spdlog::info("fitting the {} tokenizer on {} training chunks", tc.type, fit.count);
    tokenizer->Fit(fit, tokenizer_fit);
    data.tokenizer.tokenizer = std::move(tokenizer);
  }
  if (data.tokenizer.horizon != config.horizon || data.tokenizer.dims != manifest.dims) {
    throw InputError(fmt::format("tokenizer.path '{}' was fitted on {}x{} chunks, not horizon {} x {} dims", tc.path,
                                 data.tokenizer.horizon, data.tokenizer.dims, config.horizon, manifest.dims));
  }
  const ActionTokenLayout layout(data.tokenizer, config.horizon, manifest.dims, config.model.block_size,
                                 config.model.max_action_tokens);
  data.train = MakeSamples(train, data, config.model, layout, data.dropped);
  if (!val.demos.empty()) data.val = MakeSamples(val, data, config.model, layout, data.dropped);
  spdlog::info("{} training samples ({} demos), {} validation samples ({} demos), {} dropped (more than {} tokens)",
               data.train.size(), data.train_demos, data.val.size(), data.val_demos, data.dropped,
               config.model.max_action_tokens);
  return data;
}

}  // namespace fb::policies
