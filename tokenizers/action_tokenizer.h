// The action tokenizer interface: binning, FAST and FASTerVQ all implement it, and the
// tokenizer benchmark, the policies and the CLI see only this.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/action_chunks.h"
#include "tokenizers/decoding_constraint.h"
#include "tokenizers/token_layout.h"

namespace fb::tokenizers {

using TokenIds = std::vector<int32_t>;

// Why a token sequence did not decode cleanly. The decoder still returns a chunk, shaped
// by its failure policy; the failure is counted by the benchmark.
enum class DecodeFailure : uint8_t {
  kNone,
  kUnknownId,    // an id outside [0, vocab_size)
  kInvalidUtf8,  // FAST: the pieces' bytes are not valid UTF-8
  kOutOfRange,   // a decoded value outside what the tokenizer can represent
  kWrongLength,  // the sequence yields more or fewer values than horizon x dims
};

// "none", "unknown_id", "invalid_utf8", "out_of_range", "wrong_length".
const char* DecodeFailureName(DecodeFailure failure);

struct Decoded {
  std::vector<float> actions;  // (horizon x dims), normalized units
  DecodeFailure failure = DecodeFailure::kNone;
};

// What a fit may use besides the data: a directory for checkpoints and the seed of any
// randomness (tokenizers with nothing random or resumable ignore both).
struct FitOptions {
  std::filesystem::path work_dir;  // empty = no checkpoints
  uint64_t seed = 0;
};

// A tokenizer maps one normalized chunk (horizon x dims) to ids in [0, vocab_size()) and
// back. Implementations are immutable after Fit/Load, so Encode/Decode are thread-safe.
class ActionTokenizer {
 public:
  virtual ~ActionTokenizer() = default;

  // Registry name of the implementation: "binning", "fast", "fastervq".
  virtual std::string type() const = 0;

  // Number of distinct ids; every id Encode returns is below it.
  virtual int64_t vocab_size() const = 0;

  // Learns from normalized chunks (no-op for tokenizers with nothing to learn).
  // Throws fb::InputError when the data cannot be tokenized (e.g. vocabulary too small).
  void Fit(const ActionChunks& normalized, const FitOptions& options = {}) { DoFit(normalized, options); }

  // Tokenizes one normalized chunk. `chunk` has horizon * dims values, row-major.
  // Throws fb::InputError for a non-finite value or a shape the tokenizer cannot take.
  virtual TokenIds Encode(std::span<const float> chunk, int horizon, int dims) const = 0;

  // Never throws on bad ids: returns a chunk per the tokenizer's failure policy and the
  // failure kind (a strict policy is the caller's decision, see DecodeOrThrow).
  virtual Decoded Decode(std::span<const int32_t> ids, int horizon, int dims) const = 0;

  // How a (horizon x dims) chunk's ids are laid out, for generating them. Throws
  // fb::InputError for a shape the tokenizer cannot take, std::logic_error when the layout
  // is only known after Fit/Load.
  virtual TokenLayout token_layout(int horizon, int dims) const = 0;

  // The grammar of clean sequences for constrained decoding, with at most `max_ids` ids
  // (variable length; fixed-length layouts ignore it). The default is the slot grammar of
  // token_layout (fixed length) and throws fb::InputError for a variable-length layout,
  // which needs its tokenizer's own grammar. Throws fb::InputError when no clean sequence
  // fits in `max_ids`.
  virtual std::unique_ptr<const DecodingConstraint> MakeDecodingConstraint(int horizon, int dims, int max_ids) const;

  // Writes the tokenizer's own files into `dir` (which exists) and returns the settings
  // that go into the manifest's "tokenizer" section.
  virtual nlohmann::json Save(const std::filesystem::path& dir) const = 0;

  // Tokenizer-specific statistics of the codes on normalized chunks (e.g. per-level
  // usage of a residual VQ, error when decoding from fewer levels), reported by the
  // benchmark under "codes". The default has none and returns null.
  virtual nlohmann::json AnalyzeCodes(const ActionChunks& normalized) const;

  // Batched forms; the defaults loop over chunks.
  virtual std::vector<TokenIds> EncodeBatch(const ActionChunks& chunks) const;
  virtual std::vector<Decoded> DecodeBatch(const std::vector<TokenIds>& ids, int horizon, int dims) const;

 private:
  virtual void DoFit(const ActionChunks& normalized, const FitOptions& options) = 0;
};

}  // namespace fb::tokenizers
