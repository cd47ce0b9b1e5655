#include "tokenizers/fastervq/fastervq_tokenizer.h"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"
#include "tokenizers/fastervq/action_image.h"
#include "tokenizers/fastervq/trainer.h"

namespace fb::tokenizers {
namespace fs = std::filesystem;
namespace {

constexpr const char* kModelFile = "fastervq_model.pt";
constexpr const char* kConfigFile = "fastervq.json";
constexpr int64_t kSlice = 4096;  // chunks per forward pass in batched calls

// Config <-> JSON through the config's own field list.
struct JsonWriter {
  nlohmann::json& out;
  template <class T, class... Checks>
  void operator()(const char* key, const T& field, const Checks&...) {
    out[key] = field;
  }
};
struct JsonReader {
  const nlohmann::json& in;
  template <class T, class... Checks>
  void operator()(const char* key, T& field, const Checks&...) {
    field = in.at(key).get<T>();
  }
};

nlohmann::json ConfigToJson(const FasterVqConfig& config) {
  nlohmann::json out = nlohmann::json::object();
  JsonWriter writer{out};
  const_cast<FasterVqConfig&>(config).Describe(writer);
  return out;
}

// FNV-1a over the shape and the raw float bytes: identifies the training data in checkpoints.
std::string DataHash(const ActionChunks& chunks) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&hash](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  };
  mix(&chunks.count, sizeof(chunks.count));
  mix(&chunks.horizon, sizeof(chunks.horizon));
  mix(&chunks.dims, sizeof(chunks.dims));
  mix(chunks.values.data(), chunks.values.size() * sizeof(float));
  return fmt::format("fnv1a64:{:016x}", hash);
}

void CheckFinite(std::span<const float> values, int horizon, int dims, const char* what) {
  const size_t chunk_size = static_cast<size_t>(horizon) * static_cast<size_t>(dims);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw InputError(fmt::format("FASTerVQ {}: non-finite action value {} in chunk {}, step {}, dim {} (check the "
                                   "data and its normalization)",
                                   what, values[i], i / chunk_size, (i % chunk_size) / static_cast<size_t>(dims),
                                   i % static_cast<size_t>(dims)));
    }
  }
}

Decoded Failed(int horizon, int dims, DecodeFailure failure) {
  const size_t size = horizon > 0 && dims > 0 ? static_cast<size_t>(horizon) * static_cast<size_t>(dims) : 0;
  return {std::vector<float>(size, 0.0f), failure};
}

}  // namespace

struct FasterVqTokenizer::Impl {
  std::optional<ActionImageLayout> layout;
  FasterVqNet net{nullptr};
  nlohmann::json training = nlohmann::json::object();  // fit record, saved with the model

  // chunks (count x horizon x dims) -> images tensor (count x padded_horizon x columns).
  torch::Tensor Images(std::span<const float> chunks, int64_t count) const {
    const size_t chunk_size = static_cast<size_t>(layout->horizon()) * static_cast<size_t>(layout->dims());
    const size_t image_size = static_cast<size_t>(layout->image_size());
    auto images = torch::empty({count, layout->padded_horizon(), layout->image_columns()});
    float* out = images.data_ptr<float>();
    for (int64_t i = 0; i < count; ++i) {
      layout->ToImage(chunks.subspan(static_cast<size_t>(i) * chunk_size, chunk_size),
                      std::span<float>(out + static_cast<size_t>(i) * image_size, image_size));
    }
    return images;
  }

  // (count x levels x positions) int64 codes of `count` chunks, in slices.
  torch::Tensor Codes(std::span<const float> chunks, int64_t count) {
    torch::NoGradGuard no_grad;
    c10::InferenceMode inference;  // also skips version counters: matters for one-chunk calls
    const size_t chunk_size = static_cast<size_t>(layout->horizon()) * static_cast<size_t>(layout->dims());
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < count; start += kSlice) {
      const int64_t n = std::min(kSlice, count - start);
      const auto images = Images(chunks.subspan(static_cast<size_t>(start) * chunk_size), n);
      parts.push_back(net->rvq->Quantize(net->autoencoder->Encode(images)));
    }
    return parts.size() == 1 ? parts.front() : torch::cat(parts, 0);
  }

  // codes (count x k x positions) -> chunks (count x horizon x dims), from the first k levels.
  torch::Tensor Reconstruct(const torch::Tensor& codes) {
    torch::NoGradGuard no_grad;
    c10::InferenceMode inference;
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < codes.size(0); start += kSlice) {
      const auto slice = codes.narrow(0, start, std::min(kSlice, codes.size(0) - start));
      parts.push_back(ImagesToChunks(net->autoencoder->Decode(net->rvq->Lookup(slice)), *layout));
    }
    return (parts.size() == 1 ? parts.front() : torch::cat(parts, 0)).contiguous();
  }

  // Level count of a well-formed sequence, or the failure that rules it out.
  std::pair<int, DecodeFailure> Check(std::span<const int32_t> ids, int levels, int codebook_size) const {
    const size_t positions = static_cast<size_t>(layout->positions());
    if (ids.empty() || ids.size() % positions != 0 || ids.size() / positions > static_cast<size_t>(levels)) {
      return {0, DecodeFailure::kWrongLength};
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0 || ids[i] / codebook_size != static_cast<int32_t>(i / positions)) {
        return {0, DecodeFailure::kUnknownId};
      }
    }
    return {static_cast<int>(ids.size() / positions), DecodeFailure::kNone};
  }
};

FasterVqTokenizer::FasterVqTokenizer(FasterVqConfig config)
    : k_config_(std::move(config)), k_impl_(std::make_unique<Impl>()) {
  k_config_.Validate();
}

FasterVqTokenizer::~FasterVqTokenizer() = default;

std::unique_ptr<FasterVqTokenizer> FasterVqTokenizer::FromConfig(const FasterVqConfig& config) {
  return std::make_unique<FasterVqTokenizer>(config);
}

int64_t FasterVqTokenizer::vocab_size() const {
  return static_cast<int64_t>(k_config_.levels) * k_config_.codebook_size;
}

bool FasterVqTokenizer::fitted() const { return k_impl_->layout.has_value(); }

int FasterVqTokenizer::positions() const { return fitted() ? k_impl_->layout->positions() : 0; }

void FasterVqTokenizer::DoFit(const ActionChunks& normalized, const FitOptions& options) {
  if (normalized.count < 1 || normalized.horizon < 1 || normalized.dims < 1 ||
      normalized.values.size() != static_cast<size_t>(normalized.count * normalized.chunk_size())) {
    throw InputError(fmt::format("FASTerVQ fit: need at least one chunk with horizon, dims >= 1 and count x horizon x "
                                 "dims values; got {} chunks of {} x {} and {} values",
                                 normalized.count, normalized.horizon, normalized.dims, normalized.values.size()));
  }
  CheckFinite(normalized.values, normalized.horizon, normalized.dims, "fit");
  ActionImageLayout layout(normalized.horizon, normalized.dims, k_config_.time_patch, k_config_.dim_groups);
  const auto start = std::chrono::steady_clock::now();
  torch::manual_seed(options.seed);
  FasterVqNet net(k_config_, layout);
  std::vector<float> image_values = layout.ToImages(normalized);
  const auto images = torch::from_blob(image_values.data(),
                                       {normalized.count, layout.padded_horizon(), layout.image_columns()})
                          .clone();
  spdlog::info("FASTerVQ fit: {} chunks of {} x {}, {} dim groups {}, {} tokens per chunk, {} parameters",
               normalized.count, normalized.horizon, normalized.dims, layout.num_groups(),
               nlohmann::json(layout.groups()).dump(), layout.positions() * k_config_.levels,
               [&] {
                 int64_t n = 0;
                 for (const auto& p : net->parameters()) n += p.numel();
                 return n;
               }());
  const FitReport report = TrainFasterVq(k_config_, layout, net, images, DataHash(normalized), options);
  nlohmann::json dead = nlohmann::json::array();
  for (const auto& event : report.dead_codes) dead.push_back({{"step", event.step}, {"per_level", event.per_level}});
  k_impl_->training = {{"steps", report.steps},
                       {"resumed_from_step", report.resumed_from_step},
                       {"final_loss", std::isfinite(report.final_loss) ? nlohmann::json(report.final_loss) : nullptr},
                       {"final_l1", std::isfinite(report.final_l1) ? nlohmann::json(report.final_l1) : nullptr},
                       {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()},
                       {"seed", options.seed},
                       {"dead_codes_during_training", std::move(dead)}};
  net->eval();
  k_impl_->net = net;
  k_impl_->layout = std::move(layout);
}

TokenIds FasterVqTokenizer::Encode(std::span<const float> chunk, int horizon, int dims) const {
  if (!fitted()) throw std::logic_error("FasterVqTokenizer::Encode called before Fit or Load");
  k_impl_->layout->CheckShape(horizon, dims);
  if (chunk.size() != static_cast<size_t>(horizon) * static_cast<size_t>(dims)) {
    throw InputError(fmt::format("FASTerVQ encode: chunk of {} values does not match horizon {} x dims {}",
                                 chunk.size(), horizon, dims));
  }
  CheckFinite(chunk, horizon, dims, "encode");
  const auto codes = k_impl_->Codes(chunk, 1);
  const auto a = codes.accessor<int64_t, 3>();
  TokenIds ids;
  ids.reserve(static_cast<size_t>(tokens_per_chunk()));
  for (int64_t level = 0; level < a.size(1); ++level) {
    for (int64_t p = 0; p < a.size(2); ++p) ids.push_back(static_cast<int32_t>(level * k_config_.codebook_size + a[0][level][p]));
  }
  return ids;
}

std::vector<TokenIds> FasterVqTokenizer::EncodeBatch(const ActionChunks& chunks) const {
  if (!fitted()) throw std::logic_error("FasterVqTokenizer::EncodeBatch called before Fit or Load");
  k_impl_->layout->CheckShape(chunks.horizon, chunks.dims);
  CheckFinite(chunks.values, chunks.horizon, chunks.dims, "encode");
  std::vector<TokenIds> out(static_cast<size_t>(chunks.count));
  if (chunks.count == 0) return out;
  const auto codes = k_impl_->Codes(chunks.values, chunks.count);
  const auto a = codes.accessor<int64_t, 3>();
  for (int64_t i = 0; i < a.size(0); ++i) {
    auto& ids = out[static_cast<size_t>(i)];
    ids.reserve(static_cast<size_t>(tokens_per_chunk()));
    for (int64_t level = 0; level < a.size(1); ++level) {
      for (int64_t p = 0; p < a.size(2); ++p) ids.push_back(static_cast<int32_t>(level * k_config_.codebook_size + a[i][level][p]));
    }
  }
  return out;
}

TokenLayout FasterVqTokenizer::token_layout(int horizon, int dims) const {
  if (!fitted()) throw std::logic_error("FasterVqTokenizer::token_layout called before Fit or Load");
  k_impl_->layout->CheckShape(horizon, dims);
  TokenLayout layout{false, tokens_per_chunk(), positions(), {}};
  const auto codebook = static_cast<int32_t>(k_config_.codebook_size);
  for (int32_t level = 0; level < k_config_.levels; ++level) {
    layout.slots.insert(layout.slots.end(), static_cast<size_t>(positions()),
                        IdRange{level * codebook, (level + 1) * codebook});
  }
  return layout;
}

Decoded FasterVqTokenizer::Decode(std::span<const int32_t> ids, int horizon, int dims) const {
  std::vector<TokenIds> one{TokenIds(ids.begin(), ids.end())};
  return std::move(DecodeBatch(one, horizon, dims).front());
}

std::vector<Decoded> FasterVqTokenizer::DecodeBatch(const std::vector<TokenIds>& ids, int horizon, int dims) const {
  std::vector<Decoded> out(ids.size());
  if (!fitted() || horizon != k_impl_->layout->horizon() || dims != k_impl_->layout->dims()) {
    for (auto& d : out) d = Failed(horizon, dims, DecodeFailure::kWrongLength);
    return out;
  }
  // Sequences grouped by how many levels they carry; each group is one forward pass.
  std::map<int, std::vector<size_t>> by_levels;
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto [levels, failure] = k_impl_->Check(ids[i], k_config_.levels, k_config_.codebook_size);
    if (failure != DecodeFailure::kNone) {
      out[i] = Failed(horizon, dims, failure);
    } else {
      by_levels[levels].push_back(i);
    }
  }
  const int64_t positions = k_impl_->layout->positions();
  const size_t chunk_size = static_cast<size_t>(horizon) * static_cast<size_t>(dims);
  for (const auto& [levels, members] : by_levels) {
    try {
      auto codes = torch::empty({static_cast<int64_t>(members.size()), levels, positions}, torch::kInt64);
      int64_t* c = codes.data_ptr<int64_t>();
      for (size_t m = 0; m < members.size(); ++m) {
        for (int32_t id : ids[members[m]]) *c++ = id % k_config_.codebook_size;
      }
      const auto chunks = k_impl_->Reconstruct(codes);
      const float* values = chunks.data_ptr<float>();
      for (size_t m = 0; m < members.size(); ++m) {
        out[members[m]].actions.assign(values + m * chunk_size, values + (m + 1) * chunk_size);
      }
    } catch (const std::exception& e) {  // e.g. out of memory: Decode never throws
      spdlog::warn("FASTerVQ decode failed: {}", e.what());
      for (size_t m : members) out[m] = Failed(horizon, dims, DecodeFailure::kOutOfRange);
    }
  }
  return out;
}

nlohmann::json FasterVqTokenizer::AnalyzeCodes(const ActionChunks& normalized) const {
  if (!fitted()) throw std::logic_error("FasterVqTokenizer::AnalyzeCodes called before Fit or Load");
  k_impl_->layout->CheckShape(normalized.horizon, normalized.dims);
  CheckFinite(normalized.values, normalized.horizon, normalized.dims, "analyze");
  nlohmann::json result = {{"tokens_per_chunk", tokens_per_chunk()},
                           {"positions", positions()},
                           {"levels", k_config_.levels},
                           {"codebook_size", k_config_.codebook_size},
                           {"dead_codes_during_training",
                            k_impl_->training.value("dead_codes_during_training", nlohmann::json::array())}};
  if (normalized.count == 0) return result;
  const auto codes = k_impl_->Codes(normalized.values, normalized.count);
  const int K = k_config_.codebook_size;
  nlohmann::json per_level = nlohmann::json::array();
  for (int level = 0; level < k_config_.levels; ++level) {
    const auto counts = torch::bincount(codes.select(1, level).reshape({-1}), {}, K).to(torch::kFloat64);
    const auto p = counts / counts.sum();
    const double entropy = -(p * torch::log(p.clamp_min(1e-300))).sum().item<double>();
    const int64_t used = (counts > 0).sum().item<int64_t>();
    per_level.push_back({{"used", used},
                         {"usage", static_cast<double>(used) / K},
                         {"perplexity", std::exp(entropy)},
                         {"normalized_entropy", entropy / std::log(static_cast<double>(K))}});
  }
  result["per_level"] = std::move(per_level);
  const auto target = torch::from_blob(const_cast<float*>(normalized.values.data()),
                                       {normalized.count, normalized.horizon, normalized.dims});
  nlohmann::json by_levels = nlohmann::json::array();
  torch::Tensor error;  // |A - A^| from all levels, (count x horizon x dims)
  for (int k = 1; k <= k_config_.levels; ++k) {
    error = (k_impl_->Reconstruct(codes.narrow(1, 0, k)) - target).abs();
    by_levels.push_back(error.mean().item<double>());
  }
  result["reconstruction_l1_by_levels"] = std::move(by_levels);
  // Where the remaining error sits: along the chunk (edges vs middle) and per dim group,
  // to tell an under-fitted decoder from detail the token budget cannot carry.
  const auto per_step = error.mean(std::vector<int64_t>{0, 2}).to(torch::kFloat64).contiguous();
  const double* step_values = per_step.data_ptr<double>();
  result["reconstruction_l1_per_step"] = std::vector<double>(step_values, step_values + per_step.numel());
  nlohmann::json per_group = nlohmann::json::array();
  for (const auto& group : k_impl_->layout->groups()) {
    const auto dims = torch::tensor(std::vector<int64_t>(group.begin(), group.end()), torch::kInt64);
    per_group.push_back(error.index_select(2, dims).mean().item<double>());
  }
  result["reconstruction_l1_per_dim_group"] = std::move(per_group);
  return result;
}

nlohmann::json FasterVqTokenizer::Save(const fs::path& dir) const {
  if (!fitted()) throw std::logic_error("FasterVqTokenizer::Save called before Fit or Load");
  torch::serialize::OutputArchive archive;
  k_impl_->net->save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  WriteFileAtomic(dir / kModelFile, bytes.str());
  const std::string hash = FasterVqConfigHash(k_config_);
  const nlohmann::json file = {{"format", "fasterbench.fastervq"},
                               {"format_version", 1},
                               {"config", ConfigToJson(k_config_)},
                               {"config_hash", hash},
                               {"horizon", k_impl_->layout->horizon()},
                               {"dims", k_impl_->layout->dims()},
                               {"dim_groups", k_impl_->layout->groups()},
                               {"training", k_impl_->training}};
  WriteFileAtomic(dir / kConfigFile, file.dump(2) + "\n");
  return {{"config_hash", hash},
          {"model_file", kModelFile},
          {"config_file", kConfigFile},
          {"levels", k_config_.levels},
          {"codebook_size", k_config_.codebook_size},
          {"positions", positions()},
          {"tokens_per_chunk", tokens_per_chunk()},
          {"dim_groups", k_impl_->layout->groups()}};
}

std::unique_ptr<FasterVqTokenizer> FasterVqTokenizer::Load(const fs::path& dir) {
  const fs::path json_path = dir / kConfigFile;
  const nlohmann::json file = ReadJsonFile(json_path);
  FasterVqConfig config;
  int horizon = 0, dims = 0;
  std::string hash;
  std::vector<std::vector<int>> groups;
  try {
    JsonReader reader{file.at("config")};
    config.Describe(reader);
    horizon = file.at("horizon").get<int>();
    dims = file.at("dims").get<int>();
    hash = file.at("config_hash").get<std::string>();
    // The groups the model was fitted with, not config.dim_groups: an empty (automatic)
    // config meant [[0,1,2],[3,4,5],[6]] for 7-D before the default became one per dim.
    groups = file.at("dim_groups").get<std::vector<std::vector<int>>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(json_path.string() + ": missing or malformed key: " + e.what());
  }
  if (FasterVqConfigHash(config) != hash) {
    throw InputError(json_path.string() + ": config_hash " + hash + " does not match its config (hash " +
                     FasterVqConfigHash(config) + "); the file was edited or is corrupt");
  }
  auto tokenizer = std::make_unique<FasterVqTokenizer>(config);
  ActionImageLayout layout(horizon, dims, config.time_patch, std::move(groups));
  FasterVqNet net(config, layout);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from((dir / kModelFile).string());
    net->load(archive);
  } catch (const c10::Error& e) {
    throw InputError((dir / kModelFile).string() + ": cannot load the FASTerVQ model: " + e.what_without_backtrace());
  }
  net->eval();
  tokenizer->k_impl_->net = net;
  tokenizer->k_impl_->layout = std::move(layout);
  tokenizer->k_impl_->training = file.value("training", nlohmann::json::object());
  return tokenizer;
}

}  // namespace fb::tokenizers
