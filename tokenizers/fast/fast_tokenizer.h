// FAST / FAST+ (arXiv 2501.09747): DCT along time, scale and round half to even,
// frequency-major flatten, integer -> code point, byte-level BPE. A faithful port of the
// Hugging Face reference processor (physical-intelligence/fast, UniversalActionProcessor)
// with explicit (T, D) and an explicit decode failure policy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/action_chunks.h"
#include "core/config/checks.h"
#include "tokenizers/action_tokenizer.h"
#include "tokenizers/fast/bpe.h"

namespace fb::tokenizers {

// What Decode does when the ids do not give exactly T x D clean values. In every
// policy a negative id yields the zero chunk, as the reference's u32 conversion fails.
enum class FailurePolicy : uint8_t {
  kZeros,        // reference: wrong length -> all-zero coefficients (normalized midpoint)
  kPadTruncate,  // LeRobot relaxed decoding: cut or zero-pad the coefficients at the end
  kLowpass,      // keep floor(len / D) whole frequency rows (at most T), zero the rest
  kStrict,       // any failure -> zeros; the caller should treat the failure as an error
};

// "zeros", "pad_truncate", "lowpass", "strict".
const char* FailurePolicyName(FailurePolicy policy);

// Parses a policy name; throws fb::InputError listing the valid names.
FailurePolicy ParseFailurePolicy(const std::string& name);

// Settings of a FAST tokenizer; defaults live in configs/tokenizers/fast.yaml.
struct FastConfig {
  double scale{};              // DCT coefficients are multiplied by this before rounding
  int vocab_size{};            // BPE vocabulary size to train (reference default 1024)
  int min_frequency{};         // a merge needs a pair seen at least this often (reference: 2)
  // The reference passes chr(0..max-min) as the trainer's initial alphabet. Those raw
  // code points never occur in byte-level words, so most are dead entries that use up
  // vocabulary slots (range 700 with vocab 1024 leaves ~320 merges). Off by default; on
  // reproduces the reference's vocabulary exactly.
  bool initial_alphabet{};
  // Seeds the alphabet with all 256 byte symbols, as HF's ByteLevelBPETokenizer.train does
  // by default. Without it a held-out chunk whose values produce a byte never seen in
  // training loses that byte at encode time and fails to decode.
  bool byte_alphabet{};
  std::string failure_policy;  // see FailurePolicy

  template <class V>
  void Describe(V& v) {
    v("scale", scale, config::Positive{});
    v("vocab_size", vocab_size, config::Range{1, 1 << 24});
    v("min_frequency", min_frequency, config::AtLeast<int>{0});
    v("initial_alphabet", initial_alphabet);
    v("byte_alphabet", byte_alphabet);
    v("failure_policy", failure_policy, config::OneOf{"zeros", "pad_truncate", "lowpass", "strict"});
  }
};

// The FAST tokenizer. Immutable after Fit/Load, so Encode/Decode are thread-safe.
// Copyable (it owns plain data only).
class FastTokenizer final : public ActionTokenizer {
 public:
  // An unfitted tokenizer. Throws fb::InputError for an unknown failure_policy or a
  // scale that is not finite and > 0.
  explicit FastTokenizer(FastConfig config);

  // Same as the constructor, on the heap.
  static std::unique_ptr<FastTokenizer> FromConfig(const FastConfig& config);

  // Loads tokenizer.json + processor_config.json from `dir` (written by Save or by the
  // Python reference). Throws fb::InputError naming the file and key on anything missing,
  // corrupt or unsupported.
  static std::unique_ptr<FastTokenizer> Load(const std::filesystem::path& dir,
                                             FailurePolicy policy = FailurePolicy::kZeros);

  std::string type() const override { return "fast"; }
  // Number of BPE ids (0 before Fit/Load).
  int64_t vocab_size() const override { return k_bpe_.size(); }

  // DCT + quantize every chunk, min_token = smallest quantized value, train the BPE.
  // Throws fb::InputError for no chunks, a non-finite value, or "vocabulary too small"
  // when max - min of the quantized values exceeds vocab_size.

  // Exactly the reference: throws fb::InputError for a non-finite value, a size other
  // than horizon * dims, or a code point max(q - min_token, 0) that is a surrogate or
  // above U+10FFFF (un-normalized actions). Throws std::logic_error before Fit/Load.
  TokenIds Encode(std::span<const float> chunk, int horizon, int dims) const override;

  // Never throws: ids >= vocab are dropped (HF), a negative id zeroes the chunk, lossy
  // UTF-8; reports the first failure in pipeline order (unknown id, invalid UTF-8, value
  // above min_token + vocab_size, wrong length) and shapes the chunk by the policy.
  Decoded Decode(std::span<const int32_t> ids, int horizon, int dims) const override;

  // Variable length (as many ids as the BPE makes), one at a time, any id.
  TokenLayout token_layout(int horizon, int dims) const override;

  // FastConstraint: valid UTF-8, characters at most what Decode accepts, exactly
  // horizon x dims of them within `max_ids` ids. Throws std::logic_error before Fit/Load,
  // fb::InputError for a bad shape or when no such sequence fits in `max_ids`.
  std::unique_ptr<const DecodingConstraint> MakeDecodingConstraint(int horizon, int dims, int max_ids) const override;

  // Writes tokenizer.json, processor_config.json and tokenizer_config.json (the HF
  // layout the reference loads) into `dir`; returns the manifest settings. Throws
  // std::logic_error before Fit/Load, std::runtime_error on I/O failure.
  nlohmann::json Save(const std::filesystem::path& dir) const override;

  // Quantized coefficients q (horizon x dims, frequency-major) of one chunk. Throws like
  // Encode for non-finite values or a wrong size, and for |q| >= 2^62.
  std::vector<int64_t> Quantize(std::span<const float> chunk, int horizon, int dims) const;

  // The reference's text for quantized values: code points max(q - min_token, 0).
  // Throws fb::InputError for a surrogate or a value above U+10FFFF.
  std::u32string ToText(std::span<const int64_t> quantized) const;

  bool fitted() const { return k_fitted_; }
  const FastConfig& config() const { return k_config_; }
  FailurePolicy failure_policy() const { return k_policy_; }
  double scale() const { return k_config_.scale; }
  int64_t min_token() const { return k_min_token_; }
  const BpeModel& bpe() const { return k_bpe_; }

 private:
  void DoFit(const ActionChunks& normalized, const FitOptions& options) override;
  void RequireFitted(const char* what) const;
  // Largest code point Decode accepts: values the fit could have produced lie in
  // [min_token, min_token + vocab_size] (the reference asserts max - min <= vocab_size).
  char32_t MaxCode() const;
  // Appends the code point of each coefficient (already DCT'd, not yet scaled).
  void CoefficientsToText(std::span<const double> coeffs, std::u32string& text) const;

  FastConfig k_config_;
  FailurePolicy k_policy_;
  bool k_fitted_ = false;
  int64_t k_min_token_ = 0;
  BpeModel k_bpe_;
  std::optional<int> k_time_horizon_;  // shape seen at Fit (saved for the reference)
  std::optional<int> k_action_dim_;
};

}  // namespace fb::tokenizers
