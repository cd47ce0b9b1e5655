#include "policies/vla/action_token_layout.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/config/schema.h"
#include "core/error.h"
#include "policies/vla/vla_config.h"
#include "tokenizers/registry.h"

namespace fb::policies {
namespace {

using ::testing::HasSubstr;

// A tokenizer type policies/ has never heard of: each dim as a coarse id (0..3) then a
// fine id (4..7), the coarse ids of all dims in one block and the fine ids in the next.
// Only its token_layout tells a policy so.
class CoarseFineTokenizer final : public tokenizers::ActionTokenizer {
 public:
  std::string type() const override { return "coarse_fine"; }
  int64_t vocab_size() const override { return 8; }
  tokenizers::TokenIds Encode(std::span<const float> chunk, int, int dims) const override {
    tokenizers::TokenIds ids(2 * static_cast<size_t>(dims));
    for (int d = 0; d < dims; ++d) {
      const int level = static_cast<int>((chunk[static_cast<size_t>(d)] + 1.0f) * 7.99f);  // 0..15
      ids[static_cast<size_t>(d)] = level / 4;
      ids[static_cast<size_t>(dims + d)] = 4 + level % 4;
    }
    return ids;
  }
  tokenizers::Decoded Decode(std::span<const int32_t> ids, int horizon, int dims) const override {
    tokenizers::Decoded out;
    out.actions.assign(static_cast<size_t>(horizon) * static_cast<size_t>(dims), 0.0f);
    if (ids.size() != 2 * static_cast<size_t>(dims)) out.failure = tokenizers::DecodeFailure::kWrongLength;
    return out;
  }
  tokenizers::TokenLayout token_layout(int, int dims) const override {
    tokenizers::TokenLayout layout{false, 2 * dims, dims, {}};
    layout.slots.insert(layout.slots.end(), static_cast<size_t>(dims), tokenizers::IdRange{0, 4});
    layout.slots.insert(layout.slots.end(), static_cast<size_t>(dims), tokenizers::IdRange{4, 8});
    return layout;
  }
  nlohmann::json Save(const std::filesystem::path&) const override { return nlohmann::json::object(); }

 private:
  void DoFit(const ActionChunks&, const tokenizers::FitOptions&) override {}
};

tokenizers::TokenizerPackage Package(std::shared_ptr<const tokenizers::ActionTokenizer> tokenizer) {
  tokenizers::TokenizerPackage package;
  package.tokenizer = std::move(tokenizer);
  return package;
}

TEST(ActionTokenLayoutTest, ANewTokenizerTypeIsLaidOutFromItsOwnTokenLayout) {
  const auto package = Package(std::make_shared<CoarseFineTokenizer>());
  const ActionTokenLayout layout(package, /*horizon=*/1, /*dims=*/3, /*block_size=*/0, /*max_action_tokens=*/64);
  EXPECT_FALSE(layout.variable_length());
  EXPECT_EQ(layout.sequence_length(), 6);
  EXPECT_EQ(layout.block_size(), 3);  // the tokenizer's natural block
  EXPECT_EQ(layout.blocks(), 2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(layout.allowed(i), (std::pair<int32_t, int32_t>{0, 4})) << i;
  for (int i = 3; i < 6; ++i) EXPECT_EQ(layout.allowed(i), (std::pair<int32_t, int32_t>{4, 8})) << i;
  EXPECT_EQ(layout.block_start_token(), 9);

  std::vector<int64_t> inputs, targets;
  const auto ids = package.tokenizer->Encode(std::vector<float>{-1.0f, 0.0f, 0.99f}, 1, 3);
  ASSERT_TRUE(layout.MakeTrainingPair(ids, inputs, targets));
  EXPECT_EQ(inputs, (std::vector<int64_t>{9, 9, 9, ids[0], ids[1], ids[2]}));

  // Its constrained decoding is the default slot grammar, built from the same layout.
  const auto constraint = package.tokenizer->MakeDecodingConstraint(1, 3, 64);
  std::vector<int32_t> allowed;
  tokenizers::ConstraintState state = constraint->Start();
  for (int i = 0; i < 6; ++i) {
    constraint->Allowed(state, allowed);
    const auto [first, last] = layout.allowed(i);
    EXPECT_EQ(allowed.front(), first);
    EXPECT_EQ(allowed.back(), last - 1);
    state = constraint->Advance(state, allowed.front());
  }
  EXPECT_TRUE(constraint->EndAllowed(state));

  // A block size that does not divide the sequence is a clear error naming the type.
  EXPECT_THAT([&] { ActionTokenLayout(package, 1, 3, 4, 64); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("6 action tokens of a coarse_fine chunk")));
}

TEST(ActionTokenLayoutTest, BinningIsFixedAndFastIsVariableWithAnEndToken) {
  const auto binning = Package(tokenizers::FindTokenizer("binning").create({}));
  const ActionTokenLayout fixed(binning, 4, 7, 0, 64);
  EXPECT_FALSE(fixed.variable_length());
  EXPECT_EQ(fixed.sequence_length(), 28);
  EXPECT_EQ(fixed.block_size(), 1);
  EXPECT_EQ(fixed.allowed(27), (std::pair<int32_t, int32_t>{0, 256}));

  auto fitted = tokenizers::FindTokenizer("fast").create({});
  fitted->Fit(ActionChunks::Zeros(4, 4, 7));
  const auto fast = Package(std::move(fitted));
  const ActionTokenLayout variable(fast, 4, 7, 0, 64);
  EXPECT_EQ(variable.end_token(), fast.tokenizer->vocab_size());
  EXPECT_TRUE(variable.variable_length());
  EXPECT_EQ(variable.sequence_length(), 65);  // the end token included
  EXPECT_EQ(variable.block_size(), 1);
  EXPECT_EQ(variable.allowed(64), (std::pair<int32_t, int32_t>{0, variable.end_token() + 1}));
}

TEST(VlaConfigTest, TheTokenizerTypeIsAnyRegisteredOne) {
  for (const auto& type : tokenizers::TokenizerTypes()) {
    VlaTokenizerConfig config;
    EXPECT_NO_THROW(config::Apply(config::FromAssignment("type=" + type), config)) << type;
    EXPECT_EQ(config.type, type);
  }
  VlaTokenizerConfig config;
  EXPECT_THAT([&] { config::Apply(config::FromAssignment("type=fastervqq"), config); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("did you mean 'fastervq'?")));
  VlaPolicyParams params;
  EXPECT_THAT([&] { config::Apply(config::FromAssignment("decoding=constraint"), params); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("did you mean 'constrained'?")));
}

}  // namespace
}  // namespace fb::policies
