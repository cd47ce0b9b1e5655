#include "tokenizers/action_tokenizer.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::tokenizers {

const char* DecodeFailureName(DecodeFailure failure) {
  switch (failure) {
    case DecodeFailure::kNone: return "none";
    case DecodeFailure::kUnknownId: return "unknown_id";
    case DecodeFailure::kInvalidUtf8: return "invalid_utf8";
    case DecodeFailure::kOutOfRange: return "out_of_range";
    case DecodeFailure::kWrongLength: return "wrong_length";
  }
  return "unknown";
}

std::unique_ptr<const DecodingConstraint> ActionTokenizer::MakeDecodingConstraint(int horizon, int dims, int) const {
  TokenLayout layout = token_layout(horizon, dims);
  if (layout.variable_length) {
    throw InputError("the " + type() + " tokenizer has variable-length sequences but defines no decoding constraint");
  }
  return std::make_unique<SlotConstraint>(std::move(layout));
}

nlohmann::json ActionTokenizer::AnalyzeCodes(const ActionChunks&) const { return nullptr; }

std::vector<TokenIds> ActionTokenizer::EncodeBatch(const ActionChunks& chunks) const {
  std::vector<TokenIds> out(static_cast<size_t>(chunks.count));
  for (int64_t i = 0; i < chunks.count; ++i) out[i] = Encode(chunks.chunk(i), chunks.horizon, chunks.dims);
  return out;
}

std::vector<Decoded> ActionTokenizer::DecodeBatch(const std::vector<TokenIds>& ids, int horizon, int dims) const {
  std::vector<Decoded> out(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) out[i] = Decode(ids[i], horizon, dims);
  return out;
}

}  // namespace fb::tokenizers
