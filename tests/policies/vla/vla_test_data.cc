#include "tests/policies/vla/vla_test_data.h"

#include <cmath>
#include <vector>

#include "core/config/document.h"
#include "core/data/hdf5_demo_writer.h"
#include "envs/object_state.h"

namespace fb::policies::testing {
namespace fs = std::filesystem;

fs::path WriteTinyDemos(const fs::path& dir, const TinyDemoOptions& options) {
  const int demos = options.demos, steps = options.steps;
  fs::create_directories(dir);
  const fs::path path = dir / "tiny_demo.hdf5";
  data::Hdf5DemoWriter writer(path);
  writer.SetActionLabels("panda", "delta_eef");
  const int64_t frame = kImageSize * kImageSize * 3;
  for (int n = 0; n < demos; ++n) {
    std::vector<float> actions, pos, ori, gripper, object, states;
    std::vector<uint8_t> agent(static_cast<size_t>(steps * frame)), wrist(static_cast<size_t>(steps * frame));
    for (int t = 0; t < steps; ++t) {
      for (int d = 0; d < 7; ++d) {
        actions.push_back(d == 6 ? (t < steps / 2 ? -1.0f : 1.0f)
                                 : 0.5f * std::sin(0.3f * static_cast<float>(t) + static_cast<float>(n + d)));
      }
      for (int k = 0; k < 3; ++k) pos.push_back(0.1f * static_cast<float>(n + k) + 0.01f * static_cast<float>(t));
      for (int k = 0; k < 3; ++k) ori.push_back(0.05f * static_cast<float>(k));
      gripper.insert(gripper.end(), {0.04f, 0.04f});
      object.insert(object.end(), {kObjectCell * static_cast<float>(n % 4), kObjectCell * static_cast<float>((t / 3) % 4),
                                   0.8f});
      // Sorted by kind: the block (the square), then the plate; identity orientation, no joint.
      states.insert(states.end(), object.end() - 3, object.end());
      states.insert(states.end(), {1, 0, 0, 0, 0});
      states.insert(states.end(), {0.1f, 0.15f, 0.8f, 1, 0, 0, 0, 0});
      for (int64_t i = 0; i < frame; ++i) {  // a bright square whose place encodes the demo
        const int64_t pixel = i / 3, row = pixel / kImageSize, column = pixel % kImageSize;
        const bool lit = row / 4 == n % 4 && column / 4 == (t / 3) % 4;
        agent[static_cast<size_t>(t * frame + i)] = lit ? 250 : static_cast<uint8_t>(20 + 10 * (i % 3));
        wrist[static_cast<size_t>(t * frame + i)] = static_cast<uint8_t>(40 * n + t);
      }
    }
    const std::string group = writer.WriteDemoActions(n, steps, 7, actions);
    writer.SetAttribute(group, "instruction", n % 2 == 0 ? "put the red block on the plate" : "put the blue block in the bowl");
    if (options.chunk_labels > 0) {
      const std::vector<float> chunks(static_cast<size_t>(steps * options.chunk_labels * 7), 0.25f);
      writer.WriteFloatDataset(group + "/action_chunks", std::vector<int64_t>{steps, options.chunk_labels, 7},
                               std::span<const float>(chunks));
    }
    if (options.images) {
      writer.WriteImageDataset(group + "/obs/agentview_rgb", steps, kImageSize, kImageSize, agent);
      writer.WriteImageDataset(group + "/obs/eye_in_hand_rgb", steps, kImageSize, kImageSize, wrist);
    }
    writer.WriteFloatDataset(group + "/obs/ee_pos", std::vector<int64_t>{steps, 3}, std::span<const float>(pos));
    writer.WriteFloatDataset(group + "/obs/ee_ori", std::vector<int64_t>{steps, 3}, std::span<const float>(ori));
    writer.WriteFloatDataset(group + "/obs/gripper_states", std::vector<int64_t>{steps, 2}, std::span<const float>(gripper));
    if (options.object_positions) {
      writer.WriteFloatDataset(group + "/obs/object_pos", std::vector<int64_t>{steps, 3}, std::span<const float>(object));
    }
    if (options.object_states) {
      const std::string path = group + "/obs/object_states";
      writer.WriteFloatDataset(path, std::vector<int64_t>{steps, 2, envs::kObjectStateValues},
                               std::span<const float>(states));
      writer.SetAttribute(path, "objects", R"(["red_block", "plate"])");
      writer.SetAttribute(path, "kinds", R"(["block", "plate"])");
      writer.SetAttribute(path, "colours", R"(["red", "white"])");
    }
  }
  writer.Commit();
  return path;
}

VlaTrainConfig TinyTrainConfig(const std::string& policy, const fs::path& demos, const fs::path& out) {
  VlaTrainConfig c;
  c.policy = policy;
  c.demos = {demos.string()};
  c.horizon = 4;
  c.val_fraction = 0;
  c.tokenizer.type = policy == "fastervla" ? "fastervq" : policy == "fast_ar" ? "fast" : "binning";
  if (c.tokenizer.type == "fastervq") {
    const auto doc = config::FromAssignment(
        "params={dim_groups: [[0, 1, 2], [3, 4, 5], [6]], architecture: transformer, time_patch: 4, width: 32, "
        "heads: 2, layers: 1, codebook_size: 16, code_dim: 8, steps: 60, vq_warmup_steps: 20, batch_size: 16, "
        "warmup_steps: 5, checkpoint_every: 0}");
    c.tokenizer.params.layers.push_back({doc.root["params"], doc, "tokenizer.params"});
  } else if (c.tokenizer.type == "fast") {
    const auto doc = config::FromAssignment("params={vocab_size: 300}");
    c.tokenizer.params.layers.push_back({doc.root["params"], doc, "tokenizer.params"});
  }
  auto& m = c.model;
  m.image_size = kImageSize;
  m.image_grid = 2;
  m.keypoints = 4;
  m.conv_channels = 4;
  m.width = 32;
  m.heads = 2;
  m.layers = 1;
  m.max_words = 8;
  m.action_expert = policy == "fastervla";
  m.expert_width = 32;
  m.block_size = 0;
  m.position_gap_jitter = policy == "fastervla";
  m.max_action_tokens = 40;
  c.steps = policy == "fastervla" ? 1800 : 600;  // jittered positions make fastervla's loss noisier
  c.batch_size = 16;
  c.lr = 5e-3;
  c.weight_decay = 0;
  c.warmup_steps = 10;
  c.grad_clip = 1.0;
  c.checkpoint_every = 100;
  c.validate_every = 0;
  c.seed = 3;
  c.out = out.string();
  return c;
}

config::Subtree CheckpointParams(const fs::path& checkpoint) {
  config::Subtree params;
  const auto doc = config::FromAssignment("params.checkpoint=" + checkpoint.string());
  params.layers.push_back({doc.root["params"], doc, "policy.params"});
  return params;
}

}  // namespace fb::policies::testing
