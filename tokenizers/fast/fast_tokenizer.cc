#include "tokenizers/fast/fast_tokenizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "tokenizers/fast/bpe_trainer.h"
#include "tokenizers/fast/byte_level.h"
#include "tokenizers/fast/dct.h"
#include "tokenizers/fast/fast_constraint.h"
#include "tokenizers/fast/hf_tokenizer_json.h"

namespace fb::tokenizers {
namespace {

constexpr const char* kTokenizerFile = "tokenizer.json";
constexpr const char* kProcessorFile = "processor_config.json";
constexpr const char* kTokenizerConfigFile = "tokenizer_config.json";

// Quantized values must stay exact in a double and convertible to int64.
constexpr double kMaxQuantized = 4.0e18;

std::string Num(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

void CheckShape(size_t size, int horizon, int dims, const char* what) {
  if (horizon < 1 || dims < 1 || size != static_cast<size_t>(horizon) * static_cast<size_t>(dims)) {
    throw InputError(std::string("FAST ") + what + ": chunk of " + std::to_string(size) +
                     " values does not match horizon " + std::to_string(horizon) + " x dims " +
                     std::to_string(dims));
  }
}

void CheckFinite(std::span<const float> chunk, int dims, const char* what) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (!std::isfinite(chunk[i])) {
      throw InputError(std::string("FAST ") + what + ": non-finite action value " + Num(chunk[i]) + " at step " +
                       std::to_string(i / static_cast<size_t>(dims)) + ", dim " +
                       std::to_string(i % static_cast<size_t>(dims)) + " (check the data and its normalization)");
    }
  }
}

[[noreturn]] void ThrowBadCodePoint(double q, int64_t min_token) {
  throw InputError("FAST encode: quantized DCT coefficient " + Num(q) + " gives code point " + Num(q - min_token) +
                   " (min_token " + std::to_string(min_token) +
                   "), which is a surrogate or above U+10FFFF; are the actions normalized (q01/q99 -> -1/+1)?");
}

}  // namespace

const char* FailurePolicyName(FailurePolicy policy) {
  switch (policy) {
    case FailurePolicy::kZeros: return "zeros";
    case FailurePolicy::kPadTruncate: return "pad_truncate";
    case FailurePolicy::kLowpass: return "lowpass";
    case FailurePolicy::kStrict: return "strict";
  }
  return "unknown";
}

FailurePolicy ParseFailurePolicy(const std::string& name) {
  for (auto policy : {FailurePolicy::kZeros, FailurePolicy::kPadTruncate, FailurePolicy::kLowpass, FailurePolicy::kStrict}) {
    if (name == FailurePolicyName(policy)) return policy;
  }
  throw InputError("FAST failure_policy: unknown value '" + name + "' (valid: zeros, pad_truncate, lowpass, strict)");
}

FastTokenizer::FastTokenizer(FastConfig config)
    : k_config_(std::move(config)), k_policy_(ParseFailurePolicy(k_config_.failure_policy)) {
  if (!(k_config_.scale > 0.0) || !std::isfinite(k_config_.scale)) {
    throw InputError("FAST scale: must be a finite number > 0, got " + Num(k_config_.scale));
  }
}

std::unique_ptr<FastTokenizer> FastTokenizer::FromConfig(const FastConfig& config) {
  return std::make_unique<FastTokenizer>(config);
}

std::unique_ptr<FastTokenizer> FastTokenizer::Load(const std::filesystem::path& dir, FailurePolicy policy) {
  const ProcessorConfig processor = LoadProcessorConfig(dir / kProcessorFile);
  BpeModel bpe = LoadHfTokenizerJson(dir / kTokenizerFile);
  if (std::abs(static_cast<double>(processor.min_token)) > kMaxQuantized) {
    throw InputError((dir / kProcessorFile).string() + ": min_token: " + std::to_string(processor.min_token) +
                     " is out of range");
  }
  if (processor.vocab_size > std::numeric_limits<int>::max()) {
    throw InputError((dir / kProcessorFile).string() + ": vocab_size: " + std::to_string(processor.vocab_size) +
                     " is out of range");
  }
  FastConfig config;
  config.scale = processor.scale;
  config.vocab_size = static_cast<int>(processor.vocab_size);
  config.min_frequency = 2;  // training-only settings: the reference's values
  config.initial_alphabet = false;
  config.byte_alphabet = false;
  config.failure_policy = FailurePolicyName(policy);
  auto tokenizer = std::make_unique<FastTokenizer>(config);
  tokenizer->k_min_token_ = processor.min_token;
  tokenizer->k_bpe_ = std::move(bpe);
  tokenizer->k_time_horizon_ = processor.time_horizon;
  tokenizer->k_action_dim_ = processor.action_dim;
  tokenizer->k_fitted_ = true;
  return tokenizer;
}

void FastTokenizer::RequireFitted(const char* what) const {
  if (!k_fitted_) throw std::logic_error(std::string("FastTokenizer::") + what + " called before Fit or Load");
}

void FastTokenizer::CoefficientsToText(std::span<const double> coeffs, std::u32string& text) const {
  const auto min_token = static_cast<double>(k_min_token_);
  for (double c : coeffs) {
    const double q = RoundHalfEven(c * k_config_.scale);
    const double cp = std::max(q - min_token, 0.0);
    if (!(cp <= 0x10FFFF) || (cp >= 0xD800 && cp <= 0xDFFF)) ThrowBadCodePoint(q, k_min_token_);
    text.push_back(static_cast<char32_t>(cp));
  }
}

std::vector<int64_t> FastTokenizer::Quantize(std::span<const float> chunk, int horizon, int dims) const {
  CheckShape(chunk.size(), horizon, dims, "quantize");
  CheckFinite(chunk, dims, "quantize");
  std::vector<double> coeffs(chunk.size());
  DctBasis::ForHorizon(horizon).Forward(chunk, dims, coeffs);
  std::vector<int64_t> q(chunk.size());
  for (size_t i = 0; i < coeffs.size(); ++i) {
    const double v = RoundHalfEven(coeffs[i] * k_config_.scale);
    if (!(std::abs(v) < kMaxQuantized)) {
      throw InputError("FAST quantize: coefficient " + Num(v) + " is too large; are the actions normalized?");
    }
    q[i] = static_cast<int64_t>(v);
  }
  return q;
}

std::u32string FastTokenizer::ToText(std::span<const int64_t> quantized) const {
  std::u32string text;
  text.reserve(quantized.size());
  for (int64_t q : quantized) {
    const int64_t cp = std::max<int64_t>(q - k_min_token_, 0);
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ThrowBadCodePoint(static_cast<double>(q), k_min_token_);
    text.push_back(static_cast<char32_t>(cp));
  }
  return text;
}

void FastTokenizer::DoFit(const ActionChunks& normalized, const FitOptions&) {
  if (normalized.count < 1 || normalized.horizon < 1 || normalized.dims < 1 ||
      normalized.values.size() != static_cast<size_t>(normalized.count * normalized.chunk_size())) {
    throw InputError("FAST fit: need at least one chunk with horizon, dims >= 1 and count x horizon x dims values; got " +
                     std::to_string(normalized.count) + " chunks of " + std::to_string(normalized.horizon) + " x " +
                     std::to_string(normalized.dims) + " and " + std::to_string(normalized.values.size()) + " values");
  }
  const int horizon = normalized.horizon;
  const int dims = normalized.dims;
  const DctBasis& basis = DctBasis::ForHorizon(horizon);
  std::vector<double> coeffs(static_cast<size_t>(normalized.chunk_size()));

  // Pass 1: the range of quantized values (recomputing the DCT in pass 2 is cheaper than
  // keeping every coefficient of a large dataset).
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (int64_t i = 0; i < normalized.count; ++i) {
    const auto chunk = normalized.chunk(i);
    CheckFinite(chunk, dims, "fit");
    basis.Forward(chunk, dims, coeffs);
    for (double c : coeffs) {
      const double q = RoundHalfEven(c * k_config_.scale);
      lo = std::min(lo, q);
      hi = std::max(hi, q);
    }
  }
  if (!(std::abs(lo) < kMaxQuantized && std::abs(hi) < kMaxQuantized)) {
    throw InputError("FAST fit: quantized coefficients reach " + Num(std::abs(lo) > std::abs(hi) ? lo : hi) +
                     "; are the actions normalized?");
  }
  const auto range = static_cast<int64_t>(hi - lo);
  if (range > k_config_.vocab_size) {
    throw InputError("FAST fit: vocabulary too small: vocab_size " + std::to_string(k_config_.vocab_size) +
                     " < token range " + std::to_string(range) + " (max_token " + Num(hi) + " - min_token " + Num(lo) +
                     "); raise vocab_size or lower scale");
  }
  if (range + 100 > k_config_.vocab_size) {
    spdlog::warn("FAST fit: token range {} is within 100 of vocab_size {}; few merges will be learned", range,
                 k_config_.vocab_size);
  }
  k_min_token_ = static_cast<int64_t>(lo);

  BpeTrainerOptions options;
  options.vocab_size = k_config_.vocab_size;
  options.min_frequency = k_config_.min_frequency;
  if (k_config_.initial_alphabet) {
    for (int64_t c = 0; c <= range; ++c) options.initial_alphabet.push_back(static_cast<char32_t>(c));
  }
  if (k_config_.byte_alphabet) {
    for (int b = 0; b < 256; ++b) options.initial_alphabet.push_back(ByteToSymbol(static_cast<uint8_t>(b)));
  }
  BpeTrainer trainer(std::move(options));
  std::u32string text;
  std::vector<std::pair<size_t, size_t>> words;
  std::string bytes;
  for (int64_t i = 0; i < normalized.count; ++i) {
    basis.Forward(normalized.chunk(i), dims, coeffs);
    text.clear();
    CoefficientsToText(coeffs, text);
    SplitGpt2Words(text, words);
    for (const auto& [begin, end] : words) {
      bytes.clear();
      for (size_t j = begin; j < end; ++j) AppendUtf8(text[j], bytes);
      trainer.AddWord(bytes);
    }
  }
  k_bpe_ = trainer.Train();
  k_time_horizon_ = horizon;
  k_action_dim_ = dims;
  k_fitted_ = true;
}

TokenIds FastTokenizer::Encode(std::span<const float> chunk, int horizon, int dims) const {
  RequireFitted("Encode");
  CheckShape(chunk.size(), horizon, dims, "encode");
  CheckFinite(chunk, dims, "encode");
  thread_local std::vector<double> coeffs;
  thread_local std::u32string text;
  thread_local std::vector<std::pair<size_t, size_t>> words;
  thread_local std::string bytes;
  coeffs.resize(chunk.size());
  DctBasis::ForHorizon(horizon).Forward(chunk, dims, coeffs);
  text.clear();
  CoefficientsToText(coeffs, text);
  SplitGpt2Words(text, words);
  TokenIds ids;
  ids.reserve(chunk.size());
  for (const auto& [begin, end] : words) {
    bytes.clear();
    for (size_t j = begin; j < end; ++j) AppendUtf8(text[j], bytes);
    k_bpe_.EncodeWord(bytes, ids);
  }
  return ids;
}

Decoded FastTokenizer::Decode(std::span<const int32_t> ids, int horizon, int dims) const {
  Decoded result;
  if (horizon < 1 || dims < 1) {
    result.failure = DecodeFailure::kWrongLength;
    return result;
  }
  const size_t expected = static_cast<size_t>(horizon) * static_cast<size_t>(dims);
  result.actions.assign(expected, 0.0f);
  if (!k_fitted_) {
    result.failure = DecodeFailure::kUnknownId;
    return result;
  }

  thread_local std::string bytes;
  thread_local std::u32string text;
  thread_local std::vector<double> coeffs;
  bytes.clear();
  text.clear();
  bool negative = false;
  bool unknown = false;
  const int32_t size = k_bpe_.size();
  for (int32_t id : ids) {
    if (id >= 0 && id < size) {
      k_bpe_.AppendPieceBytes(id, bytes);
    } else {
      unknown = true;
      negative = negative || id < 0;
    }
  }
  const bool replaced = DecodeUtf8Lossy(bytes, text);
  const char32_t max_code = MaxCode();
  const bool out_of_range = std::any_of(text.begin(), text.end(), [max_code](char32_t c) { return c > max_code; });
  const bool wrong_length = text.size() != expected;

  if (unknown) result.failure = DecodeFailure::kUnknownId;
  else if (replaced) result.failure = DecodeFailure::kInvalidUtf8;
  else if (out_of_range) result.failure = DecodeFailure::kOutOfRange;
  else if (wrong_length) result.failure = DecodeFailure::kWrongLength;

  size_t keep = 0;  // leading coefficients taken from the text; the rest stay zero
  if (negative) {
    keep = 0;  // the reference's id -> u32 conversion raises, and it falls back to zeros
  } else {
    switch (k_policy_) {
      case FailurePolicy::kZeros: keep = wrong_length ? 0 : expected; break;
      case FailurePolicy::kPadTruncate: keep = std::min(text.size(), expected); break;
      case FailurePolicy::kLowpass:
        keep = std::min(text.size() / static_cast<size_t>(dims), static_cast<size_t>(horizon)) * static_cast<size_t>(dims);
        break;
      case FailurePolicy::kStrict: keep = result.failure == DecodeFailure::kNone ? expected : 0; break;
    }
  }
  if (keep == 0) return result;  // the IDCT of zeros is zeros

  coeffs.assign(expected, 0.0);
  const auto min_token = static_cast<double>(k_min_token_);
  for (size_t i = 0; i < keep; ++i) coeffs[i] = (static_cast<double>(text[i]) + min_token) / k_config_.scale;
  DctBasis::ForHorizon(horizon).Inverse(coeffs, dims, std::span<float>(result.actions));
  return result;
}

char32_t FastTokenizer::MaxCode() const {
  return static_cast<char32_t>(std::clamp<int64_t>(k_config_.vocab_size, 0, 0x10FFFF));
}

TokenLayout FastTokenizer::token_layout(int, int) const {
  return {true, 0, 1, {IdRange{0, static_cast<int32_t>(vocab_size())}}};
}

std::unique_ptr<const DecodingConstraint> FastTokenizer::MakeDecodingConstraint(int horizon, int dims,
                                                                                int max_ids) const {
  RequireFitted("MakeDecodingConstraint");
  if (horizon < 1 || dims < 1) {
    throw InputError("FAST constrained decoding: horizon " + std::to_string(horizon) + " x dims " +
                     std::to_string(dims) + " is not a chunk shape");
  }
  return std::make_unique<FastConstraint>(k_bpe_, horizon * dims, MaxCode(), max_ids);
}

nlohmann::json FastTokenizer::Save(const std::filesystem::path& dir) const {
  RequireFitted("Save");
  ProcessorConfig processor;
  processor.scale = k_config_.scale;
  processor.vocab_size = k_config_.vocab_size;
  processor.min_token = k_min_token_;
  processor.time_horizon = k_time_horizon_;
  processor.action_dim = k_action_dim_;
  WriteFileAtomic(dir / kTokenizerFile, HfTokenizerJsonText(k_bpe_));
  WriteFileAtomic(dir / kProcessorFile, ProcessorConfigText(processor));
  WriteFileAtomic(dir / kTokenizerConfigFile, TokenizerConfigText());

  nlohmann::json manifest;
  manifest["type"] = type();
  manifest["scale"] = k_config_.scale;
  manifest["vocab_size"] = k_config_.vocab_size;
  manifest["bpe_vocab_size"] = k_bpe_.size();
  manifest["num_merges"] = k_bpe_.merges().size();
  manifest["min_token"] = k_min_token_;
  manifest["min_frequency"] = k_config_.min_frequency;
  manifest["initial_alphabet"] = k_config_.initial_alphabet;
  manifest["byte_alphabet"] = k_config_.byte_alphabet;
  manifest["failure_policy"] = k_config_.failure_policy;
  manifest["time_horizon"] = k_time_horizon_ ? nlohmann::json(*k_time_horizon_) : nlohmann::json(nullptr);
  manifest["action_dim"] = k_action_dim_ ? nlohmann::json(*k_action_dim_) : nlohmann::json(nullptr);
  manifest["files"] = {kTokenizerFile, kProcessorFile, kTokenizerConfigFile};
  return manifest;
}

}  // namespace fb::tokenizers
