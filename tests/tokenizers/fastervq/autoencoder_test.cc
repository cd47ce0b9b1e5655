#include "tokenizers/fastervq/autoencoder.h"

#include <gtest/gtest.h>

#include "tests/tokenizers/fastervq/test_support.h"

namespace fb::tokenizers {
namespace {

TEST(AutoencoderTest, EveryArchitectureMapsImagesToOneCodeVectorPerPositionAndBack) {
  const ActionImageLayout layout(20, 14, 10, {});  // 2 time groups x 14 dim groups (one per dim)
  for (const char* architecture : {"hybrid", "conv", "transformer"}) {
    auto config = testing::TinyConfig();
    config.architecture = architecture;
    ActionAutoencoder model(config, layout);
    const auto images = torch::randn({5, layout.padded_horizon(), layout.image_columns()});
    const auto z = model->Encode(images);
    EXPECT_EQ(z.sizes(), (std::vector<int64_t>{5, 28, config.code_dim})) << architecture;
    EXPECT_EQ(model->Decode(z).sizes(), images.sizes()) << architecture;
    // A token depends on its own patch; with attention it also sees the others.
    auto changed = images.clone();
    changed[0][0][0] += 1.0;  // time group 0, dim group 0
    const auto delta = (model->Encode(changed) - z)[0].abs().sum(1);
    EXPECT_GT(delta[0].item<double>(), 0.0) << architecture;
    if (std::string(architecture) == "conv") {
      EXPECT_EQ(delta[7].item<double>(), 0.0) << "conv has no cross-token mixing";
    } else {
      EXPECT_GT(delta[7].item<double>(), 0.0) << architecture;
    }
  }
}

}  // namespace
}  // namespace fb::tokenizers
