// FASTerVQ (FASTer, arXiv 2512.04952): a learned tokenizer that reads a chunk as a
// single-channel action image, encodes it with a hybrid conv + transformer autoencoder
// and quantizes each (time group x dim group) position with a residual VQ. Torch-free
// header (pimpl): the model lives in fastervq_tokenizer.cc.
//
// Token order is codebook-major: all positions of level 1, then of level 2, ... Level l's
// code k has id l*K + k (vocab_size = levels*K), so a policy can tell the levels apart
// and a prefix of whole levels is itself a valid, coarser sequence.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/action_chunks.h"
#include "tokenizers/action_tokenizer.h"
#include "tokenizers/fastervq/fastervq_config.h"

namespace fb::tokenizers {

// Immutable after Fit/Load, so Encode/Decode are thread-safe. Not copyable (owns a model).
class FasterVqTokenizer final : public ActionTokenizer {
 public:
  // An unfitted tokenizer. Throws fb::InputError when config.Validate() does.
  explicit FasterVqTokenizer(FasterVqConfig config);
  ~FasterVqTokenizer() override;
  FasterVqTokenizer(const FasterVqTokenizer&) = delete;
  FasterVqTokenizer& operator=(const FasterVqTokenizer&) = delete;

  // Same as the constructor, on the heap.
  static std::unique_ptr<FasterVqTokenizer> FromConfig(const FasterVqConfig& config);

  // Loads fastervq.json + fastervq_model.pt written by Save. Throws fb::InputError naming
  // the file and key on anything missing, corrupt or inconsistent (e.g. an edited config
  // whose hash no longer matches).
  static std::unique_ptr<FasterVqTokenizer> Load(const std::filesystem::path& dir);

  std::string type() const override { return "fastervq"; }
  // levels x codebook_size (known before Fit).
  int64_t vocab_size() const override;

  // levels x positions ids, codebook-major. Throws fb::InputError for a non-finite value
  // or a shape other than the fitted (horizon, dims); std::logic_error before Fit/Load.
  TokenIds Encode(std::span<const float> chunk, int horizon, int dims) const override;

  // Decodes k x positions ids (1 <= k <= levels) from the first k levels: a prefix of
  // whole levels decodes coarse-to-fine, recognised by its length. Never throws: any
  // other length (or an unfitted tokenizer / other shape) -> zeros + kWrongLength; an id
  // outside [0, vocab_size) or not of its position's level -> zeros + kUnknownId.
  Decoded Decode(std::span<const int32_t> ids, int horizon, int dims) const override;

  // Fixed: levels x positions ids in blocks of one level (its positions), slot ids within
  // that level's codebook [l*K, (l+1)*K). Throws fb::InputError for another (horizon,
  // dims) than the fitted one, std::logic_error before Fit/Load.
  TokenLayout token_layout(int horizon, int dims) const override;

  // Writes fastervq_model.pt (weights + codebooks, torch::save) and fastervq.json
  // (config, its hash, shape, training record) into `dir`; returns the manifest settings.
  // Throws std::logic_error before Fit/Load, std::runtime_error on I/O failure.
  nlohmann::json Save(const std::filesystem::path& dir) const override;

  // {per_level: [{usage, perplexity, used, normalized_entropy}], reconstruction_l1_by_levels:
  // [L1 decoding from levels 1..k, k = 1..levels], reconstruction_l1_per_step: [horizon
  // values], reconstruction_l1_per_dim_group: [one per dim group] (both from all levels),
  // dead_codes_during_training: [{step, per_level}], tokens_per_chunk}. Throws like Encode.
  nlohmann::json AnalyzeCodes(const ActionChunks& normalized) const override;

  // One batched forward pass (in slices of at most 4096 chunks). Throws like Encode.
  std::vector<TokenIds> EncodeBatch(const ActionChunks& chunks) const override;
  // Batched Decode; per-sequence failures as Decode. Never throws.
  std::vector<Decoded> DecodeBatch(const std::vector<TokenIds>& ids, int horizon, int dims) const override;

  bool fitted() const;
  const FasterVqConfig& config() const { return k_config_; }
  // Code positions per level (time groups x dim groups); 0 before Fit/Load.
  int positions() const;
  int tokens_per_chunk() const { return positions() * k_config_.levels; }

 private:
  struct Impl;
  void DoFit(const ActionChunks& normalized, const FitOptions& options) override;

  FasterVqConfig k_config_;
  std::unique_ptr<Impl> k_impl_;
};

}  // namespace fb::tokenizers
